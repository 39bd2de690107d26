"""Classifying articles: sentences → actor mentions → stance per (sentence, actor) → per-actor summary.

:class:`StanceAnalyzer` bundles a verified model and an actor index; :meth:`StanceAnalyzer.analyze`
returns an :class:`ArticleResult`, plain data that the CLI renders and that ``to_dict()`` turns into
JSON-ready dictionaries (the schema is documented in ``docs/output-schema.md``).

Besides stance, a result carries framing: the frames of each sentence (when the model has a frame
companion, see :mod:`classifier.frames`), who says what about whom (:mod:`classifier.sources`), and —
with ``report=True`` — a per-actor framing report: a bootstrap confidence interval of the net score,
the sentences that weigh most, what others say about the actor and what it says about others.
"""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

import numpy as np

from .actors import ActorIndex, load_actors
from .data import LABELS, Target
from .errors import StanceInputError
from .segmentation import detect_language, split_sentences

# Net score (mean of P(supportive) − P(critical)) beyond which an actor's overall stance is not neutral.
NET_THRESHOLD = 0.15


@dataclass
class MentionSpan:
    text: str
    start: int  # offsets in the article
    end: int


@dataclass
class TargetResult:
    """The stance of one sentence toward one actor (its mentions in the sentence pooled)."""

    actor: str
    stance: str
    confidence: float
    probabilities: dict[str, float]
    mentions: list[MentionSpan]


@dataclass
class SentenceResult:
    index: int
    start: int
    end: int
    text: str
    targets: list[TargetResult] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)  # predicted frames, most probable first
    frame_scores: dict[str, float] = field(default_factory=dict)  # probability of every frame


@dataclass
class SourceStatement:
    """Who says what about whom: ``source`` makes a statement about ``target`` in sentence ``sentence``.

    ``stance`` and ``confidence`` are the stance model's prediction for ``target`` in that sentence;
    ``kind`` is how the statement is attributed (``reported_speech``, ``quote``, ``accusation``,
    ``praise``, ``according_to``) and ``cue`` the verb or marker that attributes it.
    """

    sentence: int
    source: str
    target: str
    stance: str
    confidence: float
    kind: str
    cue: str
    source_mention: MentionSpan


@dataclass
class ActorSummary:
    """How an article treats one actor (the fields after ``frames`` are filled with ``report=True``)."""

    actor: str
    type: str
    affiliation: str | None
    mentions: int
    sentences: int
    counts: dict[str, int]
    net_score: float
    stance: str
    top_sentence: dict | None
    frames: list[dict] = field(default_factory=list)  # [{"frame", "sentences", "share"}], most frequent first
    net_score_ci: list[float] | None = None  # 95 % bootstrap interval over the actor's sentences
    top_sentences: list[dict] | None = None  # the sentences that weigh most toward the overall stance
    said_about: list[dict] | None = None  # what others say about this actor
    says_about: list[dict] | None = None  # what this actor says about others


REPORT_FIELDS = ("net_score_ci", "top_sentences", "said_about", "says_about")


@dataclass
class ArticleResult:
    source: str
    lang: str
    sentences: list[SentenceResult]
    actors: list[ActorSummary]
    model: dict
    frames: list[dict] | None = None  # dominant frames of the article (computed from the sentences)
    sources: list[SourceStatement] | None = None  # who says what about whom (computed from the sentences)
    sources_quoted: list[dict] | None = None  # report only: each quoted actor and what it talks about

    def __post_init__(self):
        if self.frames is None:
            self.frames = frame_shares(self.sentences)
        if self.sources is None:
            self.sources = find_sources(self.sentences)

    @property
    def report(self) -> bool:
        return self.sources_quoted is not None

    def to_dict(self) -> dict:
        out = {
            "source": self.source,
            "lang": self.lang,
            "model": self.model,
            "n_sentences": len(self.sentences),
            "frames": self.frames,
            "sentences": [_plain(s) for s in self.sentences],
            "actors": [_actor_dict(a) for a in self.actors],
            "sources": [_plain(s) for s in self.sources],
        }
        if self.sources_quoted is not None:
            out["sources_quoted"] = self.sources_quoted
        return out

    def report_rows(self) -> list[dict]:
        """One flat row per actor with the report's figures, for CSV."""
        rows = []
        for a in self.actors:
            ci = a.net_score_ci or [None, None]
            rows.append({
                "source": self.source,
                "actor": a.actor,
                "type": a.type,
                "mentions": a.mentions,
                "sentences": a.sentences,
                **{f"n_{label}": a.counts.get(label, 0) for label in LABELS},
                "net_score": a.net_score,
                "ci_low": ci[0],
                "ci_high": ci[1],
                "stance": a.stance,
                "frames": " | ".join(f"{f['frame']}:{f['sentences']}" for f in a.frames),
                "said_about": _tally(a.said_about, "source"),
                "says_about": _tally(a.says_about, "target"),
                "top_sentence": (a.top_sentence or {}).get("text", ""),
            })
        return rows

    def rows(self) -> list[dict]:
        """One flat row per (sentence, actor), for CSV and tables."""
        out = []
        for sentence in self.sentences:
            for target in sentence.targets:
                out.append(
                    {
                        "source": self.source,
                        "sentence_index": sentence.index,
                        "actor": target.actor,
                        "mentions": " | ".join(m.text for m in target.mentions),
                        "stance": target.stance,
                        "confidence": target.confidence,
                        **{f"p_{label}": target.probabilities.get(label, 0.0) for label in LABELS},
                        "sentence": sentence.text,
                    }
                )
        return out


