"""Actors — the states, leaders and organisations whose portrayal we measure — and finding them in text.

An actors file (JSON or TOML) lists canonical actors with aliases per language, demonyms, and for
people an affiliation::

    {"actors": [
      {"name": "Russie", "type": "country",
       "aliases": {"fr": ["Russie", "Moscou", "Kremlin"], "en": ["Russia", "Moscow", "Kremlin"]},
       "demonyms": {"fr": ["Russes"], "en": ["Russians"]}},
      {"name": "Vladimir Poutine", "type": "person", "affiliation": "Russie",
       "aliases": {"fr": ["Poutine", "président russe"], "en": ["Putin"]}}]}

Matching works on tokens, so it respects word boundaries and French elision (``l'Iran``,
``d'Ukraine``), is case-sensitive except for a capitalised first letter at the start of a sentence,
and prefers the longest alias where two overlap (``Premier ministre israélien`` over ``Israël``).
An actor's ``"not"`` phrases (``{"en": ["US Open"]}``) are phrases in which one of the aliases does not
name it: they are matched like aliases and dropped.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StanceInputError
from .segmentation import tokenize

ACTOR_TYPES = ("country", "organization", "person", "group", "company", "team", "party", "institution", "other")


@dataclass
class Actor:
    name: str
    type: str = "other"
    aliases: dict[str, list[str]] = field(default_factory=dict)
    demonyms: dict[str, list[str]] = field(default_factory=dict)
    affiliation: str | None = None
    #: phrases in which an alias does not name the actor ("US Open", "accord de Paris", "Amazon rainforest")
    not_forms: dict[str, list[str]] = field(default_factory=dict)

    def surface_forms(self) -> list[tuple[str, str]]:
        """``(form, kind)`` pairs: the canonical name, every alias and every demonym."""
        forms = [(self.name, "name")]
        for lang_forms in self.aliases.values():
            forms += [(form, "alias") for form in lang_forms]
        for lang_forms in self.demonyms.values():
            forms += [(form, "demonym") for form in lang_forms]
        return forms

    def merge(self, other: "Actor") -> None:
        """Add ``other``'s aliases and demonyms; its type and affiliation win when set."""
        for mine, theirs in ((self.aliases, other.aliases), (self.demonyms, other.demonyms),
                             (self.not_forms, other.not_forms)):
            for lang, forms in theirs.items():
                bucket = mine.setdefault(lang, [])
                bucket += [form for form in forms if form not in bucket]
        if other.type != "other":
            self.type = other.type
        if other.affiliation:
            self.affiliation = other.affiliation


@dataclass(frozen=True)
class Mention:
    """One occurrence of an actor in a text; ``start``/``end`` index that text (end exclusive)."""

    actor: str
    text: str
    start: int
    end: int
    kind: str = "alias"


# Words that make a title name a past holder: "the former French president", « l'ancien président américain ».
_FORMER = frozenset("former late then ancien ancienne anciens anciennes feu défunt défunte ex".split())
_SENTENCE_OPENERS = frozenset('.!?:;«“"(—–-')
# Capitalised words that may stand before a one-word name of a person without being part of another name.
_HONORIFICS = frozenset(
    "Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Sir Dame Lord Lady M. Mme Mlle Me Mgr President Président Présidente "
    "Premier Prime Minister Ministre Chancellor Chancelier Chancelière Senator Sen. Sénateur Rep. Gov. Governor "
    "Gouverneur Mayor Maire King Queen Roi Reine Prince Princess Princesse Pope Pape General Général Gen. "
    "Coach Judge Juge Justice Secretary Speaker Leader Chairman Chair CEO Colonel Col. Captain Capt. Lt.".split()
)


def _normalize(token: str) -> str:
    return token.replace("’", "'")


def _key(form: str) -> tuple[str, ...]:
    return tuple(_normalize(tok) for tok, _, _ in tokenize(form))


