"""Where the project's data and models live: a source checkout by default, or ``$STANCE_HOME``."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def home() -> Path:
    """The project folder holding ``data/`` and ``models/`` (``$STANCE_HOME`` overrides it)."""
    return Path(os.environ.get("STANCE_HOME", PROJECT_ROOT))


def data_dir() -> Path:
    return home() / "data"


def models_dir() -> Path:
    """Where the default model lives (``$STANCE_MODELS_DIR`` overrides ``<home>/models``)."""
    override = os.environ.get("STANCE_MODELS_DIR")
    return Path(override) if override else home() / "models"


def default_model_path() -> Path:
    return models_dir() / "stance-default.joblib"


def default_training_dir() -> Path:
    """Training data of the default model: ``data/train`` (``data/test`` is held out)."""
    return data_dir() / "train"
