#!/usr/bin/env python
"""The default model on the in-house corpus: settings chosen by CV on data/train, then held-out once.

    python benchmarks/default_model.py                 # CV of the candidate settings + held-out of the default
    python benchmarks/default_model.py --configs default,words --folds 5 --seed 13 --no-heldout

Cross-validation is grouped by source document (no document in two folds) and seeded; it reads only
data/train; each setting is scored per language (French, English) and overall, mean ± sd over the folds.
The held-out split data/test is scored once, for the `default` preset only, per language.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from classifier.data import read_labeled
from classifier.evaluation import evaluate
from classifier.model import PRESETS, StanceClassifier
from classifier.training import DEFAULT_SEED

ROOT = Path(__file__).resolve().parent.parent


def cross_validate_per_language(params, targets, folds, seed):
    """Grouped, stratified K-fold CV (as ``classifier.training.cross_validate_model``: same splitter and
    seed); the bilingual model of each fold is scored on the whole fold and on each language."""
    import numpy as np
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedGroupKFold

    X = [t.target for t in targets]
    y = np.asarray([t.stance for t in targets])
    lang = np.asarray([t.lang for t in targets])
    groups = [t.source or t.sentence for t in targets]
    scores = {"fr": [], "en": [], "all": []}
    for train_idx, test_idx in StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(X, y, groups):
        model = StanceClassifier(random_state=seed, **params).fit([X[i] for i in train_idx], y[train_idx])
        predicted = model.predict([X[i] for i in test_idx])
        scores["all"].append(f1_score(y[test_idx], predicted, average="macro"))
        for code in ("fr", "en"):
            mask = lang[test_idx] == code
            scores[code].append(f1_score(y[test_idx][mask], predicted[mask], average="macro"))
    return {key: (float(np.mean(values)), float(np.std(values))) for key, values in scores.items()}

CANDIDATES = {
    "estimator-defaults": {},
    "default": PRESETS["default"],
    "previous-default": {**PRESETS["default"], "use_agency": False, "use_clause": False, "near_sides": False},
    "no-near-sides": {**PRESETS["default"], "near_sides": False},
    "min-df-1": {**PRESETS["default"], "min_df": 1},
    "no-agency": {**PRESETS["default"], "use_agency": False},
    "no-clause": {**PRESETS["default"], "use_clause": False},
    "words": {**PRESETS["default"], "use_mention": True},
    "no-mention": {**PRESETS["default"], "use_mention": False},
    "newsmtsc": PRESETS["newsmtsc"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", default="previous-default,default")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the CV splits and the models")
    parser.add_argument("--no-heldout", action="store_true")
    args = parser.parse_args()
    train = read_labeled([ROOT / "data" / "train"])
    print(f"data/train: {len(train)} targets")
    print("| settings | CV macro-F1 French | CV macro-F1 English | CV macro-F1 all | seconds |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in args.configs.split(","):
        started = time.perf_counter()
        cv = cross_validate_per_language(CANDIDATES[name], train, args.folds, args.seed)
        cells = " | ".join(f"{cv[key][0]:.3f} ± {cv[key][1]:.3f}" for key in ("fr", "en", "all"))
        print(f"| {name} | {cells} | {time.perf_counter() - started:.0f} |", flush=True)
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
