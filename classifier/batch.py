"""Batch classification of large corpora: streaming, parallel (joblib or Dask), resumable.

:func:`run_batch` reads an input — a folder of ``.txt`` files, a JSONL file or a CSV file of
``{"id", "text"[, "lang", "date", "source"]}`` records — and writes one JSON line per article to
``OUT``: ``{"id", ["date",] **ArticleResult.to_dict()}``, i.e. the id plus what
``stance classify --format json`` prints for that article. It returns a :class:`BatchSummary`.

Files written beside ``OUT`` (``X.jsonl`` → ``X.errors.jsonl``, ``X.journal.jsonl``):

* ``OUT.errors.jsonl``: one line per record that could not be processed — ``{"id", "reason",
  "message", "path", "line"}`` with ``reason`` one of :data:`REASONS` — in input order. A bad record
  never stops the run.
* ``OUT.journal.jsonl``: a header (input, model sha256, actors digest, options) then one commit line
  per chunk: records consumed so far and the byte sizes of ``OUT`` and of the errors file.

How it runs. Records are read lazily, in a deterministic order (folders: recursively, sorted by
path), grouped into chunks of ``chunk_size`` and handed to :func:`classify_chunk` — in this process
(``jobs=1``), in ``jobs`` local processes (joblib/loky) or on a Dask cluster (joblib's Dask
backend). Workers receive a small :class:`WorkerSpec` (model path + expected sha256, actors path +
digest), never a pickled model: each worker process loads the model once with
:meth:`StanceAnalyzer.load` (which checks every file against its card before unpickling), checks the
checksums against the spec, and keeps it. Each article's line is ``analyze(...).to_dict()``; the
model calls of a chunk's articles are merged into one (:meth:`StanceAnalyzer.analyze_many`), which
is faster and gives the same results.
Results come back in input order (joblib's ordered generator, bounded by ``pre_dispatch``), so
memory stays flat however long the input is.

Crash safety. Chunk ``k`` is committed only after chunks ``< k``: its lines are appended to ``OUT``
and to the errors file, both fsynced, then a commit line is appended to the journal and fsynced.
A run killed at any moment leaves at most a partial, uncommitted tail; ``resume=True`` truncates
both files back to the last commit, skips the records already committed, and carries on. Every
record thus ends up exactly once in ``OUT`` or in the errors file.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import StanceInputError

DEFAULT_CHUNK_SIZE = 128
DEFAULT_MAX_CHARS = 1_000_000
EXIT_RECORDS_FAILED = 3  # the CLI's exit code when some records are in the errors file
JOURNAL_VERSION = 1
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
LANGS = ("auto", "fr", "en")

REASONS = {
    "unreadable": "the file could not be read",
    "undecodable": "not UTF-8 text",
    "invalid_json": "the line is not valid JSON",
    "invalid_record": "the record lacks a usable field (text, id) or has the wrong shape",
    "invalid_lang": "lang is not auto, fr or en",
    "empty": "the text is empty or only whitespace",
    "too_large": "the text is longer than max_chars",
    "duplicate_id": "an earlier record has the same id (only the first record with an id is used)",
    "analysis_failed": "the classifier raised an error on this article",
}
# Records skipped for these reasons are counted as "skipped", the others as "failed".
SKIP_REASONS = ("duplicate_id",)


# ------------------------------------------------------------------------------------------ records


@dataclass(slots=True)
class Record:
    """One input article, or the reason it cannot be processed (``reason`` set, ``text`` None)."""

    id: str
    text: str | None = None
    lang: str = "auto"
    source: str = ""
    date: str | None = None
    path: str = ""
    line: int | None = None
    reason: str | None = None
    message: str | None = None

    def fail(self, reason: str, message: str) -> "Record":
        self.text, self.reason, self.message = None, reason, message
        return self

    def error_entry(self) -> dict:
        return {"id": self.id, "reason": self.reason, "message": self.message, "path": self.path, "line": self.line}


def input_kind(path: str | Path) -> str:
    """``"folder"``, ``"jsonl"`` or ``"csv"``; a :class:`StanceInputError` for anything else."""
    path = Path(path)
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise StanceInputError("no such file or folder", str(path))
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise StanceInputError(
        "unsupported input: expected a folder of .txt files, a .jsonl file or a .csv file", str(path)
    )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes) spelled out as ``\\udcxx``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _check_text(record: Record, max_chars: int) -> Record:
    text = record.text
    if not text or not text.strip():
        return record.fail("empty", "empty text")
    if len(text) > max_chars:
        return record.fail("too_large", f"text of {len(text):,} characters exceeds --max-chars {max_chars:,}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates, from bad bytes or from JSON "\ud800" escapes
        return record.fail("undecodable", f"invalid character at offset {exc.start}")
    return record


def _walk_text_files(folder: Path) -> Iterator[Path]:
    """``.txt`` files under ``folder``, depth first and sorted by name: the order of ``sorted(rglob)``."""
    try:
        with os.scandir(folder) as entries:
            entries = sorted(entries, key=lambda entry: entry.name)
    except OSError as exc:
        raise StanceInputError(f"cannot list folder: {exc.strerror or exc}", str(folder)) from None
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_text_files(Path(entry.path))
        elif entry.name.lower().endswith(TEXT_SUFFIXES) and entry.is_file():
            yield Path(entry.path)


def _folder_records(folder: Path, lang: str, max_chars: int) -> Iterator[Record]:
    for path in _walk_text_files(folder):
        name = _printable(path.relative_to(folder).as_posix())  # file names may hold undecodable bytes
        record = Record(id=name, lang=lang, source=_printable(str(path)), path=_printable(str(path)))
        try:
            if path.stat().st_size > 4 * max_chars + 3:  # surely more than max_chars characters
                yield record.fail("too_large", f"file of {path.stat().st_size:,} bytes exceeds --max-chars {max_chars:,}")
                continue
            raw = path.read_bytes()
        except OSError as exc:
            yield record.fail("unreadable", f"cannot read file: {exc.strerror or exc}")
            continue
        try:
            record.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            yield record.fail("undecodable", f"not UTF-8 text (byte {exc.start}, line {line})")
            continue
        yield _check_text(record, max_chars)


def _from_mapping(obj, path: str, line: int, lang: str, max_chars: int) -> Record:
    """A record from a decoded JSON object or CSV row."""
    record = Record(id=f"{Path(path).name}:{line}", lang=lang, path=path, line=line)
    if not isinstance(obj, dict):
        return record.fail("invalid_record", f"expected a JSON object, got {type(obj).__name__}")
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or not (raw_id is None or isinstance(raw_id, (str, int))):
        return record.fail("invalid_record", "field 'id' must be a string or an integer")
    if raw_id is not None and str(raw_id).strip():
        record.id = str(raw_id)
    for name in ("source", "date"):
        value = obj.get(name)
        if value is not None and value != "":
            setattr(record, name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    record.source = record.source or record.id
    for name in ("id", "source", "date"):
        value = getattr(record, name)
        if value is not None and not _encodable(value):
            setattr(record, name, _printable(value))
            return record.fail("undecodable", f"field {name!r} holds an invalid character")
    record_lang = obj.get("lang")
    if record_lang is not None and record_lang != "":
        if not isinstance(record_lang, str) or record_lang.strip().lower() not in LANGS:
            return record.fail("invalid_lang", f"lang {record_lang!r} is not auto, fr or en")
        record.lang = record_lang.strip().lower()
    if "text" not in obj:
        return record.fail("invalid_record", "no 'text' field")
    text = obj["text"]
    if text is not None and not isinstance(text, str):
        return record.fail("invalid_record", f"field 'text' must be a string, got {type(text).__name__}")
    record.text = text
    return _check_text(record, max_chars)


def _bounded_lines(handle, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)``; ``None`` for a line longer than ``limit`` bytes (skipped, not held)."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(1 << 20)
            yield number, None
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield number, line


def _line_limit(max_chars: int) -> int:
    # a character takes at most 12 bytes in JSON ("\ud83d\ude00"); 1 MiB more for the other fields
    return 12 * max_chars + (1 << 20)


def _jsonl_records(path: Path, lang: str, max_chars: int) -> Iterator[Record]:
    name = str(path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise StanceInputError(f"cannot read file: {exc.strerror or exc}", name) from None
    with handle:
        for number, raw in _bounded_lines(handle, _line_limit(max_chars)):
            record = Record(id=f"{path.name}:{number}", lang=lang, path=name, line=number)
            if raw is None:
                yield record.fail("too_large", f"line longer than {_line_limit(max_chars):,} bytes")
                continue
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield record.fail("undecodable", f"undecodable bytes (not UTF-8) at byte {exc.start}")
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield record.fail("invalid_json", f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            yield _from_mapping(obj, name, number, lang, max_chars)


def _csv_records(path: Path, lang: str, max_chars: int) -> Iterator[Record]:
    name = str(path)
    if csv.field_size_limit() < max_chars + 1:  # the default (128 KiB) is shorter than many articles
        csv.field_size_limit(max_chars + 1)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise StanceInputError(f"cannot read file: {exc.strerror or exc}", name) from None

    oversized: list[int] = []  # physical lines too long to hold: their record fails as too_large

    def lines():
        for number, raw in _bounded_lines(handle, _line_limit(max_chars)):
            if raw is None:
                oversized.append(number)
                yield "\n"
                continue
            # bad bytes survive as lone surrogates and fail the record that holds them, not the file
            yield raw.decode("utf-8", "surrogateescape")

    with handle:
        reader = csv.reader(lines())
        try:
            header = [cell.strip().lower() for cell in next(reader)]
        except StopIteration:
            return
        except csv.Error as exc:
            raise StanceInputError(f"malformed CSV header: {exc}", name, 1) from None
        if "text" not in header:
            raise StanceInputError(f"no 'text' column in the header {header}", name, 1, "header")
        previous = reader.line_num
        while True:
            start = previous + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                previous = reader.line_num
                reason = "too_large" if "field larger" in str(exc) else "invalid_record"
                yield Record(id=f"{path.name}:{start}", lang=lang, path=name, line=start).fail(reason, f"malformed CSV: {exc}")
                continue
            previous = reader.line_num
            if oversized:
                yield Record(id=f"{path.name}:{start}", lang=lang, path=name, line=start).fail(
                    "too_large", f"line {oversized[0]} is longer than {_line_limit(max_chars):,} bytes"
                )
                oversized.clear()
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield Record(id=f"{path.name}:{start}", lang=lang, path=name, line=start).fail(
                    "invalid_record", f"expected {len(header)} columns, found {len(row)}"
                )
                continue
            obj = {key: value for key, value in zip(header, row) if key}
            yield _from_mapping(obj, name, start, lang, max_chars)


def iter_records(path: str | Path, lang: str = "auto", max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Record]:
    """The records of a folder / JSONL / CSV input, lazily and in a deterministic order.

    Records that cannot be processed come out with ``reason`` and ``message`` set, in place.
    Problems with the input as a whole (missing, unsupported, no ``text`` column) raise
    :class:`StanceInputError`.
    """
    path = Path(path)
    kind = input_kind(path)
    if kind == "folder":
        return _folder_records(path, lang, max_chars)
    if kind == "jsonl":
        return _jsonl_records(path, lang, max_chars)
    return _csv_records(path, lang, max_chars)


def count_records(path: str | Path) -> int:
    """A quick estimate of the number of records (for a progress bar): files, non-blank lines, rows."""
    path = Path(path)
    kind = input_kind(path)
    if kind == "folder":
        return sum(1 for _ in _walk_text_files(path))
    count = 0
    with open(path, "rb") as handle:
        for line in handle:
            count += bool(line.strip())
    return max(count - 1, 0) if kind == "csv" else count


class SeenIds:
    """Ids seen so far, stored as 64-bit hashes (8 bytes per id, plus a small buffer).

    Two different ids collide with probability ~n²/2⁶⁵ (≈3·10⁻⁸ for a million ids); a collision
    would report a false duplicate, never hide a real one.
    """

    def __init__(self, buffer_size: int = 1 << 16):
        import numpy as np

        self._np = np
        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        self._buffer_size = buffer_size
        self.count = 0

    def add(self, value: str) -> bool:
        """Record ``value``; False if it was seen before."""
        digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        key = int.from_bytes(digest, "little")
        if key in self._recent:
            return False
        if len(self._sorted):
            np_key = self._np.uint64(key)
            i = int(self._np.searchsorted(self._sorted, np_key))
            if i < len(self._sorted) and self._sorted[i] == np_key:
                return False
        self._recent.add(key)
        self.count += 1
        if len(self._recent) >= self._buffer_size:
            fresh = self._np.fromiter(self._recent, dtype=self._np.uint64, count=len(self._recent))
            self._sorted = self._np.union1d(self._sorted, fresh)
            self._recent.clear()
        return True


def mark_duplicates(records: Iterable[Record], seen: SeenIds | None = None) -> Iterator[Record]:
    """Pass records through, turning any whose id was already used into a ``duplicate_id`` skip."""
    seen = seen if seen is not None else SeenIds()
    for record in records:
        if not seen.add(record.id) and record.reason is None:
            record.fail("duplicate_id", f"duplicate id {record.id!r}: an earlier record has the same id")
        yield record


# ------------------------------------------------------------------------------------------ workers


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build its analyzer: small, picklable, checkable."""

    model_path: str  # absolute, for loading
    model_shown: str  # as the user gave it: the "model.path" of every result, as `stance classify` shows it
    sha256: str  # of the stance model, from its card (checked against the file by the parent)
    frames_sha256: str | None  # of its frame companion, as named by the card (None: no companion)
    actors_path: str | None  # absolute
    replace_actors: bool
    actors_digest: str  # of the actor index the parent loaded


