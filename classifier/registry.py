"""Finding the model to use: a given file, or the default one — trained from ``data/`` on first use."""

from __future__ import annotations

from pathlib import Path

from .model import card_path, load_model
from .paths import default_model_path


def default_model_is_stale(path: Path) -> bool:
    """True when the default model is missing, was saved by another scikit-learn version, or lacks the
    frame companion that the default model carries (:mod:`classifier.frames`)."""
    import json

    import sklearn

    if not path.is_file() or not card_path(path).is_file():
        return True
    try:
        card = json.loads(card_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    if (card.get("versions") or {}).get("scikit-learn") != sklearn.__version__:
        return True
    # trained before frame companions existed, or its companion is gone: retrain (it carries both)
    if "frames" not in card:
        return True
    entry = card["frames"]
    return bool(entry) and not path.with_name(entry.get("model_file", "")).is_file()


def resolve_model(model_path=None, progress=None):
    """``(model, card, path)`` for ``model_path``, or for the default model (training it if needed).

    ``progress`` receives a message when the default model has to be trained first.
    """
    if model_path is not None:
        model, card = load_model(model_path)
        return model, card, Path(model_path)
    path = default_model_path()
    if default_model_is_stale(path):
        from .training import train

        say = progress or (lambda message: None)
        say(f"no usable default model at {path}: training it from data/train (first use, once)…")
        train(out=path, cv=0, progress=say)
    model, card = load_model(path)
    return model, card, path