class ActorIndex:
    """A set of actors and a fast token-sequence matcher over their surface forms."""

    def __init__(self, actors: list[Actor]):
        self.actors: dict[str, Actor] = {}
        for actor in actors:
            if actor.name in self.actors:
                self.actors[actor.name].merge(actor)
            else:
                self.actors[actor.name] = actor
        self._forms: dict[tuple[str, ...], tuple[str, str]] = {}
        for actor in self.actors.values():
            for form, kind in actor.surface_forms():
                key = _key(form)
                if not key:
                    continue
                self._forms[key] = (actor.name, kind)
                first = key[0]
                if first[:1].islower():  # "président russe" also at the start of a sentence
                    self._forms.setdefault((first[:1].upper() + first[1:],) + key[1:], (actor.name, kind))
        # an actor's "not" phrases match like forms (longest first) and are then dropped, taking their
        # tokens with them: "US Open" is found as a whole, so "US" inside it is not the United States
        for actor in self.actors.values():
            for lang_forms in actor.not_forms.values():
                for phrase in lang_forms:
                    key = _key(phrase)
                    if not key:
                        continue
                    self._forms.setdefault(key, (None, "not"))
                    if key[0][:1].islower():  # "accord de Paris" also at the start of a sentence
                        self._forms.setdefault((key[0][:1].upper() + key[0][1:],) + key[1:], (None, "not"))
        self._longest = max((len(key) for key in self._forms), default=0)
        # a person's title ("le président français", "French president") names whoever holds the office:
        # after "former"/"ancien" it is someone else. Forms sharing no word with the person's name:
        name_words = {a.name: {t.lower() for t in _key(a.name)} for a in self.actors.values() if a.type == "person"}
        self._titles = {key for key, (name, _) in self._forms.items()
                        if name in name_words and not {t.lower() for t in key} & name_words[name]}
        # one-word names of people and teams ("Lee", "Dan", "Reds") are also parts of other names
        # ("Spike Lee", "Dan Brown", "Cincinnati Reds"): such a form next to another capitalised word is not taken
        self._one_word_names = {key for key, (name, kind) in self._forms.items()
                                if len(key) == 1 and kind in ("name", "alias") and key not in self._titles
                                and self.actors[name].type in ("person", "team")}
        # first token → longest form starting with it: most tokens start no form and are skipped at once
        self._starts: dict[str, int] = {}
        for key in self._forms:
            self._starts[key[0]] = max(self._starts.get(key[0], 0), len(key))

    def __len__(self) -> int:
        return len(self.actors)

    def __contains__(self, name: str) -> bool:
        return name in self.actors

    def get(self, name: str) -> Actor | None:
        return self.actors.get(name)

    def resolve(self, surface: str) -> str | None:
        """The canonical actor whose alias is exactly ``surface``, if any."""
        found = self._forms.get(_key(surface))
        return found[0] if found else None

    def find(self, text: str) -> list[Mention]:
        """All actor mentions in ``text``, longest alias first where they overlap, in text order."""
        tokens = tokenize(text)
        keys = [_normalize(tok) for tok, _, _ in tokens]
        candidates = []
        starts, forms = self._starts, self._forms
        for i, key in enumerate(keys):
            longest = starts.get(key)
            if longest is None:
                continue
            for length in range(min(longest, len(keys) - i), 0, -1):
                form = tuple(keys[i : i + length])
                found = forms.get(form)
                if found:
                    if not (i and form in self._titles and keys[i - 1].lower() in _FORMER) and not (
                            form in self._one_word_names and self._inside_other_name(tokens, keys, i)):
                        candidates.append((length, i, found))
                    break  # the longest at this position; shorter ones here would overlap it
        taken = [False] * len(keys)
        chosen = []

        def priority(candidate):
            """Longest in tokens first, then in characters ("Le Rassemblement" loses to "Rassemblement
            national"), then leftmost."""
            length, i, _ = candidate
            return -length, tokens[i][1] - tokens[i + length - 1][2], i

        for length, i, (name, kind) in sorted(candidates, key=priority):
            if any(taken[i : i + length]):
                continue
            for j in range(i, i + length):
                taken[j] = True
            if name is None:  # a "not" phrase: its tokens are no mention
                continue
            start, end = tokens[i][1], tokens[i + length - 1][2]
            chosen.append(Mention(name, text[start:end], start, end, kind))
        chosen.sort(key=lambda m: m.start)
        return chosen

    def _inside_other_name(self, tokens, keys, i) -> bool:
        """Whether the one-word name at token ``i`` has another capitalised word right before or after it
        (not a title such as "President", not a word capitalised only because it starts the sentence):
        then it is part of somebody else's name."""
        if i + 1 < len(keys) and keys[i + 1][:1].isupper() and tokens[i + 1][1] == tokens[i][2] + 1:
            return True
        if i == 0 or not keys[i - 1][:1].isupper() or keys[i - 1] in _HONORIFICS:
            return False
        if tokens[i - 1][2] + 1 != tokens[i][1]:
            return False
        starts_sentence = i == 1 or keys[i - 2] in _SENTENCE_OPENERS
        return not starts_sentence

    def to_dict(self) -> dict:
        return {"actors": [_actor_to_dict(a) for a in self.actors.values()]}


