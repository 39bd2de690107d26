#!/usr/bin/env python
"""Speed of the core (issue: stance classifier core) — three figures, medians of several runs.

1. cold start: wall time of `stance classify SEED --format json` in a fresh process, model present;
2. throughput: (sentence, actor) predictions per second in one batch, on one core;
3. scaling: wall time of classifying generated articles of 1, 2.5, 5 and 10 MB (must be ~linear).

Usage (from the repository root, with the project installed):

    python benchmarks/core_speed.py [--runs 5] [--sizes 1,2.5,5,10] [--markdown]

Threads are pinned to one (OMP/OPENBLAS/MKL_NUM_THREADS=1) for the throughput figure and the process is pinned
to one core with os.sched_setaffinity where available.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _machine import THREAD_VARS, machine  # benchmarks/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2026-02-04-afp-poutine-xi.txt"

for var in THREAD_VARS:
    os.environ.setdefault(var, "1")


def cold_start(runs: int) -> list[float]:
    stance = Path(sys.executable).with_name("stance")
    command = [str(stance) if stance.exists() else sys.executable, *([] if stance.exists() else ["-m", "classifier.cli"])]
    command += ["--quiet", "classify", str(SEED), "--format", "json"]
    subprocess.run(command, check=True, capture_output=True)  # trains the default model if missing; warms the OS cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def generated_article(n_bytes: int) -> str:
    """A long French/English text built from the seed and sentences written here, to the requested size."""
    extra = (
        "Washington a accusé Téhéran de soutenir des milices armées dans la région. "
        "The European Union praised Kyiv for its reforms on Tuesday. "
        "Selon le Kremlin, les pourparlers avec Pékin se poursuivront la semaine prochaine. "
        "NATO said Russia had violated the airspace of a member state. "
    )
    block = SEED.read_text(encoding="utf-8") + "\n\n" + extra + "\n\n"
    reps = n_bytes // len(block.encode("utf-8")) + 1
    return (block * reps)[:n_bytes]


def throughput(analyzer, runs: int) -> tuple[float, int]:
    from classifier.data import Target
    from classifier.segmentation import split_sentences

    text = generated_article(400_000)
    targets = []
    for sentence in split_sentences(text):
        for mention in analyzer.actors.find(sentence.text):
            targets.append(Target(sentence.text, mention.start, mention.end, "fr"))
    analyzer.model.predict_proba(targets[:200])  # warm caches
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        analyzer.model.predict_proba(targets)
        rates.append(len(targets) / (time.perf_counter() - started))
    return statistics.median(rates), len(targets)


def scaling(analyzer, sizes_mb: list[float], runs: int) -> list[tuple[float, float, int]]:
    out = []
    for size in sizes_mb:
        text = generated_article(int(size * 1_000_000))
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = analyzer.analyze(text, lang="auto", source="generated")
            times.append(time.perf_counter() - started)
        out.append((size, statistics.median(times), len(result.sentences)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,2.5,5,10", help="article sizes in MB for the scaling figure")
    parser.add_argument("--scaling-runs", type=int, default=3)
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"machine: {machine()}")
    times = cold_start(args.runs)
    print(f"cold start `stance classify seed --format json`: median {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)})")

    from classifier.analysis import StanceAnalyzer

    analyzer = StanceAnalyzer.load()
    rate, n = throughput(analyzer, args.runs)
    print(f"throughput: median {rate:,.0f} (sentence, actor) predictions/s on one core (batch of {n:,})")
    print("scaling (one process):")
    rows = scaling(analyzer, [float(s) for s in args.sizes.split(",")], args.scaling_runs)
    base_size, base_time, _ = rows[0]
    for size, seconds, sentences in rows:
        ratio = (seconds / base_time) / (size / base_size)
        print(f"  {size:>5.1f} MB  {sentences:>7,} sentences  {seconds:7.2f} s  {size / seconds:5.2f} MB/s  "
              f"time/size relative to {base_size:g} MB: {ratio:.2f}")


if __name__ == "__main__":
    main()
