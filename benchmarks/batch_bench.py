#!/usr/bin/env python
"""Speed and memory of `stance batch` — one command, medians of several runs.

1. throughput (articles/s, end to end: process start, model load, reading, classifying, fsynced writes)
   of `stance batch` on a generated corpus, with `--jobs 1`, `--jobs 2` and through a local Dask
   cluster (`--scheduler tcp://127.0.0.1:…`, 2 worker processes × 1 thread, a fresh cluster per run);
   scaling efficiency = rate(--jobs 2) / (2 × rate(--jobs 1));
2. peak memory (RSS) of the batch process and of the whole process tree (batch + workers) with
   `--jobs 2` on 1,000 vs. 20,000 articles: flat means streaming works;
3. for context, the plain `StanceAnalyzer.analyze()` loop in one process (no batching of predictions).

The corpus (French and English articles of 300–800 words mentioning actors of data/actors.json) is
generated at run time by benchmarks/corpus_gen.py into a temporary folder; nothing is committed.
The model is the default model (trained first if missing), copied to the temporary folder so that a
concurrent retraining cannot change it mid-benchmark.

Usage, from the repository root with the project installed (`pip install -e '.[dask]'`; psutil,
a dependency of distributed, samples memory):

    python benchmarks/batch_bench.py                       # 10,000 articles, 3 runs each
    python benchmarks/batch_bench.py --articles 2000 --runs 1 --memory 500,2000 --configs jobs1,jobs2
    python benchmarks/batch_bench.py --configs stance1,stance2 --memory '' --baseline 0   # without frames

Configurations: jobs1, jobs2 (`--jobs 1/2`), dask (a fresh LocalCluster of 2 worker processes × 1
thread, through `--scheduler`), stance1, stance2 (`--jobs 1/2` with the same stance model stripped of
its frame companion: the cost of batch classification without framing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus_gen import write_corpus  # noqa: E402

from _machine import THREAD_VARS  # benchmarks/ is on sys.path when run as a script


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in lscpu.splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Hypervisor vendor", "L2 cache"):
                info[key.strip()] = value.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        import sklearn

        info["scikit-learn"] = sklearn.__version__
    except ImportError:
        pass
    try:
        info["memory_total_mb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20)
    except (ValueError, OSError, AttributeError):
        pass
    return info


def load() -> tuple[float, float, float]:
    return os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)


class RssSampler:
    """Peak RSS of a process and of its process tree, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak_main = 0
        self.peak_tree = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                main = self.process.memory_info().rss
                tree = main
                for child in self.process.children(recursive=True):
                    try:
                        tree += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak_main = max(self.peak_main, main)
            self.peak_tree = max(self.peak_tree, tree)
            self._stop.wait(self.interval)

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        return self.peak_main / 2**20, self.peak_tree / 2**20


class CpuMeter:
    """CPU seconds used by this process and all its descendants while it runs.

    ``getrusage(RUSAGE_CHILDREN)`` misses processes that are never waited for (loky's workers, at
    exit), so the tree is sampled with psutil every ``interval`` seconds and the last reading of each
    process is summed (each process may miss at most its last ``interval`` of CPU).
    """

    def __init__(self, interval: float = 0.2):
        import psutil

        self.root = psutil.Process(os.getpid())
        self.interval = interval
        self.seen: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._sample()
        self.start = sum(self.seen.values())
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        for process in [self.root, *self.root.children(recursive=True)]:
            try:
                with process.oneshot():
                    times = process.cpu_times()
                    self.seen[(process.pid, process.create_time())] = times.user + times.system
            except psutil.Error:
                pass

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._sample()
        return sum(self.seen.values()) - self.start


def stance_batch(corpus: Path, out: Path, model: Path, extra: list[str], sample_memory: bool = False) -> dict:
    """Run `stance batch` in a fresh process; wall time, counts from the journal, peak RSS."""
    command = [sys.executable, "-m", "classifier.cli", "batch", str(corpus), "--out", str(out),
               "--model", str(model), "--force", "--quiet", *extra]
    env = {**os.environ, **{var: "1" for var in THREAD_VARS}}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = RssSampler(process.pid) if sample_memory else None
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    peaks = sampler.stop() if sampler else (None, None)
    if process.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {stderr.decode()[-2000:]}")
    last = json.loads(out.with_name(out.name.replace(".jsonl", ".journal.jsonl")).read_text().splitlines()[-1])
    records = last["processed"] + last["failed"] + last["skipped"]
    if last["processed"] != records:  # a rate of failing articles is not a throughput
        raise RuntimeError(f"{' '.join(command)}: {records - last['processed']} of {records} records not classified "
                           f"(see {out.with_name(out.name.replace('.jsonl', '.errors.jsonl'))})")
    return {"wall_s": wall, "records": records, "processed": last["processed"], "rate": records / wall,
            "output_bytes": out.stat().st_size,
            "peak_rss_main_mb": peaks[0], "peak_rss_tree_mb": peaks[1]}


