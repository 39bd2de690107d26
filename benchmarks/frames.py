#!/usr/bin/env python
"""Frame classifier on the held-out split: per-frame F1, micro- and macro-F1.

    python benchmarks/frames.py                       # train on data/train, score on data/test
    python benchmarks/frames.py --params '{"C": 4}'   # other FrameClassifier parameters (also the base of --tune)
    python benchmarks/frames.py --ablation            # a few variants side by side
    python benchmarks/frames.py --speed               # what framing adds to `stance classify` (default model)
    python benchmarks/frames.py --article             # the real seed article, whole text as context (default model)
    python benchmarks/frames.py --tune                # choose C, context weight, threshold by CV on data/train
    python benchmarks/frames.py --tune --tune-auto    # ... and score per-frame thresholds ("auto") at the choice

Sentences are deduplicated (the frame is a property of the sentence); the document context of a
sentence is its source document's sentences. Figures go to benchmarks/RESULTS.md, section "Framing".

Hyper-parameters are chosen with ``--tune`` only: grouped cross-validation on the training split
(groups = source documents, 5 folds, seeded), which never reads the held-out split. The held-out
split is for reporting; nothing is selected by looking at it.
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


# --tune: the grid searched by grouped cross-validation on data/train (the threshold needs no refit:
# each fold's probabilities are thresholded at every grid value).
TUNE_GRID = {
    "C": (2.0, 4.0, 8.0, 16.0, 32.0),
    "context_weight": (0.0, 0.4, 0.8, 1.2, 1.6),
    "threshold": (0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60),
}
TUNE_FOLDS = 5
TUNE_SEED = 13


def _refuse_held_out(spec: str | Path, held_out: Path = ROOT / "data" / "test") -> None:
    """Tuning must never read the held-out split: refuse any training spec inside (or containing) it."""
    spec, held_out = Path(spec).resolve(), held_out.resolve()
    if spec == held_out or held_out in spec.parents or spec in held_out.parents:
        raise SystemExit(f"--tune refuses {spec}: it is (or contains) the held-out split {held_out}")


def tune(train_spec: str | Path, base: dict, folds: int = TUNE_FOLDS, seed: int = TUNE_SEED,
         grid: dict = TUNE_GRID, check_auto: bool = False) -> dict:
    """Grouped K-fold CV on the training split over ``grid``; selects by mean micro-F1 over folds
    (ties: mean macro-F1). Returns every grid point's scores and the selected one.

    ``check_auto``: also score per-frame thresholds tuned by internal CV (``threshold="auto"``) at the
    selected C and context weight, on the same folds (3× the fit time, so not over the whole grid)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    _refuse_held_out(train_spec)
    train, _ = frame_examples(read_labeled([train_spec]))
    groups = [e.source or e.sentence for e in train]
    splits = list(GroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(train, groups=groups))
    print(f"tuning on {train_spec}: {len(train)} sentences, {len(set(groups))} source documents, "
          f"{folds} grouped folds (seed {seed}); base params {base}", flush=True)
    scores: dict[tuple, list] = {}
    for C in grid["C"]:
        for weight in grid["context_weight"]:
            started = time.perf_counter()
            for train_idx, test_idx in splits:
                fold_train = [train[i] for i in train_idx]
                fold_test = [train[i] for i in test_idx]
                model = FrameClassifier(**{**base, "C": C, "context_weight": weight, "threshold": 0.5})
                model.fit(fold_train, [e.frames for e in fold_train], groups=[groups[i] for i in train_idx])
                proba = model.predict_proba(fold_test)
                gold = [e.frames for e in fold_test]
                for threshold in grid["threshold"]:
                    model.thresholds_ = np.full(len(model.classes_), float(threshold))
                    fold = score_frames(gold, model.decide(proba), model.classes_)
                    scores.setdefault((C, weight, threshold), []).append((fold["micro_f1"], fold["macro_f1"] or 0.0))
            print(f"  C={C:g} context_weight={weight:g}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    rows = []
    for (C, weight, threshold), per_fold in scores.items():
        micro, macro = np.asarray(per_fold).T
        rows.append({"C": C, "context_weight": weight, "threshold": threshold,
                     "micro_f1_mean": round(float(micro.mean()), 4), "micro_f1_std": round(float(micro.std()), 4),
                     "macro_f1_mean": round(float(macro.mean()), 4), "macro_f1_std": round(float(macro.std()), 4)})
    best = max(rows, key=lambda r: (r["micro_f1_mean"], r["macro_f1_mean"]))
    auto = None
    if check_auto:
        per_fold = []
        for train_idx, test_idx in splits:
            fold_train = [train[i] for i in train_idx]
            fold_test = [train[i] for i in test_idx]
            model = FrameClassifier(**{**base, "C": best["C"], "context_weight": best["context_weight"],
                                       "threshold": "auto"})
            model.fit(fold_train, [e.frames for e in fold_train], groups=[groups[i] for i in train_idx])
            fold = score_frames([e.frames for e in fold_test], model.predict(fold_test), model.classes_)
            per_fold.append((fold["micro_f1"], fold["macro_f1"] or 0.0))
        micro, macro = np.asarray(per_fold).T
        auto = {"C": best["C"], "context_weight": best["context_weight"], "threshold": "auto",
                "micro_f1_mean": round(float(micro.mean()), 4), "micro_f1_std": round(float(micro.std()), 4),
                "macro_f1_mean": round(float(macro.mean()), 4), "macro_f1_std": round(float(macro.std()), 4)}
    return {"folds": folds, "seed": seed, "grouped_by": "source", "sentences": len(train), "base": base,
            "grid": {k: list(v) for k, v in grid.items()}, "selected_by": "mean micro-F1 (ties: mean macro-F1)",
            "rows": rows, "best": best, "auto": auto}


def print_tuning(result: dict) -> None:
    rows, best = result["rows"], result["best"]
    print(f"\n## grouped {result['folds']}-fold CV on train, best threshold per (C, context weight) "
          f"[selected by {result['selected_by']}]")
    print("| C | context weight | best threshold | micro-F1 | macro-F1 |\n| ---: | ---: | ---: | ---: | ---: |")
    for C in result["grid"]["C"]:
        for weight in result["grid"]["context_weight"]:
            cell = max((r for r in rows if r["C"] == C and r["context_weight"] == weight),
                       key=lambda r: (r["micro_f1_mean"], r["macro_f1_mean"]))
            print(f"| {C:g} | {weight:g} | {cell['threshold']:.2f} | {cell['micro_f1_mean']:.3f} ± "
                  f"{cell['micro_f1_std']:.3f} | {cell['macro_f1_mean']:.3f} ± {cell['macro_f1_std']:.3f} |")
    print(f"\n## threshold at C={best['C']:g}, context weight {best['context_weight']:g}")
    print("| threshold | micro-F1 | macro-F1 |\n| ---: | ---: | ---: |")
    for r in rows:
        if r["C"] == best["C"] and r["context_weight"] == best["context_weight"]:
            print(f"| {r['threshold']:.2f} | {r['micro_f1_mean']:.3f} ± {r['micro_f1_std']:.3f} | "
                  f"{r['macro_f1_mean']:.3f} ± {r['macro_f1_std']:.3f} |")
    print(f"\nselected: C={best['C']:g} context_weight={best['context_weight']:g} threshold={best['threshold']:.2f} "
          f"-> CV micro-F1 {best['micro_f1_mean']:.3f} ± {best['micro_f1_std']:.3f}, "
          f"macro-F1 {best['macro_f1_mean']:.3f} ± {best['macro_f1_std']:.3f}")
    if result.get("auto"):
        auto = result["auto"]
        print(f"same C and context weight, per-frame thresholds by internal CV (threshold='auto'): "
              f"micro-F1 {auto['micro_f1_mean']:.3f} ± {auto['micro_f1_std']:.3f}, "
              f"macro-F1 {auto['macro_f1_mean']:.3f} ± {auto['macro_f1_std']:.3f}")


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
    parser.add_argument("--tune", action="store_true",
                        help="choose C, context weight and threshold by grouped CV on --train only (never reads --test)")
    parser.add_argument("--tune-json", help="with --tune: also write every grid point's scores to this JSON file")
    parser.add_argument("--tune-auto", action="store_true",
                        help="with --tune: also score threshold='auto' at the selected C and context weight")
    args = parser.parse_args()
    if args.tune:
        result = tune(args.train, json.loads(args.params), check_auto=args.tune_auto)
        print_tuning(result)
        if args.tune_json:
            Path(args.tune_json).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        return
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
        # what each component brings, measured for reporting only; C, the context weight and the
        # threshold are not varied here: they are chosen by --tune (CV on train), never on this split
        variants.update({
            "no document context": {"context_weight": 0.0},
            "no lexicon": {"use_cues": False},
            "words only": {"char_ngrams": None},
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
