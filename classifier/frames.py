"""Frames: which aspects of an issue a sentence puts forward (multi-label, one set per sentence).

The default scheme is the Policy Frames Codebook (Boydstun et al., 2014), as defined in
``docs/annotation-guidelines.md``; the label set of a model is whatever its training data holds, so
users can bring their own scheme.

Training data are the stance records themselves: every record carries its sentence's frames
(``frame`` field, ``a|b``), so :func:`frame_examples` groups the targets by sentence.

:class:`FrameClassifier` is one logistic regression per frame over the sentence's word and character
n-grams, a small bilingual frame-cue lexicon (``resources/frame_cues.tsv``) and the words of the whole
document as context, with one decision threshold for all frames. A sentence always gets at least its
most probable frame. The defaults of C, the context weight and the threshold were selected by grouped
cross-validation on ``data/train`` only (``python benchmarks/frames.py --tune``; grid and scores in
benchmarks/RESULTS.md, Framing); the held-out split is never used to choose them.

The frame model is a *companion* of a stance model: ``m.joblib`` has ``m.frames.joblib`` beside it,
each with its own card and sha256, and the stance card records the companion's sha256, so a swapped
or stale companion is refused (:func:`load_companion`).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from .errors import StanceInputError
from .features import WORD_COLUMNS, _strip_elision, char_wb_transform, word_ngram_transform
from .segmentation import words

# The Policy Frames Codebook categories, in the guidelines' order (used for display order only).
DEFAULT_FRAMES = (
    "economic", "capacity_resources", "morality", "fairness_equality", "legality", "policy",
    "crime_punishment", "security_defense", "health_safety", "quality_of_life", "cultural_identity",
    "public_opinion", "political", "external_regulation", "other",
)
FRAMES_SUFFIX = ".frames.joblib"
THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.10, 0.81, 0.05))


# ------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class FrameExample:
    """One sentence and its frame labels."""

    sentence: str
    lang: str
    frames: tuple[str, ...]
    source: str | None = None
    context: str | None = None  # the text of the whole document (its sentences in order), when known


def frame_examples(targets) -> tuple[list[FrameExample], int]:
    """Group labeled targets by sentence: ``(examples, inconsistent)``.

    Sentences whose records carry no frame are left out. When the records of one sentence disagree
    (they should not: the frame is a property of the sentence), the union of their labels is used
    and the sentence is counted in ``inconsistent``.
    """
    by_sentence: dict[str, list] = {}
    documents: dict[str, list[str]] = {}
    for t in targets:
        by_sentence.setdefault(t.sentence, []).append(t)
        if t.source is not None and t.sentence not in documents.setdefault(t.source, []):
            documents[t.source].append(t.sentence)
    examples, inconsistent = [], 0
    for sentence, records in by_sentence.items():
        sets = {tuple(r.frames) for r in records if r.frames}
        if not sets:
            continue
        if len(sets) > 1:
            inconsistent += 1
        frames = tuple(sorted({f for s in sets for f in s}))
        source = records[0].source
        context = " ".join(documents[source]) if source is not None else None
        examples.append(FrameExample(sentence, records[0].lang, frames, source, context))
    return examples, inconsistent


def order_frames(labels) -> list[str]:
    """Labels in codebook order, then any custom labels alphabetically."""
    rank = {f: i for i, f in enumerate(DEFAULT_FRAMES)}
    return sorted(labels, key=lambda f: (rank.get(f, len(rank)), f))


# ----------------------------------------------------------------------------------------- lexicon


@lru_cache(maxsize=1)
def _frame_cues() -> tuple[dict, dict, dict, int]:
    """``(exact, prefixes, phrases, longest prefix)``: stem → tuple of categories."""
    text = resources.files("classifier.resources").joinpath("frame_cues.tsv").read_text(encoding="utf-8")
    exact: dict[str, set] = {}
    prefixes: dict[str, set] = {}
    phrases: dict[str, set] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        stem, _, category = line.partition("\t")
        stem, category = stem.strip().lower(), category.strip()
        if not stem or not category:
            continue
        if " " in stem:
            phrases.setdefault(" ".join(words(stem)), set()).add(category)
        elif stem.endswith("$") or len(stem) < 4:
            exact.setdefault(stem.rstrip("$"), set()).add(category)
        else:
            prefixes.setdefault(stem, set()).add(category)
    freeze = lambda d: {k: tuple(sorted(v)) for k, v in d.items()}  # noqa: E731
    longest = max((len(s) for s in prefixes), default=4)
    return freeze(exact), freeze(prefixes), freeze(phrases), longest


def _normalized_words(sentence: str) -> list[str]:
    # the tokenizer treats ' and ’ alike, so normalising the text first gives the same tokens
    return [_strip_elision(w) for w in words(sentence.replace("’", "'"))]


@lru_cache(maxsize=200_000)
def _token_cues(token: str) -> tuple[str, ...]:
    """The lexicon categories of one normalized token, by exact stem or longest prefix (memoized:
    the same words come back in every article)."""
    if not token[:1].isalnum():
        return ()
    exact, prefixes, _, longest = _frame_cues()
    found = exact.get(token)
    if found is not None:
        return found
    for length in range(min(len(token), longest), 3, -1):
        found = prefixes.get(token[:length])
        if found:
            return found
    return ()


def _cue_hits(tokens: list[str]) -> list[str]:
    hits: list[str] = []
    for token in tokens:
        hits += _token_cues(token)
    phrases = _frame_cues()[2]
    if phrases:
        joined = f" {' '.join(tokens)} "
        for phrase, categories in phrases.items():
            if f" {phrase} " in joined:
                hits += categories
    return hits


def frame_cue_hits(sentence: str) -> list[str]:
    """The lexicon categories hit by the words of ``sentence`` (one entry per hit)."""
    return _cue_hits(_normalized_words(sentence))


def _as_sentence(x) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, FrameExample):
        return x.sentence
    if isinstance(x, dict):
        return x["sentence"]
    sentence = getattr(x, "sentence", None)
    if isinstance(sentence, str):
        return sentence
    return x[0]


def _as_context(x) -> str:
    context = getattr(x, "context", None) if not isinstance(x, (str, dict)) else (
        x.get("context") if isinstance(x, dict) else None)
    return context if isinstance(context, str) and context else _as_sentence(x)


def _cues_doc(tokens: list[str]) -> str:
    return " ".join(f"lex={c}" for c in _cue_hits(tokens))


def _split_on_space(doc: str) -> list[str]:
    return doc.split()


# -------------------------------------------------------------------------------------- classifier


class FrameClassifier(BaseEstimator):
    """Multi-label frame classifier over sentences (scikit-learn style).

    ``X`` is a sequence of sentences (strings, :class:`FrameExample`, dicts or objects with a
    ``sentence`` attribute); ``Y`` a sequence of label collections (``["economic", "political"]``).

    A sentence's frames depend on its story: the features of the whole document (``contexts``, e.g.
    the article's text) are added as a second block, weighted by ``context_weight``. Without a context
    the sentence is its own context.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of each per-frame logistic regression. The defaults of ``C``,
        ``context_weight`` and ``threshold`` are the values selected by grouped 5-fold cross-validation
        on ``data/train`` (``benchmarks/frames.py --tune``, best mean micro-F1).
    context_weight : float
        Weight of the document-context block (0 drops it).
    word_ngrams, char_ngrams : tuple or None
        n-gram ranges of the word and character (``char_wb``) TF-IDF blocks; ``None`` drops a block.
    use_cues : bool
        Add the frame-cue lexicon block.
    cue_weight : float
        Multiplier of the lexicon block (after L2 normalisation).
    threshold : float or "auto"
        Decision threshold on each frame's probability. ``"auto"`` picks one per frame by internal
        cross-validation (``tune_folds`` folds), falling back to the best global threshold for
        frames with fewer than ``min_tune_support`` positive sentences. In the grouped cross-validation
        on ``data/train`` it gave lower micro-F1 (about the same macro-F1) than the fixed default, and
        it triples training time (benchmarks/RESULTS.md, Framing).
    min_df : int
        Minimum document frequency of word and character n-grams.
    max_char_features : int
        Cap on the character n-gram vocabulary. With ``min_df=2`` it keeps the model file small and
        quick to load (the weights are stored as float16, which changes no decision on the held-out
        split) at no measurable cost in F1 (benchmarks/RESULTS.md, Framing).
    class_weight : "balanced" or None
        Reweight positives and negatives of each frame.
    random_state : int
        Seed of the internal cross-validation.

    Examples
    --------
    >>> X = ["Les prix du pétrole flambent.", "Oil prices soared.", "L'armée a bombardé la ville.",
    ...      "The army shelled the town."] * 3
    >>> Y = [["economic"], ["economic"], ["security_defense"], ["security_defense"]] * 3
    >>> FrameClassifier(threshold=0.5, char_ngrams=None).fit(X, Y).predict(["Oil prices fell."])
    [('economic',)]
    """

    def __init__(
        self,
        C=8.0,
        word_ngrams=(1, 2),
        char_ngrams=(2, 4),
        use_cues=True,
        cue_weight=1.0,
        context_weight=1.6,
        threshold=0.35,
        tune_folds=3,
        min_tune_support=8,
        min_df=2,
        max_char_features=20_000,
        class_weight="balanced",
        max_iter=2000,
        random_state=0,
    ):
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.use_cues = use_cues
        self.cue_weight = cue_weight
        self.context_weight = context_weight
        self.threshold = threshold
        self.tune_folds = tune_folds
        self.min_tune_support = min_tune_support
        self.min_df = min_df
        self.max_char_features = max_char_features
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    # ------------------------------------------------------------------ pickling

    def __getstate__(self):
        """Pack each vocabulary into one string: joblib unpickles with the pure-Python unpickler, for
        which tens of thousands of small strings cost ~0.1 s at every ``stance classify``."""
        import copy

        state = dict(super().__getstate__())  # a copy: object.__getstate__ may return __dict__ itself
        if "vectorizers_" in state:
            packed = {}
            for name, vectorizer in state["vectorizers_"].items():
                vectorizer = copy.copy(vectorizer)
                vectorizer.__dict__.pop(WORD_COLUMNS, None)  # a prediction-time memo, not state
                vocabulary = vectorizer.__dict__.pop("vocabulary_")
                packed[name] = (vectorizer, "\x00".join(sorted(vocabulary, key=vocabulary.get)))
            state["vectorizers_"] = packed
            state["_packed_vocabularies"] = True
        return state

    def __setstate__(self, state):
        if state.pop("_packed_vocabularies", False):
            unpacked = {}
            for name, (vectorizer, joined) in state["vectorizers_"].items():
                terms = joined.split("\x00") if joined else []
                vectorizer.vocabulary_ = dict(zip(terms, range(len(terms))))
                unpacked[name] = vectorizer
            state["vectorizers_"] = unpacked
        super().__setstate__(state)

    # ------------------------------------------------------------------ features

    def _vectorizers(self) -> dict:
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

        out = {}
        if self.word_ngrams:
            out["words"] = TfidfVectorizer(token_pattern=r"\S+", ngram_range=tuple(self.word_ngrams),
                                           sublinear_tf=True, min_df=self.min_df, lowercase=False,
                                           dtype=np.float32)
        if self.char_ngrams:
            out["chars"] = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                           sublinear_tf=True, min_df=self.min_df,
                                           max_features=self.max_char_features, lowercase=True,
                                           dtype=np.float32)
        if self.use_cues:
            out["cues"] = CountVectorizer(analyzer=_split_on_space, dtype=np.float32)
        return out

    @staticmethod
    def _docs(name: str, sentences: list[str], tokens: list[list[str]] | None = None) -> list[str]:
        """The documents vectorizer ``name`` reads; ``tokens``: the sentences' normalized words, if known."""
        if name not in ("words", "cues"):
            return sentences
        if tokens is None:
            tokens = [_normalized_words(s) for s in sentences]
        if name == "words":
            return [" ".join(t) for t in tokens]
        return [_cues_doc(t) for t in tokens]

    def _fit_features(self, sentences: list[str]):
        fitted = {}
        for name, vectorizer in self._vectorizers().items():
            try:
                vectorizer.fit(self._docs(name, sentences))
            except ValueError:  # empty vocabulary (e.g. no lexicon hit at all)
                continue
            fitted[name] = vectorizer
        return fitted

    def _sentence_block(self, vectorizers: dict, sentences: list[str], only=None):
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        blocks = []
        tokens = None  # normalized words, shared by the words and cues vectorizers
        for name, vectorizer in vectorizers.items():
            if only is not None and name not in only:
                continue
            if tokens is None and name in ("words", "cues"):
                tokens = [_normalized_words(s) for s in sentences]
            if name == "chars":
                block = char_wb_transform(vectorizer, sentences)
            elif name == "words":
                block = word_ngram_transform(vectorizer, self._docs(name, sentences, tokens))
            else:
                block = vectorizer.transform(self._docs(name, sentences, tokens))
            if name == "cues":
                block = normalize(np.log1p(block)) * self.cue_weight
            blocks.append(block)
        if not blocks:
            return sp.csr_matrix((len(sentences), 0), dtype=np.float32)
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def _transform(self, vectorizers: dict, sentences: list[str], contexts: list[str] | None = None):
        """Sentence features, then (if ``context_weight``) the L2-normalised features of each context."""
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        matrix = self._sentence_block(vectorizers, sentences)
        if not self.context_weight:
            return matrix
        contexts = sentences if contexts is None else contexts
        unique = list(dict.fromkeys(contexts))  # a document's context is computed once
        row = {c: i for i, c in enumerate(unique)}
        # words and lexicon only: character n-grams of whole documents cost 7× the fit time for ~0.005 F1
        block = normalize(self._sentence_block(vectorizers, unique, only=("words", "cues")))[[row[c] for c in contexts]]
        return sp.hstack([matrix, block * self.context_weight], format="csr", dtype=np.float32)

    # ------------------------------------------------------------------ fitting

    def _fit_linear(self, matrix, Y: np.ndarray):
        """Per-frame logistic regressions → ``(coef (k×d) float32, intercept (k,))``."""
        from sklearn.linear_model import LogisticRegression

        k, d = Y.shape[1], matrix.shape[1]
        coef = np.zeros((k, d), dtype=np.float32)
        intercept = np.zeros(k, dtype=np.float64)
        for j in range(k):
            y = Y[:, j]
            if y.min() == y.max():  # a frame on every sentence or on none: constant probability
                p = min(max(float(y.mean()), 1e-4), 1 - 1e-4)
                intercept[j] = np.log(p / (1 - p))
                continue
            # the dual liblinear solver: far quicker than lbfgs when features outnumber sentences
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", dual=True,
                                       max_iter=self.max_iter, random_state=self.random_state)
            model.fit(matrix, y)
            coef[j] = model.coef_[0]
            intercept[j] = model.intercept_[0]
        return coef, intercept

    @staticmethod
    def _proba(matrix, coef, intercept) -> np.ndarray:
        scores = np.asarray(matrix @ coef.T.astype(np.float32), dtype=np.float64) + intercept
        return 1.0 / (1.0 + np.exp(-scores))

    def fit(self, X, Y, groups=None, contexts=None):
        """Fit on sentences ``X`` and label sets ``Y``; ``contexts`` (one document text per sentence)
        default to the ``context`` of :class:`FrameExample` inputs, else to the sentences themselves;
        ``groups`` keep documents together in the internal cross-validation (``threshold="auto"``)."""
        sentences = [_as_sentence(x) for x in X]
        contexts = [_as_context(x) for x in X] if contexts is None else list(contexts)
        label_sets = [tuple(y) for y in Y]
        if len(sentences) != len(label_sets):
            raise ValueError(f"X has {len(sentences)} sentences but Y has {len(label_sets)} label sets")
        if not sentences:
            raise ValueError("cannot fit on zero sentences")
        self.classes_ = np.asarray(order_frames({label for labels in label_sets for label in labels}), dtype=object)
        if len(self.classes_) == 0:
            raise ValueError("no frame label in Y")
        index = {label: j for j, label in enumerate(self.classes_)}
        target = np.zeros((len(sentences), len(self.classes_)), dtype=np.int8)
        for i, labels in enumerate(label_sets):
            for label in labels:
                target[i, index[label]] = 1
        if self.threshold == "auto":
            self.thresholds_ = self._tune_thresholds(sentences, contexts, target, groups)
        else:
            self.thresholds_ = np.full(len(self.classes_), float(self.threshold))
        self.vectorizers_ = self._fit_features(sentences)
        coef, self.intercept_ = self._fit_linear(self._transform(self.vectorizers_, sentences, contexts), target)
        self.coef_ = coef.astype(np.float16)  # half the file size and load time; same decisions
        return self

    def _tune_thresholds(self, sentences, contexts, target, groups) -> np.ndarray:
        """Per-frame thresholds maximising F1 on out-of-fold probabilities."""
        from sklearn.model_selection import GroupKFold, KFold

        n, k = target.shape
        folds = min(self.tune_folds, n)
        if folds < 2:
            return np.full(k, 0.5)
        if groups is not None and len(set(groups)) >= folds:
            splits = GroupKFold(n_splits=folds).split(sentences, groups=groups)
        else:
            splits = KFold(n_splits=folds, shuffle=True, random_state=self.random_state).split(sentences)
        oof = np.zeros((n, k))
        for train_idx, test_idx in splits:
            train = [sentences[i] for i in train_idx]
            vectorizers = self._fit_features(train)
            coef, intercept = self._fit_linear(
                self._transform(vectorizers, train, [contexts[i] for i in train_idx]), target[train_idx])
            oof[test_idx] = self._proba(self._transform(vectorizers, [sentences[i] for i in test_idx],
                                                        [contexts[i] for i in test_idx]), coef, intercept)
        grid = np.asarray(THRESHOLD_GRID)
        # global threshold: best micro-F1
        best_global, best_f1 = 0.5, -1.0
        for t in grid:
            f1 = _micro_f1(target, _decide(oof, np.full(k, t)))
            if f1 > best_f1:
                best_global, best_f1 = float(t), f1
        thresholds = np.full(k, best_global)
        for j in range(k):
            if target[:, j].sum() < self.min_tune_support:
                continue
            f1s = [_f1(target[:, j], oof[:, j] >= t) for t in grid]
            thresholds[j] = float(grid[int(np.argmax(f1s))])
        return thresholds

    # ------------------------------------------------------------------ prediction

    def predict_proba(self, X, contexts=None) -> np.ndarray:
        """``(n, k)`` probabilities, one column per frame in ``classes_`` (they need not sum to 1).

        ``contexts``: one document text per sentence (e.g. the article), as in :meth:`fit`."""
        if not hasattr(self, "coef_"):
            raise RuntimeError("FrameClassifier is not fitted")
        sentences = [_as_sentence(x) for x in X]
        if not sentences:
            return np.zeros((0, len(self.classes_)))
        contexts = [_as_context(x) for x in X] if contexts is None else list(contexts)
        return self._scores_to_proba(self._scores(sentences, contexts))

    def _scores(self, sentences: list[str], contexts: list[str]) -> np.ndarray:
        """Linear scores of :meth:`_transform`'s matrix, without building it.

        Every sentence of an article shares the article as context, so the context block's share of
        the score is computed once per distinct context and added to its sentences' rows: the
        stacked matrix would repeat the whole article's vector on every sentence row (memory and time
        quadratic in the article's length).
        """
        from sklearn.preprocessing import normalize

        coef = self.coef_.astype(np.float32)
        matrix = self._sentence_block(self.vectorizers_, sentences)
        width = matrix.shape[1]
        scores = np.asarray(matrix @ coef[:, :width].T, dtype=np.float64)
        if self.context_weight:
            unique = list(dict.fromkeys(contexts))
            row = {c: i for i, c in enumerate(unique)}
            block = normalize(self._sentence_block(self.vectorizers_, unique, only=("words", "cues")))
            context_scores = np.asarray((block * self.context_weight) @ coef[:, width:].T, dtype=np.float64)
            scores += context_scores[[row[c] for c in contexts]]
        return scores + self.intercept_

    @staticmethod
    def _scores_to_proba(scores: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-scores))

    def decide(self, proba: np.ndarray) -> list[tuple[str, ...]]:
        """Frames from probabilities: those above their threshold, at least the most probable one."""
        chosen = _decide(np.asarray(proba), self.thresholds_)
        return [tuple(self.classes_[j] for j in np.flatnonzero(row)) for row in chosen]

    def predict(self, X, contexts=None) -> list[tuple[str, ...]]:
        return self.decide(self.predict_proba(X, contexts))