def overall_stance(net_score: float, threshold: float = NET_THRESHOLD) -> str:
    if net_score > threshold:
        return "supportive"
    if net_score < -threshold:
        return "critical"
    return "neutral"


def _tally(statements: list[dict] | None, who: str) -> str:
    """``"Chine:supportive×2 | Iran:critical"`` from report statements."""
    counts: dict[tuple[str, str], int] = {}
    for item in statements or []:
        counts[(item[who], item["stance"])] = counts.get((item[who], item["stance"]), 0) + 1
    return " | ".join(f"{name}:{stance}" + (f"×{n}" if n > 1 else "") for (name, stance), n in counts.items())


_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value):
    """``dataclasses.asdict`` for result objects: fresh dicts and lists all the way down, without
    ``asdict``'s ``deepcopy`` of every leaf (results hold only str, int, float, bool and None leaves),
    which made it most of the cost of ``to_dict`` on long articles."""
    cls = type(value)
    if cls in (str, int, float, bool) or value is None:
        return value
    names = _FIELDS.get(cls)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[cls] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if cls is list:
        return [_plain(v) for v in value]
    if cls is dict:
        return {k: _plain(v) for k, v in value.items()}
    if cls is tuple:
        return tuple(_plain(v) for v in value)
    return copy.deepcopy(value)


def _actor_dict(actor: ActorSummary) -> dict:
    out = _plain(actor)
    for name in REPORT_FIELDS:
        if out[name] is None:
            del out[name]
    return out


# Sentences shorter than this (in word tokens) get no frame: datelines, bylines, "AFP".
MIN_FRAME_WORDS = 4
BOOTSTRAP_SAMPLES = 1000
TOP_SENTENCES = 3


def frame_shares(sentences: list[SentenceResult]) -> list[dict]:
    """``[{"frame", "sentences", "share"}]``: how many framed sentences carry each frame, most first."""
    framed = [s for s in sentences if s.frames]
    counts: dict[str, int] = {}
    weight: dict[str, float] = {}
    for sentence in framed:
        for frame in sentence.frames:
            counts[frame] = counts.get(frame, 0) + 1
            weight[frame] = weight.get(frame, 0.0) + sentence.frame_scores.get(frame, 0.0)
    order = sorted(counts, key=lambda f: (-counts[f], -weight[f], f))
    return [{"frame": f, "sentences": counts[f], "share": round(counts[f] / len(framed), 4)} for f in order]


def find_sources(sentences: list[SentenceResult]) -> list[SourceStatement]:
    """Who says what about whom, from the sentences' texts and their targets' stances."""
    from .sources import find_attributions, statement_targets

    out: list[SourceStatement] = []
    for sentence in sentences:
        if not sentence.targets:
            continue
        mentions = _sentence_mentions(sentence)
        by_actor = {t.actor: t for t in sentence.targets}
        for attribution in find_attributions(sentence.text, mentions):
            seen = set()
            for mention in statement_targets(attribution, mentions):
                if mention.actor in seen:
                    continue
                seen.add(mention.actor)
                target = by_actor[mention.actor]
                out.append(SourceStatement(
                    sentence=sentence.index,
                    source=attribution.source,
                    target=mention.actor,
                    stance=target.stance,
                    confidence=target.confidence,
                    kind=attribution.kind,
                    cue=attribution.cue,
                    source_mention=MentionSpan(attribution.source_text, sentence.start + attribution.source_start,
                                               sentence.start + attribution.source_end),
                ))
    return out


