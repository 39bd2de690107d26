"""The ``stance`` command line: a thin typer layer that parses options, calls the library, renders.

Exit codes: 0 ok; 2 bad input or usage (one line on stderr); 1 internal error; 3 ``stance batch``
finished but some records could not be processed (see ``OUT.errors.jsonl``). ``--debug`` shows
tracebacks.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import StanceInputError

app = typer.Typer(
    name="stance",
    help="Stance and framing toward actors (states, leaders, organisations) in French and English news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False, "quiet": False}

ARTICLE_SUFFIXES = (".txt", ".md")
CLASSIFY_FORMATS = ("table", "json", "jsonl", "csv", "html")
EVALUATE_FORMATS = ("table", "json", "markdown")


def _stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _stdout():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _say(message: str) -> None:
    if not _state["quiet"]:
        _stderr().print(f"[grey62]{message}[/]", markup=True, highlight=False)


def _fail(message: str, code: int) -> None:
    from rich.markup import escape

    _stderr().print(f"[red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def handle_errors(command):
    """Turn user errors into one line + exit 2, and anything else into exit 1 (traceback with --debug)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except StanceInputError as exc:
            if _state["debug"]:
                raise
            _fail(str(exc), 2)
        except BrokenPipeError:
            raise typer.Exit(0)
        except Exception as exc:  # internal error
            if _state["debug"]:
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 1)

    return wrapper


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value not in choices:
        raise StanceInputError(f"{option} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _write_output(text: str, output: Optional[Path], force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if output.exists() and not force:
        raise StanceInputError("output file exists (use --force to overwrite it)", str(output))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StanceInputError(f"cannot write output: {exc.strerror or exc}", str(output)) from None
    _say(f"wrote {output}")


def _render(renderables, output: Optional[Path], force: bool) -> None:
    from rich.console import Console

    if output is None:
        console = _stdout()
        for item in renderables:
            console.print(item)
        return
    console = Console(record=True, width=140, file=open("/dev/null", "w"))
    for item in renderables:
        console.print(item)
    _write_output(console.export_text(), output, force)


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or status messages.")] = False,
):
    """Stance toward actors in news: classify, train, evaluate."""
    _state["debug"] = debug
    _state["quiet"] = quiet


def _read_inputs(paths: list[str]) -> list[tuple[str, str]]:
    from .analysis import read_article
    from .data import expand_paths

    inputs = []
    for spec in paths:
        if spec == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
            try:
                inputs.append(("-", data.decode("utf-8-sig")))
            except UnicodeDecodeError as exc:
                raise StanceInputError(f"standard input is not UTF-8 text (byte {exc.start})", "-") from None
            continue
        for path in expand_paths([spec], suffixes=ARTICLE_SUFFIXES):
            inputs.append((str(path), read_article(path)))
    if not inputs:
        raise StanceInputError("no article found (folders are searched for .txt and .md files)")
    return inputs


