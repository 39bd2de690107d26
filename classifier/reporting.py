"""Rendering results: rich tables for people, JSON / JSONL / CSV / Markdown for programs.

Every function takes the plain data that the library returns (``ArticleResult``, evaluation dicts)
and returns either a string or rich renderables; nothing here computes a score.
"""

from __future__ import annotations

import csv
import io
import json

from .data import LABELS

STANCE_STYLE = {"supportive": "green", "neutral": "grey62", "critical": "red"}


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_jsonl(items) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def to_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    buffer = io.StringIO()
    columns = columns or (list(rows[0]) if rows else [])
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


CLASSIFY_CSV_COLUMNS = [
    "source", "sentence_index", "actor", "mentions", "stance", "confidence",
    *[f"p_{label}" for label in LABELS], "sentence",
]
# `classify --report --format csv`: one row per (article, actor)
REPORT_CSV_COLUMNS = [
    "source", "actor", "type", "mentions", "sentences", *[f"n_{label}" for label in LABELS],
    "net_score", "ci_low", "ci_high", "stance", "frames", "said_about", "says_about", "top_sentence",
]
# `classify --totals FILE.csv`: one row per (actor, article) and one "(all)" row per actor
TOTALS_CSV_COLUMNS = [
    "actor", "type", "source", "mentions", "sentences", *[f"n_{label}" for label in LABELS],
    "net_score", "ci_low", "ci_high", "stance",
]


def _styled(stance: str) -> str:
    return f"[{STANCE_STYLE.get(stance, 'white')}]{stance}[/]"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def article_tables(result) -> list:
    """Rich renderables for one classified article: per-actor summary, then per-sentence stances."""
    from rich.markup import escape
    from rich.table import Table

    summary = Table(title=f"{escape(result.source)} — {result.lang}, {len(result.sentences)} sentences", title_justify="left")
    for column, justify in (("actor", "left"), ("mentions", "right"), ("supportive", "right"), ("neutral", "right"),
                            ("critical", "right"), ("net", "right"), ("stance", "left"), ("sentence that weighs most", "left")):
        summary.add_column(column, justify=justify, overflow="fold")
    for actor in result.actors:
        top = actor.top_sentence or {}
        summary.add_row(
            escape(actor.actor), str(actor.mentions), str(actor.counts["supportive"]), str(actor.counts["neutral"]),
            str(actor.counts["critical"]), f"{actor.net_score:+.2f}", _styled(actor.stance),
            escape(_clip(f"[{top.get('index')}] {top.get('text', '')}", 90)),
        )
    detail = Table(title="stance per sentence and actor", title_justify="left")
    for column, justify in (("#", "right"), ("actor", "left"), ("stance", "left"), ("conf.", "right"), ("sentence", "left")):
        detail.add_column(column, justify=justify, overflow="fold")
    for sentence in result.sentences:
        for target in sentence.targets:
            detail.add_row(
                str(sentence.index), escape(target.actor), _styled(target.stance), f"{target.confidence:.2f}",
                escape(_clip(sentence.text, 100)),
            )
    if not result.actors:
        return [summary, "[grey62]no known actor found in this text (see `stance actors`)[/]"]
    out = [summary, detail]
    if result.frames:
        out.append("[bold]frames:[/] " + escape(", ".join(
            f"{f['frame']} {f['share']:.0%}" for f in result.frames[:5])))
    if result.report:
        out += report_tables(result)
    return out


def _frames_text(frames: list[dict], top: int = 3) -> str:
    return ", ".join(f"{f['frame']} ({f['sentences']})" for f in frames[:top])


def _said_text(items: list[dict], who: str) -> str:
    counts: dict[tuple[str, str], int] = {}
    for item in items or []:
        key = (item[who], item["stance"])
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{name}: {_styled(stance)}" + (f" ×{n}" if n > 1 else "") for (name, stance), n in counts.items())