def _sentence_mentions(sentence: SentenceResult) -> list:
    """The sentence's actor mentions with offsets relative to the sentence (what sources.py expects)."""
    from types import SimpleNamespace

    return [
        SimpleNamespace(actor=t.actor, text=m.text, start=m.start - sentence.start, end=m.end - sentence.start)
        for t in sentence.targets for m in t.mentions
    ]


def quoted_sources(sentences: list[SentenceResult]) -> list[dict]:
    """Every actor the article quotes or reports, with what its statements are about (report)."""
    from .sources import find_attributions, statement_targets

    quoted: dict[str, dict] = {}
    for sentence in sentences:
        if not sentence.targets:
            continue
        mentions = _sentence_mentions(sentence)
        stance_of = {t.actor: t.stance for t in sentence.targets}
        for attribution in find_attributions(sentence.text, mentions):
            entry = quoted.setdefault(attribution.source, {"actor": attribution.source, "statements": 0,
                                                           "sentences": [], "kinds": {}, "targets": {}})
            entry["statements"] += 1
            if sentence.index not in entry["sentences"]:
                entry["sentences"].append(sentence.index)
            entry["kinds"][attribution.kind] = entry["kinds"].get(attribution.kind, 0) + 1
            for actor in dict.fromkeys(m.actor for m in statement_targets(attribution, mentions)):
                counts = entry["targets"].setdefault(actor, {label: 0 for label in LABELS})
                counts[stance_of[actor]] = counts.get(stance_of[actor], 0) + 1
    return sorted(quoted.values(), key=lambda e: (-e["statements"], e["actor"]))


