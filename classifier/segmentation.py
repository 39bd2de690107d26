"""Sentence segmentation, word tokenization and language guessing for French and English news.

Everything here runs offline: NLTK's Punkt algorithm with parameters written in this project (no
``punkt`` data download), a regular-expression tokenizer that splits French elision (``l'Iran`` →
``l'`` + ``Iran``), and a function-word vote for the language.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache

# Abbreviations that end with a period but rarely end a sentence (lower-case, without the period).
ABBREVIATIONS = frozenset(
    """
    m mm mme mmes mlle mlles me mgr dr pr st ste cf etc env p pp vol av apr j.-c jc no n° art al
    gén col cdt lt sgt adj min max tél
    mr mrs ms messrs sen rep gov gen lt col capt sgt jr sr st ave inc corp ltd co bros dept est
    jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u d.c a.m p.m i.e e.g vs no nos fig approx
    """.split()
)

_TOKEN_RE = re.compile(
    r"""
    (?:[LlDdJjMmNnSsTtCc]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’](?=\w)   # French elision: l' d' qu'
    | (?:\w\.){2,}                                                        # U.S. U.N. (with final dot)
    | \w+(?:[-'’]\w+)*(?<!['’]s)                                          # words, a-t-il, aujourd'hui
    | ['’]s\b                                                             # English possessive
    | \S                                                                  # any other symbol
    """,
    re.VERBOSE,
)

# Quotation marks: French guillemets and English curly/straight quotes.
OPENING_QUOTES = "«“‘\""
CLOSING_QUOTES = "»”’\""


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, with its character span in that document."""

    index: int
    start: int
    end: int
    text: str


# A sentence is tokenized by actor matching, by the features of each of its targets, by attribution
# and by the frame model: short texts are memoized (long ones, whole articles, are not kept).
_MEMO_MAX_CHARS = 2_000


@lru_cache(maxsize=8_192)
def _memo_tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text))


@lru_cache(maxsize=8_192)
def _memo_words(text: str) -> tuple[str, ...]:
    return tuple(token.lower() for token, _, _ in _memo_tokens(text))


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split ``text`` into ``(token, start, end)`` triples; offsets index ``text``."""
    if len(text) <= _MEMO_MAX_CHARS:
        return list(_memo_tokens(text))
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def iter_tokens(text: str):
    """The tokens of ``text``, lazily (for a scan that may stop early)."""
    return (m.group() for m in _TOKEN_RE.finditer(text))


def words(text: str) -> list[str]:
    """Lower-cased tokens of ``text`` (no offsets), for features."""
    if len(text) <= _MEMO_MAX_CHARS:
        return list(_memo_words(text))
    return [m.group().lower() for m in _TOKEN_RE.finditer(text)]


_PUNKT_LOCK = threading.Lock()


def _import_punkt():
    """``nltk.tokenize.punkt`` without running ``nltk/__init__.py``.

    nltk's package ``__init__`` imports its whole toolkit (chunkers, translation, metrics…): about
    0.25 s of a 1.5 s cold start, for one module. Unless nltk is already imported (then it is
    simply used), the ``nltk`` and ``nltk.tokenize`` packages are stood in for by their bare,
    unexecuted modules while Punkt is imported, and every ``nltk*`` entry is taken out of
    ``sys.modules`` afterwards: a later ``import nltk`` by anyone loads the real package afresh.
    """
    if "nltk" in sys.modules:
        import nltk.tokenize.punkt

        return nltk.tokenize.punkt
    before = set(sys.modules)
    try:
        for name in ("nltk", "nltk.tokenize"):
            sys.modules[name] = importlib.util.module_from_spec(importlib.util.find_spec(name))
        return importlib.import_module("nltk.tokenize.punkt")
    finally:
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]


@lru_cache(maxsize=1)
def _punkt():
    with _PUNKT_LOCK:
        punkt = _import_punkt()
    PunktLanguageVars, PunktParameters = punkt.PunktLanguageVars, punkt.PunktParameters
    PunktSentenceTokenizer = punkt.PunktSentenceTokenizer

    class NewsLanguageVars(PunktLanguageVars):
        sent_end_chars = (".", "?", "!", "…")

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params, lang_vars=NewsLanguageVars())


_BLOCK_RE = re.compile(r"[^\n]+")
# A piece that cannot start a sentence: closing quote or punctuation, or a lower-case letter
# (« … », a-t-il dit. / "…," he said.)
_CONTINUATION_RE = re.compile(r"^\s*(?:[»”’\",;:)\]]|[a-zà-ÿ])")


def split_sentences(text: str) -> list[Sentence]:
    """Split a document into sentences with their character offsets.

    Lines are split first (a headline or a dateline has no final period), then each line by Punkt;
    pieces that continue a quotation (``», a déclaré X.``) are glued back to the sentence before.
    """
    tokenizer = _punkt()
    spans: list[tuple[int, int]] = []
    for block in _BLOCK_RE.finditer(text):
        base = block.start()
        block_text = block.group()
        if not block_text.strip():
            continue
        previous_in_block = False
        for start, end in tokenizer.span_tokenize(block_text):
            start, end = start + base, end + base
            if previous_in_block and _CONTINUATION_RE.match(text[start:end]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
            previous_in_block = True
    sentences = []
    for start, end in spans:
        # trim white space so that offsets point at the text itself
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences


_FR_WORDS = frozenset(
    "le la les des du un une et est dans pour sur qui que pas avec par au aux ce cette ont été il elle "
    "sont mais ne se son sa ses leur selon après entre".split()
)
_EN_WORDS = frozenset(
    "the of and to in is was for on that with by as at from it he she they has have been are were "
    "said which but not an be this after will".split()
)


def detect_language(text: str, default: str = "fr") -> str:
    """Guess ``"fr"`` or ``"en"`` by counting function words; ``default`` on a tie."""
    fr = en = 0
    for match in re.finditer(r"[^\W\d_]+", text[:20000].lower()):
        word = match.group()
        fr += word in _FR_WORDS
        en += word in _EN_WORDS
    if fr == en:
        return default
    return "fr" if fr > en else "en"
