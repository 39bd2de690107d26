"""The framing report (`classify --report`), folder totals, and the documented JSON schema."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.analysis import StanceAnalyzer, actor_totals, bootstrap_interval
from classifier.cli import app

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "output-schema.json"
runner = CliRunner()

ARTICLE_A = ("Paris a accusé Berlin mardi. Kiev a salué Moscou mardi. Paris a condamné Berlin mardi.\n"
             "«Berlin ment», a déclaré Paris. Londres a reçu Berlin mardi.")
ARTICLE_B = "London praised Berlin on Tuesday. Berlin met Paris on Tuesday."


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test extra: pip install -e '.[test]'")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def valid(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    (folder / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    return folder


def test_classify_json_has_frames_and_sources_and_matches_the_schema(tiny_frames_model, articles, validator):
    result = run("classify", articles / "a.txt", "--model", tiny_frames_model, "-f", "json")
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    valid(validator, article)
    assert article["model"]["frames"]["labels"]
    assert all(s["frames"] for s in article["sentences"])  # every sentence here has 4+ words
    assert {f["frame"] for f in article["frames"]} <= set(article["model"]["frames"]["labels"])
    assert all("frames" in a for a in article["actors"])
    assert "net_score_ci" not in article["actors"][0] and "sources_quoted" not in article
    sources = {(s["sentence"], s["source"], s["target"]) for s in article["sources"]}
    assert (0, "France", "Allemagne") in sources and (3, "France", "Allemagne") in sources
    quote = next(s for s in article["sources"] if s["sentence"] == 3)
    assert quote["kind"] == "quote" and ARTICLE_A[quote["source_mention"]["start"]:quote["source_mention"]["end"]] == "Paris"


def test_report_in_json_jsonl_and_several_articles(tiny_frames_model, articles, validator):
    article = json.loads(run("classify", articles / "a.txt", "--model", tiny_frames_model, "--report", "-f", "json").stdout)
    valid(validator, article)
    germany = next(a for a in article["actors"] if a["actor"] == "Allemagne")
    low, high = germany["net_score_ci"]
    assert low <= germany["net_score"] <= high
    assert 1 <= len(germany["top_sentences"]) <= 3 and germany["top_sentences"][0]["stance"] == germany["stance"]
    assert {s["source"] for s in germany["said_about"]} == {"France"}
    france = next(a for a in article["actors"] if a["actor"] == "France")
    assert {s["target"] for s in france["says_about"]} == {"Allemagne"}
    assert article["sources_quoted"][0]["actor"] == "France" and article["sources_quoted"][0]["statements"] >= 3
    several = json.loads(run("classify", articles, "--model", tiny_frames_model, "--report", "-f", "json").stdout)
    assert isinstance(several, list) and len(several) == 2
    valid(validator, several)
    lines = run("classify", articles, "--model", tiny_frames_model, "--report", "-f", "jsonl").stdout.splitlines()
    for line in lines:
        valid(validator, json.loads(line))


def test_report_in_table_and_csv(tiny_frames_model, articles):
    table = run("classify", articles, "--model", tiny_frames_model, "--report")
    assert table.exit_code == 0, table.output
    for heading in ("framing report", "who says what about whom", "sentences that weigh most", "totals over all articles"):
        assert heading in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("classify", articles, "--model", tiny_frames_model, "--report",
                                               "-f", "csv").stdout)))
    assert {r["source"] for r in rows} == {str(articles / "a.txt"), str(articles / "b.txt")}
    germany = next(r for r in rows if r["actor"] == "Allemagne" and r["source"].endswith("a.txt"))
    assert float(germany["ci_low"]) <= float(germany["net_score"]) <= float(germany["ci_high"])
    assert "France:" in germany["said_about"] and germany["frames"]
    plain = list(csv.DictReader(io.StringIO(run("classify", articles, "--model", tiny_frames_model, "-f", "csv").stdout)))
    assert "sentence_index" in plain[0]  # without --report: one row per (sentence, actor), as before


def test_folder_totals_as_json_and_csv(tiny_frames_model, articles, tmp_path, validator):
    import jsonschema

    out = tmp_path / "totals.json"
    result = run("classify", articles, "--model", tiny_frames_model, "-f", "jsonl", "--totals", out)
    assert result.exit_code == 0, result.output
    totals = json.loads(out.read_text(encoding="utf-8"))
    schema = {**validator.schema, "oneOf": [{"$ref": "#/$defs/totals"}]}
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(totals))
    assert not errors, errors[0].message
    germany = next(t for t in totals if t["actor"] == "Allemagne")
    assert germany["articles"] == 2 and [a["source"] for a in germany["per_article"]] == [
        str(articles / "a.txt"), str(articles / "b.txt")]
    assert germany["counts"] == {label: sum(a["counts"][label] for a in germany["per_article"])
                                 for label in ("supportive", "neutral", "critical")}
    assert germany["sentences"] == sum(germany["counts"].values())
    assert germany["net_score_ci"][0] <= germany["net_score"] <= germany["net_score_ci"][1]
    csv_out = tmp_path / "totals.csv"
    assert run("classify", articles, "--model", tiny_frames_model, "--totals", csv_out, "-f", "json").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8"))))
    germany_rows = [r for r in rows if r["actor"] == "Allemagne"]
    assert [r["source"] for r in germany_rows] == [str(articles / "a.txt"), str(articles / "b.txt"), "(all)"]
    assert float(germany_rows[-1]["net_score"]) == germany["net_score"]
    again = run("classify", articles, "--model", tiny_frames_model, "--totals", csv_out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run("classify", articles, "--model", tiny_frames_model, "--totals", tmp_path / "t.xlsx").exit_code == 2


def test_bootstrap_interval_is_seeded_and_sensible():
    values = [0.9, -0.8, 0.1, 0.4, -0.2, 0.7]
    low, high = bootstrap_interval(values, seed=3)
    assert low < sum(values) / len(values) < high and -1 <= low and high <= 1
    assert bootstrap_interval(values, seed=3) == [low, high]
    assert bootstrap_interval([0.42]) == [0.42, 0.42]
    assert bootstrap_interval([]) == [0.0, 0.0]
    narrow = bootstrap_interval([0.5] * 20)
    assert narrow == [0.5, 0.5]


def test_library_report_and_totals(tiny_frames_model):
    analyzer = StanceAnalyzer.load(tiny_frames_model)
    plain = analyzer.analyze(ARTICLE_A, source="a")
    full = analyzer.analyze(ARTICLE_A, source="a", report=True)
    assert not plain.report and full.report
    assert [s.frames for s in plain.sentences] == [s.frames for s in full.sentences]
    assert plain.sources == full.sources
    totals = actor_totals([full, analyzer.analyze(ARTICLE_B, source="b")])
    assert {t["actor"]: t["articles"] for t in totals}["Allemagne"] == 2


def test_results_without_frame_model_still_validate(tiny_model, articles, validator):
    article = json.loads(run("classify", articles / "a.txt", "--model", tiny_model, "--report", "-f", "json").stdout)
    valid(validator, article)
    assert article["frames"] == [] and all(s["frames"] == [] for s in article["sentences"])
    assert "frames" not in article["model"] and article["sources"]


def test_to_dict_is_asdict_with_fresh_containers(tiny_frames_model):
    """``to_dict`` builds what ``dataclasses.asdict`` would (same keys, order, values), sharing no container."""
    from dataclasses import asdict

    result = StanceAnalyzer.load(tiny_frames_model).analyze(ARTICLE_A + "\n" + ARTICLE_B, report=True)
    out = result.to_dict()
    expected_actors = [{k: v for k, v in asdict(a).items() if v is not None or k in ("affiliation", "top_sentence")}
                       for a in result.actors]
    assert json.dumps(out["sentences"]) == json.dumps([asdict(s) for s in result.sentences])
    assert json.dumps(out["sources"]) == json.dumps([asdict(s) for s in result.sources])
    assert json.dumps(out["actors"]) == json.dumps(expected_actors)
    assert any(s["frames"] for s in out["sentences"]) and out["sources"]
    out["sentences"][0]["targets"][0]["probabilities"]["critical"] = 99.0
    out["actors"][0]["counts"]["critical"] = -1
    assert result.sentences[0].targets[0].probabilities.get("critical") != 99.0
    assert result.actors[0].counts["critical"] != -1
