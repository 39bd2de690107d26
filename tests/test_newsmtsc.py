"""NewsMTSC end to end through the command line: both released forms, auto-detected or forced.

The tests on the real files need ``../shared/data/newsmtsc`` and skip (with the reason) without it; they
train on a slice of the training file so that they stay fast. The tests on the original release form use
records written here.
"""

import json

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.data import read_labeled
from classifier.model import card_path

from .conftest import NEWSMTSC, needs_shared

runner = CliRunner()
TRAIN = NEWSMTSC / "train.jsonl"
DEV_RW = NEWSMTSC / "dev-rw.jsonl"
DEV_MT = NEWSMTSC / "dev-mt.jsonl"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _original_record(sentence, targets, gid):
    """One sentence in the original NewsMTSC release form (polarity 2.0/4.0/6.0, further_mentions)."""
    out = {"primary_gid": gid, "sentence_normalized": sentence, "targets": []}
    for k, (mention, polarity, further) in enumerate(targets):
        start = sentence.index(mention)
        out["targets"].append({
            "Input.gid": f"{gid}_{k}", "mention": mention, "from": start, "to": start + len(mention),
            "polarity": polarity, "further_mentions": [
                {"mention": m, "from": sentence.index(m, start + len(mention)),
                 "to": sentence.index(m, start + len(mention)) + len(m)} for m in further
            ],
        })
    return out


def _original_file(path):
    verbs = [("praised", 6.0), ("thanked", 6.0), ("hailed", 6.0), ("attacked", 2.0), ("blamed", 2.0),
             ("condemned", 2.0), ("met", 4.0), ("called", 4.0), ("visited", 4.0)]
    names = [("Cruz", "Walker"), ("Obama", "Romney"), ("Biden", "Ryan"), ("Pelosi", "Cheney")]
    records = []
    for i, (a, b) in enumerate(names):
        for verb, polarity in verbs:
            sentence = f"{a} {verb} {b} on Monday, and {b} said he would respond."
            records.append(_original_record(sentence, [(a, 4.0, []), (b, polarity, ["he"])], f"g{i}-{verb}"))
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_original_form_one_record_per_target_further_mentions_ignored(tmp_path):
    path = _original_file(tmp_path / "orig.jsonl")
    targets = read_labeled([path])
    assert len(targets) == 2 * 4 * 9
    first = targets[1]  # "Cruz praised Walker …": Walker, with "he" as a further mention
    assert (first.mention, first.stance) == ("Walker", "supportive")
    assert first.sentence[first.start : first.end] == "Walker"  # the primary mention's span, "he" not used
    assert {t.stance for t in targets} == {"supportive", "neutral", "critical"}


def test_cli_trains_and_evaluates_the_original_form(tmp_path):
    data = _original_file(tmp_path / "orig.jsonl")
    model = tmp_path / "m.joblib"
    trained = run("--quiet", "train", data, "--out", model, "--cv", "0", "--data-format", "newsmtsc")
    assert trained.exit_code == 0, trained.output
    assert "trained on 72 targets" in trained.stdout
    evaluated = run("evaluate", data, "--model", model, "--format", "json")
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.stdout)
    assert report["n"] == 72 and report["per_language"] == {"en": {"n": 72, "accuracy": report["accuracy"],
                                                                   "macro_f1": report["macro_f1"]}}


def test_cli_train_preset_newsmtsc_is_recorded_in_the_card(tmp_path):
    data = _original_file(tmp_path / "orig.jsonl")
    model = tmp_path / "m.joblib"
    trained = run("--quiet", "train", data, "--out", model, "--cv", "0", "--preset", "newsmtsc")
    assert trained.exit_code == 0, trained.output
    card = json.loads(card_path(model).read_text())
    assert card["preset"] == "newsmtsc" and card["params"]["use_mention"] is True
    unknown = run("--quiet", "train", data, "--out", tmp_path / "x.joblib", "--cv", "0", "--preset", "nope")
    assert unknown.exit_code == 2 and "preset" in unknown.output


@needs_shared(NEWSMTSC)
def test_real_files_are_detected_and_read():
    for path, n in ((TRAIN, 8739), (DEV_RW, 343), (DEV_MT, 442)):
        auto = read_labeled([path])
        assert len(auto) == n
        assert [t.stance for t in auto] == [t.stance for t in read_labeled([path], data_format="newsmtsc")]
        assert all(t.sentence[t.start : t.end] == t.mention and t.lang == "en" for t in auto)
    assert {t.stance for t in read_labeled([DEV_RW])} == {"supportive", "neutral", "critical"}


@needs_shared(NEWSMTSC)
def test_cli_train_then_evaluate_on_dev(tmp_path):
    # a slice of the training file keeps the test fast; written to a temporary folder, never to the project
    lines = TRAIN.read_text(encoding="utf-8").splitlines()[:900]
    train_slice = tmp_path / "train-slice.jsonl"
    train_slice.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = tmp_path / "m.joblib"
    trained = run("--quiet", "train", train_slice, "--out", model, "--cv", "0")
    assert trained.exit_code == 0, trained.output
    for dev, n in ((DEV_RW, 343), (DEV_MT, 442)):
        evaluated = run("evaluate", dev, "--model", model, "--format", "json")
        assert evaluated.exit_code == 0, evaluated.output
        report = json.loads(evaluated.stdout)
        assert report["n"] == n
        assert set(report["per_class"]) == {"supportive", "neutral", "critical"}
        assert 0.0 <= report["macro_f1"] <= 1.0
        forced = run("evaluate", dev, "--model", model, "--format", "json", "--data-format", "newsmtsc")
        assert json.loads(forced.stdout)["macro_f1"] == report["macro_f1"]
    markdown = run("evaluate", DEV_RW, "--model", model, "--format", "markdown")
    assert markdown.exit_code == 0 and "macro-F1" in markdown.stdout
