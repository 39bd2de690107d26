import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier.actors import load_actors
from classifier.data import as_target, expand_paths, read_labeled
from classifier.errors import DataValidationError, StanceInputError

GOOD = {"sentence": "Kiev a accusé Moscou de mentir.", "actor": "Russie", "stance": "critical"}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def problems_of(path, actors=None, **kwargs):
    with pytest.raises(DataValidationError) as info:
        read_labeled([path], actors=actors, **kwargs)
    return info.value.problems


def test_mention_found_from_actor_aliases(tmp_path):
    [target] = read_labeled([write_jsonl(tmp_path / "a.jsonl", [GOOD])], actors=load_actors())
    assert (target.mention, target.start, target.end) == ("Moscou", 14, 20)
    assert target.lang == "fr"


def test_offsets_and_optional_fields(tmp_path):
    record = dict(GOOD, mention="Moscou", start=14, end=20, lang="fr", id=7, source="doc1", frame="political|security_defense")
    [target] = read_labeled([write_jsonl(tmp_path / "a.jsonl", [record])])
    assert target.id == "7" and target.source == "doc1"
    assert target.frames == ("political", "security_defense")


def test_actor_need_not_be_known_newsmtsc_style(tmp_path):
    record = {"sentence": "Winner wrote a letter.", "mention": "Winner", "stance": "neutral"}
    [target] = read_labeled([write_jsonl(tmp_path / "a.jsonl", [record])], actors=load_actors())
    assert target.actor == "Winner" and target.start == 0


@pytest.mark.parametrize(
    "record, field, words",
    [
        ({"actor": "Russie", "stance": "critical"}, "sentence", "missing"),
        ({"sentence": "  ", "actor": "Russie", "stance": "critical"}, "sentence", "empty"),
        ({"sentence": "Moscou ment.", "actor": "Russie"}, "stance", "missing"),
        ({"sentence": "Moscou ment.", "actor": "Russie", "stance": "hostile"}, "stance", "unknown label"),
        ({"sentence": "Moscou ment.", "actor": "Russie", "stance": "critical", "start": 0, "end": 99}, "start", "outside"),
        ({"sentence": "Moscou ment.", "mention": "Moscou", "stance": "critical", "start": 1, "end": 6}, "end", "not the mention"),
        ({"sentence": "Moscou ment.", "mention": "Pékin", "stance": "critical"}, "mention", "not found"),
        ({"sentence": "Moscou ment.", "actor": "Chine", "stance": "critical"}, "actor", "no mention"),
        ({"sentence": "Moscou ment.", "stance": "critical"}, "actor", "missing"),
        ({"sentence": "Moscou ment.", "actor": "Russie", "stance": "critical", "start": 0}, "end", "go together"),
        ({"sentence": "Moscou ment.", "actor": "Russie", "stance": "critical", "start": "a", "end": 3}, "start", "integer"),
        ({"sentence": "Moscou ment.", "actor": "Russie", "stance": "critical", "lang": "French"}, "lang", "language"),
    ],
)
def test_each_bad_record_names_file_line_and_field(tmp_path, record, field, words):
    path = write_jsonl(tmp_path / "bad.jsonl", [GOOD, record])
    [problem] = problems_of(path, actors=load_actors())
    assert (problem.path, problem.line, problem.field) == (str(path), 2, field)
    assert words in problem.message


def test_every_bad_record_is_reported(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [dict(GOOD, stance="x"), GOOD, dict(GOOD, stance="y")])
    problems = problems_of(path, actors=load_actors())
    assert [p.line for p in problems] == [1, 3]


def test_invalid_json_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{not json\n")
    [problem] = problems_of(path)
    assert problem.line == 2 and "invalid JSON" in problem.message


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"sentence": "\xff\xfe"}\n')
    [problem] = problems_of(path)
    assert problem.line == 2 and "UTF-8" in problem.message


def test_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('sentence,actor,stance\n"Kiev a accusé Moscou, encore.",Russie,critical\n', encoding="utf-8")
    [target] = read_labeled([path], actors=load_actors())
    assert target.mention == "Moscou"


def test_csv_with_wrong_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("text,label\nfoo,bar\n")
    [problem] = problems_of(path)
    assert (problem.line, problem.field) == (1, "header")


def test_csv_row_with_wrong_number_of_cells(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("sentence,actor,stance\nMoscou ment.,Russie,critical,extra\n")
    [problem] = problems_of(path, actors=load_actors())
    assert problem.line == 2


def test_newsmtsc_flat_and_original_forms(tmp_path):
    flat = write_jsonl(tmp_path / "flat.jsonl", [
        {"mention": "Cruz", "polarity": -1, "from": 0, "to": 4, "sentence": "Cruz lost badly.", "id": "a"},
        {"mention": "Cruz", "polarity": 1, "from": 0, "to": 4, "sentence": "Cruz won.", "id": "b"},
    ])
    original = write_jsonl(tmp_path / "orig.jsonl", [
        {"sentence_normalized": "Cruz praised Walker.", "primary_gid": "g1", "targets": [
            {"mention": "Cruz", "from": 0, "to": 4, "polarity": 4.0, "further_mentions": []},
            {"mention": "Walker", "from": 13, "to": 19, "polarity": 6.0, "further_mentions": []}]},
    ])
    assert [t.stance for t in read_labeled([flat])] == ["critical", "supportive"]
    assert [(t.mention, t.stance) for t in read_labeled([original])] == [("Cruz", "neutral"), ("Walker", "supportive")]
    assert [t.stance for t in read_labeled([flat], data_format="newsmtsc")] == ["critical", "supportive"]


def test_newsmtsc_bad_polarity(tmp_path):
    path = write_jsonl(tmp_path / "n.jsonl", [{"mention": "A", "polarity": 5, "from": 0, "to": 1, "sentence": "A b."}])
    [problem] = problems_of(path)
    assert problem.field == "polarity"


def test_missing_path_and_empty_glob(tmp_path):
    with pytest.raises(StanceInputError, match="no such file"):
        expand_paths([tmp_path / "nope.jsonl"])
    with pytest.raises(StanceInputError, match="no file matches"):
        expand_paths([str(tmp_path / "*.jsonl")])


def test_as_target_accepts_several_shapes():
    assert as_target("Une phrase.").end == 0
    assert as_target({"sentence": "A b", "start": 0, "end": 1}).sentence == "A b"
    assert as_target(("A b", 0, 1, "fr")).lang == "fr"


_records = st.dictionaries(
    st.sampled_from(["sentence", "actor", "mention", "stance", "start", "end", "lang", "frame", "polarity", "from", "to"]),
    st.none() | st.booleans() | st.integers(-5, 50) | st.text(max_size=30) | st.lists(st.text(max_size=5), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_records | st.integers() | st.text(), min_size=1, max_size=4))
def test_random_records_give_targets_or_a_clean_error(tmp_path, records):
    path = tmp_path / "random.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    try:
        for target in read_labeled([path], actors=load_actors()):
            assert target.sentence[target.start : target.end] == target.mention
    except StanceInputError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300), suffix=st.sampled_from([".jsonl", ".csv", ".json"]))
def test_random_bytes_give_a_clean_error_or_targets(tmp_path, raw, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(raw)
    try:
        read_labeled([path])
    except StanceInputError as exc:
        assert str(exc)
