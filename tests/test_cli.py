"""End-to-end tests of the `stance` command line (typer's CliRunner)."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.model import card_path

from .conftest import SEED

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_classify_seed_as_json(default_model):
    result = run("classify", SEED, "--model", default_model, "--format", "json")
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert article["lang"] == "fr" and article["n_sentences"] >= 15
    actors = {a["actor"]: a for a in article["actors"]}
    assert {"Russie", "Chine", "Iran", "États-Unis", "Vladimir Poutine", "Xi Jinping", "Ukraine"} <= set(actors)
    for sentence in article["sentences"]:
        for target in sentence["targets"]:
            assert target["stance"] in ("supportive", "neutral", "critical")
            assert 0 <= target["confidence"] <= 1
            for mention in target["mentions"]:
                assert SEED.read_text()[mention["start"] : mention["end"]] == mention["text"]
    for summary in actors.values():
        assert sum(summary["counts"].values()) == summary["sentences"]
        assert -1 <= summary["net_score"] <= 1


def _seed_stances(default_model):
    article = json.loads(run("classify", SEED, "--model", default_model, "-f", "json").stdout)
    return {s["text"]: {t["actor"]: t["stance"] for t in s["targets"]} for s in article["sentences"]}


def test_seed_sentences_get_sensible_stances(default_model):
    """The reference example: bloody repression is critical of Iran."""
    repression = next(v for k, v in _seed_stances(default_model).items() if "répression sanglante" in k)
    assert repression["Iran"] == "critical"


@pytest.mark.xfail(strict=True, reason="known error of the default model since the corpus of 2026-11-27: the "
                   "praise sits in a quotation after a scene-setting 'turbulences' (a negative cue) and 'l'alliance "
                   "entre' leans critical in the corpus; see benchmarks/RESULTS.md. Strict: passing again is news.")
def test_seed_alliance_praise_is_supportive_of_both(default_model):
    """The reference example: Putin's praise of the Moscow–Beijing alliance is supportive of both."""
    alliance = next(v for k, v in _seed_stances(default_model).items() if k.startswith("«Dans le contexte"))
    assert alliance["Russie"] == "supportive" and alliance["Chine"] == "supportive"


def test_classify_table_jsonl_csv(default_model):
    table = run("classify", SEED, "--model", default_model)
    assert table.exit_code == 0 and "Iran" in table.stdout and "net" in table.stdout
    jsonl = run("classify", SEED, SEED, "--model", default_model, "-f", "jsonl")
    assert [json.loads(line)["source"] for line in jsonl.stdout.splitlines()] == [str(SEED)] * 2
    rows = list(csv.DictReader(io.StringIO(run("classify", SEED, "--model", default_model, "-f", "csv").stdout)))
    assert rows and {"actor", "stance", "confidence", "sentence"} <= set(rows[0])


def test_classify_stdin_folder_glob_and_output(default_model, tmp_path):
    (tmp_path / "a.txt").write_text("Washington a accusé Téhéran de mentir.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Washington praised Kyiv for its courage.", encoding="utf-8")
    stdin = run("classify", "-", "--model", default_model, "-f", "json", input="Moscou a salué Pékin.")
    assert json.loads(stdin.stdout)["source"] == "-"
    folder = run("classify", tmp_path, "--model", default_model, "-f", "json")
    assert [a["lang"] for a in json.loads(folder.stdout)] == ["fr", "en"]
    glob = run("classify", str(tmp_path / "*.txt"), "--model", default_model, "-f", "jsonl")
    assert len(glob.stdout.splitlines()) == 2
    out = tmp_path / "out.json"
    assert run("classify", tmp_path / "a.txt", "--model", default_model, "-f", "json", "-o", out).exit_code == 0
    assert json.loads(out.read_text())["actors"]
    again = run("classify", tmp_path / "a.txt", "--model", default_model, "-f", "json", "-o", out)
    assert again.exit_code == 2 and "--force" in again.output
    assert run("classify", tmp_path / "a.txt", "--model", default_model, "-o", out, "--force").exit_code == 0


