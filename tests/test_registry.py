"""The default model: trained on first use, retrained when it is stale (here: its training data changed)."""

import json
import shutil

from typer.testing import CliRunner

from classifier.cli import app
from classifier.registry import default_model_is_stale, default_model_staleness, resolve_model

runner = CliRunner()


def _tiny_training_folder(tmp_path, tiny_data, monkeypatch):
    """A training folder holding the tiny set, used as the default model's training data."""
    folder = tmp_path / "train"
    folder.mkdir()
    shutil.copy(tiny_data, folder / "tiny.jsonl")
    monkeypatch.setattr("classifier.paths.default_training_dir", lambda: folder)
    return folder


def test_default_model_is_retrained_when_its_training_data_change(isolated_models, tiny_data, monkeypatch, tmp_path):
    # a private copy of the tiny set as the default training folder (tiny_data is shared by the session)
    folder = _tiny_training_folder(tmp_path, tiny_data, monkeypatch)
    data = folder / "tiny.jsonl"
    article = tmp_path / "a.txt"
    article.write_text("Paris a accusé Berlin de mentir.", encoding="utf-8")

    first = runner.invoke(app, ["classify", str(article), "-f", "json"])
    assert first.exit_code == 0, first.output
    assert "training it" in first.stderr
    _, card, path = resolve_model(None)
    assert not default_model_is_stale(path)
    assert "training it" not in runner.invoke(app, ["classify", str(article), "-f", "json"]).stderr

    # an edited file: its sha256 no longer matches the card → retrained on next use, saying why
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    data.write_text("".join(lines[:-2]), encoding="utf-8")
    assert default_model_staleness(path).startswith("its training data changed")
    again = runner.invoke(app, ["classify", str(article), "-f", "json"])
    assert again.exit_code == 0, again.output
    assert "stale" in again.stderr and "training data changed" in again.stderr and "training it" in again.stderr
    _, retrained, _ = resolve_model(None)
    assert retrained["data"]["total"] == card["data"]["total"] - 2
    assert not default_model_is_stale(path)

    # an added file too; a removed one as well
    extra = folder / "extra.jsonl"
    extra.write_text("".join(lines[:6]), encoding="utf-8")
    assert default_model_is_stale(path)
    extra.unlink()
    assert not default_model_is_stale(path)


def test_training_data_are_compared_by_content_not_path(isolated_models, tiny_data, monkeypatch, tmp_path):
    _tiny_training_folder(tmp_path, tiny_data, monkeypatch)
    _, card, path = resolve_model(None)
    # a card written in another checkout (other absolute paths), same contents: still up to date
    from classifier.model import card_path

    moved = {**card, "data": {**card["data"], "files": {f"/elsewhere/{k.rsplit('/', 1)[-1]}": v
                                                          for k, v in card["data"]["files"].items()}}}
    card_path(path).write_text(json.dumps(moved), encoding="utf-8")
    assert not default_model_is_stale(path)
    # a card without the data record cannot be checked: stale
    card_path(path).write_text(json.dumps({k: v for k, v in card.items() if k != "data"}), encoding="utf-8")
    assert default_model_staleness(path).startswith("its training data changed")


def test_default_model_is_retrained_when_its_preset_changes(isolated_models, tiny_data, monkeypatch, tmp_path):
    _tiny_training_folder(tmp_path, tiny_data, monkeypatch)
    _, card, path = resolve_model(None)
    assert not default_model_is_stale(path)
    from classifier.model import PRESETS, card_path

    # a model trained before the preset gained a parameter (or changed one): stale, retrained
    old = {**card, "params": {k: v for k, v in card["params"].items() if k != "use_agency"}}
    card_path(path).write_text(json.dumps(old), encoding="utf-8")
    assert default_model_staleness(path).startswith("its preset 'default' changed")
    monkeypatch.setitem(PRESETS, "default", {**PRESETS["default"], "window": 3})
    _, retrained, _ = resolve_model(None)
    assert retrained["params"]["window"] == 3 and not default_model_is_stale(path)
    # parameters outside the preset are not compared
    card_path(path).write_text(json.dumps({**retrained, "params": {**retrained["params"], "C": 99}}), encoding="utf-8")
    assert not default_model_is_stale(path)


def test_a_model_trained_with_other_lexicons_is_retrained_or_flagged(isolated_models, tiny_data, monkeypatch, tmp_path):
    """Lexicon hits are features: after a lexicon change the default model is retrained, a given model flagged."""
    _tiny_training_folder(tmp_path, tiny_data, monkeypatch)
    _, card, path = resolve_model(None)
    assert not default_model_is_stale(path)
    from classifier.features import lexicon_digests
    from classifier.model import card_path

    assert card["lexicons"] == lexicon_digests() and set(card["lexicons"]) == {"cues_fr.tsv", "cues_en.tsv",
                                                                               "frame_cues.tsv"}
    older = {**card, "lexicons": {**card["lexicons"], "cues_fr.tsv": "0" * 64}}
    card_path(path).write_text(json.dumps(older), encoding="utf-8")
    assert default_model_staleness(path) == "the cue lexicons changed since it was trained"
    _, retrained, _ = resolve_model(None)
    assert retrained["lexicons"] == lexicon_digests() and not default_model_is_stale(path)

    # a model the user names cannot be retrained here (its data are theirs): it loads, with a warning
    article = tmp_path / "a.txt"
    article.write_text("Paris a accusé Berlin de mentir.", encoding="utf-8")
    assert "other cue lexicons" not in runner.invoke(app, ["classify", str(article), "--model", str(path)]).stderr
    card_path(path).write_text(json.dumps(older), encoding="utf-8")
    flagged = runner.invoke(app, ["classify", str(article), "--model", str(path)])
    assert flagged.exit_code == 0, flagged.output
    assert "other cue lexicons" in flagged.stderr
