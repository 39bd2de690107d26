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
* ``cue_scores``: distance-weighted sums of positive and negative cues;

and, when switched on:

* ``near`` (``decay``): every word of the sentence weighted by its distance to the target,
  ``exp(-(d - 1) / decay)``, words under a negation prefixed ``not_``, and with ``near_sides`` each
  word marked as left (``L:``) or right (``R:``) of the target;
* ``left``/``right`` (``use_sides``): word 1–2-grams of the sentence up to and from the target, so
  that two targets of one sentence get different sentence-level features;
* ``clause`` (``use_clause``): word 1–2-grams of the target's clause (up to punctuation or a contrast
  word);
* role cues (``use_roles``, in ``cues``): the target as a speaker (reporting verb or colon next to
  it, ``according to X``), at the start of its clause, as a possessor; each polarity cue marked as
  in or out of the target's clause, and as spoken by the target or in the target's own quotation;
* agency cues (``use_agency``, in ``cues``): a parser-free guess of the target's role toward each
  polarity cue within 6 words in its clause — ``agent`` (before an active cue, or after by/par) or
  ``patient`` (after an active cue, or before a passive one: "was accused", « a été critiqué », or
  after a receiving verb: "faced criticism") — crossed with the cue's category, and whether another
  capitalised name stands between them;
* ``mention`` (``use_mention``): the words of the mention itself — ``True``: all of them (actor
  priors, off by default for fairness); ``"shape"``: capitalised words replaced by ``Xx``, keeping
  pronouns and titles (he/him/his, President…) but no names.

