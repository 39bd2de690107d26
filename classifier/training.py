"""Training a stance model from labeled files, cross-validating it, and writing model + card."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import paths
from .data import LABELS, expand_paths, read_labeled
from .errors import StanceInputError
from .features import lexicon_digests
from .model import PRESETS, StanceClassifier, save_model, sha256_file

DEFAULT_SEED = 13


def describe_data(targets, files) -> dict:
    """Counts per file, language and class, with each file's sha256, for the model card."""
    per_file = {}
    for path in files:
        rows = [t for t in targets if Path(t.path) == Path(path)]
        per_file[str(path)] = {
            "sha256": sha256_file(path),
            "targets": len(rows),
        }
    per_lang: dict[str, dict[str, int]] = {}
    for t in targets:
        per_lang.setdefault(t.lang, {label: 0 for label in LABELS})[t.stance] += 1
    return {"files": per_file, "counts": per_lang, "total": len(targets)}


def cross_validate_model(model, targets, k: int, seed: int) -> dict:
    """K-fold cross-validated accuracy and macro-F1, grouped by source document when sources exist."""
    from sklearn.base import clone
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    X = [t.target for t in targets]
    y = np.asarray([t.stance for t in targets])
    groups = [t.source or t.sentence for t in targets]
    if min(Counter(y).values()) < k:
        raise StanceInputError(f"too few examples of some class for {k}-fold cross-validation (use --cv 0)")
    if len(set(groups)) >= k:
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
        splits = list(splitter.split(X, y, groups))
        grouped_by = "source" if any(t.source for t in targets) else "sentence"
    else:
        splits = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(X, y))
        grouped_by = None
    accuracy, macro_f1 = [], []
    for train_idx, test_idx in splits:
        fold = clone(model).fit([X[i] for i in train_idx], y[train_idx])
        predicted = fold.predict([X[i] for i in test_idx])
        accuracy.append(accuracy_score(y[test_idx], predicted))
        macro_f1.append(f1_score(y[test_idx], predicted, average="macro"))
    return {
        "folds": k,
        "grouped_by": grouped_by,
        "accuracy_mean": round(float(np.mean(accuracy)), 4),
        "accuracy_std": round(float(np.std(accuracy)), 4),
        "macro_f1_mean": round(float(np.mean(macro_f1)), 4),
        "macro_f1_std": round(float(np.std(macro_f1)), 4),
    }


def train(
    data=None,
    out=None,
    cv: int = 5,
    seed: int = DEFAULT_SEED,
    data_format: str = "auto",
    actors=None,
    params: dict | None = None,
    progress=None,
    preset: str = "default",
) -> dict:
    """Train on ``data`` (files, folders, globs; default ``data/train``), save to ``out``; return the card.

    ``preset`` names a set of :class:`StanceClassifier` parameters (``classifier.model.PRESETS``:
    ``default``, or ``newsmtsc`` for the NewsMTSC benchmark); ``params`` override it. ``progress`` is an
    optional callable receiving short status strings.
    """
    if preset not in PRESETS:
        raise StanceInputError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    say = progress or (lambda message: None)
    # looked up at call time (not bound at import), so the registry and training agree on the folder
    specs = list(data) if data else [paths.default_training_dir()]
    out = Path(out) if out else paths.default_model_path()
    files = expand_paths(specs)
    say(f"reading {len(files)} file(s)")
    targets = read_labeled(files, actors=actors, data_format=data_format)
    labels_present = {t.stance for t in targets}
    if len(labels_present) < 2:
        raise StanceInputError(f"need at least two stance labels to train, found {sorted(labels_present)}")
    model = StanceClassifier(random_state=seed, **{**PRESETS[preset], **(params or {})})
    card: dict = {
        "name": out.name.removesuffix(".joblib"),
        "task": "target-dependent stance: supportive / neutral / critical toward an actor mention",
        "estimator": type(model).__name__,
        "preset": preset,
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()},
        "seed": seed,
        "data": describe_data(targets, files),
        "lexicons": lexicon_digests(),
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if cv and cv > 1:
        say(f"cross-validating ({cv} folds)")
        card["cross_validation"] = cross_validate_model(model, targets, cv, seed)
    say(f"fitting on {len(targets)} targets")
    started = time.perf_counter()
    model.fit([t.target for t in targets], [t.stance for t in targets])
    card["fit_seconds"] = round(time.perf_counter() - started, 2)
    # the frame companion (m.frames.joblib), trained from the same records grouped by sentence
    from .frames import companion_entry, train_frames

    card["frames"] = companion_entry(train_frames(targets, out, cv=cv, seed=seed, progress=say))
    say(f"writing {out}")
    return save_model(model, out, card)
