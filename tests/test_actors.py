import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.actors import ActorIndex, load_actors, parse_actors, read_actors_file
from classifier.errors import StanceInputError


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def found(index, text):
    return [(m.actor, m.text) for m in index.find(text)]


def test_metonyms_resolve_to_states(actors):
    text = "Moscou et Pékin ont répondu à Washington, au Kremlin et à la Maison-Blanche, puis à Téhéran et Kiev."
    assert found(actors, text) == [
        ("Russie", "Moscou"), ("Chine", "Pékin"), ("États-Unis", "Washington"), ("Russie", "Kremlin"),
        ("États-Unis", "Maison-Blanche"), ("Iran", "Téhéran"), ("Ukraine", "Kiev"),
    ]


def test_elision_and_possessive(actors):
    assert found(actors, "la répression de l'Iran et l'avenir d'Ukraine") == [("Iran", "Iran"), ("Ukraine", "Ukraine")]
    assert found(actors, "Russia's offensive") == [("Russie", "Russia")]


def test_word_boundaries(actors):
    # "Ukrainienne" and "Iranien" are adjectives, not mentions of the states
    assert found(actors, "une entreprise ukrainienne et un diplomate iranien") == []
    assert found(actors, "Washingtonian") == []


def test_case_is_respected_but_sentence_initial_capital_allowed(actors):
    assert found(actors, "Le président russe a parlé.") == [("Vladimir Poutine", "président russe")]
    assert found(actors, "Président russe depuis 2000, il a parlé.") == [("Vladimir Poutine", "Président russe")]
    assert found(actors, "un accord entre eux") == []  # "EU" and "UE" are upper-case only
    assert found(actors, "Un accord sur l'Ukraine?") == [("Ukraine", "Ukraine")]


def test_longest_alias_wins_over_overlapping_shorter_one(actors):
    mentions = actors.find("Le Premier ministre israélien Benjamin Netanyahu a répondu à Israël.")
    assert [(m.actor, m.text) for m in mentions] == [
        ("Benjamin Netanyahu", "Premier ministre israélien"),
        ("Benjamin Netanyahu", "Benjamin Netanyahu"),
        ("Israël", "Israël"),
    ]


def test_overlapping_aliases_of_equal_length_prefer_the_longer_text():
    index = ActorIndex(parse_actors({"actors": [
        {"name": "Rassemblement calédonien", "aliases": {"fr": ["Le Rassemblement"]}},
        {"name": "Rassemblement national", "aliases": {"fr": ["Rassemblement national"]}}]}))
    assert found(index, "Le Rassemblement national a voté.") == [("Rassemblement national", "Rassemblement national")]
    assert found(index, "Le Rassemblement a voté.") == [("Rassemblement calédonien", "Le Rassemblement")]


def test_a_title_after_former_is_not_the_office_holder(actors):
    """ "le président américain" is the sitting president; "l'ancien président américain" is someone else."""
    def found(text):
        return [(m.actor, m.text) for m in actors.find(text)]

    assert found("Le président américain a salué Pékin.")[0] == ("Donald Trump", "président américain")
    assert all(actor != "Donald Trump" for actor, _ in found("L'ancien président américain a salué Pékin."))
    assert all(actor != "Emmanuel Macron" for actor, _ in found("The former French president said so."))
    assert ("Emmanuel Macron", "Macron") in found("A former Macron adviser said so.")  # a name, not a title
    assert ("Donald Trump", "Donald Trump") in found("Former president Donald Trump said so.")
    assert ("Russie", "Russia") in found("The former ally of Russia said so.")  # states are not titles


def test_a_one_word_name_inside_another_name_is_not_the_actor(actors):
    """ "Lee" is Lee Jae-myung and "Reds" Liverpool, but not in "Spike Lee" or "Cincinnati Reds"."""
    def actors_in(text):
        return [m.actor for m in actors.find(text)]

    assert "Lee Jae-myung" not in actors_in("The film by Spike Lee opened on Friday.")
    assert "Lee Jae-myung" not in actors_in("Lee Hsien Loong visited Tokyo.")
    assert "Liverpool FC" not in actors_in("He bet on Cincinnati Reds games.")
    assert "Lee Jae-myung" in actors_in("Lee met Xi Jinping in Gyeongju.")
    assert "Lee Jae-myung" in actors_in("Selon Lee, la rencontre a été utile.")  # capitalised as first word
    assert "Lee Jae-myung" in actors_in("South Korea's President Lee met Xi.")  # a title before the name
    assert "Liverpool FC" in actors_in("The Reds won 2-0 at Anfield.")
    assert "Russie" in actors_in("Kiev a répondu à Moscou Lundi.")  # countries are not concerned