def _decide(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    chosen = proba >= thresholds
    if len(proba):
        chosen[np.arange(len(proba)), proba.argmax(axis=1)] = True
    return chosen


def _f1(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    tp = np.sum(y_true & y_pred)
    denominator = y_true.sum() + y_pred.sum()
    return float(2 * tp / denominator) if denominator else 0.0


def _micro_f1(Y_true, Y_pred) -> float:
    return _f1(np.asarray(Y_true).ravel(), np.asarray(Y_pred).ravel())


# ------------------------------------------------------------------------------------------ scoring


def score_frames(gold, predicted, labels=None) -> dict:
    """Multi-label scores: per-frame precision/recall/F1/support, micro- and macro-F1.

    ``gold`` and ``predicted`` are sequences of label collections, one per sentence. Macro-F1
    averages the frames present in ``gold`` (as the stance macro-F1 does for classes).
    """
    gold = [set(g) for g in gold]
    predicted = [set(p) for p in predicted]
    labels = order_frames(set(() if labels is None else labels) | {f for g in gold for f in g})
    per_frame = {}
    tp_all = fp_all = fn_all = 0
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, predicted) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, predicted) if label in g and label not in p)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_frame[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                            "support": tp + fn}
    precision = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0
    recall = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0
    micro = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    present = [row["f1"] for row in per_frame.values() if row["support"] > 0]
    exact = sum(1 for g, p in zip(gold, predicted) if g == p)
    return {
        "n_sentences": len(gold),
        "micro_f1": round(micro, 4),
        "macro_f1": round(float(np.mean(present)), 4) if present else None,
        "micro_precision": round(precision, 4),
        "micro_recall": round(recall, 4),
        "exact_match": round(exact / len(gold), 4) if gold else None,
        "per_frame": per_frame,
    }


