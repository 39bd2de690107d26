"""Batch classification (`classifier.batch`, `stance batch`): inputs, errors, backends, resume, kill -9."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.batch import (
    EXIT_RECORDS_FAILED,
    SeenIds,
    WorkerSpec,
    batch_paths,
    classify_chunk,
    iter_records,
    read_journal,
    run_batch,
    worker_analyzer,
)
from classifier.cli import app
from classifier.errors import StanceInputError

from .conftest import ROOT

runner = CliRunner()


@pytest.fixture(scope="session")
def tiny_model(tiny_frames_model):
    """Batch tests run a stance model with its frame companion: both model calls are batched."""
    return tiny_frames_model

_FR = ["{a} a salué {b} mardi.", "{a} a accusé {b} de mentir.", "{a} a rencontré {b} à Genève.",
       "La réunion a duré deux heures.", "{a} a condamné {b} pour cette décision.", "Les marchés ont reculé."]
_EN = ["{a} praised {b} on Tuesday.", "{a} accused {b} of lying.", "{a} met {b} in Geneva.",
       "The meeting lasted two hours.", "{a} condemned {b} over the decision.", "Markets fell."]
_NAMES = ["Paris", "Berlin", "Rome", "Madrid", "Londres", "Moscou", "Kiev", "Washington", "Pékin"]


def article(k: int) -> tuple[str, str]:
    """A small deterministic article (3–8 sentences) and its language."""
    lang = "fr" if k % 3 else "en"
    templates = _FR if lang == "fr" else _EN
    sentences = []
    for j in range(3 + k % 6):
        a, b = _NAMES[(k + j) % len(_NAMES)], _NAMES[(3 * k + 2 * j + 1) % len(_NAMES)]
        sentences.append(templates[(k * 7 + j) % len(templates)].format(a=a, b=b))
    return " ".join(sentences), lang


def write_jsonl(path: Path, n: int, extra: list[str] = ()) -> Path:
    lines = []
    for k in range(n):
        text, lang = article(k)
        record = {"id": f"a{k:04d}", "text": text, "date": f"2026-01-{k % 28 + 1:02d}"}
        if k % 4 == 0:
            record["lang"] = lang
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines + list(extra)) + "\n", encoding="utf-8")
    return path


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


# ------------------------------------------------------------------------------------- inputs and output


def test_output_is_classify_json_plus_id(tiny_model, tmp_path):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    for k in range(5):
        text, _ = article(k)
        (folder / ("sub" if k % 2 else "") / f"art{k}.txt").write_text(text, encoding="utf-8")
    (folder / "notes.md").write_text("ignored: not a .txt file", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("batch", folder, "--out", out, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    lines = read_lines(out)
    assert [line["id"] for line in lines] == ["art0.txt", "art2.txt", "art4.txt", "sub/art1.txt", "sub/art3.txt"]
    for line in lines:
        single = run("classify", folder / line["id"], "--model", tiny_model, "--format", "json")
        assert {k: v for k, v in line.items() if k != "id"} == json.loads(single.stdout)
    assert (tmp_path / "out.errors.jsonl").read_text() == ""


def test_batched_analysis_equals_analyze(tiny_model):
    from classifier.analysis import StanceAnalyzer

    analyzer = StanceAnalyzer.load(tiny_model)
    assert analyzer.frame_model is not None  # frames are batched too
    items = [(text, lang if k % 2 else "auto", f"s{k}") for k, (text, lang) in enumerate(map(article, range(60)))]
    items += [("Aucun acteur ici.", "fr", "none"), ("Paris a salué Berlin.", "de", "bad lang"), ("", "fr", "empty")]
    batched = analyzer.analyze_many(items)
    expected = []
    for item in items:
        try:
            expected.append(analyzer.analyze(*item).to_dict())
        except Exception as exc:
            expected.append(repr(exc))
    assert [repr(r) if isinstance(r, Exception) else r.to_dict() for r in batched] == expected
    assert isinstance(batched[-2], StanceInputError)


def test_jsonl_and_csv_inputs_give_the_same_results(tiny_model, tmp_path):
    jsonl = write_jsonl(tmp_path / "in.jsonl", 40)
    records = read_lines(jsonl)
    with open(tmp_path / "in.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "lang", "date"])
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "text": record["text"].replace(". ", ".\n", 1)})  # multi-line fields
    a = run_batch(jsonl, tmp_path / "a.jsonl", model=tiny_model, chunk_size=7)
    b = run_batch(tmp_path / "in.csv", tmp_path / "b.jsonl", model=tiny_model, chunk_size=7)
    assert a.ok and b.ok and a.processed == b.processed == 40
    for x, y in zip(read_lines(tmp_path / "a.jsonl"), read_lines(tmp_path / "b.jsonl")):
        assert x["id"] == y["id"] and x["date"] == y["date"] and x["lang"] == y["lang"]
        assert [s["targets"] for s in x["sentences"]] == [s["targets"] for s in y["sentences"]]
    assert read_lines(tmp_path / "a.jsonl")[0]["source"] == "a0000"  # no source field: the id


def test_bad_records_go_to_the_errors_file_and_exit_3(tiny_model, tmp_path):
    path = tmp_path / "in.jsonl"
    write_jsonl(path, 10)
    with open(path, "ab") as handle:
        handle.write(b'{"id": "bin", "text": "caf\xe9"}\n')  # latin-1 byte
        handle.write(b'{"id": "cut", "text": \n')  # invalid JSON
        handle.write(b'["not", "an", "object"]\n')
        handle.write(b'{"id": "notext"}\n')
        handle.write(b'{"id": "blank", "text": "   "}\n')
        handle.write(('{"id": "big", "text": "' + "Paris a salu\u00e9 Berlin. " * 40 + '"}\n').encode())
        handle.write(b'{"id": "de", "text": "Paris a salu\xc3\xa9 Berlin.", "lang": "de"}\n')
        handle.write(b'{"id": "a0003", "text": "Paris a salu\xc3\xa9 Berlin."}\n')  # duplicate id
        handle.write(b'{"text": "Paris a salu\xc3\xa9 Rome.", "lang": "FR"}\n')  # no id: file name and line
        handle.write(b'{"id": 7, "text": "Rome met Paris."}\n')
        handle.write(b'{"id": "surrogate", "text": "bad \\ud800 char"}\n')
    out = tmp_path / "out.jsonl"
    result = run("batch", path, "--out", out, "--model", tiny_model, "--max-chars", "500", "--chunk-size", "4")
    assert result.exit_code == EXIT_RECORDS_FAILED, result.output
    stderr = " ".join(result.stderr.split())  # rich may wrap the line
    assert "9 record(s) not classified" in stderr and "out.errors.jsonl" in stderr
    ids = [line["id"] for line in read_lines(out)]
    assert ids == [f"a{k:04d}" for k in range(10)] + ["in.jsonl:19", "7"]
    errors = {(e["id"], e["reason"]) for e in read_lines(tmp_path / "out.errors.jsonl")}
    assert errors == {
        ("in.jsonl:11", "undecodable"),  # the line cannot be decoded, so its id is unknown
        ("in.jsonl:12", "invalid_json"),
        ("in.jsonl:13", "invalid_record"),
        ("notext", "invalid_record"),
        ("blank", "empty"),
        ("big", "too_large"),
        ("de", "invalid_lang"),
        ("a0003", "duplicate_id"),
        ("surrogate", "undecodable"),
    }
    first = read_lines(tmp_path / "out.errors.jsonl")[0]
    assert first["path"] == str(path) and first["line"] == 11 and first["message"]
    summary = read_journal(tmp_path / "out.journal.jsonl")[1]
    assert summary["complete"] and summary["processed"] == 12 and summary["failed"] == 8 and summary["skipped"] == 1


def test_folder_and_csv_problems(tiny_model, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text("Paris a salué Berlin.", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Paris a salué Berlin.".encode("latin-1"))
    (folder / "empty.txt").write_text("\n\n", encoding="utf-8")
    summary = run_batch(folder, tmp_path / "out.jsonl", model=tiny_model)
    assert (summary.processed, summary.failed, summary.exit_code) == (1, 2, EXIT_RECORDS_FAILED)
    assert summary.reasons == {"undecodable": 1, "empty": 1}
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("id,body\n1,Paris a salué Berlin.\n", encoding="utf-8")
    result = run("batch", bad_csv, "--out", tmp_path / "c.jsonl", "--model", tiny_model)
    assert result.exit_code == 2 and "'text' column" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"id,text\n1,Paris a salu\xc3\xa9 Berlin.\n2,caf\xe9 Paris\n3,\"Rome met\nParis.\"\n4,x,y\n")
    summary = run_batch(mixed, tmp_path / "m.jsonl", model=tiny_model)
    assert [line["id"] for line in read_lines(tmp_path / "m.jsonl")] == ["1", "3"]
    assert [(e["id"], e["reason"], e["line"]) for e in read_lines(tmp_path / "m.errors.jsonl")] == [
        ("2", "undecodable", 3), ("mixed.csv:6", "invalid_record", 6)]


def test_oversized_lines_fail_without_being_held(tmp_path, monkeypatch):
    monkeypatch.setattr("classifier.batch._line_limit", lambda max_chars: 1000)
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"id": "a", "text": "hi"}\n{"id": "b", "text": "' + "x" * 5000 + '"}\n{"id": "c", "text": "ok"}\n')
    assert [(r.id, r.reason) for r in iter_records(jsonl)] == [("a", None), ("in.jsonl:2", "too_large"), ("c", None)]
    table = tmp_path / "in.csv"
    table.write_text("id,text\n1,hi\n2," + "x" * 5000 + '\n3,"multi\n' + "y" * 5000 + '\nend"\n4,ok\n')
    assert [(r.id, r.reason, r.line) for r in iter_records(table)] == [
        ("1", None, 2), ("in.csv:3", "too_large", 3), ("in.csv:4", "too_large", 4), ("4", None, 7)]


def test_user_errors_exit_2_with_one_line(tiny_model, tmp_path):
    jsonl = write_jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    for args in (
        ("batch", tmp_path / "missing.jsonl", "--out", out, "--model", tiny_model),
        ("batch", tmp_path, "--out", out, "--model", tmp_path / "nope.joblib"),
        ("batch", ROOT / "pyproject.toml", "--out", out, "--model", tiny_model),
        ("batch", jsonl, "--out", out, "--model", tiny_model, "--lang", "de"),
        ("batch", jsonl, "--out", out, "--model", tiny_model, "--chunk-size", "0"),
        ("batch", jsonl, "--out", out, "--model", tiny_model, "--jobs", "0"),
        ("batch", jsonl, "--out", jsonl, "--model", tiny_model, "--force"),
        ("batch", jsonl, "--out", out, "--model", tiny_model, "--resume", "--force"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output, result.stderr
    assert run("batch", jsonl, "--model", tiny_model).exit_code == 2  # --out is required


def test_dask_missing_is_a_user_error(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    jsonl = write_jsonl(tmp_path / "in.jsonl", 3)
    result = run("batch", jsonl, "--out", tmp_path / "o.jsonl", "--model", tiny_model, "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and "stance[dask]" in result.stderr


# -------------------------------------------------------------------------------- overwrite and resume


def test_existing_output_needs_force_or_resume(tiny_model, tmp_path):
    jsonl = write_jsonl(tmp_path / "in.jsonl", 12)
    out = tmp_path / "out.jsonl"
    assert run("batch", jsonl, "--out", out, "--model", tiny_model, "--chunk-size", "5").exit_code == 0
    reference = out.read_bytes()
    again = run("batch", jsonl, "--out", out, "--model", tiny_model)
    assert again.exit_code == 2 and "--resume" in again.stderr and "--force" in again.stderr
    done = run("batch", jsonl, "--out", out, "--model", tiny_model, "--resume")  # complete: nothing to do
    assert done.exit_code == 0 and "already complete" in done.stderr and out.read_bytes() == reference
    changed = run("batch", jsonl, "--out", out, "--model", tiny_model, "--resume", "--max-chars", "99")
    assert changed.exit_code == 2 and "cannot resume: max_chars differs" in changed.stderr
    assert run("batch", jsonl, "--out", out, "--model", tiny_model, "--force", "-q").exit_code == 0
    assert out.read_bytes() == reference
    orphan = tmp_path / "orphan.jsonl"
    orphan.write_text("{}\n")
    result = run("batch", jsonl, "--out", orphan, "--model", tiny_model, "--resume")
    assert result.exit_code == 2 and "no batch journal" in result.stderr
    fresh = run("batch", jsonl, "--out", tmp_path / "new.jsonl", "--model", tiny_model, "--resume", "--quiet")
    assert fresh.exit_code == 0 and fresh.stderr == ""  # --resume with nothing to resume starts a run


def test_actors_option_and_resume_refuses_other_actors(tiny_model, tmp_path):
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"id": "g", "text": "Genève a salué Berlin mardi."}, ensure_ascii=False) + "\n")
    extra = tmp_path / "actors.json"
    extra.write_text(json.dumps({"actors": [{"name": "Suisse", "type": "country", "aliases": {"fr": ["Genève"]}}]}))
    out = tmp_path / "out.jsonl"
    run_batch(jsonl, out, model=tiny_model)
    assert [a["actor"] for a in read_lines(out)[0]["actors"]] == ["Allemagne"]
    summary = run_batch(jsonl, out, model=tiny_model, actors=extra, force=True)
    assert sorted(a["actor"] for a in read_lines(out)[0]["actors"]) == ["Allemagne", "Suisse"] and summary.ok
    run_batch(jsonl, out, model=tiny_model, actors=extra, replace_actors=True, force=True)
    assert [a["actor"] for a in read_lines(out)[0]["actors"]] == ["Suisse"]
    with pytest.raises(StanceInputError, match="actors_digest differs"):
        run_batch(jsonl, out, model=tiny_model, resume=True)


@pytest.mark.skipif(sys.platform == "win32", reason="the output lock uses fcntl")
def test_two_runs_cannot_write_the_same_output(tiny_model, tmp_path):
    import fcntl

    jsonl = write_jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    with open(tmp_path / ".out.jsonl.lock", "a") as held:  # as a running batch holds it
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StanceInputError, match="another `stance batch`"):
            run_batch(jsonl, out, model=tiny_model)
    assert run_batch(jsonl, out, model=tiny_model).ok  # released: runs


def test_resume_after_torn_writes_is_exact(tiny_model, tmp_path):
    jsonl = write_jsonl(tmp_path / "in.jsonl", 50, extra=['{"id": "e1", "text": ""}', '{"id": "a0001", "text": "x"}'])
    reference = run_batch(jsonl, tmp_path / "ref.jsonl", model=tiny_model, chunk_size=6)
    assert (reference.processed, reference.failed, reference.skipped) == (50, 1, 1)
    out, errors, journal = batch_paths(tmp_path / "out.jsonl")
    run_batch(jsonl, out, model=tiny_model, chunk_size=6)
    # pretend the run died after 3 chunks, in the middle of writing the 4th
    lines = journal.read_bytes().splitlines(keepends=True)
    commit = json.loads(lines[3])
    journal.write_bytes(b"".join(lines[:4]) + lines[4][:17])
    for path, size in ((out, commit["out_bytes"]), (errors, commit["err_bytes"])):
        path.write_bytes(path.read_bytes()[:size] + b'{"id": "half-writ')
    summary = run_batch(jsonl, out, model=tiny_model, chunk_size=10, resume=True)  # chunk size may change
    assert summary.resumed == 18 and summary.processed + summary.failed + summary.skipped == 52 - 18
    assert out.read_bytes() == (tmp_path / "ref.jsonl").read_bytes()
    assert errors.read_bytes() == (tmp_path / "ref.errors.jsonl").read_bytes()
    assert (summary.total_processed, summary.total_failed, summary.total_skipped) == (50, 1, 1)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups and SIGKILL")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_kill_9_then_resume_loses_and_duplicates_nothing(tiny_model, tmp_path, jobs):
    n = 600
    jsonl = write_jsonl(tmp_path / "in.jsonl", n, extra=['{"id": "empty", "text": ""}', "not json"])
    out, errors, journal = batch_paths(tmp_path / "out.jsonl")
    command = [sys.executable, "-m", "classifier.cli", "batch", str(jsonl), "--out", str(out),
               "--model", str(tiny_model), "--chunk-size", "8", "--jobs", jobs, "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if journal.exists() and journal.read_bytes().count(b"\n") >= 6:  # header + 5 commits
                break
            time.sleep(0.02)
        assert process.poll() is None, process.stderr.read().decode()
        os.killpg(process.pid, signal.SIGKILL)  # the batch and its worker processes, mid-run
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert b'"complete"' not in journal.read_bytes()
    resumed = subprocess.run(command + ["--resume"], capture_output=True, text=True)
    assert resumed.returncode == EXIT_RECORDS_FAILED, resumed.stderr
    run_batch(jsonl, tmp_path / "ref.jsonl", model=tiny_model, chunk_size=64)
    ids = [line["id"] for line in read_lines(out)]
    assert len(ids) == len(set(ids)) == n
    assert sorted(e["id"] for e in read_lines(errors)) == ["empty", f"in.jsonl:{n + 2}"]
    assert out.read_bytes() == (tmp_path / "ref.jsonl").read_bytes()
    assert errors.read_bytes() == (tmp_path / "ref.errors.jsonl").read_bytes()


# ------------------------------------------------------------------------------------------- backends


def test_local_processes_give_identical_output_and_load_the_model_once_each(tiny_model, tmp_path):
    jsonl = write_jsonl(tmp_path / "in.jsonl", 120, extra=['{"id": "e", "text": " "}'])
    seq = run_batch(jsonl, tmp_path / "seq.jsonl", model=tiny_model, chunk_size=8)
    par = run_batch(jsonl, tmp_path / "par.jsonl", model=tiny_model, chunk_size=8, jobs=2)
    assert seq.backend == "sequential" and par.backend == "loky ×2"
    assert (tmp_path / "seq.jsonl").read_bytes() == (tmp_path / "par.jsonl").read_bytes()
    assert (tmp_path / "seq.errors.jsonl").read_bytes() == (tmp_path / "par.errors.jsonl").read_bytes()
    assert par.chunks == 16 > par.worker_processes
    assert 1 <= par.worker_processes <= 2 and par.model_loads == par.worker_processes  # once per process


def test_dask_local_cluster_gives_identical_output(tiny_model, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed (pip install 'stance[dask]')")
    jsonl = write_jsonl(tmp_path / "in.jsonl", 80, extra=["{oops"])
    run_batch(jsonl, tmp_path / "seq.jsonl", model=tiny_model, chunk_size=8)
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=2, host="127.0.0.1",
                                  protocol="tcp", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        result = run("batch", jsonl, "--out", tmp_path / "dask.jsonl", "--model", tiny_model,
                     "--scheduler", cluster.scheduler_address, "--chunk-size", "8")
    assert result.exit_code == EXIT_RECORDS_FAILED, result.output
    assert "dask tcp://127.0.0.1:" in " ".join(result.stderr.split())
    assert (tmp_path / "seq.jsonl").read_bytes() == (tmp_path / "dask.jsonl").read_bytes()
    assert (tmp_path / "seq.errors.jsonl").read_bytes() == (tmp_path / "dask.errors.jsonl").read_bytes()


# -------------------------------------------------------------------------------------------- workers


def test_worker_verifies_the_model_before_unpickling(tiny_model, tmp_path):
    from classifier.batch import _model_spec

    for path in tiny_model.parent.iterdir():  # the model, its card, any companion
        (tmp_path / path.name).write_bytes(path.read_bytes())
    copy = tmp_path / tiny_model.name
    spec = _model_spec(copy, None, False, None)
    assert worker_analyzer(spec)[0].model_info["path"] == str(copy)
    copy.write_bytes(tiny_model.read_bytes()[:-1] + b"\0")  # tampered after the run started
    fresh = WorkerSpec(**{**spec.__dict__, "model_shown": "x"})  # not cached yet
    with pytest.raises(StanceInputError, match="checksum mismatch"):
        worker_analyzer(fresh)
    copy.write_bytes(tiny_model.read_bytes())
    with pytest.raises(StanceInputError, match="not the one the run started with"):
        worker_analyzer(WorkerSpec(**{**spec.__dict__, "sha256": "0" * 64}))
    with pytest.raises(StanceInputError, match="actors list"):
        worker_analyzer(WorkerSpec(**{**spec.__dict__, "actors_digest": "0" * 64}))


def test_classify_chunk_isolates_a_failing_article(tiny_model, monkeypatch):
    from classifier.batch import Record, _model_spec

    spec = _model_spec(tiny_model, None, False, None)
    records = [Record(id=str(k), text=article(k)[0], source=str(k)) for k in range(4)]
    records[2].text = "BOOM Paris a salué Berlin."
    from classifier import analysis

    original = analysis.split_sentences

    def fragile(text):
        if text.startswith("BOOM"):
            raise RuntimeError("kaboom")
        return original(text)

    monkeypatch.setattr(analysis, "split_sentences", fragile)
    result = classify_chunk(spec, records)
    assert (result.processed, result.failed) == (3, 1)
    error = json.loads(result.errors)
    assert error["id"] == "2" and error["reason"] == "analysis_failed" and "kaboom" in error["message"]


def test_seen_ids_across_buffer_merges():
    seen = SeenIds(buffer_size=8)
    assert all(seen.add(f"id{k}") for k in range(100))
    assert not any(seen.add(f"id{k}") for k in range(0, 100, 7))
    assert seen.add("new") and not seen.add("new") and seen.count == 101


def test_records_are_lazy(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", 5)
    records = iter_records(path)
    assert next(records).id == "a0000"  # a generator: nothing read beyond what is asked
    assert [r.id for r in records] == ["a0001", "a0002", "a0003", "a0004"]
