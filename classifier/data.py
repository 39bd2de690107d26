"""Labeled data: reading, format detection and validation.

One record is one target — a mention of an actor in a sentence — with its stance. Accepted formats:

* the project's JSONL or CSV: ``sentence``, ``actor``, ``stance`` (``supportive|neutral|critical``),
  optional ``mention``, ``start``/``end`` (offsets of the mention in the sentence, end exclusive),
  ``lang``, ``id``, ``source`` and ``frame`` (frame labels separated by ``|``);
* NewsMTSC, flat (``sentence``, ``mention``, ``from``, ``to``, ``polarity`` -1/0/1) or as originally
  released (``sentence_normalized`` and ``targets`` with ``polarity`` 2.0/4.0/6.0).

Every bad record is reported with file, line and field; a file with any error yields nothing.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple

from .errors import DataValidationError, StanceInputError
from .segmentation import detect_language

LABELS = ("supportive", "neutral", "critical")
DATA_FORMATS = ("auto", "stance", "newsmtsc")
DATA_SUFFIXES = (".jsonl", ".csv", ".json")

_NEWSMTSC_FLAT = {-1: "critical", 0: "neutral", 1: "supportive"}
_NEWSMTSC_ORIGINAL = {2.0: "critical", 4.0: "neutral", 6.0: "supportive"}
_KNOWN_FIELDS = {"sentence", "actor", "stance", "mention", "start", "end", "lang", "id", "source", "frame"}


class Target(NamedTuple):
    """What the model sees for one prediction: a sentence and the span of the target mention in it."""

    sentence: str
    start: int
    end: int
    lang: str | None = None


@dataclass
class LabeledTarget:
    """A validated training/evaluation record."""

    sentence: str
    actor: str
    stance: str | None
    start: int
    end: int
    lang: str
    mention: str = ""
    id: str | None = None
    source: str | None = None
    frames: tuple[str, ...] = ()
    path: str = ""
    line: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def target(self) -> Target:
        return Target(self.sentence, self.start, self.end, self.lang)


def as_target(x) -> Target:
    """Coerce a model input (Target, LabeledTarget, dict, tuple or bare sentence) to a :class:`Target`."""
    if isinstance(x, Target):
        return x
    if isinstance(x, LabeledTarget):
        return x.target
    if isinstance(x, str):
        return Target(x, 0, 0, None)  # no target span: the model sees the sentence only
    if isinstance(x, dict):
        return Target(x["sentence"], int(x.get("start", 0)), int(x.get("end", 0)), x.get("lang"))
    return Target(*x)


# --------------------------------------------------------------------------------------------- paths


def expand_paths(specs: Iterable[str | Path], suffixes: tuple[str, ...] = DATA_SUFFIXES) -> list[Path]:
    """Files named by ``specs``: files as given, folders searched recursively, shell globs expanded."""
    found: list[Path] = []
    for spec in specs:
        spec = str(spec)
        path = Path(spec)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        elif path.exists():
            found.append(path)
        elif any(ch in spec for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
            if not matches:
                raise StanceInputError("no file matches this pattern", spec)
            found += matches
        else:
            raise StanceInputError("no such file or folder", spec)
    return found


# ------------------------------------------------------------------------------------------ decoding


def _decode_lines(path: Path) -> list[tuple[int, str]]:
    """Numbered text lines; undecodable bytes are reported with their line number."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StanceInputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    lines = []
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append((number, chunk.decode("utf-8").rstrip("\r")))
        except UnicodeDecodeError as exc:
            raise StanceInputError(f"undecodable bytes (not UTF-8) at byte {exc.start}", str(path), number) from None
    return lines


def _read_records(path: Path) -> list[tuple[int, dict]]:
    """``(line, record)`` pairs from a JSONL, JSON-array or CSV file."""
    lines = _decode_lines(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, lines)
    records = []
    if suffix == ".json":
        text = "\n".join(line for _, line in lines)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StanceInputError(f"invalid JSON: {exc.msg}", str(path), exc.lineno) from None
        if not isinstance(document, list):
            raise StanceInputError("expected a JSON array of records (or use .jsonl)", str(path), 1)
        for item in document:
            records.append((0, item))
        return records
    for number, line in lines:
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise StanceInputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), number) from None
    return records


