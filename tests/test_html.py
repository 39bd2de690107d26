"""The HTML report: one self-contained file, and it renders (headless Chromium, when installed)."""

import re
import shutil
import struct
import subprocess
import zlib

import pytest
from typer.testing import CliRunner

from classifier.analysis import StanceAnalyzer
from classifier.cli import app
from classifier.html import COLORS, render_html

runner = CliRunner()
ARTICLE = ("Paris a accusé Berlin mardi. Kiev a salué Moscou mardi.\n"
           "«Berlin ment», a déclaré Paris. Londres a reçu Berlin <b>mardi</b> & jeudi.")


@pytest.fixture(scope="module")
def report(tiny_frames_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    article = folder / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = folder / "report.html"
    result = runner.invoke(app, ["classify", str(article), "--model", str(tiny_frames_model), "--format", "html",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert not re.search(r"https?://|//cdn|@import|url\(|<link\b|<script\b|<iframe\b|<img\b", html, re.I)
    assert "&lt;b&gt;mardi&lt;/b&gt; &amp; jeudi" in html  # the article's text is escaped


def test_report_has_chart_frames_and_highlights(report):
    html = report.read_text(encoding="utf-8")
    assert html.count('class="stance-chart"') == 1 and 'class="frames-chart"' in html
    assert re.search(r'<rect class="bar critical" data-actor="Allemagne"', html)
    marks = re.findall(r'<mark class="t (\w+)"[^>]*data-actor="([^"]+)"[^>]*data-confidence="([\d.]+)"'
                       r'[^>]*title="([^"]+)">([^<]+)<', html)
    assert {text for *_, text in marks} >= {"Paris", "Berlin", "Kiev", "Moscou", "Londres"}
    for stance, actor, confidence, title, _ in marks:
        assert stance in COLORS and 0 <= float(confidence) <= 1 and title.startswith(f"{actor}: {stance} (")
    assert "Who says what about whom" in html and "quote (déclaré)" in html
    assert re.search(r'<span class="chip">[a-z_]+</span>', html)


def test_several_articles_get_totals(tiny_frames_model):
    analyzer = StanceAnalyzer.load(tiny_frames_model)
    results = [analyzer.analyze(ARTICLE, source="a", report=True), analyzer.analyze("Paris met Berlin on Tuesday.", source="b")]
    html = render_html(results)
    assert html.count('<section class="article"') == 2 and 'id="totals"' in html


# ------------------------------------------------------------------------------------------ rendering

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, timeout=120)


def png_pixels(path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) into rows of pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (2, 6) and interlace == 0
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, channels, rows


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package `chromium`; .ci/run installs it)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    dom = chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    rendered = dom.stdout.decode("utf-8")
    assert len(re.findall(r"<rect class=\"bar ", rendered)) >= 5  # the chart survived parsing
    assert len(re.findall(r"<circle class=\"dot ", rendered)) >= 4
    assert len(re.findall(r"<mark class=\"t ", rendered)) >= 7  # every target highlighted
    shot = tmp_path / "report.png"
    result = chromium(tmp_path, "--window-size=1200,1400", "--hide-scrollbars", f"--screenshot={shot}", report.as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr.decode(errors="replace")[-2000:]
    width, channels, rows = png_pixels(shot)
    counts = {name: 0 for name in COLORS}
    targets = {name: tuple(int(COLORS[name][i:i + 2], 16) for i in (1, 3, 5)) for name in COLORS}
    for row in rows[::2]:
        for x in range(0, width * channels, channels * 2):
            pixel = tuple(row[x:x + 3])
            for name, rgb in targets.items():
                if all(abs(a - b) <= 12 for a, b in zip(pixel, rgb)):
                    counts[name] += 1
    # the stacked bars paint solid stance colours: critical (Berlin) and supportive (Moscou) must show
    assert counts["critical"] > 50 and counts["supportive"] > 50 and counts["neutral"] > 50, counts