@app.command()
@handle_errors
def classify(
    paths: Annotated[list[str], typer.Argument(help="Article files, folders, globs, or - for standard input.")],
    lang: Annotated[str, typer.Option(help="Language: auto, fr or en.")] = "auto",
    format: Annotated[str, typer.Option("--format", "-f", help="table, json, jsonl, csv or html.")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    model: Annotated[Optional[Path], typer.Option(help="Model file (default: the embedded default model).")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actors file (JSON/TOML) extending the default list.")] = None,
    replace_actors: Annotated[bool, typer.Option(help="Use --actors instead of the default list.")] = False,
    force: Annotated[bool, typer.Option(help="Overwrite --output if it exists.")] = False,
    report: Annotated[bool, typer.Option("--report", help="Framing report: per actor a net score with its "
                      "confidence interval, the sentences that weigh most, frames, who says what about whom.")] = False,
    totals: Annotated[Optional[Path], typer.Option(help="Also write per-actor totals over all the articles "
                      "to this .csv or .json file.")] = None,
):
    """Stance toward every actor, sentence by sentence, and a per-actor summary (and frames, sources)."""
    from . import reporting
    from .analysis import StanceAnalyzer

    _check_choice(format, CLASSIFY_FORMATS, "--format")
    _check_choice(lang, ("auto", "fr", "en"), "--lang")
    if replace_actors and actors is None:
        raise StanceInputError("--replace-actors needs --actors FILE")
    if totals is not None and totals.suffix.lower() not in (".csv", ".json"):
        raise StanceInputError("--totals must name a .csv or .json file", str(totals))
    if totals is not None and totals.exists() and not force:
        raise StanceInputError("totals file exists (use --force to overwrite it)", str(totals))
    inputs = _read_inputs(paths)
    analyzer = StanceAnalyzer.load(model, actors, replace_actors, progress=_say)
    report = report or format == "html"
    results = []
    for first in range(0, len(inputs), 64):  # many files: one model call per 64 articles
        for outcome in analyzer.analyze_many([(text, lang, source) for source, text in inputs[first : first + 64]],
                                             report=report):
            if isinstance(outcome, BaseException):
                raise outcome
            results.append(outcome)
    if totals is not None:
        from .analysis import actor_totals, totals_rows

        table = actor_totals(results)
        if totals.suffix.lower() == ".json":
            _write_output(reporting.to_json(table) + "\n", totals, force)
        else:
            _write_output(reporting.to_csv(totals_rows(table), reporting.TOTALS_CSV_COLUMNS), totals, force)
    if format == "html":
        from .html import render_html

        _write_output(render_html(results), output, force)
    elif format == "table":
        renderables = []
        for result in results:
            renderables += reporting.article_tables(result)
        if report and len(results) > 1:
            from .analysis import actor_totals

            renderables.append(reporting.totals_table(actor_totals(results)))
        _render(renderables, output, force)
    elif format == "json":
        payload = results[0].to_dict() if len(results) == 1 else [r.to_dict() for r in results]
        _write_output(reporting.to_json(payload) + "\n", output, force)
    elif format == "jsonl":
        _write_output(reporting.to_jsonl(r.to_dict() for r in results), output, force)
    elif report:  # csv: one row per (article, actor) with the report's figures
        rows = [row for r in results for row in r.report_rows()]
        _write_output(reporting.to_csv(rows, reporting.REPORT_CSV_COLUMNS), output, force)
    else:
        rows = [row for r in results for row in r.rows()]
        _write_output(reporting.to_csv(rows, reporting.CLASSIFY_CSV_COLUMNS), output, force)


@app.command()
@handle_errors
def train(
    data: Annotated[Optional[list[str]], typer.Argument(help="Labeled files/folders/globs (default: data/train).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Model file to write (default: models/stance-default.joblib).")] = None,
    cv: Annotated[int, typer.Option(help="Cross-validation folds for the model card (0 to skip).")] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
    data_format: Annotated[str, typer.Option(help="auto, stance or newsmtsc.")] = "auto",
    actors: Annotated[Optional[Path], typer.Option(help="Actors file used to find mentions without offsets.")] = None,
    preset: Annotated[str, typer.Option(help="Model settings: default, or newsmtsc (NewsMTSC benchmark).")] = "default",
):
    """Train a model from labeled sentences and write it with its model card."""
    from rich.markup import escape

    from .actors import load_actors
    from .training import train as train_model

    if cv == 1 or cv < 0:
        raise StanceInputError("--cv must be 0 (skip) or at least 2")
    card = train_model(data, out, cv=cv, seed=seed, data_format=data_format, actors=load_actors(actors), progress=_say,
                       preset=preset)
    cvm = card.get("cross_validation")
    scores = f"; cross-validated macro-F1 {cvm['macro_f1_mean']:.3f} ± {cvm['macro_f1_std']:.3f}" if cvm else ""
    _stdout().print(f"trained on {card['data']['total']} targets{escape(scores)} → {escape(str(out or card['model_file']))}")


@app.command()
@handle_errors
def evaluate(
    data: Annotated[list[str], typer.Argument(help="Labeled files/folders/globs to score the model on.")],
    model: Annotated[Optional[Path], typer.Option(help="Model file (default: the embedded default model).")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or markdown.")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    data_format: Annotated[str, typer.Option(help="auto, stance or newsmtsc.")] = "auto",
    force: Annotated[bool, typer.Option(help="Overwrite --output if it exists.")] = False,
):
    """Accuracy, macro-F1, per-class scores, confusion matrix, per actor and per language."""
    from . import reporting
    from .actors import load_actors
    from .data import read_labeled
    from .evaluation import evaluate as evaluate_model
    from .registry import resolve_model

    _check_choice(format, EVALUATE_FORMATS, "--format")
    targets = read_labeled(data, actors=load_actors(), data_format=data_format)
    loaded, _card, _path = resolve_model(model, progress=_say)
    from .frames import load_companion

    frame_model, _frame_card = load_companion(_path, _card)
    report = evaluate_model(loaded, targets, frame_model=frame_model)
    if format == "json":
        _write_output(reporting.to_json(report) + "\n", output, force)
    elif format == "markdown":
        _write_output(reporting.evaluation_markdown(report), output, force)
    else:
        _render(reporting.evaluation_tables(report), output, force)


@app.command("actors")
@handle_errors
def actors_command(
    actors: Annotated[Optional[Path], typer.Option(help="Actors file extending the default list.")] = None,
    replace_actors: Annotated[bool, typer.Option(help="Show only --actors, not the default list.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    find: Annotated[Optional[str], typer.Option(help="Show the mentions found in this text instead.")] = None,
):
    """List the known actors and their aliases, or the mentions found in --find TEXT."""
    from dataclasses import asdict

    from . import reporting
    from .actors import load_actors

    _check_choice(format, ("table", "json"), "--format")
    index = load_actors(actors, replace=replace_actors)
    if find is not None:
        mentions = [asdict(m) for m in index.find(find)]
        if format == "json":
            _write_output(reporting.to_json(mentions) + "\n", None, False)
        else:
            for m in mentions:
                _stdout().print(f"{m['start']:>4}-{m['end']:<4} {m['text']!r} → {m['actor']}", markup=False)
        return
    if format == "json":
        _write_output(reporting.to_json(index.to_dict()) + "\n", None, False)
    else:
        _render([reporting.actors_table(index)], None, False)


@app.command()
@handle_errors
def info(
    model: Annotated[Optional[Path], typer.Option(help="Model file (default: the embedded default model).")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
):
    """Show a model's card (and check the model file against it)."""
    from . import reporting
    from .model import verify_model_file
    from .paths import default_model_path
    from .registry import default_model_is_stale, resolve_model

    _check_choice(format, ("table", "json"), "--format")
    path = model or default_model_path()
    if model is None and default_model_is_stale(path):
        resolve_model(None, progress=_say)
    card = verify_model_file(path)
    if format == "json":
        _write_output(reporting.to_json(card) + "\n", None, False)
    else:
        _render([reporting.card_table(card)], None, False)


def _batch_progress_bar(input: Path):
    """A rich progress bar (count, rate, ETA) on a terminal; ``None`` when quiet or not a TTY."""
    if _state["quiet"] or not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch import count_records

    bar = Progress(
        TextColumn("classifying"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>7.1f} articles/s"), TextColumn("ETA"), TimeRemainingColumn(),
        console=_stderr(), transient=False,
    )
    bar.add_task("batch", total=count_records(input), rate=0.0)
    return bar


@app.command()
@handle_errors
def batch(
    input: Annotated[Path, typer.Argument(help="A folder of .txt files, or a .jsonl / .csv file of records "
                                          "with id, text and optional lang, date, source.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL: one line per article.")],
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Local worker processes (-1: all cores; "
                                                "default 1, or the whole cluster with --scheduler).")] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="Dask scheduler address, e.g. tcp://HOST:8786 "
                                                     "(needs the dask extra).")] = None,
    chunk_size: Annotated[int, typer.Option(help="Articles per task and per commit.")] = 128,
    lang: Annotated[str, typer.Option(help="Language when a record has none: auto, fr or en.")] = "auto",
    model: Annotated[Optional[Path], typer.Option(help="Model file (default: the embedded default model).")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actors file (JSON/TOML) extending the default list.")] = None,
    replace_actors: Annotated[bool, typer.Option(help="Use --actors instead of the default list.")] = False,
    max_chars: Annotated[int, typer.Option(help="Longer articles go to the errors file.")] = 1_000_000,
    resume: Annotated[bool, typer.Option(help="Finish an interrupted run into OUT (or start one).")] = False,
    force: Annotated[bool, typer.Option(help="Start over, overwriting OUT and its errors and journal files.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or status messages.")] = False,
):
    """Classify a large corpus to JSONL: streaming, parallel, resumable.

    Unprocessable records go to OUT.errors.jsonl; exit code 3 when there are any.
    """
    import time

    from .batch import EXIT_RECORDS_FAILED, run_batch

    _state["quiet"] = _state["quiet"] or quiet
    bar = _batch_progress_bar(input) if input.exists() else None
    started = time.perf_counter()

    def progress(done: int, this_run: int) -> None:
        if bar is not None:
            elapsed = time.perf_counter() - started
            bar.update(bar.task_ids[0], completed=done, rate=this_run / elapsed if elapsed > 0 else 0.0)

    try:
        if bar is not None:
            bar.start()
        summary = run_batch(
            input, out, lang=lang, model=model, actors=actors, replace_actors=replace_actors, jobs=jobs,
            scheduler=scheduler, chunk_size=chunk_size, max_chars=max_chars, resume=resume, force=force,
            progress=progress, say=_say,
        )
    except KeyboardInterrupt:
        if bar is not None:
            bar.stop()
            bar = None
        _stderr().print("interrupted: what was committed is safe; rerun with --resume to finish")
        raise typer.Exit(130)
    finally:
        if bar is not None:
            bar.stop()
    resumed = f" (+{summary.resumed} from earlier runs)" if summary.resumed else ""
    _say(f"{summary.processed} articles classified, {summary.failed} failed, {summary.skipped} duplicate ids skipped"
         f"{resumed} in {summary.elapsed:.1f} s ({summary.rate:.1f} articles/s, {summary.backend}) → {summary.output}")
    if not summary.ok:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(summary.reasons.items()))
        _say(f"{summary.total_failed + summary.total_skipped} record(s) not classified ({reasons}): see {summary.errors}")
        raise typer.Exit(EXIT_RECORDS_FAILED)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