Everything is built with scikit-learn vectorizers so that the transformer pickles and composes.
"""

from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from importlib import resources

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from .data import as_target
from .segmentation import CLOSING_QUOTES, OPENING_QUOTES, tokenize

TARGET_TOKEN = "<tgt>"
CUE_CATEGORIES = ("pos", "neg", "neg_strong", "praise", "accuse", "defeat", "report", "negation", "hedge",
                  "contrast")
_POLARITY = {"pos": 1.0, "praise": 1.0, "neg": -1.0, "accuse": -1.0, "neg_strong": -1.5}
# Directional cues whose polarity depends on the target's role: ``defeat`` (beat, oust, « battre ») is good
# for its agent and bad for its patient, so it takes part in the agency cues but not in the polarity sums.
_DIRECTIONAL = frozenset(_POLARITY) | {"defeat"}
_ATTRIBUTION_BEFORE = {"selon", "according", "d'après", "pour"}
_AGENT_MARKERS = {"par", "by"}
# ``use_agency``: a passive auxiliary shortly before a cue makes its grammatical subject the patient;
# a "receiving" verb between a subject and a cue ("X faced criticism", « X a essuyé des critiques ») too.
_PASSIVE_AUX = frozenset(
    "was were been being is are be get got gets getting "
    "été est sont était étaient fut furent sera seront soit soient être".split()
)
_RECEIVERS = frozenset(
    "faced faces facing face drew draws drawing received receives receiving earned earns earning "
    "won wins suffered suffers attracted attracts garnered under "
    "essuyé essuie essuient subi subit subissent reçu reçoit reçoivent "
    "objet cible visé visée visés visées".split()
)
_DETERMINERS = frozenset("the a an le la les l' un une des du".split())
_AGENCY_REACH = 6


LEXICON_FILES = ("cues_fr.tsv", "cues_en.tsv", "frame_cues.tsv")


def lexicon_digests() -> dict[str, str]:
    """sha256 of each shipped lexicon. A fitted model's features mean what the lexicons said when it was
    trained, so model cards record these and a model trained on other lexicons is retrained or flagged."""
    import hashlib

    folder = resources.files("classifier.resources")
    return {name: hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() for name in LEXICON_FILES}


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
    """Exact stems (shorter than 4 letters, or marked with a final ``$``) and prefix stems, split once."""
    cues = load_cues()
    exact = {stem.rstrip("$"): cat for stem, cat in cues.items() if len(stem) < 4 or stem.endswith("$")}
    prefixes = {stem: cat for stem, cat in cues.items() if len(stem) >= 4 and not stem.endswith("$")}
    longest = max((len(stem) for stem in prefixes), default=4)
    return exact, prefixes, longest


@lru_cache(maxsize=200_000)
def cue_category(token: str) -> str | None:
    """The lexicon category of a lower-cased token, by exact stem or longest prefix."""
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

    __slots__ = ("masked", "context", "cues", "mention", "scores", "near", "clause", "left", "right")


_QUOTE_CHARS = frozenset('«»“”"')


def _quote_spans(text: str) -> list[tuple[int, int]]:
    if _QUOTE_CHARS.isdisjoint(text):
        return []
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


_BOUNDARIES = frozenset(",;:()[]—–") | frozenset(OPENING_QUOTES) | frozenset(CLOSING_QUOTES) | {"--"}
_NEGATION_REACH = 3
# Words a capitalised mention keeps when names are hidden (``use_mention="shape"``): pronouns, titles.
_KEEP_IN_MENTION = frozenset(
    "he she it they we i you him her them us me his hers its their theirs our my your "
    "il elle ils elles lui leur eux nous on "
    "mr mr. mrs mrs. ms ms. dr dr. sen sen. rep rep. gov gov. president prime minister senator "
    "the a le la les un une m. mme the".split()
)


def _negation_scope(lowered, categories, mode):
    """Which tokens a negation scopes over: ``window`` (3 tokens after it) or ``clause`` (up to punctuation)."""
    scoped = [False] * len(lowered)
    for i, category in enumerate(categories):
        if category != "negation":
            continue
        j = i + 1
        while j < len(lowered) and lowered[j] not in _BOUNDARIES and categories[j] != "contrast":
            if mode != "clause" and j - i > _NEGATION_REACH:
                break
            scoped[j] = True
            j += 1
    return scoped


def _clause_bounds(lowered, categories, first, last):
    """Token range ``[lo, hi)`` of the clause around the target: up to punctuation or a contrast word."""
    lo = first
    while lo > 0 and lowered[lo - 1] not in _BOUNDARIES and categories[lo - 1] != "contrast":
        lo -= 1
    hi = last + 1
    while hi < len(lowered) and lowered[hi] not in _BOUNDARIES and categories[hi] != "contrast":
        hi += 1
    return lo, hi


def analyze(
    target,
    window: int = 4,
    with_cues: bool = True,
    *,
    decay: float | None = None,
    negation: str = "window",
    clause: bool = False,
    roles: bool = False,
    sides: bool = False,
    mention_shape: bool = False,
    agency: bool = False,
    near_sides: bool = False,
) -> _Analysis:
    """Derive the per-block inputs for one target (see the module docstring and :class:`TargetFeatures`)."""
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
    if mention_shape and inside:
        out.mention = " ".join(
            "Xx" if tokens[k][0][:1].isupper() and lowered[k] not in _KEEP_IN_MENTION else lowered[k]
            for k in range(first, last + 1)
        )
    else:
        out.mention = " ".join(lowered[first : last + 1]) if inside else ""
    out.left = " ".join(before + [TARGET_TOKEN]) if sides and inside else ""
    out.right = " ".join([TARGET_TOKEN] + after) if sides and inside else ""

    if with_cues:
        categories = [cue_category(tok) if tok.isalpha() or "'" in tok or "-" in tok else None for tok in lowered]
    else:
        categories = [None] * len(lowered)
    negated_at = _negation_scope(lowered, categories, negation)

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

    near = {}
    if decay and inside:
        for j, tok in enumerate(lowered):
            if first <= j <= last or not tok.isalnum():
                continue
            distance = first - j if j < first else j - last
            weight = math.exp(-(distance - 1) / decay)
            if weight < 0.05:
                continue
            key = ("not_" if negated_at[j] else "") + tok
            if near_sides:
                key = ("L:" if j < first else "R:") + key
            near[key] = near.get(key, 0.0) + weight
    out.near = near

    clause_words = []
    lo = hi = 0
    if inside and (clause or roles):
        lo, hi = _clause_bounds(lowered, categories, first, last)
    if clause and inside:
        for j in range(lo, hi):
            if first <= j <= last or not lowered[j].isalnum():
                continue
            clause_words.append(("not_" if negated_at[j] else "") + lowered[j])
    out.clause = " ".join(clause_words)

    cues, pos_score, neg_score = [], 0.0, 0.0
    quotes = _quote_spans(sentence) if inside else []
    tgt_in_quote = bool(quotes) and any(q0 < start and end <= q1 for q0, q1 in quotes)
    tok_in_quote = None
    speaker = False
    if inside and roles:
        if quotes:
            tok_in_quote = [any(q0 < s and e <= q1 for q0, q1 in quotes) for _, s, e in tokens]
        lo_r = max(0, first - 3)
        hi_r = min(len(lowered), last + 4)
        near_report = any(categories[k] == "report" for k in range(lo_r, hi_r) if not first <= k <= last)
        colon = last + 1 < len(lowered) and lowered[last + 1] == ":"
        source = first >= 1 and (before[-1] in _ATTRIBUTION_BEFORE or before[-2:] == ["according", "to"])
        speaker = not tgt_in_quote and (near_report or colon or source)
        if speaker:
            cues.append("tgt:speaker_any")
            if quotes:
                cues.append("tgt:speaker_of_quote")
        # only short non-cue words (the, Mr, Sen) between the clause start and the target: likely its subject
        if all(categories[k] is None and (len(lowered[k]) <= 3 or not lowered[k].isalnum()) for k in range(lo, first)):
            cues.append("tgt:clause_start")
        if (last + 1 < len(lowered) and lowered[last + 1] in ("'s", "’s")) or lowered[last] in ("'s", "’s"):
            cues.append("tgt:possessor")
    for j, category in enumerate(categories):
        if category is None or category == "negation":
            continue
        negated = negated_at[j]
        if inside:
            side = "L" if j < first else ("R" if j > last else "T")
            distance = first - j if side == "L" else (j - last if side == "R" else 0)
        else:
            side, distance = "S", 0
        reach = "near" if distance <= 3 else ("mid" if distance <= 8 else "far")
        name = ("not_" if negated else "") + category
        cues += [name, f"{name}:{side}", f"{name}:{side}:{reach}"]
        if roles and inside:
            cues.append(f"{name}:{'in' if lo <= j < hi else 'out'}_clause")
            if tok_in_quote is not None:
                if speaker and tok_in_quote[j]:
                    cues.append(f"{name}:spoken_by_tgt")
                elif tgt_in_quote and tok_in_quote[j]:
                    cues.append(f"{name}:same_quote")
        polarity = _POLARITY.get(category)
        if polarity:
            if negated:
                polarity = -0.5 * polarity
            weight = 1.0 / (1.0 + distance) if inside else 0.3
            if polarity > 0:
                pos_score += polarity * weight
            else:
                neg_score -= polarity * weight
    if agency and inside:
        cues += _agency_cues(tokens, lowered, categories, negated_at, first, last, before)
    if inside:
        left = categories[max(0, first - 6) : first]
        right = categories[last + 1 : last + 5]
        for category in ("accuse", "praise", "defeat"):  # verbs with a direction: who judges, beats whom
            if category in left:
                cues.append(f"tgt:object_of_{category}")
            if category in right:
                cues.append(f"tgt:subject_of_{category}")
        if "report" in right:
            cues.append("tgt:speaker")
        if first >= 1 and before[-1] in _AGENT_MARKERS:
            cues.append("tgt:agent")
            if any(c in ("accuse", "praise", "neg", "pos") for c in left):
                cues.append("tgt:agent_of_evaluation")
        if first >= 1 and (before[-1] in _ATTRIBUTION_BEFORE or before[-2:] == ["according", "to"]):
            cues.append("tgt:source")
        if quotes:
            cues.append("has_quote")
            if tgt_in_quote:
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


def _agency_cues(tokens, lowered, categories, negated_at, first, last, before):
    """Parser-free guess of the target's role toward each nearby polarity cue (``use_agency``).

    ``agent`` — the target is the cue's subject (before an active cue: "X attacked", or after
    by/par: "attacked by X"); ``patient`` — its object (after an active cue: "attacked X") or the
    subject of a passive or "receiving" cue ("X was attacked", "X faced criticism"). Each role is
    crossed with the cue's category (and its negation), and marked ``other`` when a capitalised
    word (another name) stands between the target and the cue.
    """
    n = len(lowered)
    by_agent = (first >= 1 and before[-1] in _AGENT_MARKERS) or (
        first >= 2 and before[-2] in _AGENT_MARKERS and before[-1] in _DETERMINERS)
    out = []
    nearest = None
    for j in range(max(0, first - _AGENCY_REACH), min(n, last + 1 + _AGENCY_REACH)):
        category = categories[j]
        if category not in _DIRECTIONAL or first <= j <= last:
            continue
        if j < first:
            span = range(j + 1, first)
            role = "agent" if by_agent else "patient"
        else:
            span = range(last + 1, j)
            passive = any(lowered[k] in _PASSIVE_AUX for k in range(max(last + 1, j - 3), j))
            receives = any(lowered[k] in _RECEIVERS for k in span)
            role = "patient" if passive or receives else "agent"
        if any(lowered[k] in _BOUNDARIES for k in span):
            continue
        other = any(tokens[k][0][:1].isupper() for k in span)
        name = ("not_" if negated_at[j] else "") + category
        out.append(f"ag:{name}:{role}")
        out.append(f"ag:{name}:{role}:{'other' if other else 'direct'}")
        distance = first - j if j < first else j - last
        if nearest is None or distance < nearest[0]:
            nearest = (distance, f"ag1:{name}:{role}")
    if nearest is not None:
        out.append(nearest[1])
    return out


def _split_on_space(doc: str) -> list[str]:
    return doc.split()


def _plain_transform(vectorizer, documents):
    """The vectorizer's own transform (TfidfVectorizer's, not a fast subclass's that would come back)."""
    own = TfidfVectorizer.transform if isinstance(vectorizer, TfidfVectorizer) else type(vectorizer).transform
    return own(vectorizer, documents)


