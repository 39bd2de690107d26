#!/usr/bin/env python
"""NewsMTSC benchmark: baselines, the project's model and its ablations, side by side, in one run.

NewsMTSC (Hamborg & Donnay, EACL 2021) is read by path, from wherever it lives (here ``../shared``);
nothing is copied into the project. Usage, from the repository root::

    python benchmarks/newsmtsc.py ../shared/data/newsmtsc/train.jsonl \\
        ../shared/data/newsmtsc/dev-rw.jsonl ../shared/data/newsmtsc/dev-mt.jsonl \\
        [--systems all|main|NAME,...] [--repeats 3] [--cv 5] [--output table.md] [--json raw.json]

For every system it reports, on each evaluation file: macro-F1, accuracy and per-class F1; then the
training time, the prediction throughput (targets/s, all evaluation targets in one batch), the peak
memory and the size of the saved model (joblib, compress=3, as ``stance train`` writes it); with
``--cv K``, the K-fold cross-validated macro-F1 on the training file (folds grouped by sentence, the
figure used to choose settings). Times are medians of ``--repeats`` runs, as wall-clock time and as
the process's CPU time (robust when other jobs share the CPU).

Every system runs in its own fresh process, pinned to one CPU (``os.sched_setaffinity``) with
OMP/OpenBLAS/MKL limited to one thread, so the figures are single-core. Peak memory is that process's
maximum resident set (``ru_maxrss``): interpreter, libraries, data, training and prediction — the
majority-class row shows the floor common to all rows.

Systems: ``majority`` (most frequent class), ``tfidf-blind`` (target-blind sentence TF-IDF, words 1–2 +
characters 2–5, logistic regression), ``stance-plain`` (``StanceClassifier()``, the estimator's own
defaults), ``stance-default`` (the ``default`` preset, what ``stance train`` uses for the bilingual
model), ``stance-newsmtsc`` (the ``newsmtsc`` preset) and ``newsmtsc-<lever>`` ablations, each the preset with
one lever switched off or on (``classifier.model.PRESET_ABLATIONS``); and any configuration given as
``stance:JSON`` — ``StanceClassifier`` parameters, e.g. ``'stance:{"use_mention": true}'``. The Markdown
table goes to stdout (and ``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import THREAD_VARS, machine  # benchmarks/ is on sys.path when run as a script

SEED = 13



def _ablations() -> dict[str, tuple[str, dict]]:
    from classifier.model import PRESET_ABLATIONS

    return {f"newsmtsc-{name}": (text, overrides) for name, (text, overrides) in PRESET_ABLATIONS.items()}


def system_names() -> dict[str, str]:
    names = {
        "majority": "majority class",
        "tfidf-blind": "target-blind sentence TF-IDF (words 1–2 + chars 2–5) + logistic regression",
        "stance-plain": "StanceClassifier(), the estimator's own defaults (the project's model before this work)",
        "stance-default": "StanceClassifier, `default` preset: the bilingual default model's settings (`stance train`)",
        "stance-newsmtsc": "StanceClassifier, `newsmtsc` preset (`stance train --preset newsmtsc`)",
    }
    names.update({name: text for name, (text, _) in _ablations().items()})
    return names


def build(name: str):
    """A fresh, unfitted estimator for system ``name`` (inputs: lists of ``Target``)."""
    from sklearn.dummy import DummyClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FunctionTransformer, make_pipeline, make_union

    from classifier.model import PRESETS, StanceClassifier

    sentences = FunctionTransformer(_sentences)
    if name == "majority":
        return make_pipeline(sentences, DummyClassifier(strategy="most_frequent"))
    if name == "tfidf-blind":
        # C chosen by 5-fold CV on train among 1, 4, 16 (see benchmarks/RESULTS.md).
        return make_pipeline(
            sentences,
            make_union(
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
            ),
            LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000, random_state=SEED),
        )
    if name == "stance-plain":
        return StanceClassifier(random_state=SEED)
    if name == "stance-default":
        return StanceClassifier(random_state=SEED, **PRESETS["default"])
    if name == "stance-newsmtsc":
        return StanceClassifier(random_state=SEED, **PRESETS["newsmtsc"])
    if name.startswith("stance:"):
        return StanceClassifier(random_state=SEED, **json.loads(name.removeprefix("stance:")))
    ablations = _ablations()
    if name in ablations:
        return StanceClassifier(random_state=SEED, **{**PRESETS["newsmtsc"], **ablations[name][1]})
    raise SystemExit(f"unknown system {name!r}; known: {', '.join(system_names())}")


def _sentences(targets):
    return [t.sentence for t in targets]


# ------------------------------------------------------------------------------------------ worker


def _pin_to_one_cpu(cpu: int | None) -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    chosen = cpu if cpu in allowed else allowed[-1]
    os.sched_setaffinity(0, {chosen})
    return chosen


def worker(args) -> dict:
    """Train, time and score one system in this (fresh, single-CPU) process; return the figures."""
    import joblib
    import numpy as np
    from sklearn.base import clone
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedGroupKFold

    from classifier.data import read_labeled
    from classifier.evaluation import score

    cpu = _pin_to_one_cpu(args.cpu)
    train_targets = read_labeled([args.train])
    X = [t.target for t in train_targets]
    y = np.asarray([t.stance for t in train_targets])
    evaluations = [(Path(path).stem, read_labeled([path])) for path in args.eval]
    all_eval = [t.target for _, targets in evaluations for t in targets]

    fit_seconds, fit_cpu, predict_rates, predict_cpu_rates, model, reference = [], [], [], [], None, None
    for _ in range(args.repeats):
        model = build(args.worker)
        started, started_cpu = time.perf_counter(), time.process_time()
        model.fit(X, y)
        fit_seconds.append(time.perf_counter() - started)
        fit_cpu.append(time.process_time() - started_cpu)
        # throughput: every evaluation target in one batch, repeated to last at least ~1 s
        rounds, elapsed, elapsed_cpu, predicted = 0, 0.0, 0.0, None
        while elapsed < 1.0 or rounds < 2:
            started, started_cpu = time.perf_counter(), time.process_time()
            predicted = model.predict(all_eval)
            elapsed += time.perf_counter() - started
            elapsed_cpu += time.process_time() - started_cpu
            rounds += 1
        predict_rates.append(rounds * len(all_eval) / elapsed)
        predict_cpu_rates.append(rounds * len(all_eval) / max(elapsed_cpu, 1e-9))
        if reference is None:
            reference = list(predicted)
        elif list(predicted) != reference:
            raise SystemExit(f"{args.worker}: predictions differ between repeats (training is not deterministic)")

    results = {}
    offset = 0
    for name, targets in evaluations:
        gold = [t.stance for t in targets]
        report = score(gold, reference[offset : offset + len(targets)])
        offset += len(targets)
        results[name] = {
            "n": report["n"],
            "macro_f1": report["macro_f1"],
            "accuracy": report["accuracy"],
            "f1": {label: values["f1"] for label, values in report["per_class"].items()},
        }

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        joblib.dump(model, path, compress=3)
        size = path.stat().st_size

    out = {
        "system": args.worker,
        "cpu": cpu,
        "fit_seconds": fit_seconds,
        "fit_cpu_seconds": fit_cpu,
        "targets_per_second": predict_rates,
        "targets_per_cpu_second": predict_cpu_rates,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "model_bytes": size,
        "eval": results,
    }
    if args.cv:
        groups = [t.sentence for t in train_targets]
        splitter = StratifiedGroupKFold(n_splits=args.cv, shuffle=True, random_state=SEED)
        scores = []
        for train_idx, test_idx in splitter.split(X, y, groups):
            fold = clone(build(args.worker)).fit([X[i] for i in train_idx], y[train_idx])
            scores.append(f1_score(y[test_idx], fold.predict([X[i] for i in test_idx]), average="macro"))
        out["cv_macro_f1"] = [round(float(s), 4) for s in scores]
    return out


# ------------------------------------------------------------------------------------------ driver




def run_system(name: str, args) -> dict:
    env = dict(os.environ)
    for variable in THREAD_VARS:
        env[variable] = "1"
    command = [sys.executable, __file__, args.train, *args.eval, "--worker", name, "--repeats", str(args.repeats),
               "--cv", str(args.cv)]
    if args.cpu is not None:
        command += ["--cpu", str(args.cpu)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def markdown(results: list[dict], eval_names: list[str], args) -> str:
    labels = ("critical", "neutral", "supportive")
    head = ["system"]
    for name in eval_names:
        head += [f"{name} macro-F1", f"{name} acc.", f"{name} F1 crit/neu/sup"]
    if args.cv:
        head += [f"train {args.cv}-fold CV macro-F1"]
    head += ["train s (CPU s)", "targets/s (per CPU s)", "peak RSS MB", "model MB"]
    lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    for r in results:
        row = [f"`{r['system']}`"]
        for name in eval_names:
            e = r["eval"][name]
            row += [f"{e['macro_f1']:.3f}", f"{e['accuracy']:.3f}", "/".join(f"{e['f1'][k]:.2f}" for k in labels)]
        if args.cv:
            cv = r["cv_macro_f1"]
            row += [f"{statistics.mean(cv):.3f} ± {statistics.pstdev(cv):.3f}"]
        row += [
            f"{statistics.median(r['fit_seconds']):.1f} ({statistics.median(r['fit_cpu_seconds']):.1f})",
            f"{statistics.median(r['targets_per_second']):,.0f} ({statistics.median(r['targets_per_cpu_second']):,.0f})",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['model_bytes'] / 1e6:.2f}",
        ]
        lines.append("| " + " | ".join(row) + " |")
    names = system_names()
    legend = [f"- `{r['system']}`: {names.get(r['system'], 'StanceClassifier with these parameters')}" for r in results]
    note = (
        f"\nMachine: {machine()}. Load average when the run started: {args.load}. "
        f"Times are medians of {args.repeats} run(s), one CPU, one thread: wall-clock, and in brackets the "
        "process's CPU time, which other jobs sharing the CPU do not inflate.\n"
    )
    return "\n".join(lines) + "\n\n" + "\n".join(legend) + "\n" + note


def _split_systems(spec: str) -> list[str]:
    """Comma-separated names; a ``stance:{...}`` item keeps its commas (split only outside braces)."""
    names, depth, current = [], 0, ""
    for ch in spec:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            names.append(current.strip())
            current = ""
        else:
            current += ch
    names.append(current.strip())
    return [n for n in names if n]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", help="NewsMTSC training file (flat or original form)")
    parser.add_argument("eval", nargs="+", help="evaluation files, e.g. dev-rw.jsonl dev-mt.jsonl")
    parser.add_argument("--systems", default="all",
                        help='all, main (no ablations), or comma-separated names, \'stance:{"decay": 3}\' included')
    parser.add_argument("--repeats", type=int, default=3, help="training/prediction runs per system (medians)")
    parser.add_argument("--cv", type=int, default=0, help="also K-fold CV macro-F1 on train (0: skip)")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin workers to (default: the last allowed)")
    parser.add_argument("--output", type=Path, help="also write the Markdown table here")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for path in [args.train, *args.eval]:
        if not Path(path).is_file():
            raise SystemExit(f"no such file: {path}")
    if args.worker:
        print(json.dumps(worker(args)))
        return

    known = list(system_names())
    if args.systems == "all":
        chosen = known
    elif args.systems == "main":
        chosen = [n for n in known if not n.startswith("newsmtsc-")]
    else:
        chosen = _split_systems(args.systems)
        unknown = [n for n in chosen if n not in known and not n.startswith("stance:")]
        if unknown:
            raise SystemExit(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(known)}")
    args.load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    results = []
    for name in chosen:
        print(f"running {name} …", file=sys.stderr, flush=True)
        results.append(run_system(name, args))
        r = results[-1]
        summary = ", ".join(f"{k} {v['macro_f1']:.3f}" for k, v in r["eval"].items())
        print(f"  {summary}; fit {statistics.median(r['fit_seconds']):.1f}s", file=sys.stderr, flush=True)
    eval_names = [Path(p).stem for p in args.eval]
    table = markdown(results, eval_names, args)
    sys.stdout.write(table)
    if args.output:
        args.output.write_text(table, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "load": args.load, "results": results}, indent=2))


if __name__ == "__main__":
    main()
