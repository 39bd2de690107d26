import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline

from classifier.data import Target, read_labeled
from classifier.errors import StanceInputError
from classifier.features import TargetFeatures, analyze
from classifier.model import StanceClassifier, card_path, load_model, save_model, sha256_file


@pytest.fixture(scope="module")
def tiny(tiny_data):
    targets = read_labeled([tiny_data])
    return [t.target for t in targets], [t.stance for t in targets]


def fast_model(**kwargs):
    return StanceClassifier(char_ngrams=None, **kwargs)


def test_prediction_depends_on_the_target(tiny):
    X, y = tiny
    model = fast_model().fit(X, y)
    sentence = "Paris a salué Berlin mardi mais a accusé Madrid de mentir."
    berlin = Target(sentence, sentence.index("Berlin"), sentence.index("Berlin") + 6, "fr")
    madrid = Target(sentence, sentence.index("Madrid"), sentence.index("Madrid") + 6, "fr")
    assert list(model.predict([berlin, madrid])) == ["supportive", "critical"]


def test_masking_removes_the_target_words():
    sentence = "Kiev a accusé Moscou de mentir."
    a = analyze(Target(sentence, 14, 20))
    assert "<tgt>" in a.masked and "moscou" not in a.masked.split()
    assert "tgt:object_of_accuse" in a.cues.split()
    b = analyze(Target(sentence, 0, 4))
    assert "tgt:subject_of_accuse" in b.cues.split()


def test_negation_is_marked():
    sentence = "Pékin n'a jamais condamné Moscou."
    a = analyze(Target(sentence, sentence.index("Moscou"), sentence.index("Moscou") + 6))
    assert any(cue.startswith("not_") for cue in a.cues.split())


def test_estimator_contract(tiny):
    X, y = tiny
    model = fast_model(C=2.0)
    assert model.get_params()["C"] == 2.0
    assert not hasattr(model, "classifier_")  # no work in __init__
    clone(model).fit(X, y)
    scores = cross_validate(fast_model(), X, y, cv=3, scoring="f1_macro")
    assert len(scores["test_score"]) == 3
    search = GridSearchCV(Pipeline([("stance", fast_model())]), {"stance__C": [0.5, 2.0]}, cv=2).fit(X, y)
    assert search.best_params_["stance__C"] in (0.5, 2.0)
    proba = model.set_params(C=1.0).fit(X, y).predict_proba(X[:4])
    assert proba.shape == (4, 3) and np.allclose(proba.sum(axis=1), 1)
    assert set(model.classes_) == {"supportive", "neutral", "critical"}


def test_feature_transformer_alone(tiny):
    X, _ = tiny
    features = TargetFeatures(char_ngrams=(2, 3)).fit(X)
    matrix = features.transform(X[:5])
    assert matrix.shape == (5, len(features.get_feature_names_out()))


def test_training_is_deterministic(tiny):
    X, y = tiny
    a = StanceClassifier(random_state=3).fit(X, y).predict_proba(X)
    b = StanceClassifier(random_state=3).fit(X, y).predict_proba(X)
    assert np.array_equal(a, b)


def test_save_and_load_roundtrip(tiny, tmp_path):
    X, y = tiny
    model = fast_model().fit(X, y)
    path = tmp_path / "m.joblib"
    card = save_model(model, path, {"name": "m"})
    assert card["sha256"] == sha256_file(path)
    assert json.loads(card_path(path).read_text())["labels"] == list(model.classes_)
    loaded, loaded_card = load_model(path)
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert not list(tmp_path.glob("*.tmp"))  # atomic: no temporary file left behind