WORD_COLUMNS = "_word_columns"  # attribute of a fitted char vectorizer: word → its n-grams' columns (not state)
WORD_COLUMNS_MAX = 200_000


def char_wb_transform(vectorizer, documents):
    """``vectorizer.transform(documents)`` for a fitted ``char_wb`` :class:`TfidfVectorizer`, faster.

    ``char_wb`` n-grams never cross whitespace, so a document's n-gram counts are the sum of its
    words': each word's vocabulary columns are computed once and memoized on the vectorizer (at most
    ``WORD_COLUMNS_MAX`` words), the count matrix is assembled with numpy and goes through the same
    fitted TF-IDF step — the same matrix as ``TfidfVectorizer.transform`` (tested), about twice as
    fast on news text, where words repeat. Other vectorizers are passed to their own ``transform``.
    """
    check_is_fitted(vectorizer, "vocabulary_")
    if (vectorizer.analyzer != "char_wb" or vectorizer.preprocessor is not None or vectorizer.strip_accents
            or vectorizer.binary or not hasattr(vectorizer, "_tfidf")):
        return _plain_transform(vectorizer, documents)
    cache = vectorizer.__dict__.setdefault(WORD_COLUMNS, {})
    vocabulary, ngrams = vectorizer.vocabulary_, vectorizer._char_wb_ngrams
    pieces, lengths = [], []
    for document in documents:
        if vectorizer.lowercase:
            document = document.lower()
        total = 0
        for word in document.split():
            columns = cache.get(word)
            if columns is None:
                columns = np.fromiter((vocabulary[g] for g in ngrams(word) if g in vocabulary), dtype=np.int64)
                if len(cache) < WORD_COLUMNS_MAX:
                    cache[word] = columns
            pieces.append(columns)
            total += len(columns)
        lengths.append(total)
    columns = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    counts = sp.csr_matrix((np.ones(len(columns), dtype=vectorizer.dtype), (rows, columns)),
                           shape=(len(lengths), len(vocabulary)), dtype=vectorizer.dtype)
    counts.sum_duplicates()
    counts.sort_indices()
    return vectorizer._tfidf.transform(counts, copy=False)


