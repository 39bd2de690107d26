#!/usr/bin/env python
"""Frame classifier on the held-out split: per-frame F1, micro- and macro-F1.

    python benchmarks/frames.py                       # train on data/train, score on data/test
    python benchmarks/frames.py --params '{"C": 4}'   # try other FrameClassifier parameters
    python benchmarks/frames.py --ablation            # a few variants side by side
    python benchmarks/frames.py --speed               # what framing adds to `stance classify` (default model)
    python benchmarks/frames.py --article             # the real seed article, whole text as context (default model)

Sentences are deduplicated (the frame is a property of the sentence); the document context of a
sentence is its source document's sentences. Figures go to benchmarks/RESULTS.md, section "Framing".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.data import read_labeled  # noqa: E402
from classifier.frames import FrameClassifier, cross_validate_frames, frame_examples, score_frames  # noqa: E402


def run(params: dict, train, test) -> dict:
    model = FrameClassifier(**params)
    started = time.perf_counter()
    model.fit(train, [e.frames for e in train], groups=[e.source or e.sentence for e in train])
    fit_seconds = time.perf_counter() - started
    report = score_frames([e.frames for e in test], model.predict(test), model.classes_)
    report["fit_seconds"] = round(fit_seconds, 1)
    for lang in sorted({e.lang for e in test}):
        subset = [e for e in test if e.lang == lang]
        sub = score_frames([e.frames for e in subset], model.predict(subset), model.classes_)
        report[f"lang_{lang}"] = {"n": sub["n_sentences"], "micro_f1": sub["micro_f1"], "macro_f1": sub["macro_f1"]}
    return report


def speed(repeats: int = 7) -> None:
    """Median time of each step framing adds to one `stance classify` of the seed article (warm imports)."""
    import statistics

    from classifier.analysis import StanceAnalyzer, find_sources, quoted_sources
    from classifier.frames import load_companion
    from classifier.model import read_card
    from classifier.paths import default_model_path
    from classifier.registry import resolve_model

    resolve_model(None)
    path = default_model_path()
    text = (ROOT / "seeds" / "2026-02-04-afp-poutine-xi.txt").read_text(encoding="utf-8")
    analyzer = StanceAnalyzer.load()
    plain = StanceAnalyzer(analyzer.model, analyzer.actors, {}, None)
    steps = {"load frame companion (verify + unpickle)": lambda: load_companion(path, read_card(path)),
             "analyze without frames": lambda: plain.analyze(text),
             "analyze with frames (default)": lambda: analyzer.analyze(text),
             "analyze with frames and --report": lambda: analyzer.analyze(text, report=True)}
    result = analyzer.analyze(text)
    steps["sources + quoted sources alone"] = lambda: (find_sources(result.sentences), quoted_sources(result.sentences))
    for name, step in steps.items():
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        print(f"{name}: {1000 * statistics.median(times):.1f} ms (median of {repeats})")


def seed_article() -> None:
    """The labeled AFP seed article (data/test/fr-seed.jsonl): frames as `stance classify` predicts them
    (the whole article as context) and with each sentence as its own context."""
    from classifier.frames import load_companion
    from classifier.model import read_card
    from classifier.paths import default_model_path
    from classifier.registry import resolve_model

    resolve_model(None)
    path = default_model_path()
    model, _ = load_companion(path, read_card(path))
    examples, _ = frame_examples(read_labeled([ROOT / "data" / "test" / "fr-seed.jsonl"]))
    article = (ROOT / "seeds" / "2026-02-04-afp-poutine-xi.txt").read_text(encoding="utf-8")
    gold = [e.frames for e in examples]
    for name, contexts in (("whole article as context", [article] * len(examples)),
                           ("no context", [e.sentence for e in examples])):
        report = score_frames(gold, model.predict(examples, contexts=contexts), model.classes_)
        print(f"seed article ({len(examples)} sentences), {name}: micro-F1 {report['micro_f1']:.3f}  "
              f"macro-F1 {report['macro_f1']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", default=str(ROOT / "data" / "train"))
    parser.add_argument("--test", default=str(ROOT / "data" / "test"))
    parser.add_argument("--params", default="{}")
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--speed", action="store_true", help="time what framing adds to classifying the seed article")
    parser.add_argument("--article", action="store_true",
                        help="score the default model on the labeled seed article with the whole article as context")
    parser.add_argument("--cv", type=int, default=0, help="also cross-validate the default on train (grouped by document)")
    args = parser.parse_args()
    if args.speed:
        speed()
        return
    if args.article:
        seed_article()
        return
    train, _ = frame_examples(read_labeled([args.train]))
    test, _ = frame_examples(read_labeled([args.test]))
    test_sentences = {e.sentence for e in test}
    overlap = sum(1 for e in train if e.sentence in test_sentences)
    print(f"train: {len(train)} sentences {dict(Counter(e.lang for e in train))}; "
          f"test: {len(test)} sentences {dict(Counter(e.lang for e in test))}; overlap {overlap}")
    if args.cv:
        cv = cross_validate_frames(FrameClassifier(**json.loads(args.params)), train, args.cv, seed=13)
        print(f"\n## {args.cv}-fold cross-validation on train (grouped by {cv['grouped_by']}): "
              f"micro-F1 {cv['micro_f1_mean']:.3f} ± {cv['micro_f1_std']:.3f}  "
              f"macro-F1 {cv['macro_f1_mean']:.3f} ± {cv['macro_f1_std']:.3f}")
    variants = {"default": json.loads(args.params)}
    if args.ablation:
        variants.update({
            "no document context": {"context_weight": 0.0},
            "context weight 0.5": {"context_weight": 0.5},
            "context weight 1.2": {"context_weight": 1.2},
            "no lexicon": {"use_cues": False},
            "global threshold 0.35": {"threshold": 0.35},
            "words only": {"char_ngrams": None},
            "C=2": {"C": 2.0},
            "C=32": {"C": 32.0},
            "lexicon x2": {"cue_weight": 2.0},
        })
    # reference: every test sentence gets the two most frequent training frames
    top2 = tuple(f for f, _ in Counter(f for e in train for f in e.frames).most_common(2))
    base = score_frames([e.frames for e in test], [top2] * len(test))
    print(f"\n## baseline (two most frequent frames {top2}): micro-F1 {base['micro_f1']:.3f}  "
          f"macro-F1 {base['macro_f1']:.3f}")
    for name, params in variants.items():
        report = run(params, train, test)
        print(f"\n## {name} {params}: micro-F1 {report['micro_f1']:.3f}  macro-F1 {report['macro_f1']:.3f}  "
              f"exact {report['exact_match']:.3f}  (fit {report['fit_seconds']} s)  "
              + "  ".join(f"{k}: {v}" for k, v in report.items() if k.startswith("lang_")))
        if name == "default":
            print("| frame | precision | recall | F1 | support |\n| --- | ---: | ---: | ---: | ---: |")
            for frame, row in report["per_frame"].items():
                print(f"| {frame} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")


if __name__ == "__main__":
    main()
