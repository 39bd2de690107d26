"""Scoring a model on labeled data: one dictionary that the table, JSON and Markdown views render."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .data import LABELS


def score(y_true, y_pred, labels=LABELS) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    labels = list(labels)
    n = int(len(y_true))
    if n == 0:
        return {"n": 0, "accuracy": None, "macro_f1": None, "per_class": {}, "confusion_matrix": {"labels": labels, "matrix": []}}
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    present = support > 0
    return {
        "n": n,
        "accuracy": round(float(np.mean(y_true == y_pred)), 4),
        # macro-F1 over the classes present in the gold labels (as sklearn's report does for them)
        "macro_f1": round(float(np.mean(f1[present])) if present.any() else 0.0, 4),
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "confusion_matrix": {
            "labels": labels,
            "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        },
    }


def evaluate_frames(frame_model, targets) -> dict | None:
    """Frame scores of ``frame_model`` on the sentences of ``targets`` (deduplicated), or ``None``
    when no target carries a frame: per-frame precision/recall/F1, micro- and macro-F1, per language."""
    from .frames import frame_examples, score_frames

    examples, inconsistent = frame_examples(targets)
    if not examples:
        return None
    predicted = frame_model.predict(examples)
    labels = [str(c) for c in frame_model.classes_]
    report = score_frames([e.frames for e in examples], predicted, labels)
    report["inconsistent_sentences"] = inconsistent
    unknown = sorted({f for e in examples for f in e.frames} - set(labels))
    report["unknown_frames"] = unknown  # gold frames the model cannot predict
    per_language = {}
    for lang in sorted({e.lang for e in examples}):
        idx = [i for i, e in enumerate(examples) if e.lang == lang]
        sub = score_frames([examples[i].frames for i in idx], [predicted[i] for i in idx], labels)
        per_language[lang] = {"n_sentences": sub["n_sentences"], "micro_f1": sub["micro_f1"], "macro_f1": sub["macro_f1"]}
    report["per_language"] = per_language
    return report


def evaluate(model, targets, min_group: int = 1, frame_model=None) -> dict:
    """Score ``model`` on labeled ``targets``, overall and broken down by actor and language.

    With a ``frame_model`` and targets that carry frames, the report also has a ``frames`` key
    (:func:`evaluate_frames`).
    """
    y_true = [t.stance for t in targets]
    y_pred = list(model.predict([t.target for t in targets])) if targets else []
    report = score(y_true, y_pred)
    for key, attribute in (("per_language", "lang"), ("per_actor", "actor")):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(targets):
            groups[getattr(t, attribute)].append(i)
        breakdown = {}
        for name, idx in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if len(idx) < min_group:
                continue
            sub = score([y_true[i] for i in idx], [y_pred[i] for i in idx])
            breakdown[name] = {"n": sub["n"], "accuracy": sub["accuracy"], "macro_f1": sub["macro_f1"]}
        report[key] = breakdown
    if frame_model is not None and any(t.frames for t in targets):
        report["frames"] = evaluate_frames(frame_model, targets)
    return report