def _read_csv(path: Path, lines: list[tuple[int, str]]) -> list[tuple[int, dict]]:
    text = "\n".join(line for _, line in lines)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise StanceInputError(f"malformed CSV: {exc}", str(path), 1) from None
    header = [name.strip() for name in header]
    if "sentence" not in header or not ({"actor", "mention"} & set(header)) or "stance" not in header:
        raise StanceInputError(
            f"wrong columns {header}; expected at least sentence, actor (or mention), stance", str(path), 1, "header"
        )
    records = []
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise StanceInputError(f"expected {len(header)} columns, found {len(row)}", str(path), number)
            record = {name: value for name, value in zip(header, row) if value != "" or name == "sentence"}
            records.append((number, record))
    except csv.Error as exc:
        raise StanceInputError(f"malformed CSV: {exc}", str(path), reader.line_num) from None
    return records


# ----------------------------------------------------------------------------------------- detection


def detect_format(record: dict) -> str:
    if "sentence_normalized" in record and "targets" in record:
        return "newsmtsc"
    if "polarity" in record and "sentence" in record and "stance" not in record:
        return "newsmtsc"
    return "stance"


# --------------------------------------------------------------------------------------- validation


def _as_int(value, name: str, path: str, line: int) -> int:
    if isinstance(value, bool):
        raise StanceInputError(f"expected an integer offset, got {value!r}", path, line, name)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    raise StanceInputError(f"expected an integer offset, got {value!r}", path, line, name)


def _find_mention(sentence: str, mention: str) -> int:
    """Offset of ``mention`` in ``sentence``, preferring a whole-word occurrence; -1 if absent."""
    for match in re.finditer(re.escape(mention), sentence):
        before = sentence[match.start() - 1] if match.start() else " "
        after = sentence[match.end()] if match.end() < len(sentence) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return match.start()
    return sentence.find(mention)


def _validate_stance_record(record, path: str, line: int, actors, default_lang: str | None) -> LabeledTarget:
    if not isinstance(record, dict):
        raise StanceInputError("expected a JSON object", path, line)
    sentence = record.get("sentence")
    if not isinstance(sentence, str):
        raise StanceInputError("missing field", path, line, "sentence")
    if not sentence.strip():
        raise StanceInputError("empty sentence", path, line, "sentence")
    stance = record.get("stance")
    if stance is None:
        raise StanceInputError("missing field", path, line, "stance")
    if not isinstance(stance, str) or stance.strip().lower() not in LABELS:
        raise StanceInputError(f"unknown label {stance!r}; expected one of {', '.join(LABELS)}", path, line, "stance")
    stance = stance.strip().lower()
    actor = record.get("actor")
    mention = record.get("mention")
    if actor is not None and (not isinstance(actor, str) or not actor.strip()):
        raise StanceInputError("expected a non-empty actor name", path, line, "actor")
    if mention is not None and (not isinstance(mention, str) or not mention.strip()):
        raise StanceInputError("expected a non-empty mention", path, line, "mention")
    if actor is None and mention is None:
        raise StanceInputError("missing field (give actor, mention or both)", path, line, "actor")
    has_start, has_end = "start" in record, "end" in record
    if has_start != has_end:
        raise StanceInputError("start and end go together", path, line, "end" if has_start else "start")
    if has_start:
        start = _as_int(record["start"], "start", path, line)
        end = _as_int(record["end"], "end", path, line)
        if not 0 <= start < end <= len(sentence):
            raise StanceInputError(
                f"offsets {start}:{end} fall outside the sentence (length {len(sentence)})", path, line, "start"
            )
        if mention is not None and sentence[start:end] != mention:
            raise StanceInputError(
                f"offsets {start}:{end} select {sentence[start:end]!r}, not the mention {mention!r}", path, line, "end"
            )
        mention = sentence[start:end]
    elif mention is not None:
        start = _find_mention(sentence, mention)
        if start < 0:
            raise StanceInputError(f"mention {mention!r} not found in the sentence", path, line, "mention")
        end = start + len(mention)
    else:
        found = [m for m in actors.find(sentence) if m.actor == (actors.resolve(actor) or actor)] if actors else []
        if not found:
            start = _find_mention(sentence, actor)
            if start < 0:
                raise StanceInputError(
                    f"no mention of actor {actor!r} found in the sentence (give mention or start/end)",
                    path, line, "actor",
                )
            end = start + len(actor)
        else:
            start, end = found[0].start, found[0].end
        mention = sentence[start:end]
    if actor is None:
        actor = (actors.resolve(mention) if actors else None) or mention
    lang = record.get("lang")
    if lang is not None and (not isinstance(lang, str) or not re.fullmatch(r"[a-z]{2,3}", lang)):
        raise StanceInputError(f"expected a language code like 'fr' or 'en', got {lang!r}", path, line, "lang")
    frames = record.get("frame")
    if frames is None:
        frames = ()
    elif isinstance(frames, str):
        frames = tuple(sorted({f.strip() for f in frames.split("|") if f.strip()}))
    elif isinstance(frames, list) and all(isinstance(f, str) for f in frames):
        frames = tuple(sorted({f.strip() for f in frames if f.strip()}))
    else:
        raise StanceInputError("expected frame labels separated by '|'", path, line, "frame")
    extra = {k: v for k, v in record.items() if k not in _KNOWN_FIELDS}
    return LabeledTarget(
        sentence=sentence,
        actor=actor.strip(),
        stance=stance,
        start=start,
        end=end,
        lang=lang or default_lang or detect_language(sentence),
        mention=mention,
        id=None if record.get("id") is None else str(record.get("id")),
        source=None if record.get("source") is None else str(record.get("source")),
        frames=frames,
        path=path,
        line=line,
        extra=extra,
    )