def bootstrap_interval(values, samples: int = BOOTSTRAP_SAMPLES, level: float = 0.95, seed: int = 0) -> list[float]:
    """Percentile bootstrap interval of the mean of ``values`` (resampling the values, seeded)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return [0.0, 0.0]
    if len(values) == 1:
        return [round(float(values[0]), 4)] * 2
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(samples, len(values)))].mean(axis=1)
    low, high = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
    return [round(float(low), 4), round(float(high), 4)]


def leaning(target: TargetResult) -> float:
    """P(supportive) − P(critical) of one target: the unit of the net score."""
    return target.probabilities.get("supportive", 0.0) - target.probabilities.get("critical", 0.0)


def pool_mentions(probabilities, labels) -> np.ndarray:
    """One probability vector for an actor mentioned several times in a sentence.

    A sentence's stance toward an actor is the strongest one it expresses through any mention:
    « l'alliance entre Moscou et Pékin…», a déclaré Poutine, selon une vidéo diffusée par le Kremlin»
    praises Russia through *Moscou* even though *le Kremlin* is only the channel. So the mention with
    the least neutral probability speaks for the actor (an average would dilute it toward neutral).
    """
    if len(probabilities) == 1:
        return np.asarray(probabilities[0], dtype=float)
    if "neutral" not in labels:
        return np.mean(probabilities, axis=0)
    neutral = list(labels).index("neutral")
    return min(probabilities, key=lambda p: p[neutral])


@dataclass
class _Article:
    """An article between preparation and prediction (see :meth:`StanceAnalyzer.analyze_many`)."""

    source: str
    language: str
    sentences: list[SentenceResult]
    inputs: list[Target]  # one per actor mention, in sentence order
    owners: list[tuple]  # (sentence, mention) of each input
    frame_eligible: list[SentenceResult]
    context: str  # the article's text, the frame model's document context
    proba: np.ndarray | None = None
    frame_proba: np.ndarray | None = None


def _split_rows(matrix: np.ndarray, counts: list[int]) -> list[np.ndarray]:
    """``matrix`` cut into consecutive blocks of ``counts`` rows (one per article)."""
    return np.split(matrix, np.cumsum(counts)[:-1]) if counts else []


def _has_words(text: str, n: int) -> bool:
    """Whether ``text`` has at least ``n`` word tokens (tokens starting with a letter or digit)."""
    from .segmentation import iter_tokens

    found = 0
    for token in iter_tokens(text):
        if token[:1].isalnum():
            found += 1
            if found >= n:
                return True
    return False


class StanceAnalyzer:
    """A model and an actor index (and optionally a frame model), ready to classify articles."""

    def __init__(self, model, actors: ActorIndex, model_info: dict | None = None, frame_model=None):
        self.model = model
        self.actors = actors
        self.model_info = model_info or {}
        self.frame_model = frame_model
        self._labels = [str(c) for c in model.classes_]

    @classmethod
    def load(cls, model_path=None, actors_path=None, replace_actors: bool = False, progress=None):
        """Load the default (trained on first use) or given model, its frame companion and the actors."""
        from .frames import load_companion
        from .registry import resolve_model

        model, card, path = resolve_model(model_path, progress=progress)
        info = {"name": card.get("name"), "path": str(path), "sha256": card.get("sha256")}
        frame_model, frame_card = load_companion(path, card)
        if frame_model is not None:
            info["frames"] = {"name": frame_card.get("name"), "sha256": frame_card.get("sha256"),
                              "labels": [str(c) for c in frame_model.classes_]}
        return cls(model, load_actors(actors_path, replace=replace_actors), info, frame_model)

    def _frame_inputs(self, sentences: list[SentenceResult]) -> tuple[list[SentenceResult], str]:
        """The sentences long enough to be framed, and their document context (the article)."""
        if self.frame_model is None:
            return [], ""
        eligible = [s for s in sentences if _has_words(s.text, MIN_FRAME_WORDS)]
        return eligible, " ".join(s.text for s in sentences)

    def _set_frames(self, eligible: list[SentenceResult], proba) -> None:
        chosen = self.frame_model.decide(proba)
        labels = [str(c) for c in self.frame_model.classes_]
        for sentence, row, frames in zip(eligible, proba, chosen):
            scores = {label: round(float(p), 4) for label, p in zip(labels, row)}
            sentence.frames = sorted(frames, key=lambda f: -scores[f])
            sentence.frame_scores = scores

    def analyze(self, text: str, lang: str = "auto", source: str = "-", report: bool = False) -> ArticleResult:
        """Classify ``text``: stance per (sentence, actor), frames, sources, per-actor summary.

        ``report=True`` adds the framing report (confidence intervals, weightiest sentences, what
        actors say about each other, quoted sources).
        """
        (result,) = self.analyze_many([(text, lang, source)], report=report)
        if isinstance(result, BaseException):
            raise result
        return result

    def analyze_many(self, items, report: bool = False) -> list:
        """:meth:`analyze` for many articles at once: one stance and one frame model call for all.

        ``items`` are texts or ``(text, lang, source)`` tuples. Returns one :class:`ArticleResult` per
        item, or the exception that item raised (one bad article never sinks the others). Results are
        identical to :meth:`analyze` item by item — the models score rows independently — but the
        fixed cost of each model call (validation, vectorizer set-up) is paid once per batch.
        """
        prepared: list = []
        for item in items:
            text, lang, source = (item, "auto", "-") if isinstance(item, str) else item
            try:
                prepared.append(self._prepare(text, lang, source))
            except Exception as exc:  # noqa: BLE001 - reported per item
                prepared.append(exc)
        ready = [p for p in prepared if not isinstance(p, BaseException)]
        try:
            self._predict(ready)
        except Exception:  # noqa: BLE001 - find the culprit: predict article by article
            for k, article in enumerate(prepared):
                if isinstance(article, BaseException):
                    continue
                try:
                    self._predict([article])
                except Exception as exc:  # noqa: BLE001
                    prepared[k] = exc
        results: list = []
        for article in prepared:
            if isinstance(article, BaseException):
                results.append(article)
                continue
            try:
                results.append(self._finish(article, report))
            except Exception as exc:  # noqa: BLE001
                results.append(exc)
        return results

    def _prepare(self, text: str, lang: str, source: str) -> "_Article":
        """Validate, split into sentences, find the actor mentions and the sentences to frame."""
        if not isinstance(text, str):
            raise StanceInputError("expected text", source)
        if lang not in ("auto", "fr", "en"):
            raise StanceInputError(f"unknown language {lang!r}; expected auto, fr or en", field="lang")
        language = detect_language(text) if lang == "auto" else lang
        sentences = [SentenceResult(s.index, s.start, s.end, s.text) for s in split_sentences(text)]
        inputs, owners = [], []
        for sentence in sentences:
            for mention in self.actors.find(sentence.text):
                inputs.append(Target(sentence.text, mention.start, mention.end, language))
                owners.append((sentence, mention))
        eligible, context = self._frame_inputs(sentences)
        return _Article(source, language, sentences, inputs, owners, eligible, context)

    def _predict(self, articles: list["_Article"]) -> None:
        """Stance probabilities of every mention and frame probabilities of every eligible sentence."""
        inputs = [t for a in articles for t in a.inputs]
        proba = self.model.predict_proba(inputs) if inputs else np.zeros((0, len(self._labels)))
        for article, rows in zip(articles, _split_rows(proba, [len(a.inputs) for a in articles])):
            article.proba = rows
        sentences = [s.text for a in articles for s in a.frame_eligible]
        if not sentences:
            return
        contexts = [a.context for a in articles for _ in a.frame_eligible]
        proba = self.frame_model.predict_proba(sentences, contexts=contexts)
        for article, rows in zip(articles, _split_rows(proba, [len(a.frame_eligible) for a in articles])):
            article.frame_proba = rows

    def _finish(self, article: "_Article", report: bool) -> ArticleResult:
        """Pool mentions into targets, set frames, attribute statements, summarize."""
        pooled: dict[tuple[int, str], list] = {}
        for (sentence, mention), p in zip(article.owners, article.proba):
            pooled.setdefault((sentence.index, mention.actor), [sentence, [], []])
            entry = pooled[(sentence.index, mention.actor)]
            entry[1].append(MentionSpan(mention.text, sentence.start + mention.start, sentence.start + mention.end))
            entry[2].append(p)
        for (_, actor), (sentence, spans, ps) in pooled.items():
            chosen = pool_mentions(ps, self._labels)
            best = int(np.argmax(chosen))
            probabilities = {label: round(float(v), 4) for label, v in zip(self._labels, chosen)}
            sentence.targets.append(
                TargetResult(actor, self._labels[best], round(float(chosen[best]), 4), probabilities, spans)
            )
        if article.frame_eligible:
            self._set_frames(article.frame_eligible, article.frame_proba)
        sentences = article.sentences
        sources = find_sources(sentences)
        return ArticleResult(
            article.source, article.language, sentences,
            self.summarize(sentences, report=report, sources=sources), self.model_info,
            sources=sources, sources_quoted=quoted_sources(sentences) if report else None,
        )

    def summarize(self, sentences: list[SentenceResult], report: bool = False, sources=None) -> list[ActorSummary]:
        """Per-actor totals, sorted by number of mentions (with the report fields if ``report``)."""
        if report and sources is None:
            sources = find_sources(sentences)
        by_actor: dict[str, list[tuple[SentenceResult, TargetResult]]] = {}
        for sentence in sentences:
            for target in sentence.targets:
                by_actor.setdefault(target.actor, []).append((sentence, target))
        summaries = []
        for actor, items in by_actor.items():
            counts = {label: 0 for label in LABELS}
            leanings = []
            for _, target in items:
                counts[target.stance] = counts.get(target.stance, 0) + 1
                leanings.append(leaning(target))
            net = float(np.mean(leanings))
            stance = overall_stance(net)
            # the sentence that weighs most toward the overall stance
            if stance == "neutral":
                key = lambda item: item[1].probabilities.get("neutral", 0.0)  # noqa: E731
            else:
                sign = 1 if stance == "supportive" else -1
                key = lambda item: sign * leaning(item[1])  # noqa: E731
            top_sentence, top_target = max(items, key=key)
            info = self.actors.get(actor)
            frames = frame_shares([sentence for sentence, _ in items])
            summary = ActorSummary(
                actor=actor,
                type=info.type if info else "other",
                affiliation=info.affiliation if info else None,
                mentions=sum(len(t.mentions) for _, t in items),
                sentences=len(items),
                counts=counts,
                net_score=round(net, 4),
                stance=stance,
                top_sentence={
                    "index": top_sentence.index,
                    "text": top_sentence.text,
                    "stance": top_target.stance,
                    "confidence": top_target.confidence,
                },
                frames=frames,
            )
            if report:
                ranked = sorted(items, key=lambda item: (-key(item), item[0].index))[:TOP_SENTENCES]
                summary.net_score_ci = bootstrap_interval(leanings, seed=zlib.crc32(actor.encode("utf-8")))
                summary.top_sentences = [
                    {"index": s.index, "text": s.text, "stance": t.stance, "confidence": t.confidence,
                     "leaning": round(leaning(t), 4)}
                    for s, t in ranked
                ]
                summary.said_about = [
                    {"source": st.source, "sentence": st.sentence, "stance": st.stance, "confidence": st.confidence,
                     "kind": st.kind, "cue": st.cue}
                    for st in sources if st.target == actor
                ]
                summary.says_about = [
                    {"target": st.target, "sentence": st.sentence, "stance": st.stance, "confidence": st.confidence,
                     "kind": st.kind, "cue": st.cue}
                    for st in sources if st.source == actor
                ]
            summaries.append(summary)
        summaries.sort(key=lambda s: (-s.mentions, s.actor))
        return summaries


def read_article(path: str | Path) -> str:
    """Read an article as UTF-8 text, with a one-line error for unreadable or binary files."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StanceInputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise StanceInputError(f"not UTF-8 text (byte {exc.start})", str(path), line) from None


