"""The frame classifier, its companion persistence, and frame metrics in `stance evaluate`."""

import json
import pickle

import numpy as np
import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.data import read_labeled
from classifier.errors import StanceInputError
from classifier.frames import (
    DEFAULT_FRAMES,
    FrameClassifier,
    companion_path,
    frame_cue_hits,
    frame_examples,
    load_companion,
    order_frames,
    score_frames,
)
from classifier.model import card_path, load_model, read_card

from .conftest import tiny_frame_records

runner = CliRunner()


def test_cue_lexicon_hits_both_languages():
    assert "economic" in frame_cue_hits("Les prix du pétrole et l'inflation pèsent sur les ménages.")
    assert "quality_of_life" in frame_cue_hits("Le coût de la vie inquiète.")  # a multi-word entry
    assert "security_defense" in frame_cue_hits("The army shelled the town overnight.")
    assert "crime_punishment" in frame_cue_hits("Police arrested two suspects for fraud.")
    assert "political" not in frame_cue_hits("Il va partir demain.")  # "parti$" matches the word only
    assert frame_cue_hits("") == []


def test_frame_examples_group_by_sentence(tmp_path):
    records = tiny_frame_records()
    examples, inconsistent = frame_examples(read_labeled_records(records, tmp_path))
    assert len(examples) == len({r["sentence"] for r in records}) and inconsistent == 0
    clash = [dict(records[0], frame="economic"), dict(records[1], frame="policy")]
    assert clash[0]["sentence"] == clash[1]["sentence"]
    examples, inconsistent = frame_examples(read_labeled_records(clash, tmp_path))
    assert inconsistent == 1 and examples[0].frames == ("economic", "policy")  # the union
    no_frames = [{k: v for k, v in r.items() if k != "frame"} for r in records[:4]]
    assert frame_examples(read_labeled_records(no_frames, tmp_path)) == ([], 0)