def cross_validate_frames(model: FrameClassifier, examples: list[FrameExample], k: int, seed: int) -> dict:
    """K-fold micro/macro-F1 of ``model`` on ``examples``, grouped by source document when known."""
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold, KFold

    groups = [e.source or e.sentence for e in examples]
    if len(examples) < k:
        raise StanceInputError(f"too few sentences with frames for {k}-fold cross-validation (use --cv 0)")
    if len(set(groups)) >= k:
        splits = list(GroupKFold(n_splits=k).split(examples, groups=groups))
        grouped_by = "source" if any(e.source for e in examples) else "sentence"
    else:
        splits = list(KFold(n_splits=k, shuffle=True, random_state=seed).split(examples))
        grouped_by = None
    micro, macro = [], []
    for train_idx, test_idx in splits:
        fold = clone(model)
        train = [examples[i] for i in train_idx]
        fold.fit(train, [e.frames for e in train], groups=[groups[i] for i in train_idx])
        test = [examples[i] for i in test_idx]
        scores = score_frames([e.frames for e in test], fold.predict(test), fold.classes_)
        micro.append(scores["micro_f1"])
        macro.append(scores["macro_f1"] or 0.0)
    return {
        "folds": k,
        "grouped_by": grouped_by,
        "micro_f1_mean": round(float(np.mean(micro)), 4),
        "micro_f1_std": round(float(np.std(micro)), 4),
        "macro_f1_mean": round(float(np.mean(macro)), 4),
        "macro_f1_std": round(float(np.std(macro)), 4),
    }


