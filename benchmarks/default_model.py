#!/usr/bin/env python
"""The default model on the in-house corpus: settings chosen by CV on data/train, then held-out once.

    python benchmarks/default_model.py                 # CV of the candidate settings + held-out of the default
    python benchmarks/default_model.py --configs default,words --folds 5

Cross-validation is grouped by source document (no document in two folds) and seeded; it reads only
data/train. The held-out split data/test is scored once, for the `default` preset only, per language.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from classifier.data import read_labeled
from classifier.evaluation import evaluate
from classifier.model import PRESETS, StanceClassifier
from classifier.training import DEFAULT_SEED, cross_validate_model

ROOT = Path(__file__).resolve().parent.parent

CANDIDATES = {
    "estimator-defaults": {},
    "default": PRESETS["default"],
    "words": {**PRESETS["default"], "use_mention": True},
    "no-mention": {**PRESETS["default"], "use_mention": False},
    "newsmtsc": PRESETS["newsmtsc"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", default="estimator-defaults,default,words")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-heldout", action="store_true")
    args = parser.parse_args()
    train = read_labeled([ROOT / "data" / "train"])
    print(f"data/train: {len(train)} targets")
    print("| settings | CV macro-F1 (mean ± sd) | CV accuracy | seconds |")
    print("| --- | ---: | ---: | ---: |")
    for name in args.configs.split(","):
        started = time.perf_counter()
        cv = cross_validate_model(StanceClassifier(random_state=DEFAULT_SEED, **CANDIDATES[name]), train,
                                  args.folds, DEFAULT_SEED)
        print(f"| {name} | {cv['macro_f1_mean']:.3f} ± {cv['macro_f1_std']:.3f} | {cv['accuracy_mean']:.3f} | "
              f"{time.perf_counter() - started:.0f} |", flush=True)
    if args.no_heldout:
        return
    test = read_labeled([ROOT / "data" / "test"])
    model = StanceClassifier(random_state=DEFAULT_SEED, **PRESETS["default"]).fit(
        [t.target for t in train], [t.stance for t in train])
    report = evaluate(model, test)
    print(f"\nheld-out data/test ({report['n']} targets), default preset: macro-F1 {report['macro_f1']:.3f}, "
          f"accuracy {report['accuracy']:.3f}")
    for lang, row in report["per_language"].items():
        print(f"  {lang}: n={row['n']} macro-F1 {row['macro_f1']:.3f} accuracy {row['accuracy']:.3f}")
    for label, row in report["per_class"].items():
        print(f"  {label}: P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f}")


if __name__ == "__main__":
    main()