def test_tampered_truncated_or_unvouched_models_never_load(tiny, tmp_path):
    X, y = tiny
    path = tmp_path / "m.joblib"
    save_model(fast_model().fit(X, y), path, {"name": "m"})
    original = path.read_bytes()

    path.write_bytes(original[:-10])  # truncated
    with pytest.raises(StanceInputError, match="checksum mismatch"):
        load_model(path)

    tampered = bytearray(original)
    tampered[len(tampered) // 2] ^= 0xFF
    path.write_bytes(bytes(tampered))
    with pytest.raises(StanceInputError, match="checksum mismatch"):
        load_model(path)

    path.write_bytes(original)
    card = json.loads(card_path(path).read_text())
    card["versions"]["scikit-learn"] = "0.0.1"
    card_path(path).write_text(json.dumps(card))
    with pytest.raises(StanceInputError, match="scikit-learn 0.0.1"):
        load_model(path)

    card_path(path).unlink()
    with pytest.raises(StanceInputError, match="card missing"):
        load_model(path)


def test_training_writes_a_complete_card(tiny_model):
    card = json.loads(card_path(tiny_model).read_text())
    for key in ("labels", "data", "versions", "seed", "trained_at", "sha256", "params"):
        assert key in card
    assert card["data"]["total"] > 0
    [entry] = card["data"]["files"].values()
    assert len(entry["sha256"]) == 64
    assert set(card["data"]["counts"]) == {"fr", "en"}


def test_cross_validation_in_card(tiny_data, tmp_path):
    from classifier.training import train

    card = train([tiny_data], tmp_path / "cv.joblib", cv=3, seed=2, params={"char_ngrams": None})
    cv = card["cross_validation"]
    assert cv["folds"] == 3 and 0 <= cv["macro_f1_mean"] <= 1 and cv["grouped_by"] == "source"


def test_same_seed_same_model(tiny_data, tmp_path):
    from classifier.training import train

    a = train([tiny_data], tmp_path / "a.joblib", cv=0, seed=5, params={"char_ngrams": None})
    b = train([tiny_data], tmp_path / "b.joblib", cv=0, seed=5, params={"char_ngrams": None})
    assert a["sha256"] == b["sha256"]


def test_svm_ensemble_is_a_proper_estimator(tiny):
    X, y = tiny
    model = fast_model(ensemble="svm", svm_C=0.2)
    assert not hasattr(model, "svm_")
    proba = model.fit(X, y).predict_proba(X[:6])
    assert proba.shape == (6, 3) and np.allclose(proba.sum(axis=1), 1)
    assert np.array_equal(model.predict(X[:6]), model.classes_[np.argmax(model.decision_function(X[:6]), axis=1)])
    again = clone(model).fit(X, y)
    assert np.array_equal(again.predict_proba(X), model.predict_proba(X))  # deterministic
    search = GridSearchCV(fast_model(ensemble="svm"), {"svm_C": [0.1, 1.0]}, cv=2).fit(X, y)
    assert search.best_params_["svm_C"] in (0.1, 1.0)
    with pytest.raises(ValueError, match="ensemble"):
        fast_model(ensemble="forest").fit(X, y)


def test_presets_and_ablations_are_valid_parameters(tiny):
    from classifier.model import PRESET_ABLATIONS, PRESETS

    X, y = tiny
    valid = set(StanceClassifier().get_params())
    for name, params in PRESETS.items():
        assert set(params) <= valid, name
    for name, (_, overrides) in PRESET_ABLATIONS.items():
        params = {**PRESETS["newsmtsc"], **overrides}
        assert set(params) <= valid, name
        assert params != PRESETS["newsmtsc"], f"ablation {name} changes nothing"
    model = StanceClassifier(**{**PRESETS["newsmtsc"], "char_ngrams": None}).fit(X, y)
    sentence = "Paris a salué Berlin mardi mais a accusé Madrid de mentir."
    berlin = Target(sentence, sentence.index("Berlin"), sentence.index("Berlin") + 6, "fr")
    madrid = Target(sentence, sentence.index("Madrid"), sentence.index("Madrid") + 6, "fr")
    assert list(model.predict([berlin, madrid])) == ["supportive", "critical"]


def test_pickled_model_packs_vocabularies_and_predicts_the_same(tiny, tmp_path):
    import joblib

    X, y = tiny
    model = StanceClassifier(char_ngrams=(2, 3)).fit(X, y)
    state = model.features_.__getstate__()
    assert all(not hasattr(v, "vocabulary_") for v in state["vectorizers_"].values())
    assert all(hasattr(v, "vocabulary_") for v in model.features_.vectorizers_.values())  # the live object is intact
    path = tmp_path / "packed.joblib"
    joblib.dump(model, path)
    loaded = joblib.load(path)
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_mentions_of_one_actor_pool_to_the_most_evaluative():
    from classifier.analysis import pool_mentions

    labels = ["critical", "neutral", "supportive"]
    channel = np.array([0.05, 0.9, 0.05])  # "selon une vidéo diffusée par le Kremlin"
    praised = np.array([0.05, 0.35, 0.6])  # "l'alliance entre Moscou et Pékin reste un facteur stabilisant"
    assert np.array_equal(pool_mentions([channel, praised], labels), praised)
    assert np.array_equal(pool_mentions([channel], labels), channel)


def test_agency_option_reaches_the_features(tiny):
    X, y = tiny
    assert StanceClassifier().use_agency is False  # old behaviour unless asked
    model = fast_model(use_agency=True).fit(X, y)
    assert model.features_.use_agency is True
    names = model.features_.get_feature_names_out()
    assert any(name.startswith("cues__ag1:") for name in names)
    plain = fast_model().fit(X, y).features_.get_feature_names_out()
    assert not any(name.startswith("cues__ag") for name in plain)
    assert clone(model).get_params()["use_agency"] is True