def report_tables(result) -> list:
    """The framing report of one article: per actor, quoted sources, who says what about whom."""
    from rich.markup import escape
    from rich.table import Table

    actors = Table(title="framing report — per actor", title_justify="left")
    for column, justify in (("actor", "left"), ("net", "right"), ("95% CI", "right"), ("stance", "left"),
                            ("frames", "left"), ("what others say about it", "left"), ("what it says about others", "left")):
        actors.add_column(column, justify=justify, overflow="fold")
    for a in result.actors:
        ci = a.net_score_ci or [a.net_score, a.net_score]
        actors.add_row(escape(a.actor), f"{a.net_score:+.2f}", f"[{ci[0]:+.2f}, {ci[1]:+.2f}]", _styled(a.stance),
                       escape(_frames_text(a.frames)), _said_text(a.said_about, "source"),
                       _said_text(a.says_about, "target"))
    weigh = Table(title="sentences that weigh most", title_justify="left")
    for column, justify in (("actor", "left"), ("#", "right"), ("stance", "left"), ("conf.", "right"), ("sentence", "left")):
        weigh.add_column(column, justify=justify, overflow="fold")
    for a in result.actors:
        for item in a.top_sentences or []:
            weigh.add_row(escape(a.actor), str(item["index"]), _styled(item["stance"]), f"{item['confidence']:.2f}",
                          escape(_clip(item["text"], 90)))
    out = [actors, weigh]
    if result.sources:
        who = Table(title="who says what about whom", title_justify="left")
        for column in ("#", "source", "kind", "cue", "target", "stance", "conf."):
            who.add_column(column, justify="right" if column in ("#", "conf.") else "left")
        for st in result.sources:
            who.add_row(str(st.sentence), escape(st.source), st.kind, escape(st.cue), escape(st.target),
                        _styled(st.stance), f"{st.confidence:.2f}")
        out.append(who)
    if result.sources_quoted:
        out.append("[bold]sources quoted:[/] " + escape(", ".join(
            f"{q['actor']} ({q['statements']})" for q in result.sources_quoted)))
    return out


