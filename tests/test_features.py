"""The target-dependent feature blocks switched on by the NewsMTSC preset and its ablations."""

import pickle

import numpy as np
import pytest

from classifier.data import Target
from classifier.features import TargetFeatures, analyze, cue_category


def target(sentence, mention, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = sentence.index(mention, start + 1)
    return Target(sentence, start, start + len(mention), "en")


def test_exact_stems_do_not_over_match():
    assert cue_category("good") == "pos" and cue_category("goods") is None
    assert cue_category("hero") == "pos" and cue_category("heroin") is None
    assert cue_category("greatest") == "pos" and cue_category("greater") is None
    assert cue_category("criticized") == "accuse" and cue_category("endorsed") == "praise"
    assert cue_category("scrutin") is None  # French "ballot", not English "scrutiny"


def test_lexicon_covers_inflections_without_catching_other_words():
    assert cue_category("dénonçant") == "accuse"  # ç: "dénonc" alone would miss it
    assert cue_category("pillé") == "neg" and cue_category("piratage") == "neg"
    assert cue_category("hailed") == "praise" and cue_category("landmark") == "pos"
    assert cue_category("surgery") is None and cue_category("firefighters") is None  # not "surge", "fire"


def test_defeat_cues_mark_the_winner_as_agent_and_the_loser_as_patient():
    sentence = "Le PSG a battu Marseille dimanche."
    loser = analyze(Target(sentence, sentence.index("Marseille"), sentence.index("Marseille") + 9, "fr"),
                    agency=True).cues.split()
    winner = analyze(Target(sentence, 3, 6, "fr"), agency=True).cues.split()
    assert "ag:defeat:patient" in loser and "tgt:object_of_defeat" in loser
    assert "ag:defeat:agent" in winner and "tgt:subject_of_defeat" in winner
    passive = "Marseille was beaten by PSG on Sunday."
    assert "ag:defeat:patient" in analyze(Target(passive, 0, 9, "en"), agency=True).cues.split()


def test_near_block_weights_words_by_distance_and_marks_negation():
    a = analyze(target("Critics say Smith never lied to the committee about it.", "Smith"), decay=3.0)
    assert a.near["say"] == pytest.approx(1.0) and a.near["critics"] < a.near["say"]
    assert "not_lied" in a.near and "lied" not in a.near
    assert a.near["never"] > a.near["committee"]
    assert analyze(target("Smith lied.", "Smith")).near == {}  # off unless decay is given


def test_near_sides_mark_each_word_with_its_side_of_the_target():
    plain = analyze(target("Critics say Smith never lied.", "Smith"), decay=3.0)
    sided = analyze(target("Critics say Smith never lied.", "Smith"), decay=3.0, near_sides=True)
    assert set(sided.near) == {"L:critics", "L:say", "R:never", "R:not_lied"}
    assert sided.near["L:say"] == plain.near["say"] and sided.near["R:not_lied"] == plain.near["not_lied"]
    names = TargetFeatures(char_ngrams=None, decay=3.0, near_sides=True).fit(
        [target("Critics say Smith never lied.", "Smith")]).get_feature_names_out()
    assert "near__L:say" in set(names) and "near__say" not in set(names)


def test_sides_differ_between_two_targets_of_one_sentence():
    sentence = "Smith praised Jones but attacked Brown."
    jones, brown = analyze(target(sentence, "Jones"), sides=True), analyze(target(sentence, "Brown"), sides=True)
    assert jones.masked != brown.masked
    assert jones.left.endswith("<tgt>") and jones.right.startswith("<tgt> but")
    assert brown.left.startswith("smith praised jones but attacked") and brown.right == "<tgt> ."


def test_role_cues_speaker_quote_and_possessor():
    spoken = analyze(target('"We want a wonderful deal for workers," she said.', "she"), roles=True)
    assert "tgt:speaker_any" in spoken.cues.split() and "tgt:speaker_of_quote" in spoken.cues.split()
    assert "pos:spoken_by_tgt" in spoken.cues.split()
    quoted = analyze(target('Smith said: "Jones is a disgraceful liar."', "Jones"), roles=True)
    assert "tgt:in_quote" in quoted.cues.split() and "neg:same_quote" in quoted.cues.split()
    possessor = analyze(target("Clinton's emails were a scandal.", "Clinton"), roles=True)
    assert "tgt:possessor" in possessor.cues.split() and "tgt:clause_start" in possessor.cues.split()
    assert "tgt:speaker_any" not in analyze(target("Smith lied.", "Smith")).cues.split()


def test_clause_block_stops_at_punctuation_and_contrast():
    a = analyze(target("Smith won easily, but Jones lost badly in Ohio.", "Jones"), clause=True)
    assert a.clause == "lost badly in ohio"


def test_negation_scope_modes():
    sentence = "Smith did not, as critics claim, betray the party; he was not in any way disloyal to it."
    window = analyze(target(sentence, "Smith"), decay=10.0)
    clause = analyze(target(sentence, "Smith"), decay=10.0, negation="clause")
    assert "not_any" in window.near and "disloyal" in window.near  # 3 words after "not", no further
    assert "not_disloyal" in clause.near
    assert "betray" in clause.near and "not_betray" not in clause.near  # a scope stops at the comma


def test_mention_shape_hides_names_keeps_pronouns_and_titles():
    sentence = "President Trump met him and the Trump administration."
    assert analyze(target(sentence, "President Trump"), mention_shape=True).mention == "president Xx"
    assert analyze(target(sentence, "him"), mention_shape=True).mention == "him"
    assert analyze(target(sentence, "the Trump administration"), mention_shape=True).mention == "the Xx administration"
    assert analyze(target(sentence, "President Trump")).mention == "president trump"


def test_all_blocks_together_are_consistent_and_picklable():
    sentences = ["Smith praised Jones.", "Smith attacked Jones.", "Jones met Smith on Monday.", "Smith did not lie."]
    X = [target(s, "Smith") for s in sentences] + [target(s, "Jones") for s in sentences[:3]]
    features = TargetFeatures(char_ngrams=(2, 3), use_mention="shape", decay=3.0, use_sides=True,
                              use_clause=True, use_roles=True, negation="clause")
    matrix = features.fit_transform(X)
    assert matrix.shape == (len(X), len(features.get_feature_names_out()))
    names = set(features.get_feature_names_out())
    assert {"near__praised", "left__<tgt>", "right__<tgt>", "mention__Xx"} <= names
    assert np.allclose(features.transform(X).toarray(), matrix.toarray())
    again = pickle.loads(pickle.dumps(features))
    assert np.allclose(again.transform(X[:2]).toarray(), matrix[:2].toarray())
    assert list(again.get_feature_names_out()) == list(features.get_feature_names_out())
    near = again.vectorizers_["near"]  # a DictVectorizer: its names list is packed with its vocabulary
    assert near.feature_names_ == features.vectorizers_["near"].feature_names_
    assert "_packed_feature_names" not in near.__dict__ and "_packed_vocabulary" not in near.__dict__


def test_invalid_negation_mode_is_rejected():
    with pytest.raises(ValueError, match="negation"):
        TargetFeatures(negation="sentence").fit([target("Smith lied.", "Smith")])


def test_cached_char_tfidf_equals_sklearn_and_pickles_without_its_cache():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from classifier.features import _CharTfidf

    train = ["<tgt> a salué Berlin mardi .", "Smith praised <tgt>  on  Monday .", "l'Élysée a démenti", "a b"]
    test = ["<tgt> praised Smith .", "", "mots jamais vus <tgt>", "Smith praised <tgt> on Monday ."] * 2
    options = dict(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1, lowercase=False,
                   dtype=np.float32)
    expected = TfidfVectorizer(**options).fit(train).transform(test)
    fast = _CharTfidf(**options).fit(train)
    for _ in range(2):  # cold and warm cache
        got = fast.transform(test)
        assert got.dtype == expected.dtype and (got != expected).nnz == 0
        assert np.array_equal(got.indices, expected.indices) and np.array_equal(got.indptr, expected.indptr)
    again = pickle.loads(pickle.dumps(fast))
    assert "_word_columns" not in again.__dict__
    assert (again.transform(test) != expected).nnz == 0


def agency(sentence, mention, lang="en"):
    t = target(sentence, mention)
    t = Target(t.sentence, t.start, t.end, lang)
    return {c for c in analyze(t, agency=True).cues.split() if c.startswith("ag")}


def test_agency_cues_tell_agent_from_patient():
    # active verb: the subject is the agent, the object the patient
    assert "ag1:accuse:agent" in agency("Kiev accused Moscow of lying.", "Kiev")
    assert "ag1:accuse:patient" in agency("Kiev accused Moscow of lying.", "Moscow")
    # passive and "receiving" verbs make the subject the patient; by/par makes the target the agent
    assert "ag1:accuse:patient" in agency("The militia was accused by the UN of massacres.", "militia")
    assert "ag:accuse:agent" in agency("The militia was accused by the UN of massacres.", "UN")
    assert "ag1:accuse:patient" in agency("Bondi faced sharp criticism from prosecutors.", "Bondi")
    assert "ag:neg:agent" in agency("Dozens were killed in strikes by Israel.", "Israel")
    assert "ag1:accuse:patient" in agency("Le ministre a été vivement critiqué par les syndicats.", "ministre", "fr")
    # another name between the target and the cue; negation; punctuation stops the reach
    assert "ag:accuse:agent:other" in agency("Paris and Berlin accused Rome.", "Paris")
    assert "ag:accuse:agent:direct" in agency("Paris and Berlin accused Rome.", "Berlin")
    assert "ag1:not_praise:agent" in agency("Smith never praised the deal.", "Smith")
    assert agency("Smith, tired, met Jones.", "Smith") == set()
    # off by default, and off without the cue lexicons
    assert not any(c.startswith("ag") for c in analyze(target("Kiev accused Moscow.", "Kiev")).cues.split())
    X = [target("Kiev accused Moscow.", "Kiev"), target("Kiev accused Moscow.", "Moscow")]
    names = set(TargetFeatures(char_ngrams=None, use_agency=True).fit(X).get_feature_names_out())
    assert {"cues__ag1:accuse:agent", "cues__ag1:accuse:patient"} <= names
    assert "cues__ag1:accuse:agent" not in set(TargetFeatures(char_ngrams=None).fit(X).get_feature_names_out())


def test_word_tfidf_equals_sklearn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from classifier.features import _WordTfidf

    train = ["<tgt> a salué Berlin mardi .", "Smith praised <tgt>  on  Monday .", "l'élysée a démenti", "b a b a"]
    test = ["<tgt> praised Smith .", "", "mots jamais vus <tgt>", "Smith praised <tgt> on Monday .", "a b a b b"]
    for ngrams in ((1, 1), (1, 2)):
        options = dict(token_pattern=r"\S+", ngram_range=ngrams, sublinear_tf=True, min_df=1, lowercase=False,
                       dtype=np.float32)
        expected = TfidfVectorizer(**options).fit(train).transform(test)
        got = _WordTfidf(**options).fit(train).transform(test)
        assert got.dtype == expected.dtype and (got != expected).nnz == 0
        assert np.array_equal(got.indices, expected.indices) and np.array_equal(got.indptr, expected.indptr)
        again = pickle.loads(pickle.dumps(_WordTfidf(**options).fit(train)))
        assert (again.transform(test) != expected).nnz == 0