def read_labeled_records(records, tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return read_labeled([path])


def test_classifier_learns_multi_label_and_custom_schemes():
    X = ["Les prix du pétrole flambent.", "Oil prices soared.", "L'armée a bombardé la ville.",
         "The army shelled the town.", "Oil and arms: the army buys fuel."] * 4
    Y = [["economic"], ["economic"], ["security_defense"], ["security_defense"],
         ["economic", "security_defense"]] * 4
    model = FrameClassifier(char_ngrams=None).fit(X, Y)
    assert list(model.classes_) == ["economic", "security_defense"]  # codebook order
    assert model.predict(["Oil prices fell sharply."]) == [("economic",)]
    proba = model.predict_proba(["The army shelled the port."])
    assert proba.shape == (1, 2) and proba[0, 1] > 0.5
    assert all(len(labels) >= 1 for labels in model.predict(["", "Rien à voir."]))  # at least one frame
    custom = FrameClassifier(char_ngrams=None).fit(X, [["pricey"] if "il" in x else ["boom"] for x in X])
    assert set(custom.classes_) == {"boom", "pricey"}
    assert order_frames(["zeta", "other", "economic"]) == ["economic", "other", "zeta"]


def test_classifier_is_an_sklearn_estimator_and_pickles_compactly():
    from sklearn.base import clone

    X = [r["sentence"] for r in tiny_frame_records()]
    Y = [r["frame"].split("|") for r in tiny_frame_records()]
    model = FrameClassifier(C=2.0, threshold="auto", tune_folds=2).fit(X, Y)
    assert clone(model).get_params()["C"] == 2.0 and not hasattr(clone(model), "coef_")
    assert model.thresholds_.shape == (len(model.classes_),)
    again = pickle.loads(pickle.dumps(model))  # vocabularies packed into one string each
    assert again.vectorizers_["words"].vocabulary_ == model.vectorizers_["words"].vocabulary_
    np.testing.assert_array_equal(again.predict_proba(X[:5]), model.predict_proba(X[:5]))
    with pytest.raises(ValueError):
        FrameClassifier().fit(X[:2], Y[:1])


def test_score_frames_by_hand():
    gold = [{"a"}, {"a", "b"}, {"c"}]
    pred = [{"a"}, {"a"}, {"b"}]
    report = score_frames(gold, pred)
    # a: tp 2, fp 0, fn 0 → F1 1; b: tp 0, fp 1, fn 1 → 0; c: fn 1 → 0
    assert report["per_frame"]["a"]["f1"] == 1.0 and report["per_frame"]["b"]["f1"] == 0.0
    assert report["macro_f1"] == pytest.approx(1 / 3, abs=1e-4)
    # micro: tp 2, fp 1, fn 2 → P 2/3, R 1/2 → F1 4/7
    assert report["micro_f1"] == pytest.approx(4 / 7, abs=1e-4)
    assert report["exact_match"] == pytest.approx(1 / 3, abs=1e-4) and report["n_sentences"] == 3


def test_training_writes_a_verified_companion(tiny_frames_model):
    card = read_card(tiny_frames_model)
    companion = companion_path(tiny_frames_model)
    assert companion.name == "tiny.frames.joblib" and companion.is_file() and card_path(companion).is_file()
    entry = card["frames"]
    assert entry["model_file"] == companion.name and entry["sha256"] == read_card(companion)["sha256"]
    assert set(entry["labels"]) == {"political", "crime_punishment", "legality", "external_regulation"}
    frame_model, frame_card = load_companion(tiny_frames_model, card)
    assert frame_card["stance_model"] == "tiny.joblib" and frame_card["data"]["sentences"] == 144
    assert set(frame_model.predict(["Oslo a condamné Lisbonne mardi."])[0]) == {"crime_punishment", "legality"}


def test_tampered_or_swapped_companions_are_refused(tiny_frames_model, tmp_path):
    stance_card = read_card(tiny_frames_model)
    for name in ("m.joblib", "m.card.json", "m.frames.joblib", "m.frames.card.json"):
        source = {"m.joblib": tiny_frames_model, "m.card.json": card_path(tiny_frames_model),
                  "m.frames.joblib": companion_path(tiny_frames_model),
                  "m.frames.card.json": card_path(companion_path(tiny_frames_model))}[name]
        (tmp_path / name).write_bytes(source.read_bytes())
    copy = tmp_path / "m.joblib"
    stance_card = {**stance_card, "frames": {**stance_card["frames"], "model_file": "m.frames.joblib"}}
    assert load_companion(copy, stance_card)[0] is not None
    frames_file = tmp_path / "m.frames.joblib"
    frames_file.write_bytes(frames_file.read_bytes()[:-1])  # truncated: sha256 no longer matches its card
    with pytest.raises(StanceInputError, match="checksum mismatch"):
        load_companion(copy, stance_card)
    swapped = {**stance_card, "frames": {**stance_card["frames"], "sha256": "0" * 64}}
    with pytest.raises(StanceInputError, match="does not belong"):
        load_companion(copy, swapped)
    frames_file.unlink()
    with pytest.raises(StanceInputError, match="missing"):
        load_companion(copy, stance_card)
    assert load_companion(copy, {**stance_card, "frames": None}) == (None, None)


def test_data_without_frames_trains_no_companion(tiny_model):
    assert read_card(tiny_model)["frames"] is None
    assert not companion_path(tiny_model).exists()


def test_default_model_without_companion_is_stale(isolated_models, tiny_frames_data, monkeypatch):
    from classifier.registry import default_model_is_stale, resolve_model

    monkeypatch.setattr("classifier.paths.default_training_dir", lambda: tiny_frames_data.parent)
    _, card, path = resolve_model(None)
    assert card["frames"] and not default_model_is_stale(path)
    companion_path(path).unlink()
    assert default_model_is_stale(path)
    older = {k: v for k, v in card.items() if k != "frames"}  # a card from before frames existed
    card_path(path).write_text(json.dumps(older), encoding="utf-8")
    assert default_model_is_stale(path)
    _, card, _ = resolve_model(None)  # retrained with its companion
    assert card["frames"] and companion_path(path).is_file()
    load_model(companion_path(path))


def test_evaluate_reports_frames(tiny_frames_model, tiny_frames_data, tiny_model):
    result = runner.invoke(app, ["evaluate", str(tiny_frames_data), "--model", str(tiny_frames_model), "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"n", "accuracy", "macro_f1", "per_class", "confusion_matrix", "per_actor", "per_language"} <= set(report)
    frames = report["frames"]
    assert frames["n_sentences"] == 144 and 0.9 <= frames["micro_f1"] <= 1 and 0.9 <= frames["macro_f1"] <= 1
    assert set(frames["per_frame"]) == {"political", "crime_punishment", "legality", "external_regulation"}
    assert set(frames["per_language"]) == {"fr", "en"}
    markdown = runner.invoke(app, ["evaluate", str(tiny_frames_data), "--model", str(tiny_frames_model),
                                   "-f", "markdown"]).stdout
    assert "## Frames (144 sentences)" in markdown and "| crime_punishment |" in markdown
    table = runner.invoke(app, ["evaluate", str(tiny_frames_data), "--model", str(tiny_frames_model)]).stdout
    assert "micro-F1" in table
    # a model without a companion: no frames key, the rest unchanged
    plain = json.loads(runner.invoke(app, ["evaluate", str(tiny_frames_data), "--model", str(tiny_model),
                                           "-f", "json"]).stdout)
    assert "frames" not in plain


def test_default_scheme_is_the_codebook():
    assert len(DEFAULT_FRAMES) == 15 and DEFAULT_FRAMES[0] == "economic" and DEFAULT_FRAMES[-1] == "other"


def test_document_context_is_a_feature(tmp_path):
    examples, _ = frame_examples(read_labeled_records(tiny_frame_records(), tmp_path))
    first = examples[0]
    siblings = [e.sentence for e in examples if e.source == first.source]
    assert len(siblings) > 1 and first.context == " ".join(siblings)
    X = ["Oil prices soared.", "The army shelled the town."] * 6
    Y = [["economic"], ["security_defense"]] * 6
    docs = ["Oil prices soared. Markets fell.", "The army shelled the town. Troops advanced."] * 6
    model = FrameClassifier(char_ngrams=None).fit(X, Y, contexts=docs)
    alone = model.predict_proba(["Markets and troops."])
    in_context = model.predict_proba(["Markets and troops."], contexts=["The army shelled the town. Troops advanced."])
    assert in_context[0, 1] > alone[0, 1]  # the story's security frame carries over
    flat = FrameClassifier(char_ngrams=None, context_weight=0).fit(X, Y, contexts=docs)
    np.testing.assert_allclose(flat.predict_proba(["Markets."], contexts=["Oil."]), flat.predict_proba(["Markets."]))


_WORDS = ["Moscou", "l'armée", "PRIX", "inflation", "a", "été", "Kyiv’s", "élections", "tir", "U.S.", "«", "»", "x"]


def test_fast_char_transform_equals_sklearn_and_is_not_pickled():
    """The memoized char n-gram path gives TfidfVectorizer.transform's exact matrix (case, spacing, unseen words)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from sklearn.feature_extraction.text import TfidfVectorizer

    from classifier.features import WORD_COLUMNS, char_wb_transform

    fitted = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True,
                             dtype=np.float32).fit(["Les prix de l'énergie montent", "Moscou a tiré sur Kyiv"])
    spaces = st.sampled_from([" ", "  ", "\t", "\n ", "\xa0"])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.lists(st.tuples(st.sampled_from(_WORDS) | st.text(max_size=6), spaces), max_size=12),
                    min_size=1, max_size=5))
    def check(docs):
        documents = ["".join(w + s for w, s in doc) for doc in docs]
        fast, slow = char_wb_transform(fitted, documents), fitted.transform(documents)
        assert fast.shape == slow.shape and fast.dtype == slow.dtype
        assert (fast != slow).nnz == 0

    check()
    assert fitted.__dict__.get(WORD_COLUMNS)  # the memo was used
    model = FrameClassifier(random_state=0).fit(["Les prix montent.", "L'armée a tiré.", "Le parti gagne."],
                                                [["economic"], ["security_defense"], ["political"]])
    model.predict_proba(["Les prix de l'armée."])
    assert WORD_COLUMNS not in pickle.loads(pickle.dumps(model)).vectorizers_["chars"].__dict__


def test_fast_word_transform_of_the_frame_model_equals_sklearn():
    from classifier.features import word_ngram_transform

    model = FrameClassifier(random_state=0).fit(["Les prix montent vite.", "L'armée a tiré hier.", "Le parti gagne."],
                                                [["economic"], ["security_defense"], ["political"]])
    words = model.vectorizers_["words"]
    docs = [" ".join(FrameClassifier._docs("words", [s])[0].split()) for s in
            ["Les prix de l'armée montent.", "", "Le parti   gagne  vite\tencore", "Inconnu total."]]
    fast, slow = word_ngram_transform(words, docs), words.transform(docs)
    assert type(words).transform is not word_ngram_transform and (fast != slow).nnz == 0 and slow.nnz > 0


def test_context_scores_are_added_per_distinct_context_not_stacked():
    """predict_proba scores each distinct context once; same probabilities as the stacked matrix of fit()."""
    records = tiny_frame_records()
    sentences = [r["sentence"] for r in records]
    labels = [r["frame"].split("|") for r in records]
    contexts = [" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3) for _ in range(3)][: len(sentences)]
    model = FrameClassifier(random_state=0, context_weight=1.6).fit(sentences, labels, contexts=contexts)
    stacked = model._proba(model._transform(model.vectorizers_, sentences, contexts),
                           model.coef_, model.intercept_)
    np.testing.assert_allclose(model.predict_proba(sentences, contexts=contexts), stacked, rtol=0, atol=1e-6)
    # one long shared context: no row of the article's vector per sentence is built
    article = " ".join(sentences)
    np.testing.assert_allclose(model.predict_proba(sentences, contexts=[article] * len(sentences)),
                               model._proba(model._transform(model.vectorizers_, sentences, [article] * len(sentences)),
                                            model.coef_, model.intercept_), rtol=0, atol=1e-6)
