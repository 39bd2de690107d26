"""Shared fixtures: a small labeled set written here, and models trained once per session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2026-02-04-afp-poutine-xi.txt"
SHARED = ROOT.parent / "shared"
NEWSMTSC = SHARED / "data" / "newsmtsc"

# A tiny, deliberately regular training set: verbs of praise and accusation around two actors.
_PRAISE = ["a salué", "a félicité", "a remercié", "praised", "hailed", "thanked"]
_BLAME = ["a accusé", "a condamné", "a dénoncé", "accused", "condemned", "denounced"]
_NEUTRAL = ["a rencontré", "a reçu", "a appelé", "met", "called", "visited"]
_PAIRS = [("Paris", "Berlin"), ("Rome", "Madrid"), ("Londres", "Varsovie"), ("Vienne", "Prague"),
          ("Oslo", "Lisbonne"), ("Athènes", "Dublin"), ("Berne", "Sofia"), ("Kiev", "Moscou")]


def tiny_records() -> list[dict]:
    records = []
    for i, (a, b) in enumerate(_PAIRS):
        for verbs, label in ((_PRAISE, "supportive"), (_BLAME, "critical"), (_NEUTRAL, "neutral")):
            for verb in verbs:
                lang = "en" if verb.isascii() and " " not in verb else "fr"
                sentence = f"{a} {verb} {b} mardi." if lang == "fr" else f"{a} {verb} {b} on Tuesday."
                start = sentence.index(b, len(a))
                records.append({"sentence": sentence, "actor": b, "mention": b, "start": start,
                                "end": start + len(b), "stance": label, "lang": lang, "source": f"doc{i}"})
                records.append({"sentence": sentence, "actor": a, "mention": a, "start": 0, "end": len(a),
                                "stance": "neutral", "lang": lang, "source": f"doc{i}"})
    return records


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tiny_records()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model(tiny_data, tmp_path_factory) -> Path:
    from classifier.training import train

    out = tmp_path_factory.mktemp("models") / "tiny.joblib"
    train([tiny_data], out, cv=0, seed=1, params={"char_ngrams": None})
    return out


# Frames for the tiny set, by verb group (sentence-level: identical on both records of a sentence).
_FRAMES = {"supportive": "political", "critical": "crime_punishment|legality", "neutral": "external_regulation"}


def tiny_frame_records() -> list[dict]:
    """:func:`tiny_records` with a ``frame`` field (the label of the sentence's verb group)."""
    records = tiny_records()
    by_sentence = {r["sentence"]: _FRAMES[r["stance"]] for r in records if r["start"] > 0}
    return [{**r, "frame": by_sentence[r["sentence"]]} for r in records]


@pytest.fixture(scope="session")
def tiny_frames_data(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("frames-data") / "tiny-frames.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tiny_frame_records()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_frames_model(tiny_frames_data, tmp_path_factory) -> Path:
    """A tiny stance model with its frame companion (``tiny.frames.joblib``)."""
    from classifier.training import train

    out = tmp_path_factory.mktemp("frames-models") / "tiny.joblib"
    train([tiny_frames_data], out, cv=0, seed=1, params={"char_ngrams": None})
    return out


@pytest.fixture(scope="session")
def default_model(tmp_path_factory) -> Path:
    """The default model, trained from the shipped data/train into a temporary models folder."""
    from classifier.training import train

    folder = tmp_path_factory.mktemp("default-models")
    out = folder / "stance-default.joblib"
    train(None, out, cv=0)
    return out


@pytest.fixture
def isolated_models(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("STANCE_MODELS_DIR", str(tmp_path))
    return tmp_path


def needs_shared(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not available (benchmark data lives in ../shared)")


os.environ.setdefault("COLUMNS", "200")