def _newsmtsc_records(record, line: int, path: str) -> list[dict]:
    """Convert one NewsMTSC record (flat or original) to project records."""
    if not isinstance(record, dict):
        raise StanceInputError("expected a JSON object", path, line)
    if "targets" in record:
        sentence = record.get("sentence_normalized")
        if not isinstance(sentence, str):
            raise StanceInputError("missing field", path, line, "sentence_normalized")
        if not isinstance(record["targets"], list):
            raise StanceInputError("expected a list of targets", path, line, "targets")
        out = []
        for k, target in enumerate(record["targets"]):
            if not isinstance(target, dict):
                raise StanceInputError("expected an object", path, line, f"targets[{k}]")
            polarity = target.get("polarity")
            try:
                stance = _NEWSMTSC_ORIGINAL[float(polarity)]
            except (TypeError, ValueError, KeyError):
                raise StanceInputError(
                    f"unknown polarity {polarity!r}; expected 2.0, 4.0 or 6.0", path, line, f"targets[{k}].polarity"
                ) from None
            for name in ("from", "to", "mention"):
                if name not in target:
                    raise StanceInputError("missing field", path, line, f"targets[{k}].{name}")
            out.append(
                {
                    "sentence": sentence,
                    "mention": target["mention"],
                    "start": target["from"],
                    "end": target["to"],
                    "stance": stance,
                    "lang": "en",
                    "id": target.get("Input.gid", record.get("primary_gid")),
                }
            )
        return out
    polarity = record.get("polarity")
    try:
        stance = _NEWSMTSC_FLAT.get(int(polarity)) if float(polarity) == int(polarity) else None
    except (TypeError, ValueError, OverflowError):
        stance = None
    if isinstance(polarity, bool):
        stance = None
    if stance is None:
        raise StanceInputError(f"unknown polarity {polarity!r}; expected -1, 0 or 1", path, line, "polarity")
    converted = {"sentence": record.get("sentence"), "stance": stance, "lang": "en", "id": record.get("id")}
    if "mention" in record:
        converted["mention"] = record["mention"]
    for ours, theirs in (("start", "from"), ("end", "to")):
        if theirs in record:
            converted[ours] = record[theirs]
    return [converted]


def read_labeled(
    specs: Iterable[str | Path],
    actors=None,
    data_format: str = "auto",
    max_problems: int = 200,
) -> list[LabeledTarget]:
    """Read and validate labeled targets from files, folders or globs.

    Raises :class:`DataValidationError` listing every bad record (up to ``max_problems``) when any
    record is bad: a file with errors trains nothing.
    """
    if data_format not in DATA_FORMATS:
        raise StanceInputError(f"unknown data format {data_format!r}; expected one of {', '.join(DATA_FORMATS)}")
    paths = expand_paths(specs)
    if not paths:
        raise StanceInputError("no data files found (expected .jsonl, .csv or .json)")
    targets: list[LabeledTarget] = []
    problems: list[StanceInputError] = []
    for path in paths:
        try:
            records = _read_records(path)
        except StanceInputError as exc:
            problems.append(exc)
            continue
        if not records:
            problems.append(StanceInputError("no records in file", str(path)))
        for line, record in records:
            try:
                fmt = data_format if data_format != "auto" else detect_format(record if isinstance(record, dict) else {})
                converted = _newsmtsc_records(record, line, str(path)) if fmt == "newsmtsc" else [record]
                for item in converted:
                    targets.append(_validate_stance_record(item, str(path), line, actors, None))
            except StanceInputError as exc:
                problems.append(exc)
                if len(problems) >= max_problems:
                    raise DataValidationError(problems) from None
    if problems:
        raise DataValidationError(problems)
    return targets