def _actor_to_dict(actor: Actor) -> dict:
    out = {"name": actor.name, "type": actor.type, "aliases": actor.aliases}
    if actor.demonyms:
        out["demonyms"] = actor.demonyms
    if actor.affiliation:
        out["affiliation"] = actor.affiliation
    if actor.not_forms:
        out["not"] = actor.not_forms
    return out


def default_actors_path() -> Path:
    from .paths import data_dir

    return data_dir() / "actors.json"


def _parse_forms(value, path: str, where: str) -> dict[str, list[str]]:
    if isinstance(value, list):
        value = {"any": value}
    if not isinstance(value, dict):
        raise StanceInputError("expected an object of language → list of strings", path, field=where)
    forms: dict[str, list[str]] = {}
    for lang, items in value.items():
        if not isinstance(items, list):
            raise StanceInputError("expected a list of strings", path, field=f"{where}.{lang}")
        for k, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise StanceInputError("expected a non-empty string", path, field=f"{where}.{lang}[{k}]")
        forms[str(lang)] = [item.strip() for item in items]
    return forms


def parse_actors(document, path: str = "<actors>") -> list[Actor]:
    """Validate a decoded actors document (dict with an ``actors`` list) into :class:`Actor` objects."""
    if not isinstance(document, dict) or not isinstance(document.get("actors"), list):
        raise StanceInputError("expected an object with an 'actors' list", path, field="actors")
    actors = []
    for k, entry in enumerate(document["actors"]):
        where = f"actors[{k}]"
        if not isinstance(entry, dict):
            raise StanceInputError("expected an object", path, field=where)
        unknown = set(entry) - {"name", "type", "aliases", "demonyms", "affiliation", "not", "note"}
        if unknown:
            raise StanceInputError(f"unknown key(s) {sorted(unknown)}", path, field=where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise StanceInputError("missing or empty actor name", path, field=f"{where}.name")
        kind = entry.get("type", "other")
        if kind not in ACTOR_TYPES:
            raise StanceInputError(
                f"unknown type {kind!r}; expected one of {', '.join(ACTOR_TYPES)}", path, field=f"{where}.type"
            )
        affiliation = entry.get("affiliation")
        if affiliation is not None and (not isinstance(affiliation, str) or not affiliation.strip()):
            raise StanceInputError("expected an actor name", path, field=f"{where}.affiliation")
        actors.append(
            Actor(
                name=name.strip(),
                type=kind,
                aliases=_parse_forms(entry.get("aliases", {}), path, f"{where}.aliases"),
                demonyms=_parse_forms(entry.get("demonyms", {}), path, f"{where}.demonyms"),
                not_forms=_parse_forms(entry.get("not", {}), path, f"{where}.not"),
                affiliation=affiliation.strip() if affiliation else None,
            )
        )
    return actors


def read_actors_file(path: str | Path) -> list[Actor]:
    """Read and validate one actors file (``.json`` or ``.toml``)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StanceInputError(f"cannot read actors file: {exc.strerror or exc}", str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StanceInputError(f"not UTF-8 text (byte {exc.start})", str(path)) from None
    if path.suffix.lower() == ".toml":
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise StanceInputError(f"invalid TOML: {exc}", str(path)) from None
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StanceInputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), line=exc.lineno) from None
    return parse_actors(document, str(path))


def load_actors(extra: str | Path | None = None, replace: bool = False) -> ActorIndex:
    """The default actors, extended (or replaced, with ``replace=True``) by the file ``extra``."""
    actors: list[Actor] = []
    if not (replace and extra is not None):
        actors += read_actors_file(default_actors_path())
    if extra is not None:
        actors += read_actors_file(extra)
    index = ActorIndex(actors)
    for actor in index.actors.values():
        if actor.affiliation and actor.affiliation not in index:
            raise StanceInputError(
                f"actor {actor.name!r} is affiliated with unknown actor {actor.affiliation!r}",
                str(extra or default_actors_path()),
                field="affiliation",
            )
    return index
