"""Target-dependent features: what a sentence says *about one mention in it*.

For one target — a sentence and the span of a mention — :class:`TargetFeatures` builds several
blocks, each a sparse matrix, stacked side by side:

* ``words``: word 1–2-grams of the sentence with the target replaced by a placeholder (so the model
  learns "``<tgt>`` accused" vs. "accused ``<tgt>``", not actor priors);
* ``chars``: character 2–5-grams of the same masked sentence (French morphology, typos);
* ``context``: the words in a window left and right of the target, with their side and distance;
* ``cues``: hits of the in-house polarity lexicons (``resources/cues_*.tsv``), each with its side,
  distance to the target and whether a negation scopes over it; quotation and attribution
  (target inside a quotation, target as the speaker of a reporting verb, ``selon X``/``according
  to X``), accusation/praise direction (target as object or subject), hedges and contrast;
* ``mention``: the words of the mention itself (actor priors; off by default for fairness);
* ``cue_scores``: distance-weighted sums of positive and negative cues.

Everything is built with scikit-learn vectorizers so that the transformer pickles and composes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from .data import as_target
from .segmentation import CLOSING_QUOTES, OPENING_QUOTES, tokenize

TARGET_TOKEN = "<tgt>"
CUE_CATEGORIES = ("pos", "neg", "neg_strong", "praise", "accuse", "report", "negation", "hedge", "contrast")
_POLARITY = {"pos": 1.0, "praise": 1.0, "neg": -1.0, "accuse": -1.0, "neg_strong": -1.5}
_ATTRIBUTION_BEFORE = {"selon", "according", "d'après", "pour"}
_AGENT_MARKERS = {"par", "by"}


@lru_cache(maxsize=1)
def load_cues() -> dict[str, str]:
    """Stem → category from the shipped lexicons (both languages in one table)."""
    table: dict[str, str] = {}
    for name in ("cues_fr.tsv", "cues_en.tsv"):
        text = resources.files("classifier.resources").joinpath(name).read_text(encoding="utf-8")
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            stem, _, category = line.partition("\t")
            category = category.strip()
            if category in CUE_CATEGORIES:
                table.setdefault(stem.strip().lower(), category)
    return table


@lru_cache(maxsize=1)
def _cue_index() -> tuple[dict[str, str], dict[str, str], int]:
    """Short stems (matched exactly) and long stems (matched as prefixes) split once."""
    cues = load_cues()
    exact = {stem: cat for stem, cat in cues.items() if len(stem) < 4}
    prefixes = {stem: cat for stem, cat in cues.items() if len(stem) >= 4}
    longest = max((len(stem) for stem in prefixes), default=4)
    return exact, prefixes, longest


@lru_cache(maxsize=200_000)
def cue_category(token: str) -> str | None:
    """The lexicon category of a lower-cased token, by exact short stem or longest prefix."""
    exact, prefixes, longest = _cue_index()
    if token in exact:
        return exact[token]
    for length in range(min(len(token), longest), 3, -1):
        category = prefixes.get(token[:length])
        if category:
            return category
    return None


def _strip_elision(token: str) -> str:
    if len(token) > 2 and token[1] in "'’" and token[0] in "ldjmnstc":
        return token[2:]
    return token


class _Analysis:
    """Everything the blocks need about one target, computed in one pass."""

    __slots__ = ("masked", "context", "cues", "mention", "scores")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    spans, opened = [], None
    for i, ch in enumerate(text):
        if ch in "«“" or (ch == '"' and opened is None):
            if opened is None:
                opened = i
        elif ch in "»”" or (ch == '"' and opened is not None):
            if opened is not None:
                spans.append((opened, i))
                opened = None
    return spans


def analyze(target, window: int = 4, with_cues: bool = True) -> _Analysis:
    """Derive the per-block inputs for one target (see the module docstring)."""
    sentence, start, end, _lang = as_target(target)
    tokens = tokenize(sentence)
    lowered = [_strip_elision(tok.lower()) for tok, _, _ in tokens]
    inside = [i for i, (_, s, e) in enumerate(tokens) if s < end and e > start] if end > start else []
    first = inside[0] if inside else len(tokens)
    last = inside[-1] if inside else len(tokens) - 1
    before = lowered[:first]
    after = lowered[last + 1 :]

    out = _Analysis()
    out.masked = " ".join(before + ([TARGET_TOKEN] if inside else []) + after)
    out.mention = " ".join(lowered[first : last + 1]) if inside else ""

    context = []
    if inside:
        for d, tok in enumerate(reversed(before[-window:]), start=1):
            context.append(f"L{d}={tok}")
            context.append(f"L={tok}")
        for d, tok in enumerate(after[:window], start=1):
            context.append(f"R{d}={tok}")
            context.append(f"R={tok}")
        if first == 0:
            context.append("tgt@start")
        elif first <= 2:
            context.append("tgt@near_start")
        if not after or all(not t.isalnum() for t in after):
            context.append("tgt@end")
    out.context = " ".join(context)

    cues, pos_score, neg_score = [], 0.0, 0.0
    if with_cues:
        categories = [cue_category(tok) if tok.isalpha() or "'" in tok or "-" in tok else None for tok in lowered]
    else:
        categories = [None] * len(lowered)
    for j, category in enumerate(categories):
        if category is None or category == "negation":
            continue
        negated = any(categories[k] == "negation" for k in range(max(0, j - 3), j))
        if inside:
            side = "L" if j < first else ("R" if j > last else "T")
            distance = first - j if side == "L" else (j - last if side == "R" else 0)
        else:
            side, distance = "S", 0
        reach = "near" if distance <= 3 else ("mid" if distance <= 8 else "far")
        name = ("not_" if negated else "") + category
        cues += [name, f"{name}:{side}", f"{name}:{side}:{reach}"]
        polarity = _POLARITY.get(category)
        if polarity:
            if negated:
                polarity = -0.5 * polarity
            weight = 1.0 / (1.0 + distance) if inside else 0.3
            if polarity > 0:
                pos_score += polarity * weight
            else:
                neg_score -= polarity * weight
    if inside:
        left = categories[max(0, first - 6) : first]
        right = categories[last + 1 : last + 5]
        if "accuse" in left:
            cues.append("tgt:object_of_accuse")
        if "accuse" in right:
            cues.append("tgt:subject_of_accuse")
        if "praise" in left:
            cues.append("tgt:object_of_praise")
        if "praise" in right:
            cues.append("tgt:subject_of_praise")
        if "report" in right:
            cues.append("tgt:speaker")
        if first >= 1 and before[-1] in _AGENT_MARKERS:
            cues.append("tgt:agent")
            if any(c in ("accuse", "praise", "neg", "pos") for c in left):
                cues.append("tgt:agent_of_evaluation")
        if first >= 1 and (before[-1] in _ATTRIBUTION_BEFORE or before[-2:] == ["according", "to"]):
            cues.append("tgt:source")
        quotes = _quote_spans(sentence)
        if quotes:
            cues.append("has_quote")
            if any(q0 < start and end <= q1 for q0, q1 in quotes):
                cues.append("tgt:in_quote")
            elif any(q0 > end for q0, _ in quotes):
                cues.append("quote:after_tgt")
            else:
                cues.append("quote:before_tgt")
        if "contrast" in categories[:first]:
            cues.append("contrast:before_tgt")
        if "contrast" in categories[last + 1 :]:
            cues.append("contrast:after_tgt")
    out.cues = " ".join(cues)
    out.scores = (pos_score, neg_score)
    return out


def _split_on_space(doc: str) -> list[str]:
    return doc.split()


class TargetFeatures(TransformerMixin, BaseEstimator):
    """Turn targets into a sparse feature matrix that depends on where the target is.

    Parameters
    ----------
    window : int
        Words on each side of the target kept as positional context.
    word_ngrams : tuple or None
        n-gram range of masked-sentence words; ``None`` drops the block.
    char_ngrams : tuple or None
        n-gram range of masked-sentence characters (``char_wb``); ``None`` drops the block.
    use_context, use_cues, use_mention : bool
        Switch the corresponding blocks (for ablations).
    block_weights : dict or None
        Multiplier per block name, applied after each block's L2 row normalisation.
    min_df : int
        Minimum document frequency of word and character n-grams.
    """

    def __init__(
        self,
        window=4,
        word_ngrams=(1, 2),
        char_ngrams=(2, 5),
        use_context=True,
        use_cues=True,
        use_mention=False,
        block_weights=None,
        min_df=1,
        max_char_features=300_000,
    ):
        self.window = window
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.use_context = use_context
        self.use_cues = use_cues
        self.use_mention = use_mention
        self.block_weights = block_weights
        self.min_df = min_df
        self.max_char_features = max_char_features

    def _blocks(self):
        blocks = []
        if self.word_ngrams:
            blocks.append(("words", "masked", lambda: TfidfVectorizer(
                token_pattern=r"\S+", ngram_range=tuple(self.word_ngrams), sublinear_tf=True,
                min_df=self.min_df, lowercase=False, dtype=np.float32)))
        if self.char_ngrams:
            blocks.append(("chars", "masked", lambda: TfidfVectorizer(
                analyzer="char_wb", ngram_range=tuple(self.char_ngrams), sublinear_tf=True,
                min_df=max(self.min_df, 2), max_features=self.max_char_features, lowercase=False,
                dtype=np.float32)))
        if self.use_context:
            blocks.append(("context", "context", lambda: CountVectorizer(
                analyzer=_split_on_space, binary=True, dtype=np.float32)))
        if self.use_cues:
            blocks.append(("cues", "cues", lambda: CountVectorizer(
                analyzer=_split_on_space, binary=True, dtype=np.float32)))
        if self.use_mention:
            blocks.append(("mention", "mention", lambda: CountVectorizer(
                analyzer=_split_on_space, binary=True, dtype=np.float32)))
        return blocks

    def _analyze_all(self, X):
        return [analyze(x, self.window, self.use_cues) for x in X]

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        analyses = self._analyze_all(X)
        self.vectorizers_ = {}
        for name, attribute, make in self._blocks():
            docs = [getattr(a, attribute) for a in analyses]
            vectorizer = make()
            try:
                vectorizer.fit(docs)
            except ValueError:  # empty vocabulary (e.g. no cue in any training sentence)
                continue
            self.vectorizers_[name] = vectorizer
        return self._stack(analyses)

    def transform(self, X):
        return self._stack(self._analyze_all(X))

    def _stack(self, analyses):
        weights = self.block_weights or {}
        matrices = []
        for name, attribute, _ in self._blocks():
            vectorizer = self.vectorizers_.get(name)
            if vectorizer is None:
                continue
            block = vectorizer.transform([getattr(a, attribute) for a in analyses])
            if not isinstance(vectorizer, TfidfVectorizer):
                block = normalize(block)
            matrices.append(block * weights.get(name, 1.0))
        if self.use_cues:
            scores = np.asarray([a.scores for a in analyses], dtype=np.float32).reshape(-1, 2)
            scores = np.hstack([scores, scores[:, :1] - scores[:, 1:]])
            matrices.append(sp.csr_matrix(np.tanh(scores) * weights.get("cue_scores", 1.0)))
        if not matrices:
            return sp.csr_matrix((len(analyses), 0), dtype=np.float32)
        return sp.hstack(matrices, format="csr", dtype=np.float32)

    def get_feature_names_out(self, input_features=None):
        names = []
        for name, _, _ in self._blocks():
            vectorizer = self.vectorizers_.get(name)
            if vectorizer is not None:
                names += [f"{name}__{f}" for f in vectorizer.get_feature_names_out()]
        if self.use_cues:
            names += ["cue_scores__pos", "cue_scores__neg", "cue_scores__net"]
        return np.asarray(names, dtype=object)
