"""Finding the model to use: a given file, or the default one — trained from ``data/`` on first use."""

from __future__ import annotations

from pathlib import Path

from . import paths
from .model import card_path, load_model


def training_data_changed(card: dict) -> bool:
    """True when the files of the default training folder differ from those the card was trained on.

    Compares the sha256 of every data file in :func:`classifier.paths.default_training_dir` with the
    sha256 recorded in ``card["data"]["files"]`` (:func:`classifier.training.describe_data`), as
    multisets: an edited, added or removed file changes them; moving the checkout (the recorded keys
    are paths) does not. Without a training folder there is nothing to compare (nor to retrain from).
    """
    from .data import expand_paths
    from .errors import StanceInputError
    from .model import sha256_file

    folder = paths.default_training_dir()
    if not folder.is_dir():
        return False
    try:
        current = sorted(sha256_file(p) for p in expand_paths([folder]))
    except (OSError, StanceInputError):
        return False
    recorded = (card.get("data") or {}).get("files")
    if not isinstance(recorded, dict):
        return True
    return current != sorted(str((entry or {}).get("sha256")) for entry in recorded.values())


def preset_changed(card: dict) -> bool:
    """True when the card's parameters differ from its preset's current values (``classifier.model.PRESETS``):
    the preset was changed (or gained a parameter) since the model was trained. Parameters outside the
    preset are not compared."""
    from .model import PRESETS

    preset = PRESETS.get(card.get("preset") or "default")
    if preset is None:
        return False
    recorded = card.get("params") or {}
    return any(recorded.get(key) != (list(value) if isinstance(value, tuple) else value) for key, value in preset.items())


def lexicons_changed(card: dict) -> bool:
    """True when the shipped cue lexicons differ from those the model was trained with (or the card, older
    than this check, does not say): its lexicon features would no longer mean what its weights learned."""
    from .features import lexicon_digests

    return card.get("lexicons") != lexicon_digests()


def default_model_staleness(path: Path) -> str | None:
    """Why the default model at ``path`` must be (re)trained, or ``None`` when it is usable."""
    import json

    import sklearn

    if not path.is_file() or not card_path(path).is_file():
        return "missing"
    try:
        card = json.loads(card_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "its model card is unreadable"
    if (card.get("versions") or {}).get("scikit-learn") != sklearn.__version__:
        return "saved by another scikit-learn version"
    # trained before frame companions existed, or its companion is gone: retrain (it carries both)
    if "frames" not in card:
        return "it has no frame companion"
    entry = card["frames"]
    if entry and not path.with_name(entry.get("model_file", "")).is_file():
        return "its frame companion is missing"
    if preset_changed(card):
        return f"its preset {card.get('preset') or 'default'!r} changed since it was trained"
    if lexicons_changed(card):
        return "the cue lexicons changed since it was trained"
    if training_data_changed(card):
        return f"its training data changed ({paths.default_training_dir()})"
    return None


def default_model_is_stale(path: Path) -> bool:
    """True when the default model is missing, was saved by another scikit-learn version, lacks the
    frame companion that the default model carries (:mod:`classifier.frames`), or was trained on other
    data than the default training folder now holds (:func:`training_data_changed`)."""
    return default_model_staleness(path) is not None


def resolve_model(model_path=None, progress=None):
    """``(model, card, path)`` for ``model_path``, or for the default model (training it if needed).

    ``progress`` receives a message when the default model has to be trained first.
    """
    if model_path is not None:
        model, card = load_model(model_path)
        if "lexicons" in card and lexicons_changed(card) and progress is not None:
            progress(f"warning: {model_path} was trained with other cue lexicons than this version ships; "
                     "retrain it (stance train) for its features to mean what its weights learned")
        return model, card, Path(model_path)
    path = paths.default_model_path()
    reason = default_model_staleness(path)
    if reason is not None:
        from .training import train

        say = progress or (lambda message: None)
        if reason == "missing":
            say(f"no default model at {path}: training it from {paths.default_training_dir()} (first use, once)…")
        else:
            say(f"default model at {path} is stale ({reason}): training it again from "
                f"{paths.default_training_dir()}…")
        train(out=path, cv=0, progress=say)
    model, card = load_model(path)
    return model, card, path
