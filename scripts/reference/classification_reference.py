"""Reference values for src/stats/classification (confusionMatrix, rocAuc, averagePrecision,
expectedCalibrationError), computed independently of the TypeScript code.

Run from the repository root:
    python3 scripts/reference/classification_reference.py > test/fixtures/stats/classification-reference.json

Requires numpy and scipy (tested with scipy 1.17). Seeded, so the output is reproducible.
- confusion matrix: scikit-learn classification_report semantics (zero_division=0) re-implemented
  with numpy (np.add.at over label positions);
- ROC AUC: scipy.stats.mannwhitneyu(pos, neg).statistic / (n1 * n0) (midranks for ties);
- average precision: scikit-learn's step-sum definition via np.unique thresholds and
  cumulative counts;
- ECE: bin edges np.arange(B + 1) / B and np.searchsorted(side='right'), 1.0 in the last bin.
"""
import json

import numpy as np
from scipy import stats

rng = np.random.default_rng(20240611)


def confusion_case(truth, predicted, labels):
    index = {label: i for i, label in enumerate(labels)}
    size = len(labels)
    matrix = np.zeros((size, size), dtype=np.int64)
    np.add.at(matrix, ([index[t] for t in truth], [index[p] for p in predicted]), 1)
    tp = np.diag(matrix).astype(float)
    support = matrix.sum(axis=1).astype(float)
    predicted_total = matrix.sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted_total > 0, tp / predicted_total, 0.0)
        recall = np.where(support > 0, tp / support, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    n = support.sum()
    micro_p = tp.sum() / predicted_total.sum()
    micro_r = tp.sum() / support.sum()
    micro_f = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r > 0 else 0.0
    return {
        "truth": list(truth),
        "predicted": list(predicted),
        "labels": list(labels),
        "matrix": matrix.tolist(),
        "perClass": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "macro": {"precision": float(precision.mean()), "recall": float(recall.mean()), "f1": float(f1.mean())},
        "micro": {"precision": float(micro_p), "recall": float(micro_r), "f1": float(micro_f)},
        "weighted": {
            "precision": float((precision * support).sum() / n),
            "recall": float((recall * support).sum() / n),
            "f1": float((f1 * support).sum() / n),
        },
    }


def roc_auc(scores, labels):
    scores = np.asarray(scores)
    labels = np.asarray(labels)
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    u = stats.mannwhitneyu(pos, neg, alternative="two-sided", method="asymptotic").statistic
    return float(u / (len(pos) * len(neg)))


def average_precision(scores, labels):
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels)
    thresholds = np.unique(scores)[::-1]
    tps = np.array([np.sum(labels[scores >= t] == 1) for t in thresholds], dtype=float)
    fps = np.array([np.sum(labels[scores >= t] == 0) for t in thresholds], dtype=float)
    precision = tps / (tps + fps)
    recall = tps / labels.sum()
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))


def ece(scores, labels, bins):
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=float)
    edges = np.arange(bins + 1) / bins
    which = np.minimum(np.searchsorted(edges, scores, side="right") - 1, bins - 1)
    out = []
    value = 0.0
    for k in range(bins):
        mask = which == k
        count = int(mask.sum())
        if count == 0:
            out.append({"count": 0, "meanScore": None, "positiveRate": None})
            continue
        mean_score = float(scores[mask].mean())
        positive_rate = float(labels[mask].mean())
        value += count / len(scores) * abs(mean_score - positive_rate)
        out.append({"count": count, "meanScore": mean_score, "positiveRate": positive_rate})
    return {"value": value, "bins": out}


confusion = []
names = ["allow", "hate", "spam", "violence"]
for n in (12, 60, 500):
    truth = rng.choice(names, size=n, p=[0.5, 0.2, 0.2, 0.1])
    # predictions agree 70% of the time, otherwise a random label
    predicted = np.where(rng.random(n) < 0.7, truth, rng.choice(names, size=n))
    confusion.append(confusion_case(truth.tolist(), predicted.tolist(), names))
# a listed label that never occurs and a label never predicted
confusion.append(
    confusion_case(
        ["a", "a", "b", "b", "b", "c"], ["a", "b", "b", "b", "a", "b"], ["a", "b", "c", "d"]
    )
)

scored = []
for n, decimals in ((10, 1), (57, 1), (400, 2), (1000, 6)):
    labels = (rng.random(n) < 0.3).astype(int)
    labels[0], labels[1] = 0, 1
    scores = np.round(np.clip(rng.normal(0.4 + 0.2 * labels, 0.2), 0, 1), decimals)
    scored.append(
        {
            "scores": scores.tolist(),
            "labels": labels.tolist(),
            "rocAuc": roc_auc(scores, labels),
            "averagePrecision": average_precision(scores, labels),
        }
    )

calibration = []
# scores exactly on bin edges k/B (including the ones where k/B * B rounds below k), and 1.0
for bins in (10, 22, 43):
    edge_scores = [k / bins for k in range(bins + 1)]
    random_scores = rng.random(80).tolist()
    scores = edge_scores + random_scores
    labels = (rng.random(len(scores)) < np.asarray(scores) * 0.8 + 0.1).astype(int)
    calibration.append({"binCount": bins, "scores": scores, "labels": labels.tolist(), **ece(scores, labels, bins)})

print(json.dumps({"confusion": confusion, "scored": scored, "calibration": calibration}))