class _CharTfidf(TfidfVectorizer):
    """``char_wb`` TF-IDF with the output of :class:`TfidfVectorizer`, transformed faster
    (:func:`char_wb_transform`; the per-word memo is not pickled)."""

    def transform(self, raw_documents):
        return char_wb_transform(self, raw_documents)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop(WORD_COLUMNS, None)
        return state


def word_ngram_transform(vectorizer, documents):
    """``vectorizer.transform(documents)`` for a fitted word 1–2-gram :class:`TfidfVectorizer` over
    space-separated tokens (its ``token_pattern`` any run of non-spaces, no lowercasing), faster.

    The documents are already tokenised and joined by spaces, so they are split on whitespace and
    their unigrams and bigrams looked up directly, skipping the generic analyzer; the counts go
    through the same fitted TF-IDF step, so the matrix is identical (tested). Other vectorizers are
    passed to their own ``transform``.
    """
    check_is_fitted(vectorizer, "vocabulary_")
    fast = (vectorizer.analyzer == "word" and vectorizer.token_pattern == r"\S+" and not vectorizer.lowercase
            and vectorizer.tokenizer is None and vectorizer.preprocessor is None and vectorizer.stop_words is None
            and not vectorizer.strip_accents and not vectorizer.binary and vectorizer.ngram_range in ((1, 1), (1, 2))
            and hasattr(vectorizer, "_tfidf"))
    if not fast or isinstance(documents, str):
        return _plain_transform(vectorizer, documents)
    get = vectorizer.vocabulary_.get
    bigrams = vectorizer.ngram_range[1] == 2
    columns, lengths = [], []
    for document in documents:
        words = document.split()
        found = [get(w) for w in words]
        if bigrams:
            found += [get(a + " " + b) for a, b in zip(words, words[1:])]
        found = [c for c in found if c is not None]
        columns += found
        lengths.append(len(found))
    rows = np.repeat(np.arange(len(lengths)), lengths)
    counts = sp.csr_matrix(
        (np.ones(len(columns), dtype=vectorizer.dtype), (rows, np.asarray(columns, dtype=np.int64))),
        shape=(len(lengths), len(vectorizer.vocabulary_)),
        dtype=vectorizer.dtype,
    )
    counts.sum_duplicates()
    counts.sort_indices()
    return vectorizer._tfidf.transform(counts, copy=False)