@dataclass
class ChunkResult:
    out: str  # JSON lines for OUT
    errors: str  # JSON lines for the errors file
    processed: int
    failed: int
    skipped: int
    reasons: dict[str, int]
    pid: int
    loads: int  # how many times this process has loaded this spec's model (1 when cached properly)


_CACHE: dict[WorkerSpec, object] = {}
_LOADS: Counter = Counter()
_LOCK = threading.Lock()


def actors_digest(index) -> str:
    """sha256 of an actor index's content: equal digests, equal mentions found."""
    payload = json.dumps(index.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _load_analyzer(spec: WorkerSpec):
    """The analyzer ``stance classify --model … --actors …`` would use, checked against ``spec``."""
    from .analysis import StanceAnalyzer

    # load() checks every model file against its card before unpickling anything (as `classify`
    # does); what is left to check is that these are the very files the run started with.
    analyzer = StanceAnalyzer.load(spec.model_path, spec.actors_path, spec.replace_actors)
    info = analyzer.model_info
    if info.get("sha256") != spec.sha256 or (info.get("frames") or {}).get("sha256") != spec.frames_sha256:
        raise StanceInputError(
            f"the model on this worker is not the one the run started with (sha256 {str(info.get('sha256'))[:12]}…, "
            f"expected {spec.sha256[:12]}…)",
            spec.model_path,
            field="sha256",
        )
    if actors_digest(analyzer.actors) != spec.actors_digest:
        raise StanceInputError(
            "the actors list on this worker differs from the one the run started with", spec.actors_path or "actors"
        )
    analyzer.model_info = {**info, "path": spec.model_shown}
    return analyzer


def worker_analyzer(spec: WorkerSpec):
    """This process's analyzer for ``spec``: loaded and verified once, then reused; and the load count."""
    with _LOCK:
        analyzer = _CACHE.get(spec)
        if analyzer is None:
            analyzer = _load_analyzer(spec)
            if len(_CACHE) >= 2:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[spec] = analyzer
            _LOADS[spec] += 1
        return analyzer, _LOADS[spec]


def _dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def _utf8(text: str) -> bytes:
    # a stray surrogate (in an exception message, say) is written as a JSON escape, never crashes a commit
    return text.encode("utf-8", "backslashreplace")


def classify_chunk(spec: WorkerSpec, records: list[Record]) -> ChunkResult:
    """Classify one chunk (runs in a worker); records already marked failed pass straight through."""
    try:
        analyzer, loads = worker_analyzer(spec)
    except StanceInputError as exc:
        # crosses process boundaries: keep the location in the message (pickling keeps only that)
        raise StanceInputError(str(exc)) from None
    todo = [r for r in records if r.reason is None]
    results = iter(analyzer.analyze_many([(r.text, r.lang, r.source) for r in todo]))
    out, errors, reasons = [], [], Counter()
    processed = 0
    for record in records:
        if record.reason is None:
            result = next(results)
            if isinstance(result, Exception):
                message = str(result) if isinstance(result, StanceInputError) else f"{type(result).__name__}: {result}"
                record.fail("analysis_failed", message)
            else:
                line = {"id": record.id}
                if record.date is not None:
                    line["date"] = record.date
                line.update(result.to_dict())
                out.append(_dumps(line))
                processed += 1
                continue
        errors.append(_dumps(record.error_entry()))
        reasons[record.reason] += 1
    skipped = sum(reasons[r] for r in SKIP_REASONS)
    return ChunkResult(
        "".join(out), "".join(errors), processed, len(errors) - skipped, skipped, dict(reasons), os.getpid(), loads
    )


# ------------------------------------------------------------------------------------ journal, files


def batch_paths(out: str | Path) -> tuple[Path, Path, Path]:
    """``(OUT, OUT.errors.jsonl, OUT.journal.jsonl)``."""
    out = Path(out)
    base = out.name[: -len(".jsonl")] if out.name.lower().endswith(".jsonl") else out.name
    return out, out.with_name(f"{base}.errors.jsonl"), out.with_name(f"{base}.journal.jsonl")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _append(handle, data: bytes) -> None:
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


def read_journal(path: str | Path) -> tuple[dict, dict | None, int]:
    """``(header, last commit or None, byte length of the valid part)``; a torn last line is ignored."""
    path = Path(path)
    data = path.read_bytes()
    header, last, valid = None, None, 0
    position = 0
    for raw in data.splitlines(keepends=True):
        position += len(raw)
        if not raw.endswith(b"\n"):
            break  # torn write: the process died mid-line
        try:
            entry = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            break
        if header is None:
            header = entry
        else:
            last = entry
        valid = position
    if not isinstance(header, dict) or header.get("journal") != JOURNAL_VERSION:
        raise StanceInputError("unreadable batch journal: cannot resume (use --force to start over)", str(path))
    return header, last, valid


def _input_signature(path: Path, kind: str) -> dict | None:
    if kind == "folder":
        return None  # listing a large folder twice is not worth it; documented
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


# ------------------------------------------------------------------------------------------ summary


@dataclass
class BatchSummary:
    """What a batch run did. ``processed``/``failed``/``skipped`` count this run's records; the
    ``total_*`` fields include earlier runs of the same output (``--resume``)."""

    input: str
    output: str
    errors: str
    journal: str
    backend: str
    chunk_size: int
    processed: int = 0  # classified and written to OUT by this run
    failed: int = 0  # written to the errors file (unprocessable) by this run
    skipped: int = 0  # duplicate ids, written to the errors file by this run
    resumed: int = 0  # records committed by earlier runs, not redone
    total_processed: int = 0
    total_failed: int = 0
    total_skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # over all runs
    duplicate_ids: list[str] = field(default_factory=list)  # this run's, at most 20
    chunks: int = 0
    elapsed: float = 0.0
    worker_processes: int = 0
    model_loads: int = 0  # model loads in the worker processes this run used (1 per process)
    complete: bool = False

    @property
    def records(self) -> int:
        return self.total_processed + self.total_failed + self.total_skipped

    @property
    def rate(self) -> float:
        """Articles per second classified by this run."""
        return self.processed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def ok(self) -> bool:
        """True when every input record is in OUT (nothing in the errors file)."""
        return self.total_failed == 0 and self.total_skipped == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else EXIT_RECORDS_FAILED

    def to_dict(self) -> dict:
        return {**asdict(self), "records": self.records, "rate": round(self.rate, 2), "ok": self.ok}


# -------------------------------------------------------------------------------------------- setup


def _model_spec(model, actors, replace_actors: bool, say) -> WorkerSpec:
    from .actors import load_actors
    from .model import verify_model_file
    from .paths import default_model_path
    from .registry import default_model_is_stale, resolve_model

    if model is None:
        path = default_model_path()
        if default_model_is_stale(path):
            resolve_model(None, progress=say)  # trains the default model once, as `classify` does
    else:
        path = Path(model)
    card = verify_model_file(path)  # file against card; nothing is unpickled here
    index = load_actors(actors, replace=replace_actors)  # validated here, before any work
    return WorkerSpec(
        model_path=str(Path(path).resolve()),
        model_shown=str(path),
        sha256=card["sha256"],
        frames_sha256=(card.get("frames") or {}).get("sha256"),
        actors_path=str(Path(actors).resolve()) if actors is not None else None,
        replace_actors=replace_actors,
        actors_digest=actors_digest(index),
    )


def _dask_client(scheduler: str, timeout: float):
    try:
        from distributed import Client
    except ImportError:
        raise StanceInputError(
            "--scheduler needs Dask: pip install 'stance[dask]' (dask[distributed])", field="scheduler"
        ) from None
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise StanceInputError(f"cannot connect to the Dask scheduler: {exc}", scheduler) from None


def _results(spec: WorkerSpec, chunks: Iterator[list[Record]], jobs: int, client) -> Iterator[ChunkResult]:
    """Chunk results in input order: here, on local processes, or on the Dask cluster of ``client``."""
    if client is None and jobs == 1:
        for chunk in chunks:
            yield classify_chunk(spec, chunk)
        return
    from joblib import Parallel, delayed, parallel_config

    tasks = (delayed(classify_chunk)(spec, chunk) for chunk in chunks)
    options = dict(return_as="generator", batch_size=1, pre_dispatch="2*n_jobs")
    if client is not None:
        with parallel_config(backend="dask", client=client):
            generator = Parallel(n_jobs=jobs, **options)(tasks)
            try:
                yield from generator
            finally:
                generator.close()
    else:
        generator = Parallel(n_jobs=jobs, backend="loky", **options)(tasks)
        try:
            yield from generator
        finally:
            generator.close()


def _chunked(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    while True:
        chunk = list(itertools.islice(records, size))
        if not chunk:
            return
        yield chunk


# ---------------------------------------------------------------------------------------------- run


def _lock_output(out_path: Path):
    """An exclusive lock on ``OUT`` for this run (a hidden ``.OUT.lock`` beside it); None without fcntl."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no guard against two concurrent runs
        return None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(out_path.with_name(f".{out_path.name}.lock"), "a")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StanceInputError("another `stance batch` is writing this output right now", str(out_path)) from None
    return handle


def _start_or_resume(paths: tuple[Path, Path, Path], settings: dict, resume: bool, force: bool) -> dict:
    """Create fresh output files, or truncate an interrupted run's files back to its last commit.

    Returns the last commit (``{"records": 0, ...}`` for a fresh start).
    """
    out_path, errors_path, journal_path = paths
    fresh = {"records": 0, "out_bytes": 0, "err_bytes": 0}
    existing = [p for p in paths if p.exists()]
    if resume and journal_path.exists():
        header, last, valid = read_journal(journal_path)
        for key, value in settings.items():
            if header.get(key) != value:
                raise StanceInputError(
                    f"cannot resume: {key} differs from the interrupted run ({header.get(key)!r}, now {value!r}); "
                    "use --force to start over",
                    str(journal_path),
                    field=key,
                )
        last = last or fresh
        for path, size in ((out_path, last["out_bytes"]), (errors_path, last["err_bytes"]), (journal_path, valid)):
            actual = path.stat().st_size if path.exists() else 0
            if actual < size:
                raise StanceInputError(
                    f"cannot resume: the file is shorter ({actual} bytes) than the journal says ({size}); it was "
                    "modified — use --force to start over",
                    str(path),
                )
            with open(path, "ab") as handle:
                handle.truncate(size)  # drop whatever an interrupted chunk had half-written
                handle.flush()
                os.fsync(handle.fileno())
        return dict(last)
    if existing and not force:
        if resume:
            raise StanceInputError(
                "output exists but has no batch journal: nothing to resume (use --force to start over)", str(out_path)
            )
        raise StanceInputError(
            "output exists (use --resume to finish an interrupted run, or --force to start over)", str(out_path)
        )
    for path in existing:
        path.unlink()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    header = {"journal": JOURNAL_VERSION, **settings, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with open(journal_path, "wb") as handle:
        _append(handle, _utf8(_dumps(header)))
    for path in (out_path, errors_path):
        with open(path, "wb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(out_path.parent)
    return fresh


def run_batch(
    input: str | Path,
    out: str | Path,
    *,
    lang: str = "auto",
    model: str | Path | None = None,
    actors: str | Path | None = None,
    replace_actors: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    client=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_chars: int = DEFAULT_MAX_CHARS,
    resume: bool = False,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    say: Callable[[str], None] | None = None,
    connect_timeout: float = 10.0,
) -> BatchSummary:
    """Classify every record of ``input`` into ``out`` (JSONL); see the module docstring.

    ``jobs``: local processes (1 = in this process, -1 = all cores). With ``scheduler`` (a Dask
    address such as ``tcp://127.0.0.1:8786``) or ``client`` (a ``distributed.Client``) the chunks go
    to that cluster instead, and ``jobs``, if given, bounds the tasks in flight (default: the
    cluster's threads). ``resume`` finishes an interrupted run (or starts one if there is none);
    ``force`` starts over, deleting ``out`` and its errors and journal files; without either, an
    existing ``out`` is an error. ``progress(done, this_run)`` is called after every chunk with the
    number of records done (including those of earlier runs) and the number done by this run.
    ``say`` receives status messages. Raises :class:`StanceInputError` for unusable input or
    options; bad records never raise, they go to the errors file.
    """
    started = time.perf_counter()
    say = say or (lambda message: None)
    if lang not in LANGS:
        raise StanceInputError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}", field="lang")
    if chunk_size < 1:
        raise StanceInputError("--chunk-size must be at least 1", field="chunk_size")
    if max_chars < 1:
        raise StanceInputError("--max-chars must be at least 1", field="max_chars")
    if jobs is not None and (jobs == 0 or jobs < -1):
        raise StanceInputError("--jobs must be a positive number of processes, or -1 for all cores", field="jobs")
    if resume and force:
        raise StanceInputError("--resume and --force contradict each other: choose one")
    if scheduler is not None and client is not None:
        raise StanceInputError("give a scheduler address or a client, not both")
    if replace_actors and actors is None:
        raise StanceInputError("--replace-actors needs --actors FILE")
    input_path = Path(input)
    kind = input_kind(input_path)
    paths = out_path, errors_path, journal_path = batch_paths(out)
    if input_path.resolve() in {p.resolve() for p in paths}:
        raise StanceInputError("the output would overwrite the input", str(out_path))

    spec = _model_spec(model, actors, replace_actors, say)
    settings = {
        "input": str(input_path.resolve()),
        "input_kind": kind,
        "input_signature": _input_signature(input_path, kind),
        "model": {"path": spec.model_shown, "sha256": spec.sha256},
        "actors_digest": spec.actors_digest,
        "lang": lang,
        "max_chars": max_chars,
    }
    own_client = _dask_client(scheduler, connect_timeout) if scheduler is not None else None
    client = client or own_client
    if client is not None:
        backend = f"dask {scheduler or getattr(getattr(client, 'scheduler', None), 'address', '')}".strip()
        n_jobs = jobs if jobs is not None else -1
    else:
        n_jobs = jobs if jobs is not None else 1
        n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
        backend = "sequential" if n_jobs == 1 else f"loky ×{n_jobs}"
    lock = None
    try:
        lock = _lock_output(out_path)
        done = _start_or_resume(paths, settings, resume, force)
        summary = BatchSummary(
            input=str(input_path),
            output=str(out_path),
            errors=str(errors_path),
            journal=str(journal_path),
            backend=backend,
            chunk_size=chunk_size,
            resumed=done["records"],
        )
        if done.get("complete"):
            say(f"{out_path} is already complete ({done['records']} records); nothing to do")
        else:
            done = _run_chunks(
                spec, mark_duplicates(iter_records(input_path, lang, max_chars)), done, paths, summary,
                chunk_size, n_jobs, client, progress, say,
            )
    finally:
        if lock is not None:
            lock.close()  # releases the lock (so does the end of the process, however it ends)
        if own_client is not None:
            own_client.close()
    summary.total_processed = done.get("processed", 0)
    summary.total_failed = done.get("failed", 0)
    summary.total_skipped = done.get("skipped", 0)
    summary.reasons = dict(done.get("reasons") or {})
    summary.complete = bool(done.get("complete"))
    summary.elapsed = time.perf_counter() - started
    return summary


def _run_chunks(spec, records, done, paths, summary, chunk_size, n_jobs, client, progress, say) -> dict:
    """Skip what earlier runs committed, classify the rest chunk by chunk, commit each in order."""
    out_path, errors_path, journal_path = paths
    for _ in range(done["records"]):  # committed by an earlier run: read only to remember their ids
        if next(records, None) is None:
            raise StanceInputError(
                f"cannot resume: the input has fewer records than the {done['records']} already done",
                str(summary.input),
            )
    if done["records"]:
        say(f"resuming after {done['records']} records")
    totals = Counter({key: done.get(key, 0) for key in ("processed", "failed", "skipped")})
    reasons = Counter(done.get("reasons") or {})
    pids: dict[int, int] = {}
    results = _results(spec, _chunked(records, chunk_size), n_jobs, client)
    with open(out_path, "ab") as fout, open(errors_path, "ab") as ferr, open(journal_path, "ab") as fjournal:
        try:
            for result in results:
                # 1. the chunk's lines, durably; 2. the commit that vouches for them
                if result.out:
                    _append(fout, _utf8(result.out))
                if result.errors:
                    _append(ferr, _utf8(result.errors))
                for key in ("processed", "failed", "skipped"):
                    setattr(summary, key, getattr(summary, key) + getattr(result, key))
                    totals[key] += getattr(result, key)
                reasons.update(result.reasons)
                if result.skipped and len(summary.duplicate_ids) < 20:
                    entries = (json.loads(line) for line in result.errors.splitlines())
                    summary.duplicate_ids += [e["id"] for e in entries if e["reason"] == "duplicate_id"]
                    del summary.duplicate_ids[20:]
                done = {
                    "records": done["records"] + result.processed + result.failed + result.skipped,
                    "out_bytes": fout.tell(),
                    "err_bytes": ferr.tell(),
                    **totals,
                    "reasons": dict(reasons),
                }
                _append(fjournal, _utf8(_dumps(done)))
                summary.chunks += 1
                pids[result.pid] = max(pids.get(result.pid, 0), result.loads)
                if progress is not None:
                    progress(done["records"], done["records"] - summary.resumed)
        finally:
            results.close()
            summary.worker_processes = len(pids)
            summary.model_loads = sum(pids.values())
        done = {**done, "complete": True}
        _append(fjournal, _utf8(_dumps(done)))
    return done
