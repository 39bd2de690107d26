"""Checks on the project's own labeled corpus (data/train, data/test): size, balance, variety,
held-out split hygiene, near-duplicates and actor resolution."""

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from classifier.actors import load_actors
from classifier.data import LABELS, read_labeled

from .conftest import ROOT

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def corpus():
    train = read_labeled([DATA / "train"])
    test = read_labeled([DATA / "test"])
    return train, test


def test_size_per_language(corpus):
    train, test = corpus
    langs = Counter(t.lang for t in train + test)
    assert sum(langs.values()) >= 3000
    assert langs["fr"] >= 1800 and langs["en"] >= 1200


def test_each_stance_is_at_least_a_quarter_per_language(corpus):
    train, test = corpus
    by_lang = defaultdict(Counter)
    for t in train + test:
        by_lang[t.lang][t.stance] += 1
    for lang, counts in by_lang.items():
        total = sum(counts.values())
        for label in LABELS:
            assert counts[label] / total >= 0.25, (lang, label, counts)


def test_multi_target_sentences(corpus):
    train, test = corpus
    per_sentence = Counter(t.sentence for t in train + test)
    multi = sum(1 for n in per_sentence.values() if n >= 2)
    assert multi / len(per_sentence) >= 0.30
    stances = defaultdict(set)
    for t in train + test:
        stances[t.sentence].add(t.stance)
    assert sum(1 for s in stances.values() if len(s) >= 2) >= 0.15 * len(per_sentence)


def test_held_out_split_is_at_least_15_percent_and_disjoint(corpus):
    train, test = corpus
    assert len(test) >= 0.15 * (len(train) + len(test))
    assert not {t.source for t in train} & {t.source for t in test}
    assert not {t.sentence for t in train} & {t.sentence for t in test}
    for lang in ("fr", "en"):
        lang_test = [t for t in test if t.lang == lang]
        lang_all = [t for t in train + test if t.lang == lang]
        assert len(lang_test) >= 0.13 * len(lang_all), lang
        for label in LABELS:
            share_test = sum(t.stance == label for t in lang_test) / len(lang_test)
            share_all = sum(t.stance == label for t in lang_all) / len(lang_all)
            assert abs(share_test - share_all) < 0.12, (lang, label)


def test_seed_article_is_labeled_in_the_test_split(corpus):
    _, test = corpus
    seed = [t for t in test if t.source == "seed-afp-poutine-xi"]
    assert len(seed) >= 30
    text = (ROOT / "seeds" / "2026-02-04-afp-poutine-xi.txt").read_text(encoding="utf-8")
    assert all(t.sentence in text for t in seed)


def test_every_record_has_frames_and_sources(corpus):
    train, test = corpus
    for t in train + test:
        assert t.frames, (t.path, t.line)
        assert t.source, (t.path, t.line)


def test_every_actor_resolves_in_both_languages(corpus):
    train, test = corpus
    actors = load_actors()
    missing = sorted({t.actor for t in train + test if t.actor not in actors})
    assert not missing
    for name in {t.actor for t in train + test}:
        aliases = actors.get(name).aliases
        assert aliases.get("fr") and aliases.get("en"), name


def _shingles(text, n=5):
    text = " ".join(text.lower().split())
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


def test_no_near_duplicate_sentences(corpus):
    """Character 5-gram Jaccard similarity below 0.5 between any two distinct sentences."""
    import scipy.sparse as sp

    train, test = corpus
    sentences = sorted({t.sentence for t in train + test})
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, sentence in enumerate(sentences):
        for gram in _shingles(sentence):
            rows.append(i)
            cols.append(vocabulary.setdefault(gram, len(vocabulary)))
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(sentences), len(vocabulary)))
    matrix.data[:] = 1
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    overlap = (matrix @ matrix.T).tocoo()
    mask = overlap.row < overlap.col
    inter = overlap.data[mask]
    union = sizes[overlap.row[mask]] + sizes[overlap.col[mask]] - inter
    jaccard = inter / union
    worst = np.argsort(-jaccard)[:5]
    pairs = [(sentences[overlap.row[mask][k]], sentences[overlap.col[mask][k]], float(jaccard[k])) for k in worst]
    assert jaccard.max(initial=0) < 0.5, pairs