class _WordTfidf(TfidfVectorizer):
    """Word 1–2-gram TF-IDF over space-separated tokens, transformed faster (:func:`word_ngram_transform`)."""

    def transform(self, raw_documents):
        return word_ngram_transform(self, raw_documents)


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
    use_context, use_cues : bool
        Switch the corresponding blocks (for ablations).
    use_mention : bool or "shape"
        The mention's own words: ``False`` (default), ``True`` (all words: actor priors) or ``"shape"``
        (names replaced by ``Xx``; pronouns and titles kept).
    block_weights : dict or None
        Multiplier per block name, applied after each block's L2 row normalisation.
    min_df : int
        Minimum document frequency of the n-grams of the word, context, side and clause blocks (character
        n-grams: at least 2).
    max_char_features : int
        Cap on the character n-gram vocabulary.
    decay : float or None
        Scale (in words) of the distance-weighted ``near`` block; ``None`` drops the block.
    near_sides : bool
        Mark each word of the ``near`` block with its side of the target (``L:``/``R:``).
    negation : "window" or "clause"
        Scope of a negation: the 3 following words, or up to the end of its clause (punctuation or a
        contrast word). Either way a scope stops at punctuation.
    use_clause, use_roles, use_sides, use_agency : bool
        The ``clause`` block, the role cues, the ``left``/``right`` blocks, the agency cues (see the
        module docstring; agency cues need ``use_cues``).
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
        decay=None,
        negation="window",
        use_clause=False,
        use_roles=False,
        use_sides=False,
        use_agency=False,
        near_sides=False,
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
        self.decay = decay
        self.negation = negation
        self.use_clause = use_clause
        self.use_roles = use_roles
        self.use_sides = use_sides
        self.use_agency = use_agency
        self.near_sides = near_sides

    def _blocks(self):
        blocks = []
        if self.word_ngrams:
            blocks.append(("words", "masked", lambda: _WordTfidf(
                token_pattern=r"\S+", ngram_range=tuple(self.word_ngrams), sublinear_tf=True,
                min_df=self.min_df, lowercase=False, dtype=np.float32)))
        if self.char_ngrams:
            blocks.append(("chars", "masked", lambda: _CharTfidf(
                analyzer="char_wb", ngram_range=tuple(self.char_ngrams), sublinear_tf=True,
                min_df=max(self.min_df, 2), max_features=self.max_char_features, lowercase=False,
                dtype=np.float32)))
        if self.use_context:
            blocks.append(("context", "context", lambda: CountVectorizer(
                analyzer=_split_on_space, binary=True, min_df=self.min_df, dtype=np.float32)))
        if self.use_cues:
            blocks.append(("cues", "cues", lambda: CountVectorizer(
                analyzer=_split_on_space, binary=True, dtype=np.float32)))
        if self.use_mention:
            blocks.append(("mention", "mention", lambda: CountVectorizer(
                analyzer=_split_on_space, binary=True, dtype=np.float32)))
        if self.decay:
            blocks.append(("near", "near", lambda: DictVectorizer(dtype=np.float32)))
        if self.use_sides:
            for side in ("left", "right"):
                blocks.append((side, side, lambda: _WordTfidf(
                    token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True, min_df=self.min_df, lowercase=False,
                    dtype=np.float32)))
        if self.use_clause:
            blocks.append(("clause", "clause", lambda: _WordTfidf(
                token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True, min_df=self.min_df, lowercase=False,
                dtype=np.float32)))
        return blocks

    def _analyze_all(self, X):
        if self.negation not in ("window", "clause"):
            raise ValueError(f"negation must be 'window' or 'clause', not {self.negation!r}")
        options = {
            "decay": self.decay,
            "negation": self.negation,
            "clause": bool(self.use_clause),
            "roles": bool(self.use_roles),
            "sides": bool(self.use_sides),
            "mention_shape": self.use_mention == "shape",
            # getattr: models pickled before these options existed keep working (as without them)
            "agency": bool(getattr(self, "use_agency", False)) and bool(self.use_cues),
            "near_sides": bool(getattr(self, "near_sides", False)),
        }
        return [analyze(x, self.window, self.use_cues, **options) for x in X]

    # Fitted vocabularies hold ~10^5 short strings; joblib unpickles them one by one in pure Python
    # (seconds). Packing each vocabulary into one JSON string makes loading a model ~50x faster.
    def __getstate__(self):
        state = dict(self.__dict__)
        vectorizers = state.get("vectorizers_")
        if vectorizers:
            packed = {}
            for name, vectorizer in vectorizers.items():
                vocabulary = getattr(vectorizer, "vocabulary_", None)
                if isinstance(vocabulary, dict):
                    vectorizer = copy.copy(vectorizer)
                    vectorizer.__dict__ = dict(vectorizer.__dict__)
                    del vectorizer.__dict__["vocabulary_"]
                    terms = sorted(vocabulary, key=vocabulary.__getitem__)
                    vectorizer.__dict__["_packed_vocabulary"] = json.dumps(terms, ensure_ascii=False)
                    if vectorizer.__dict__.get("feature_names_") == terms:  # DictVectorizer: the same list again
                        del vectorizer.__dict__["feature_names_"]
                        vectorizer.__dict__["_packed_feature_names"] = True
                packed[name] = vectorizer
            state["vectorizers_"] = packed
        return state

    def __setstate__(self, state):
        for vectorizer in (state.get("vectorizers_") or {}).values():
            packed = vectorizer.__dict__.pop("_packed_vocabulary", None)
            if packed is not None:
                terms = json.loads(packed)
                vectorizer.vocabulary_ = dict(zip(terms, range(len(terms))))
                if vectorizer.__dict__.pop("_packed_feature_names", False):
                    vectorizer.feature_names_ = terms
        self.__dict__.update(state)

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        analyses = self._analyze_all(X)
        self.vectorizers_ = {}
        raw = {}
        for name, attribute, make in self._blocks():
            vectorizer = make()
            try:
                raw[name] = vectorizer.fit_transform([getattr(a, attribute) for a in analyses])
            except ValueError:  # empty vocabulary (e.g. no cue in any training sentence)
                continue
            self.vectorizers_[name] = vectorizer
        return self._stack(analyses, raw)

    def transform(self, X):
        return self._stack(self._analyze_all(X))

    def _stack(self, analyses, raw=None):
        weights = self.block_weights or {}
        matrices = []
        for name, attribute, _ in self._blocks():
            vectorizer = self.vectorizers_.get(name)
            if vectorizer is None:
                continue
            if raw is not None:
                block = raw[name]
            else:
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
