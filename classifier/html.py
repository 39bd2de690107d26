"""The HTML report: one self-contained file (no network, no external script, stylesheet or font).

``stance classify FILE --format html --output report.html`` writes, for each article: a per-actor
stance chart (inline SVG: the share of supportive / neutral / critical sentences, and the net score
with its 95 % bootstrap interval), the dominant frames, the framing report table, who says what
about whom, and the article's sentences with every target highlighted in its stance colour (the
stance and confidence show on hover). Several articles add a totals section.

Everything is rendered here, server side; the page has no script at all.
"""

from __future__ import annotations

from html import escape

from .data import LABELS

COLORS = {"supportive": "#1a7f37", "neutral": "#6e7781", "critical": "#cf222e"}
TINTS = {"supportive": "rgba(26,127,55,.18)", "neutral": "rgba(110,119,129,.16)", "critical": "rgba(207,34,46,.16)"}

CSS = """
:root { color-scheme: light; --sup: #1a7f37; --neu: #6e7781; --cri: #cf222e; --ink: #1f2328; --muted: #59636e; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0; padding: 24px 32px 48px; max-width: 1180px; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.25rem; margin: 32px 0 4px; border-top: 2px solid #d0d7de;
     padding-top: 16px; } h3 { font-size: 1.05rem; margin: 24px 0 8px; }
.meta { color: var(--muted); font-size: .85rem; margin: 0 0 12px; }
.grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 6px; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg .axis { stroke: #8c959f; stroke-width: 1; } svg .grid-line { stroke: #d0d7de; stroke-dasharray: 2 3; }
svg .bar.supportive, svg .dot.supportive { fill: var(--sup); } svg .bar.neutral, svg .dot.neutral { fill: var(--neu); }
svg .bar.critical, svg .dot.critical { fill: var(--cri); } svg .ci { stroke: var(--ink); stroke-width: 1.5; }
svg .frame-bar { fill: #0969da; } svg .muted { fill: var(--muted); }
.legend span { display: inline-block; margin-right: 14px; font-size: .85rem; }
.legend i { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
table { border-collapse: collapse; font-size: .88rem; margin: 4px 0 8px; width: 100%; }
table.actors td:last-child { min-width: 260px; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.stance { font-weight: 600; } .stance.supportive { color: var(--sup); } .stance.neutral { color: var(--neu); }
.stance.critical { color: var(--cri); }
.text p { margin: 0 0 6px; } .text .idx { color: var(--muted); font-size: .75rem; margin-right: 6px;
          font-variant-numeric: tabular-nums; }
mark.t { position: relative; padding: 0 2px; border-radius: 3px; color: inherit; cursor: help;
         border-bottom: 2px solid; }
mark.t.supportive { background: rgba(26,127,55,.18); border-color: var(--sup); }
mark.t.neutral { background: rgba(110,119,129,.16); border-color: var(--neu); }
mark.t.critical { background: rgba(207,34,46,.16); border-color: var(--cri); }
mark.t .tip { display: none; position: absolute; left: 0; top: 1.6em; z-index: 5; white-space: nowrap;
              background: var(--ink); color: #fff; font-size: .78rem; padding: 3px 7px; border-radius: 4px; }
mark.t:hover .tip, mark.t:focus .tip { display: block; }
.chip { display: inline-block; font-size: .72rem; background: #ddf4ff; color: #0550ae; border-radius: 9px;
        padding: 0 7px; margin-left: 4px; }
.empty { color: var(--muted); font-style: italic; }
"""