def dask_run(corpus: Path, out: Path, model: Path, workers: int) -> dict:
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, env={var: "1" for var in THREAD_VARS}) as cluster:
        return stance_batch(corpus, out, model, ["--scheduler", cluster.scheduler_address])


def timed(function, *args) -> dict:
    """``function(*args)`` plus the CPU seconds it cost (this process, the batch process, workers)."""
    meter = CpuMeter()
    run = function(*args)
    run["cpu_s"] = meter.stop()
    run["cpu_ms_per_article"] = 1000 * run["cpu_s"] / run["records"]
    return run


def corpus_stats(out: Path) -> dict:
    words = mentions = n = 0
    with open(out, encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            n += 1
            words += sum(len(s["text"].split()) for s in article["sentences"])
            mentions += sum(len(t["mentions"]) for s in article["sentences"] for t in s["targets"])
    return {"articles": n, "mean_words": words / n, "mean_mentions": mentions / n}


def analyzer_loop(corpus: Path, model: Path, n: int) -> float:
    """Articles/s of a plain `analyze()` loop in this process (one prediction call per article)."""
    from classifier.analysis import StanceAnalyzer

    analyzer = StanceAnalyzer.load(model)
    records = []
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            records.append(json.loads(line))
            if len(records) >= n:
                break
    started = time.perf_counter()
    for record in records:
        analyzer.analyze(record["text"], lang=record["lang"], source=record["id"])
    return len(records) / (time.perf_counter() - started)


def benchmark_model(folder: Path) -> Path:
    """A private copy of the default model (and its card), trained first if needed."""
    from classifier.model import verify_model_file
    from classifier.registry import resolve_model

    _model, _card, path = resolve_model(None, progress=lambda message: print(message, file=sys.stderr))
    stem = path.name.removesuffix(".joblib")
    for companion in path.parent.glob(f"{stem}.*"):  # the model, its card, its frame companion and card
        shutil.copyfile(companion, folder / companion.name)
    copy = folder / path.name
    verify_model_file(copy)
    return copy


def stance_only_copy(model: Path) -> Path:
    """The same stance model without its frame companion (the card's ``frames`` entry emptied): what a
    batch costs without framing. The model file is unchanged, so its checksum still matches."""
    from classifier.model import card_path

    folder = model.parent / "stance-only"
    folder.mkdir(exist_ok=True)
    copy = folder / model.name
    shutil.copyfile(model, copy)
    card = json.loads(card_path(model).read_text(encoding="utf-8"))
    card["frames"] = None
    card_path(copy).write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return copy


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, help="size of the throughput corpus")
    parser.add_argument("--runs", type=int, default=3, help="runs per configuration (the median is reported)")
    parser.add_argument("--memory", default="1000,20000", help="corpus sizes for the memory runs ('' to skip)")
    parser.add_argument("--baseline", type=int, default=1000, help="articles for the analyze() loop (0 to skip)")
    parser.add_argument("--configs", default="jobs1,jobs2,dask",
                        help="comma-separated among jobs1, jobs2, dask, stance1, stance2 (see above)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="work in this folder instead of a temporary one")
    args = parser.parse_args()
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")

    report: dict = {"machine": machine(), "load_before": load(), "args": {k: str(v) for k, v in vars(args).items()}}
    print(f"machine: {report['machine']}", flush=True)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="stance-batch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        model = benchmark_model(work)
        corpus = work / "corpus.jsonl"
        started = time.perf_counter()
        write_corpus(corpus, args.articles, seed=args.seed)
        print(f"generated {args.articles} articles in {time.perf_counter() - started:.1f} s "
              f"({corpus.stat().st_size / 2**20:.1f} MiB)", flush=True)

        # (name, model, extra options of `stance batch`; None = through a fresh Dask LocalCluster)
        wanted = [name.strip() for name in args.configs.split(",") if name.strip()]
        bare = stance_only_copy(model) if {"stance1", "stance2"} & set(wanted) else None
        known = {
            "jobs1": ("--jobs 1", model, ["--jobs", "1"]),
            "jobs2": ("--jobs 2", model, ["--jobs", "2"]),
            "dask": ("dask LocalCluster 2×1", model, None),
            "stance1": ("stance only, --jobs 1", bare, ["--jobs", "1"]),
            "stance2": ("stance only, --jobs 2", bare, ["--jobs", "2"]),
        }
        unknown = set(wanted) - set(known)
        if unknown:
            parser.error(f"unknown configuration(s) {sorted(unknown)}; choose among {', '.join(known)}")
        configs = [known[name] for name in wanted]
        results: dict[str, list[dict]] = {name: [] for name, _, _ in configs}
        references: dict[Path, bytes] = {}  # one expected output per model: every backend must give it
        for repeat in range(args.runs):  # interleaved, so that a burst of load hits every configuration
            for k, (name, chosen, extra) in enumerate(configs):
                out = work / f"out-{k}.jsonl"
                if extra is None:
                    run = timed(dask_run, corpus, out, chosen, 2)
                else:
                    run = timed(stance_batch, corpus, out, chosen, extra)
                run["load"] = load()
                results[name].append(run)
                print(f"  run {repeat + 1} {name:<24} {run['rate']:7.1f} articles/s  ({run['wall_s']:.1f} s, "
                      f"{run['cpu_ms_per_article']:.1f} CPU-ms/article, load {run['load'][0]:.1f})", flush=True)
                if chosen not in references:
                    references[chosen] = out.read_bytes()
                    report.setdefault("corpus", corpus_stats(out))
                elif out.read_bytes() != references[chosen]:
                    raise RuntimeError(f"{name}: output differs from the first run with this model")
        report["throughput"] = {
            name: {"median_rate": median_of(runs, "rate"), "rates": [r["rate"] for r in runs],
                   "median_cpu_ms_per_article": median_of(runs, "cpu_ms_per_article"),
                   "median_wall_s": median_of(runs, "wall_s"), "loads": [r["load"] for r in runs]}
            for name, runs in results.items()
        }
        report["scaling_efficiency"] = {}
        for prefix in ("", "stance only, "):
            if {f"{prefix}--jobs 1", f"{prefix}--jobs 2"} <= set(report["throughput"]):
                one = report["throughput"][f"{prefix}--jobs 1"]["median_rate"]
                two = report["throughput"][f"{prefix}--jobs 2"]["median_rate"]
                report["scaling_efficiency"][prefix + "--jobs 2"] = two / (2 * one)

        if args.baseline:
            report["analyze_loop_rate"] = analyzer_loop(corpus, model, args.baseline)

        report["memory"] = []
        for size in [int(s) for s in args.memory.split(",") if s.strip()]:
            sized = work / f"corpus-{size}.jsonl"
            write_corpus(sized, size, seed=args.seed + 1)
            run = stance_batch(sized, work / f"mem-{size}.jsonl", model, ["--jobs", "2"], sample_memory=True)
            run["articles"] = size
            report["memory"].append(run)
            print(f"  memory {size:>6} articles: batch process {run['peak_rss_main_mb']:.0f} MiB, "
                  f"tree {run['peak_rss_tree_mb']:.0f} MiB ({run['rate']:.1f} articles/s)", flush=True)
        report["load_after"] = load()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def markdown(report: dict) -> str:
    lines = []
    c = report.get("corpus", {})
    lines.append(f"Corpus: {c.get('articles', 0):,} generated articles, mean {c.get('mean_words', 0):.0f} words and "
                 f"{c.get('mean_mentions', 0):.1f} actor mentions per article.")
    lines.append("")
    lines.append("| configuration | articles/s (median) | runs | median wall time | CPU-ms per article |")
    lines.append("| --- | ---: | --- | ---: | ---: |")
    for name, t in report["throughput"].items():
        runs = ", ".join(f"{r:.1f}" for r in t["rates"])
        lines.append(f"| `{name}` | **{t['median_rate']:.1f}** | {runs} | {t['median_wall_s']:.1f} s "
                     f"| {t['median_cpu_ms_per_article']:.1f} |")
    lines.append("")
    for name, efficiency in report["scaling_efficiency"].items():
        lines.append(f"Scaling efficiency of `{name}` (its rate / 2 × the rate with `--jobs 1`): {efficiency:.0%}.")
    if "analyze_loop_rate" in report:
        lines.append(f"Plain `analyze()` loop, one process, no batching: {report['analyze_loop_rate']:.1f} articles/s.")
    if report.get("memory"):
        lines.append("")
        lines.append("| articles (`--jobs 2`) | peak RSS, batch process | peak RSS, process tree | articles/s |")
        lines.append("| ---: | ---: | ---: | ---: |")
        for run in report["memory"]:
            lines.append(f"| {run['articles']:,} | {run['peak_rss_main_mb']:.0f} MiB | {run['peak_rss_tree_mb']:.0f} MiB "
                         f"| {run['rate']:.1f} |")
    lines.append("")
    lines.append(f"Load average before/after: {report['load_before'][0]:.1f} / {report.get('load_after', (0,))[0]:.1f}.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