def totals_table(totals: list[dict]):
    """Per-actor totals over several articles."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"totals over all articles ({len(totals)} actors)", title_justify="left")
    for column in ("actor", "articles", "mentions", "supportive", "neutral", "critical", "net", "95% CI",
                   "mean net per article", "stance"):
        table.add_column(column, justify="left" if column in ("actor", "stance") else "right")
    for e in totals:
        ci = e["net_score_ci"]
        table.add_row(escape(e["actor"]), str(e["articles"]), str(e["mentions"]),
                      *[str(e["counts"].get(label, 0)) for label in LABELS], f"{e['net_score']:+.2f}",
                      f"[{ci[0]:+.2f}, {ci[1]:+.2f}]", f"{e['mean_article_net_score']:+.2f}", _styled(e["stance"]))
    return table


def evaluation_tables(report: dict) -> list:
    from rich.markup import escape
    from rich.table import Table

    head = Table(title=f"evaluation on {report['n']} targets", title_justify="left")
    head.add_column("metric")
    head.add_column("value", justify="right")
    head.add_row("accuracy", _fmt(report["accuracy"]))
    head.add_row("macro-F1", _fmt(report["macro_f1"]))
    per_class = Table(title="per class", title_justify="left")
    for column in ("class", "precision", "recall", "F1", "support"):
        per_class.add_column(column, justify="left" if column == "class" else "right")
    for label, row in report["per_class"].items():
        per_class.add_row(_styled(label), _fmt(row["precision"]), _fmt(row["recall"]), _fmt(row["f1"]), str(row["support"]))
    matrix = Table(title="confusion matrix (rows: gold, columns: predicted)", title_justify="left")
    labels = report["confusion_matrix"]["labels"]
    matrix.add_column("gold \\ predicted")
    for label in labels:
        matrix.add_column(label, justify="right")
    for label, counts in zip(labels, report["confusion_matrix"]["matrix"]):
        matrix.add_row(label, *[str(c) for c in counts])
    out = [head, per_class, matrix]
    for key, title in (("per_language", "per language"), ("per_actor", "per actor (top 15)")):
        groups = report.get(key) or {}
        if not groups:
            continue
        table = Table(title=title, title_justify="left")
        for column in (key.removeprefix("per_"), "n", "accuracy", "macro-F1"):
            table.add_column(column, justify="left" if column == key.removeprefix("per_") else "right")
        for name, row in list(groups.items())[:15]:
            table.add_row(escape(str(name)), str(row["n"]), _fmt(row["accuracy"]), _fmt(row["macro_f1"]))
        out.append(table)
    frames = report.get("frames")
    if frames:
        table = Table(title=f"frames on {frames['n_sentences']} sentences: micro-F1 {_fmt(frames['micro_f1'])}, "
                            f"macro-F1 {_fmt(frames['macro_f1'])}", title_justify="left")
        for column in ("frame", "precision", "recall", "F1", "support"):
            table.add_column(column, justify="left" if column == "frame" else "right")
        for label, row in frames["per_frame"].items():
            table.add_row(escape(label), _fmt(row["precision"]), _fmt(row["recall"]), _fmt(row["f1"]), str(row["support"]))
        out.append(table)
    return out


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def evaluation_markdown(report: dict) -> str:
    lines = [f"# Evaluation ({report['n']} targets)", "", "| metric | value |", "| --- | ---: |",
             f"| accuracy | {_fmt(report['accuracy'])} |", f"| macro-F1 | {_fmt(report['macro_f1'])} |", "",
             "| class | precision | recall | F1 | support |", "| --- | ---: | ---: | ---: | ---: |"]
    for label, row in report["per_class"].items():
        lines.append(f"| {label} | {_fmt(row['precision'])} | {_fmt(row['recall'])} | {_fmt(row['f1'])} | {row['support']} |")
    labels = report["confusion_matrix"]["labels"]
    lines += ["", "Confusion matrix (rows: gold, columns: predicted)", "",
              "| gold \\ predicted | " + " | ".join(labels) + " |", "| --- |" + " ---: |" * len(labels)]
    for label, counts in zip(labels, report["confusion_matrix"]["matrix"]):
        lines.append(f"| {label} | " + " | ".join(str(c) for c in counts) + " |")
    for key in ("per_language", "per_actor"):
        groups = report.get(key) or {}
        if groups:
            name = key.removeprefix("per_")
            lines += ["", f"| {name} | n | accuracy | macro-F1 |", "| --- | ---: | ---: | ---: |"]
            for group, row in groups.items():
                lines.append(f"| {group} | {row['n']} | {_fmt(row['accuracy'])} | {_fmt(row['macro_f1'])} |")
    frames = report.get("frames")
    if frames:
        lines += ["", f"## Frames ({frames['n_sentences']} sentences)", "",
                  f"micro-F1 {_fmt(frames['micro_f1'])} · macro-F1 {_fmt(frames['macro_f1'])}", "",
                  "| frame | precision | recall | F1 | support |", "| --- | ---: | ---: | ---: | ---: |"]
        for label, row in frames["per_frame"].items():
            lines.append(f"| {label} | {_fmt(row['precision'])} | {_fmt(row['recall'])} | {_fmt(row['f1'])} | {row['support']} |")
    return "\n".join(lines) + "\n"


def card_table(card: dict):
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"model {escape(str(card.get('name')))}", title_justify="left", show_header=False)
    table.add_column("key")
    table.add_column("value", overflow="fold")
    cv = card.get("cross_validation") or {}
    data = card.get("data") or {}
    rows = [
        ("file", card.get("model_file")),
        ("sha256", card.get("sha256")),
        ("labels", ", ".join(card.get("labels", []))),
        ("trained at", card.get("trained_at")),
        ("seed", card.get("seed")),
        ("training targets", data.get("total")),
        ("per language", ", ".join(f"{lang}: {sum(c.values())}" for lang, c in (data.get("counts") or {}).items())),
        ("cross-validated macro-F1", f"{cv['macro_f1_mean']:.3f} ± {cv['macro_f1_std']:.3f} ({cv['folds']} folds)" if cv else "not run"),
        ("cross-validated accuracy", f"{cv['accuracy_mean']:.3f} ± {cv['accuracy_std']:.3f}" if cv else "not run"),
        ("frames", _card_frames(card.get("frames", ""))),
        ("scikit-learn", (card.get("versions") or {}).get("scikit-learn")),
        ("size", f"{card.get('size_bytes', 0) / 1e6:.1f} MB"),
    ]
    for key, value in rows:
        table.add_row(key, escape(str(value)))
    return table


def _card_frames(entry) -> str:
    if not entry:
        return "none (no frame labels in the training data)" if entry is None else "–"
    cv = entry.get("cross_validation")
    scores = f"; cross-validated micro-F1 {cv['micro_f1_mean']:.3f}, macro-F1 {cv['macro_f1_mean']:.3f}" if cv else ""
    return f"{entry.get('model_file')}: {len(entry.get('labels', []))} frames, {entry.get('sentences')} sentences{scores}"


def actors_table(index):
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(index)} actors", title_justify="left")
    for column in ("actor", "type", "affiliation", "aliases (fr)", "aliases (en)"):
        table.add_column(column, overflow="fold")
    for actor in index.actors.values():
        fr = actor.aliases.get("fr", []) + actor.demonyms.get("fr", [])
        en = actor.aliases.get("en", []) + actor.demonyms.get("en", [])
        table.add_row(escape(actor.name), actor.type, escape(actor.affiliation or ""), escape(", ".join(fr)), escape(", ".join(en)))
    return table