# -------------------------------------------------------------------------------------- persistence


def companion_path(model_path: str | Path) -> Path:
    """Where the frame model of the stance model at ``model_path`` lives."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.name.removesuffix(".joblib") + FRAMES_SUFFIX)


def train_frames(targets, stance_model_path, cv: int = 0, seed: int = 0, params: dict | None = None,
                 progress=None) -> dict | None:
    """Train the frame companion of ``stance_model_path`` from labeled targets; return its card.

    Returns ``None`` (and removes any old companion) when no target carries a frame. The returned
    card is what the stance card records under ``frames``.
    """
    from .model import save_model

    say = progress or (lambda message: None)
    out = companion_path(stance_model_path)
    examples, inconsistent = frame_examples(targets)
    if not examples:
        for stale in (out, out.with_name(out.name.removesuffix(".joblib") + ".card.json")):
            if stale.exists():
                stale.unlink()
        return None
    model = FrameClassifier(random_state=seed, **(params or {}))
    per_frame = Counter(f for e in examples for f in e.frames)
    per_lang = Counter(e.lang for e in examples)
    card: dict = {
        "name": out.name.removesuffix(".joblib"),
        "task": "sentence frames (multi-label), companion of a stance model",
        "estimator": type(model).__name__,
        "stance_model": Path(stance_model_path).name,
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()},
        "seed": seed,
        "data": {
            "sentences": len(examples),
            "per_language": dict(sorted(per_lang.items())),
            "per_frame": {f: per_frame[f] for f in order_frames(per_frame)},
            "inconsistent_sentences": inconsistent,
        },
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    groups = [e.source or e.sentence for e in examples]
    if cv and cv > 1:
        say(f"cross-validating the frame model ({cv} folds)")
        card["cross_validation"] = cross_validate_frames(model, examples, cv, seed)
    say(f"fitting the frame model on {len(examples)} sentences")
    started = time.perf_counter()
    model.fit(examples, [e.frames for e in examples], groups=groups)
    card["fit_seconds"] = round(time.perf_counter() - started, 2)
    card["thresholds"] = {label: round(float(t), 3) for label, t in zip(model.classes_, model.thresholds_)}
    return save_model(model, out, card)


def companion_entry(card: dict | None) -> dict | None:
    """What a stance card records about its frame companion."""
    if card is None:
        return None
    return {
        "model_file": card["model_file"],
        "sha256": card["sha256"],
        "labels": card.get("labels", []),
        "sentences": (card.get("data") or {}).get("sentences"),
        "cross_validation": card.get("cross_validation"),
    }


def load_companion(stance_model_path, stance_card: dict):
    """``(frame_model, frame_card)`` for a stance model, or ``(None, None)`` when it has none.

    The stance card's ``frames`` entry names the companion and its sha256; the companion file is
    verified against its own card (sha256, scikit-learn version) before anything is unpickled.
    """
    from .model import load_model, read_card

    entry = stance_card.get("frames")
    if not entry:
        return None, None
    path = Path(stance_model_path).with_name(entry["model_file"])
    if not path.is_file():
        raise StanceInputError("frame model missing beside its stance model (retrain it)", str(path))
    if read_card(path)["sha256"] != entry["sha256"]:
        raise StanceInputError(
            "frame model does not belong to this stance model (sha256 differs from the stance card); retrain it",
            str(path), field="sha256",
        )
    return load_model(path)
