"""Who says what about whom: statements that a sentence attributes to an actor.

Rule-based, on the project's tokens and cue lexicon, and deliberately conservative — a missed
source costs less than an invented one. Recognised attributions (French and English):

* subject + speech verb: « X a déclaré / a affirmé / a estimé… », "X said / told / warned…",
  with auxiliaries, clitics and adverbs in between (« X lui a vivement reproché »), an apposition
  (« Sergueï Lavrov, le chef de la diplomatie russe, a déclaré »), coordinated subjects (« X et Y ont
  salué ») — kind ``reported_speech``;
* inversion after a quotation or a comma: « «…», a déclaré X », '"…," said X' — kind ``quote``;
* accusation and praise verbs: « X a accusé Y de… », "X praised Y", « X a condamné… » — kinds
  ``accusation`` and ``praise``;
* passive with an agent: « Y a été accusé par X de… », "Y was praised by X" — the kind of the verb;
* ``selon X`` / ``d'après X`` / ``according to X`` — kind ``according_to``.

A verb after a quotation or followed by ``:`` and a quotation attributes the quotation (kind
``quote``); otherwise the statement runs from the verb to the next attribution or the end of the
sentence. The statement's *targets* are the other actors mentioned in that scope; their stance is the
stance model's prediction for those mentions (see :meth:`classifier.analysis.StanceAnalyzer.analyze`).

Not recognised, on purpose: pronoun sources (« a-t-il dit », "she said"), speakers that are not known
actors, negated speech (« X n'a pas condamné Y »), bare participles (headline « Moscou accusé de… »),
mentions inside a quotation as sources, and speakers named through a complement (« le porte-parole du
Kremlin »).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .segmentation import tokenize

# ------------------------------------------------------------------------------------------- lexicon

# Speech verbs besides the cue lexicon's ``report`` / ``accuse`` / ``praise`` categories: stems
# (prefixes of 4+ characters) and exact forms.
_EXTRA_STEMS = {
    "report": ("qualifi", "répét", "repet", "repeat", "exhort", "says", "reaffirm", "réaffirm", "plaid", "martel",
               "demand", "réclam", "exig"),
    "accuse": ("condamn", "condemn", "critiqu", "critici", "blast", "fustig", "reproch", "denounc", "dénonc",
               "rebuk", "castig"),
    "praise": ("welcom", "félicit", "salu", "hail", "prais", "applaud", "commend"),
}
_EXTRA_FORMS = {
    "report": {"dit", "jugé", "juge", "jugent", "jugeait"},
    "accuse": set(),
    "praise": {"loué", "loue", "louent", "louait", "louaient"},
}
# Lexicon ``report`` entries that are nouns, prepositions or pronoun forms, not speech verbs.
_NOT_VERBS = {
    "statement", "statements", "spokesman", "spokeswoman", "spokesperson", "spokespeople", "porte-parole",
    "communiqué", "communiqués", "communique", "accusation", "accusations", "tribute", "laudable", "denial",
    "remarks", "comments", "commentator", "commentators", "selon", "according", "citant", "citing", "quoted",
    "quoting", "report", "reports", "reporting", "reporter", "reporters", "éloge", "éloges", "louange",
    "louanges", "réquisitoire", "blame", "warning", "warnings", "claim", "claims", "disclosure", "testimony",
    "témoignage", "témoignages", "déclaration", "déclarations", "annonce", "annonces", "affirmation",
    "affirmations", "explications", "réponse", "réponses", "interrogé", "interrogée", "dire", "reply",
    "replies", "ask", "say", "tell", "demande", "demandes", "exigence", "exigences", "condamnation",
    "condamnations", "condemnation", "condemnations", "critique", "critiques", "criticism", "welcome",
    "salut", "hail", "praise", "applause", "applaudissements", "félicitations", "dénonciation",
}
# Lexicon stems whose verb is mostly not speech in news: « l'OM a étrillé l'Ajax 4-0 » (sport).
_NOT_SPEECH_STEMS = ("étrill", "etrill")
_PREPOSITIONS = {
    "de", "du", "des", "d'", "en", "à", "au", "aux", "sur", "contre", "avec", "pour", "par", "entre", "chez",
    "vers", "dans", "sans", "sous", "of", "in", "for", "from", "with", "against", "to", "by", "on", "at",
    "between", "toward", "towards", "about", "into", "over", "under", "than", "as",
}
_DETERMINERS = {"le", "la", "les", "l'", "the", "un", "une", "a", "an", "son", "sa", "ses", "leur", "leurs",
                "its", "their", "his", "her", "ce", "cet", "cette", "ces"}
_AUX_ACTIVE = {
    "a", "ont", "avait", "avaient", "aurait", "auraient", "avoir", "ayant", "eu", "has", "have", "had", "having",
    "will", "would", "could", "might", "may", "should", "shall", "va", "vont", "allait", "did", "does", "do",
}
_AUX_PASSIVE = {"été", "est", "sont", "était", "étaient", "sera", "seront", "serait", "fut", "was", "were", "been",
                "is", "are", "being", "be", "get", "got", "gets"}
_CLITICS = {"lui", "leur", "y", "en", "l'", "les", "se", "s'", "m'", "t'", "nous", "vous", "le", "la"}
_ADVERBS = {
    "également", "aussi", "encore", "déjà", "toujours", "publiquement", "vivement", "notamment",
    "ainsi", "alors", "pourtant", "cependant", "enfin", "ensuite", "plus", "tard", "récemment", "hier", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "also", "again", "repeatedly", "publicly",
    "previously", "later", "earlier", "recently", "already", "once", "then", "yesterday", "on", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "strongly", "sharply", "openly",
    "swiftly", "quickly", "immediately", "formally", "officially",
}
_NEGATIONS = {"ne", "n'", "pas", "jamais", "guère", "plus", "not", "never", "n't", "no", "nor", "neither", "ni"}
_SELON = {"selon", "d'après", "d’après"}
_CLAUSE_BREAKS = {";", ":", "(", ")", "—", "–"}
_OPEN_QUOTES = "«“"
_CLOSE_QUOTES = "»”"


def _cue(token: str) -> str | None:
    from .features import cue_category  # the shared cue lexicon (lazy: it imports scikit-learn)

    return cue_category(token)


@lru_cache(maxsize=65_536)
def speech_kind(token: str) -> str | None:
    """``"report"``, ``"accuse"`` or ``"praise"`` when ``token`` (lower-case) can be a speech verb."""
    if "-t-" in token or token.endswith(("-il", "-elle", "-ils", "-elles", "-on")):
        return None  # a-t-il, dit-elle: pronoun sources are not resolved
    if token in _NOT_VERBS or not any(ch.isalpha() for ch in token) or token.startswith(_NOT_SPEECH_STEMS):
        return None
    for kind in ("accuse", "praise", "report"):
        if token in _EXTRA_FORMS[kind] or token.startswith(_EXTRA_STEMS[kind]):
            return kind
    category = _cue(token)
    if category in ("report", "accuse", "praise"):
        return category
    return None


# -------------------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Attribution:
    """A statement the sentence attributes to an actor.

    ``source_start``/``source_end`` and ``scope`` are character offsets in the sentence; ``scope`` is
    the span whose actor mentions the statement is about.
    """

    source: str
    source_text: str
    source_start: int
    source_end: int
    cue: str
    kind: str  # reported_speech | quote | accusation | praise | according_to
    scope: tuple[tuple[int, int], ...]

    def covers(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.scope)


def quote_spans(sentence: str) -> list[tuple[int, int]]:
    """Character spans (quotation marks included) of the quotations in ``sentence``."""
    spans, opened, closer = [], None, None
    for i, ch in enumerate(sentence):
        if opened is None:
            if ch in _OPEN_QUOTES:
                opened, closer = i, "»" if ch == "«" else "”"
            elif ch == '"':
                opened, closer = i, '"'
        elif ch == closer or (closer != '"' and ch in _CLOSE_QUOTES):
            spans.append((opened, i + 1))
            opened = None
    return spans


# ----------------------------------------------------------------------------------------- finding


class _Sentence:
    """Tokens of one sentence with the mention occupying each token (if any)."""

    def __init__(self, sentence: str, mentions):
        self.text = sentence
        self.tokens = tokenize(sentence)
        self.lower = [tok.lower().replace("’", "'") for tok, _, _ in self.tokens]
        self.quotes = quote_spans(sentence)
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.owner: list = [None] * len(self.tokens)
        for m in self.mentions:
            for i, (_, s, e) in enumerate(self.tokens):
                if s < m.end and e > m.start:
                    self.owner[i] = m

    def in_quote(self, start: int, end: int) -> bool:
        return any(q0 < start and end <= q1 for q0, q1 in self.quotes)

    def token_in_quote(self, i: int) -> bool:
        _, s, e = self.tokens[i]
        return self.in_quote(s, e)

    def mention_first(self, m) -> int:
        return next(i for i, owner in enumerate(self.owner) if owner is m)

    def mention_last(self, m) -> int:
        return max(i for i, owner in enumerate(self.owner) if owner is m)

    def is_closing_quote(self, i: int) -> bool:
        tok = self.tokens[i][0]
        if tok in _CLOSE_QUOTES:
            return True
        return tok == '"' and any(q1 - 1 == self.tokens[i][1] for _, q1 in self.quotes)

    def is_opening_quote(self, i: int) -> bool:
        tok = self.tokens[i][0]
        if tok in _OPEN_QUOTES:
            return True
        return tok == '"' and any(q0 == self.tokens[i][1] for q0, _ in self.quotes)


def _preceded_by_preposition(sent: _Sentence, first: int) -> bool:
    j = first - 1
    while j >= 0 and sent.lower[j] in _DETERMINERS and sent.owner[j] is None:
        j -= 1
    return j >= 0 and sent.lower[j] in _PREPOSITIONS


def _subject_before(sent: _Sentence, verb: int):
    """``(mentions, passive, negated, aux_start)`` for the subject of the verb at ``verb``."""
    j = verb - 1
    passive = negated = False
    while j >= 0 and sent.owner[j] is None:
        tok = sent.lower[j]
        if tok in _NEGATIONS:
            negated = True
        elif tok in _AUX_PASSIVE:
            passive = passive or not (j > 0 and sent.lower[j - 1] in {"se", "s'"})
        elif tok in _AUX_ACTIVE or tok in _CLITICS or tok in _ADVERBS or tok.endswith(("ment", "ly")) and len(tok) > 5:
            pass
        else:
            break
        j -= 1
    aux_start = j + 1
    if j >= 0 and sent.lower[j] == "," and sent.owner[j] is None:
        # an apposition: "X, the foreign minister, said" / « X, chef de la diplomatie, a déclaré »
        k = j - 1
        while k >= 0 and k > j - 12 and sent.lower[k] not in {",", ";", ":", "«", "»", '"', "(", ")"}:
            k -= 1
        if k >= 1 and sent.lower[k] == "," and sent.owner[k - 1] is not None and j - k > 1:
            if not any(sent.lower[x] in _NEGATIONS for x in range(k + 1, j)):
                j = k - 1
    if j < 0 or sent.owner[j] is None:
        return [], passive, negated, aux_start
    subjects = [sent.owner[j]]
    first = sent.mention_first(subjects[0])
    # the same actor named twice in a row (« le président russe Vladimir Poutine »)
    while first > 0 and sent.owner[first - 1] is not None and sent.owner[first - 1].actor == subjects[0].actor:
        first = sent.mention_first(sent.owner[first - 1])
    # coordinated subjects: « X et Y ont salué »
    k = first - 1
    while k >= 1 and sent.lower[k] in {"et", "and"} and sent.owner[k - 1] is not None:
        other = sent.owner[k - 1]
        subjects.insert(0, other)
        first = sent.mention_first(other)
        k = first - 1
    if _preceded_by_preposition(sent, first):
        return [], passive, negated, aux_start
    if first > 0 and sent.lower[first - 1] in {"et", "and", "ou", "or"}:
        return [], passive, negated, aux_start  # "… in Gaza, Sudan and Ukraine were praised": not a subject
    return subjects, passive, negated, aux_start


def _bare_participle(sent: _Sentence, verb: int, aux_start: int) -> bool:
    """French participle with no auxiliary (« Moscou accusé de… ») or English "X accused of…"."""
    tok = sent.lower[verb]
    has_aux = any(sent.lower[i] in _AUX_ACTIVE or sent.lower[i] in _AUX_PASSIVE for i in range(aux_start, verb))
    if tok.endswith(("é", "ée", "és", "ées")) and not has_aux:
        return True
    nxt = sent.lower[verb + 1] if verb + 1 < len(sent.lower) else ""
    return tok.endswith("ed") and nxt in {"of", "by"} and not has_aux


def _agent_after(sent: _Sentence, verb: int):
    """The mention after « par » / "by" right after a passive verb."""
    j = verb + 1
    while j < len(sent.lower) and sent.lower[j] in _ADVERBS:
        j += 1
    if j >= len(sent.lower) or sent.lower[j] not in {"par", "by"}:
        return None
    j += 1
    while j < len(sent.lower) and sent.lower[j] in _DETERMINERS and sent.owner[j] is None:
        j += 1
    return sent.owner[j] if j < len(sent.lower) else None


def _inverted_source(sent: _Sentence, verb: int):
    """« «…», a déclaré X » / '"…," said X': the mention right after the verb, when the verb follows
    a comma or a closing quotation mark."""
    j = verb - 1
    while j >= 0 and sent.lower[j] in _AUX_ACTIVE | _ADVERBS and sent.owner[j] is None:
        j -= 1
    if j < 0 or not (sent.lower[j] == "," or sent.is_closing_quote(j)):
        return None
    k = verb + 1
    while k < len(sent.lower) and k <= verb + 3 and sent.owner[k] is None:
        if sent.lower[k] not in _DETERMINERS and sent.lower[k] not in _ADVERBS:
            return None
        k += 1
    if k >= len(sent.lower) or sent.owner[k] is None:
        return None
    mention = sent.owner[k]
    last = sent.mention_last(mention)
    # "said X" must end the clause: "…, said X." / "…, said X, adding…" / "…, said X on Tuesday."
    nxt = sent.lower[last + 1] if last + 1 < len(sent.lower) else "."
    if nxt not in {".", ",", ";", "!", "?", "…", "on", "in", "at", "lors", "dans", "mercredi", "mardi", "lundi",
                   "jeudi", "vendredi", "samedi", "dimanche", "selon", "according", "»", '"', "”"} \
            and sent.owner[last + 1] is None:
        return None
    return mention


def _quote_before(sent: _Sentence, index: int) -> int | None:
    """Token index of a closing quotation mark just before ``index`` (only commas between)."""
    j = index - 1
    while j >= 0 and sent.lower[j] in {",", "-", "–", "—"}:
        j -= 1
    return j if j >= 0 and sent.is_closing_quote(j) else None


def _quote_after(sent: _Sentence, verb: int) -> bool:
    j = verb + 1
    while j < len(sent.lower) and sent.lower[j] in _ADVERBS:
        j += 1
    if j < len(sent.lower) and sent.lower[j] in {":", "que", "qu'", "that"}:
        j += 1
    return j < len(sent.lower) and sent.is_opening_quote(j)


def find_attributions(sentence: str, mentions) -> list[Attribution]:
    """The attributions in ``sentence``; ``mentions`` are actor mentions with sentence offsets
    (objects with ``actor``, ``text``, ``start``, ``end``, as :meth:`ActorIndex.find` returns)."""
    sent = _Sentence(sentence, mentions)
    if not sent.mentions:
        return []
    found: list[tuple[int, object, str, str, str]] = []  # (anchor token, mention, cue, kind, verb-or-marker index)
    n = len(sent.tokens)

    for i, tok in enumerate(sent.lower):
        # selon X / d'après X / according to X
        marker_end = None
        if tok in _SELON:
            marker_end = i + 1
        elif tok == "d'" and i + 1 < n and sent.lower[i + 1] == "après":
            marker_end = i + 2
        elif tok == "according" and i + 1 < n and sent.lower[i + 1] == "to":
            marker_end = i + 2
        if marker_end is not None:
            if sent.token_in_quote(i):
                continue
            k = marker_end
            while k < n and sent.lower[k] in _DETERMINERS and sent.owner[k] is None:
                k += 1
            if k < n and sent.owner[k] is not None:
                found.append((i, sent.owner[k], sent.tokens[i][0] if marker_end == i + 1 else
                              " ".join(t for t, _, _ in sent.tokens[i:marker_end]), "according_to", str(i)))
            continue
        if sent.owner[i] is not None or sent.token_in_quote(i):
            continue
        category = speech_kind(tok)
        if category is None:
            continue
        kind = {"report": "reported_speech", "accuse": "accusation", "praise": "praise"}[category]
        if category == "accuse" and i + 1 < n and sent.lower[i + 1] in {"à", "to"}:
            continue  # « condamné à 15 ans de prison », "sentenced to": a court's sentence, not a statement
        subjects, passive, negated, aux_start = _subject_before(sent, i)
        if negated:
            continue
        if passive:
            agent = _agent_after(sent, i)
            if agent is not None and subjects:
                found.append((i, agent, sent.tokens[i][0], kind, "passive:" + ",".join(
                    f"{m.start}-{m.end}" for m in subjects)))
            continue
        subjects = [m for m in subjects if not sent.in_quote(m.start, m.end)]
        if subjects and not _bare_participle(sent, i, aux_start):
            for subject in subjects:
                found.append((i, subject, sent.tokens[i][0], kind, str(i)))
            continue
        if not subjects and aux_start > 0 and sent.lower[aux_start - 1] in {"et", "mais", "and", "but", "puis"}:
            # a second verb of the same subject: « X a salué Y mais a accusé Z de… »
            previous = [f for f in found if f[4].isdigit() and f[0] < i]
            if previous and not any(sent.lower[x] in {";", ":"} for x in range(previous[-1][0], i)):
                last_anchor = previous[-1][0]
                for entry in [f for f in previous if f[0] == last_anchor]:
                    found.append((i, entry[1], sent.tokens[i][0], kind, f"coordinated:{i}"))
                continue
        if category == "report" and not subjects:
            mention = _inverted_source(sent, i)
            if mention is not None and not sent.in_quote(mention.start, mention.end):
                found.append((i, mention, sent.tokens[i][0], kind, f"inverted:{i}"))

    # scopes
    anchors = sorted({a for a, *_ in found})
    attributions: list[Attribution] = []
    seen = set()
    for anchor, mention, cue, kind, how in found:
        key = (mention.actor, anchor)
        if key in seen:
            continue
        seen.add(key)
        _, a_start, a_end = sent.tokens[anchor]
        if kind == "according_to":
            scope = tuple(
                span for span in ((0, mention.start), (mention.end, len(sentence))) if span[0] < span[1]
            )
        elif how.startswith("passive:"):
            # « Y a été accusé par X de… »: the statement is about the subject and what follows the agent
            spans = [tuple(int(x) for x in span.split("-")) for span in how.removeprefix("passive:").split(",")]
            scope = (*spans, (mention.end, len(sentence)))
        else:
            inverted = how.startswith("inverted:")
            subject_first = anchor if inverted else sent.mention_first(mention)
            quotes_before = tuple(q for q in sent.quotes if q[1] <= min(a_start, mention.start))
            if quotes_before and (inverted or _quote_before(sent, subject_first) is not None):
                scope, kind = quotes_before, "quote"  # «…», a déclaré X / "…," X said
            elif inverted:
                scope = ((0, _clause_end_before(sent, anchor)),)  # Moscou ment, a déclaré X
            elif kind == "reported_speech" and _quote_after(sent, anchor):
                scope, kind = tuple(q for q in sent.quotes if q[0] >= a_end), "quote"  # X a déclaré : «…»
            else:
                nxt = next((a for a in anchors if a > anchor), None)
                stop = len(sentence) if nxt is None else _clause_start_before(sent, nxt, anchor)
                scope = ((_after_addressee(sent, anchor), stop),)
        attributions.append(Attribution(mention.actor, mention.text, mention.start, mention.end, cue, kind,
                                         tuple(s for s in scope if s[0] < s[1])))
    return attributions


def _clause_end_before(sent: _Sentence, anchor: int) -> int:
    """Character offset of the comma (or quotation mark) that precedes an inverted speech verb."""
    j = anchor - 1
    while j >= 0 and sent.lower[j] not in {",", "»", '"', "”"}:
        j -= 1
    return sent.tokens[j][1] if j >= 0 else 0


def _after_addressee(sent: _Sentence, anchor: int) -> int:
    """Start of a statement's scope: after the verb, and after the person addressed ("X told Y that…",
    « X a déclaré à Y que… »), who is not what the statement is about."""
    start = sent.tokens[anchor][2]
    k, addressed = anchor + 1, sent.lower[anchor] in {"told", "tells", "telling", "tell"}
    while k < len(sent.lower) and k <= anchor + 3 and sent.owner[k] is None:
        if sent.lower[k] in {"à", "au", "aux"}:
            addressed = True
        elif sent.lower[k] not in _DETERMINERS and sent.lower[k] not in _ADVERBS:
            break
        k += 1
    if addressed and k < len(sent.lower) and sent.owner[k] is not None:
        return sent.owner[k].end
    return start


def _clause_start_before(sent: _Sentence, next_anchor: int, anchor: int) -> int:
    """Character offset where the clause of the next attribution starts (its subject, if any)."""
    j = next_anchor - 1
    while j > anchor and sent.owner[j] is None and sent.lower[j] not in {",", ";", "et", "and", "mais", "but",
                                                                          "tandis", "while", "whereas"}:
        j -= 1
    if j > anchor and sent.owner[j] is not None:
        first = sent.mention_first(sent.owner[j])
        return sent.tokens[max(first, anchor + 1)][1]
    return sent.tokens[j][1] if j > anchor else sent.tokens[next_anchor][1]


def statement_targets(attribution: Attribution, mentions) -> list:
    """The mentions a statement is about: other actors' mentions inside its scope."""
    return [
        m for m in mentions
        if m.actor != attribution.source and attribution.covers(m.start, m.end)
        and not (m.start < attribution.source_end and m.end > attribution.source_start)
    ]