def _stance(value: str) -> str:
    return f'<span class="stance {escape(value)}">{escape(value)}</span>'


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def stance_chart(actors, width: int = 660) -> str:
    """Inline SVG: per actor, stacked shares of its sentences by stance, then net score ± 95 % CI."""
    if not actors:
        return '<p class="empty">no known actor found</p>'
    label_w, bars_w, gap, net_w = 170, 250, 30, width - 170 - 250 - 30 - 10
    row, top = 24, 26
    height = top + row * len(actors) + 8
    net_x0 = label_w + bars_w + gap
    center = net_x0 + net_w / 2
    parts = [
        f'<svg class="stance-chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="stance per actor">',
        f'<text x="{label_w}" y="14" class="muted">share of sentences</text>',
        f'<text x="{net_x0}" y="14" class="muted">net score (−1 … +1), 95% CI</text>',
        f'<line class="axis" x1="{center}" y1="{top - 4}" x2="{center}" y2="{height - 4}"/>',
        f'<line class="grid-line" x1="{net_x0}" y1="{top - 4}" x2="{net_x0}" y2="{height - 4}"/>',
        f'<line class="grid-line" x1="{net_x0 + net_w}" y1="{top - 4}" x2="{net_x0 + net_w}" y2="{height - 4}"/>',
    ]
    for i, actor in enumerate(actors):
        y = top + i * row
        name = actor.actor if len(actor.actor) <= 24 else actor.actor[:23] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(name)}</text>')
        total = sum(actor.counts.values()) or 1
        x = float(label_w)
        for label in LABELS:
            n = actor.counts.get(label, 0)
            if not n:
                continue
            w = bars_w * n / total
            parts.append(
                f'<rect class="bar {label}" data-actor="{escape(actor.actor)}" x="{x:.1f}" y="{y + 4}" '
                f'width="{w:.1f}" height="{row - 8}"><title>{escape(actor.actor)}: {n} {label} '
                f'({_pct(n / total)})</title></rect>'
            )
            x += w
        scale = net_w / 2
        ci = actor.net_score_ci or [actor.net_score, actor.net_score]
        x_low, x_high = center + ci[0] * scale, center + ci[1] * scale
        x_net = center + actor.net_score * scale
        parts.append(f'<line class="ci" x1="{x_low:.1f}" y1="{y + row / 2}" x2="{x_high:.1f}" y2="{y + row / 2}"/>')
        parts.append(
            f'<circle class="dot {actor.stance}" data-actor="{escape(actor.actor)}" cx="{x_net:.1f}" '
            f'cy="{y + row / 2}" r="5"><title>{escape(actor.actor)}: net {actor.net_score:+.2f} '
            f'[{ci[0]:+.2f}, {ci[1]:+.2f}], {actor.stance}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)


def frames_chart(frames: list[dict], width: int = 380, top_n: int = 8) -> str:
    """Inline SVG bars: the share of framed sentences that carry each frame."""
    if not frames:
        return '<p class="empty">no frame (the model has no frame companion, or no sentence was framed)</p>'
    frames = frames[:top_n]
    label_w, bar_w, row = 150, width - 150 - 50, 22
    height = row * len(frames) + 6
    parts = [f'<svg class="frames-chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'aria-label="frames">']
    for i, f in enumerate(frames):
        y = i * row
        w = max(1.0, bar_w * f["share"])
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(f["frame"])}</text>')
        parts.append(f'<rect class="frame-bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}">'
                     f'<title>{escape(f["frame"])}: {f["sentences"]} sentences ({_pct(f["share"])})</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="muted">{_pct(f["share"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _highlighted(sentence) -> str:
    """The sentence with each target mention wrapped in a stance-coloured ``<mark>``."""
    spans = []
    for target in sentence.targets:
        for m in target.mentions:
            spans.append((m.start - sentence.start, m.end - sentence.start, target))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out, cursor = [], 0
    for start, end, target in spans:
        if start < cursor or start < 0 or end > len(sentence.text):
            continue  # overlapping or out of range: keep the first
        out.append(escape(sentence.text[cursor:start]))
        tip = f"{target.actor}: {target.stance} ({_pct(target.confidence)} confidence)"
        out.append(
            f'<mark class="t {escape(target.stance)}" tabindex="0" data-actor="{escape(target.actor)}" '
            f'data-stance="{escape(target.stance)}" data-confidence="{target.confidence:.4f}" '
            f'title="{escape(tip)}">{escape(sentence.text[start:end])}<span class="tip" aria-hidden="true">'
            f'{escape(tip)}</span></mark>'
        )
        cursor = end
    out.append(escape(sentence.text[cursor:]))
    return "".join(out)


def _said(items, who: str) -> str:
    counts: dict[tuple[str, str], int] = {}
    for item in items or []:
        counts[(item[who], item["stance"])] = counts.get((item[who], item["stance"]), 0) + 1
    return ", ".join(f"{escape(name)}: {_stance(stance)}" + (f" ×{n}" if n > 1 else "")
                     for (name, stance), n in counts.items())


def article_section(result, number: int) -> str:
    parts = [f'<section class="article" id="article-{number}">',
             f"<h2>{escape(result.source)}</h2>",
             f'<p class="meta">language {escape(result.lang)} · {len(result.sentences)} sentences · '
             f'{len(result.actors)} actors · {len(result.sources or [])} attributed statements</p>',
             '<div class="grid">',
             '<figure><figcaption>Stance per actor</figcaption>',
             '<div class="legend">' + "".join(f'<span><i style="background:{COLORS[label]}"></i>{label}</span>'
                                              for label in LABELS) + "</div>",
             stance_chart(result.actors), "</figure>",
             "<figure><figcaption>Frames</figcaption>", frames_chart(result.frames or []), "</figure>",
             "</div>"]
    if result.actors:
        parts.append("<h3>Per actor</h3><table class=\"actors\"><thead><tr><th>actor</th><th>mentions</th>"
                     "<th>supportive</th><th>neutral</th><th>critical</th><th>net</th><th>95% CI</th><th>stance</th>"
                     "<th>frames</th><th>what others say about it</th><th>what it says about others</th>"
                     "<th>sentence that weighs most</th></tr></thead><tbody>")
        for a in result.actors:
            ci = a.net_score_ci or [a.net_score, a.net_score]
            top = (a.top_sentences or [a.top_sentence or {}])[0]
            parts.append(
                f"<tr><td>{escape(a.actor)}</td><td class=\"num\">{a.mentions}</td>"
                + "".join(f'<td class="num">{a.counts.get(label, 0)}</td>' for label in LABELS)
                + f'<td class="num">{a.net_score:+.2f}</td><td class="num">[{ci[0]:+.2f}, {ci[1]:+.2f}]</td>'
                f"<td>{_stance(a.stance)}</td><td>{escape(', '.join(f['frame'] for f in a.frames[:3]))}</td>"
                f"<td>{_said(a.said_about, 'source')}</td><td>{_said(a.says_about, 'target')}</td>"
                f"<td>[{top.get('index', '')}] {escape(top.get('text', ''))}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("<h3>Who says what about whom</h3>")
    if result.sources:
        parts.append("<table class=\"sources\"><thead><tr><th>#</th><th>source</th><th>how</th><th>target</th>"
                     "<th>stance</th><th>confidence</th></tr></thead><tbody>")
        for st in result.sources:
            parts.append(f'<tr><td class="num">{st.sentence}</td><td>{escape(st.source)}</td>'
                         f"<td>{escape(st.kind)} ({escape(st.cue)})</td><td>{escape(st.target)}</td>"
                         f'<td>{_stance(st.stance)}</td><td class="num">{_pct(st.confidence)}</td></tr>')
        parts.append("</tbody></table>")
    else:
        parts.append('<p class="empty">no statement attributed to a known actor</p>')
    parts.append('<h3>Text</h3><div class="text">')
    for sentence in result.sentences:
        chips = "".join(f'<span class="chip">{escape(f)}</span>' for f in sentence.frames)
        parts.append(f'<p id="a{number}-s{sentence.index}"><span class="idx">{sentence.index}</span>'
                     f"{_highlighted(sentence)}{chips}</p>")
    parts.append("</div></section>")
    return "".join(parts)


def totals_section(totals: list[dict]) -> str:
    parts = ['<section class="totals" id="totals"><h2>All articles: per-actor totals</h2>',
             "<table><thead><tr><th>actor</th><th>articles</th><th>mentions</th><th>supportive</th><th>neutral</th>"
             "<th>critical</th><th>net</th><th>95% CI</th><th>mean net per article</th><th>stance</th></tr></thead><tbody>"]
    for e in totals:
        ci = e["net_score_ci"]
        parts.append(f"<tr><td>{escape(e['actor'])}</td><td class=\"num\">{e['articles']}</td>"
                     f"<td class=\"num\">{e['mentions']}</td>"
                     + "".join(f'<td class="num">{e["counts"].get(label, 0)}</td>' for label in LABELS)
                     + f'<td class="num">{e["net_score"]:+.2f}</td><td class="num">[{ci[0]:+.2f}, {ci[1]:+.2f}]</td>'
                     f'<td class="num">{e["mean_article_net_score"]:+.2f}</td><td>{_stance(e["stance"])}</td></tr>')
    parts.append("</tbody></table></section>")
    return "".join(parts)


def render_html(results, title: str | None = None) -> str:
    """One self-contained HTML page for classified articles (:class:`~classifier.analysis.ArticleResult`)."""
    from .analysis import actor_totals

    results = list(results)
    title = title or ("stance report — " + (results[0].source if len(results) == 1 else f"{len(results)} articles"))
    model = results[0].model if results else {}
    lang = results[0].lang if results and results[0].lang in ("fr", "en") else "en"
    frames_model = (model.get("frames") or {}).get("name")
    body = [f"<header><h1>{escape(title)}</h1>",
            f'<p class="meta">stance model {escape(str(model.get("name")))} '
            f'(sha256 {escape(str(model.get("sha256", ""))[:12])}…)'
            + (f" · frame model {escape(frames_model)}" if frames_model else " · no frame model")
            + " · hover a highlighted name for its stance and confidence</p></header>"]
    body += [article_section(result, k) for k, result in enumerate(results)]
    if len(results) > 1:
        body.append(totals_section(actor_totals(results)))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