def test_lang_option(default_model, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Paris a salué Berlin.", encoding="utf-8")
    assert json.loads(run("classify", article, "--model", default_model, "--lang", "en", "-f", "json").stdout)["lang"] == "en"
    assert run("classify", article, "--model", default_model, "--lang", "de").exit_code == 2


def test_user_errors_exit_2_with_one_line(default_model, tmp_path):
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    for args in (
        ("classify", tmp_path / "missing.txt", "--model", default_model),
        ("classify", binary, "--model", default_model),
        ("classify", SEED, "--model", default_model, "--format", "xml"),
        ("classify", SEED, "--model", tmp_path / "nope.joblib"),
        ("evaluate", tmp_path / "missing.jsonl", "--model", default_model),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_tampered_model_is_refused_by_the_cli(default_model, tmp_path):
    copy = tmp_path / "m.joblib"
    copy.write_bytes(default_model.read_bytes()[:-1])
    card_path(copy).write_text(card_path(default_model).read_text())
    result = run("classify", SEED, "--model", copy)
    assert result.exit_code == 2 and "checksum mismatch" in result.stderr


def test_bad_training_data_trains_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentence": "Moscou ment.", "actor": "Russie", "stance": "hostile"}\n')
    out = tmp_path / "m.joblib"
    result = run("train", bad, "--out", out)
    assert result.exit_code == 2
    assert f"{bad}, line 1, field 'stance'" in result.stderr
    assert not out.exists()


def test_train_evaluate_info(tiny_data, tmp_path):
    out = tmp_path / "m.joblib"
    trained = run("train", tiny_data, "--out", out, "--cv", "3", "--seed", "4")
    assert trained.exit_code == 0, trained.output
    assert out.exists() and card_path(out).exists()
    result = run("evaluate", tiny_data, "--model", out, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)  # stdout holds exactly one JSON object
    assert {"n", "accuracy", "macro_f1", "per_class", "confusion_matrix", "per_actor", "per_language"} <= set(report)
    assert report["confusion_matrix"]["labels"] == ["supportive", "neutral", "critical"]
    assert sum(map(sum, report["confusion_matrix"]["matrix"])) == report["n"]
    markdown = run("evaluate", tiny_data, "--model", out, "--format", "markdown")
    assert "| macro-F1 |" in markdown.stdout
    assert "accuracy" in run("evaluate", tiny_data, "--model", out).stdout
    info = run("info", "--model", out, "--format", "json")
    assert json.loads(info.stdout)["seed"] == 4
    assert "cross-validated macro-F1" in run("info", "--model", out).stdout


def test_actors_command():
    listing = run("actors", "--format", "json")
    names = {a["name"] for a in json.loads(listing.stdout)["actors"]}
    assert {"Russie", "Vladimir Poutine"} <= names
    found = run("actors", "--find", "Le Kremlin et l'Iran", "--format", "json")
    assert [m["actor"] for m in json.loads(found.stdout)] == ["Russie", "Iran"]
    assert "Russie" in run("actors").stdout


def test_default_model_is_trained_on_first_use(isolated_models, tiny_data, monkeypatch, tmp_path):
    # a tiny training folder keeps this fast; the mechanism is the same as with data/train
    monkeypatch.setattr("classifier.paths.default_training_dir", lambda: tiny_data.parent)
    article = tmp_path / "a.txt"
    article.write_text("Paris a accusé Berlin de mentir.", encoding="utf-8")
    first = run("classify", article, "-f", "json")
    assert first.exit_code == 0, first.output
    assert "training it" in first.stderr
    assert (isolated_models / "stance-default.joblib").exists()
    second = run("classify", article, "-f", "json")
    assert "training it" not in second.stderr
    assert json.loads(first.stdout)["sentences"] == json.loads(second.stdout)["sentences"]


def test_internal_errors_exit_1_and_debug_shows_traceback(default_model, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("classifier.analysis.StanceAnalyzer._predict", boom)  # a model call fails
    result = run("classify", SEED, "--model", default_model)
    assert result.exit_code == 1 and "internal error" in result.stderr and "Traceback" not in result.output
    debug = run("--debug", "classify", SEED, "--model", default_model)
    assert debug.exit_code == 1 and isinstance(debug.exception, RuntimeError)


def test_help_and_usage_errors():
    assert run("--help").exit_code == 0
    assert run("classify").exit_code == 2
    assert run("nonsense").exit_code == 2