def actor_totals(results: list[ArticleResult]) -> list[dict]:
    """Per-actor totals over several articles, for further analysis (``stance classify --totals``).

    For each actor: articles, mentions, sentences, counts per stance, the overall net score (mean
    leaning over all its sentences, with a bootstrap interval), the mean of the per-article net
    scores, and one entry per article (``per_article``).
    """
    by_actor: dict[str, dict] = {}
    for result in results:
        leanings_of: dict[str, list[float]] = {}
        for sentence in result.sentences:
            for target in sentence.targets:
                leanings_of.setdefault(target.actor, []).append(leaning(target))
        for summary in result.actors:
            entry = by_actor.setdefault(summary.actor, {
                "actor": summary.actor, "type": summary.type, "affiliation": summary.affiliation,
                "articles": 0, "mentions": 0, "sentences": 0, "counts": {label: 0 for label in LABELS},
                "leanings": [], "per_article": [],
            })
            entry["articles"] += 1
            entry["mentions"] += summary.mentions
            entry["sentences"] += summary.sentences
            for label, count in summary.counts.items():
                entry["counts"][label] = entry["counts"].get(label, 0) + count
            entry["leanings"] += leanings_of.get(summary.actor, [])
            entry["per_article"].append({
                "source": result.source, "mentions": summary.mentions, "sentences": summary.sentences,
                "counts": dict(summary.counts), "net_score": summary.net_score, "stance": summary.stance,
            })
    totals = []
    for actor, entry in by_actor.items():
        leanings = entry.pop("leanings")
        net = float(np.mean(leanings)) if leanings else 0.0
        entry["net_score"] = round(net, 4)
        entry["net_score_ci"] = bootstrap_interval(leanings, seed=zlib.crc32(actor.encode("utf-8")))
        entry["mean_article_net_score"] = round(float(np.mean([a["net_score"] for a in entry["per_article"]])), 4)
        entry["stance"] = overall_stance(net)
        per_article = entry.pop("per_article")
        entry["per_article"] = per_article
        totals.append(entry)
    totals.sort(key=lambda e: (-e["mentions"], e["actor"]))
    return totals


def totals_rows(totals: list[dict]) -> list[dict]:
    """Long-format rows of :func:`actor_totals`: one per (actor, article), then one ``(all)`` row per actor."""
    rows = []
    for entry in totals:
        for article in entry["per_article"]:
            rows.append({"actor": entry["actor"], "type": entry["type"], "source": article["source"],
                         "mentions": article["mentions"], "sentences": article["sentences"],
                         **{f"n_{label}": article["counts"].get(label, 0) for label in LABELS},
                         "net_score": article["net_score"], "ci_low": None, "ci_high": None,
                         "stance": article["stance"]})
        rows.append({"actor": entry["actor"], "type": entry["type"], "source": "(all)",
                     "mentions": entry["mentions"], "sentences": entry["sentences"],
                     **{f"n_{label}": entry["counts"].get(label, 0) for label in LABELS},
                     "net_score": entry["net_score"], "ci_low": entry["net_score_ci"][0],
                     "ci_high": entry["net_score_ci"][1], "stance": entry["stance"]})
    return rows