def test_not_phrases_are_no_mention_of_the_actor(actors):
    """An actor's "not" phrases take their tokens away from its aliases: the tournament, the treaty, the forest."""
    assert found(actors, "Alcaraz won the US Open, and the US praised him.")[-1] == ("États-Unis", "US")
    assert "États-Unis" not in [a for a, _ in found(actors, "Alcaraz won the US Open on Sunday.")]
    assert found(actors, "En quittant l'accord de Paris, Washington a isolé Paris.") == [
        ("États-Unis", "Washington"), ("France", "Paris")]
    assert found(actors, "Accord de Paris : Pékin reste engagé.") == [("Chine", "Pékin")]  # sentence-initial
    assert found(actors, "Amazon deforestation fell while Amazon hired.") == [("Amazon", "Amazon")]
    index = ActorIndex(parse_actors({"actors": [
        {"name": "Georgia", "aliases": {"en": ["Georgia"]}, "not": {"en": ["Georgia Tech", "Atlanta, Georgia"]}}]}))
    assert found(index, "Georgia Tech beat Georgia's rivals in Atlanta, Georgia.") == [("Georgia", "Georgia")]
    assert index.resolve("Georgia Tech") is None and index.resolve("Georgia") == "Georgia"
    assert index.to_dict()["actors"][0]["not"] == {"en": ["Georgia Tech", "Atlanta, Georgia"]}


def test_offsets_are_reported(actors):
    text = "Xi Jinping a reçu Vladimir Poutine."
    for m in actors.find(text):
        assert text[m.start : m.end] == m.text


def test_people_have_affiliations_and_demonyms_name_groups(actors):
    assert actors.get("Vladimir Poutine").affiliation == "Russie"
    assert found(actors, "Russes et Ukrainiens se retrouvent.") == [("Russie", "Russes"), ("Ukraine", "Ukrainiens")]


def test_every_affiliation_is_a_known_actor(actors):
    for actor in actors.actors.values():
        assert actor.affiliation is None or actor.affiliation in actors


def test_extend_and_replace(tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"actors": [{"name": "Moldavie", "type": "country", "aliases": {"fr": ["Chisinau"]}}]}))
    extended = load_actors(extra)
    assert "Moldavie" in extended and "Russie" in extended
    replaced = load_actors(extra, replace=True)
    assert list(replaced.actors) == ["Moldavie"]
    assert found(extended, "Chisinau a protesté.") == [("Moldavie", "Chisinau")]


def test_toml_actors_file(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text('[[actors]]\nname = "Kenya"\ntype = "country"\naliases = { en = ["Kenya", "Nairobi"] }\n')
    index = ActorIndex(read_actors_file(path))
    assert found(index, "Nairobi said") == [("Kenya", "Nairobi")]


@pytest.mark.parametrize(
    "content, field",
    [
        ('{"actors": [{"type": "country"}]}', "actors[0].name"),
        ('{"actors": [{"name": "X", "type": "planet"}]}', "actors[0].type"),
        ('{"actors": [{"name": "X", "aliases": {"fr": [3]}}]}', "actors[0].aliases.fr[0]"),
        ('{"actors": [{"name": "X", "colour": "red"}]}', "actors[0]"),
        ('{"actors": [{"name": "X", "not": {"en": "US Open"}}]}', "actors[0].not.en"),
        ('{"people": []}', "actors"),
    ],
)
def test_bad_actors_files_name_the_field(tmp_path, content, field):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(StanceInputError) as info:
        read_actors_file(path)
    assert info.value.field == field and info.value.path == str(path)


def test_invalid_json_reports_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n "actors": [\n  {"name": "X",}\n ]\n}')
    with pytest.raises(StanceInputError) as info:
        read_actors_file(path)
    assert info.value.line == 3


def test_unknown_affiliation_is_an_error(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"actors": [{"name": "Y", "type": "person", "affiliation": "Atlantide"}]}))
    with pytest.raises(StanceInputError, match="Atlantide"):
        load_actors(path)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_matching_random_text_returns_exact_spans(text):
    index = load_actors()
    for m in index.find(text):
        assert text[m.start : m.end] == m.text


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)))
def test_parse_actors_on_random_documents_is_clean(document):
    try:
        parse_actors({"actors": document} if not isinstance(document, dict) else document)
    except StanceInputError:
        pass
