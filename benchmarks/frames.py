#!/usr/bin/env python
"""Frame classifier on the held-out split: per-frame F1, micro- and macro-F1.

    python benchmarks/frames.py                       # train on data/train, score on data/test
    python benchmarks/frames.py --params '{"C": 4}'   # try other FrameClassifier parameters
    python benchmarks/frames.py --ablation            # a few variants side by side

Sentences are deduplicated (the frame is a property of the sentence); figures go to
benchmarks/RESULTS.md, section "Framing".
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
from classifier.frames import FrameClassifier, frame_examples, score_frames  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", default=str(ROOT / "data" / "train"))
    parser.add_argument("--test", default=str(ROOT / "data" / "test"))
    parser.add_argument("--params", default="{}")
    parser.add_argument("--ablation", action="store_true")
    args = parser.parse_args()
    train, _ = frame_examples(read_labeled([args.train]))
    test, _ = frame_examples(read_labeled([args.test]))
    test_sentences = {e.sentence for e in test}
    overlap = sum(1 for e in train if e.sentence in test_sentences)
    print(f"train: {len(train)} sentences {dict(Counter(e.lang for e in train))}; "
          f"test: {len(test)} sentences {dict(Counter(e.lang for e in test))}; overlap {overlap}")
    variants = {"default": json.loads(args.params)}
    if args.ablation:
        variants.update({
            "no lexicon": {"use_cues": False},
            "global threshold 0.35": {"threshold": 0.35},
            "words only": {"char_ngrams": None},
            "C=2": {"C": 2.0},
            "C=32": {"C": 32.0},
            "lexicon x2": {"cue_weight": 2.0},
        })
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
