"""Classifying articles: sentences → actor mentions → stance per (sentence, actor) → per-actor summary.

:class:`StanceAnalyzer` bundles a verified model and an actor index; :meth:`StanceAnalyzer.analyze`
returns an :class:`ArticleResult`, plain data that the CLI renders and that ``to_dict()`` turns into
JSON-ready dictionaries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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


@dataclass
class ActorSummary:
    """How an article treats one actor."""

    actor: str
    type: str
    affiliation: str | None
    mentions: int
    sentences: int
    counts: dict[str, int]
    net_score: float
    stance: str
    top_sentence: dict | None


@dataclass
class ArticleResult:
    source: str
    lang: str
    sentences: list[SentenceResult]
    actors: list[ActorSummary]
    model: dict

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "lang": self.lang,
            "model": self.model,
            "n_sentences": len(self.sentences),
            "sentences": [asdict(s) for s in self.sentences],
            "actors": [asdict(a) for a in self.actors],
        }

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


class StanceAnalyzer:
    """A model and an actor index, ready to classify articles."""

    def __init__(self, model, actors: ActorIndex, model_info: dict | None = None):
        self.model = model
        self.actors = actors
        self.model_info = model_info or {}
        self._labels = [str(c) for c in model.classes_]

    @classmethod
    def load(cls, model_path=None, actors_path=None, replace_actors: bool = False, progress=None):
        """Load the default (trained on first use) or given model and the actors list."""
        from .registry import resolve_model

        model, card, path = resolve_model(model_path, progress=progress)
        info = {"name": card.get("name"), "path": str(path), "sha256": card.get("sha256")}
        return cls(model, load_actors(actors_path, replace=replace_actors), info)

    def analyze(self, text: str, lang: str = "auto", source: str = "-") -> ArticleResult:
        if not isinstance(text, str):
            raise StanceInputError("expected text", source)
        if lang not in ("auto", "fr", "en"):
            raise StanceInputError(f"unknown language {lang!r}; expected auto, fr or en", field="lang")
        language = detect_language(text) if lang == "auto" else lang
        sentences = [SentenceResult(s.index, s.start, s.end, s.text) for s in split_sentences(text)]
        # every mention of every sentence in one batch
        inputs, owners = [], []
        for sentence in sentences:
            for mention in self.actors.find(sentence.text):
                inputs.append(Target(sentence.text, mention.start, mention.end, language))
                owners.append((sentence, mention))
        proba = self.model.predict_proba(inputs) if inputs else np.zeros((0, len(self._labels)))
        pooled: dict[tuple[int, str], list] = {}
        for (sentence, mention), p in zip(owners, proba):
            pooled.setdefault((sentence.index, mention.actor), [sentence, [], []])
            entry = pooled[(sentence.index, mention.actor)]
            entry[1].append(MentionSpan(mention.text, sentence.start + mention.start, sentence.start + mention.end))
            entry[2].append(p)
        for (_, actor), (sentence, spans, ps) in pooled.items():
            mean = np.mean(ps, axis=0)
            best = int(np.argmax(mean))
            probabilities = {label: round(float(v), 4) for label, v in zip(self._labels, mean)}
            sentence.targets.append(
                TargetResult(actor, self._labels[best], round(float(mean[best]), 4), probabilities, spans)
            )
        return ArticleResult(source, language, sentences, self.summarize(sentences), self.model_info)

    def summarize(self, sentences: list[SentenceResult]) -> list[ActorSummary]:
        """Per-actor totals, sorted by number of mentions."""
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
                leanings.append(target.probabilities.get("supportive", 0.0) - target.probabilities.get("critical", 0.0))
            net = float(np.mean(leanings))
            stance = overall_stance(net)
            # the sentence that weighs most toward the overall stance
            if stance == "neutral":
                key = lambda item: item[1].probabilities.get("neutral", 0.0)  # noqa: E731
            else:
                sign = 1 if stance == "supportive" else -1
                key = lambda item: sign * (  # noqa: E731
                    item[1].probabilities.get("supportive", 0.0) - item[1].probabilities.get("critical", 0.0)
                )
            top_sentence, top_target = max(items, key=key)
            info = self.actors.get(actor)
            summaries.append(
                ActorSummary(
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
                )
            )
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
