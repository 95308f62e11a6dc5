"""Reference values for src/metrics/binary-metrics.ts and statistics.ts, computed independently
with scikit-learn and scipy on the real public data in ../shared/data. Run from the repository
root with Debian's python3 (apt-get install python3-sklearn python3-pandas python3-scipy):

    /usr/bin/python3 scripts/reference/binary_metrics.py > tests/fixtures/sanity/reference.json
"""
import csv
import json
import sys

from scipy.stats import binomtest
from sklearn import metrics


def read(path):
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        # COMPAS repeats two column names; keep the first occurrence, as the TypeScript does.
        first = {}
        for index, name in enumerate(header):
            first.setdefault(name, index)
        return [{name: row[index] for name, index in first.items()} for row in reader]


def classification(labels, predictions, scores):
    return {
        "accuracy": metrics.accuracy_score(labels, predictions),
        "precision": metrics.precision_score(labels, predictions, zero_division=0),
        "recall": metrics.recall_score(labels, predictions, zero_division=0),
        "f1": metrics.f1_score(labels, predictions, zero_division=0),
        "roc_auc": metrics.roc_auc_score(labels, scores),
        "log_loss": metrics.log_loss(labels, scores, labels=[0, 1]),
        "brier_score": metrics.brier_score_loss(labels, scores),
    }


def wilson(successes, trials):
    interval = binomtest(successes, trials, 0.5).proportion_ci(confidence_level=0.95, method="wilson")
    return [interval.low, interval.high]


out = {}
adult = read("../shared/data/adult_rf_binary.csv")
labels = [int(r["label_value"]) for r in adult]
predictions = [int(float(r["score"])) for r in adult]
out["adult"] = classification(labels, predictions, [float(r["score"]) for r in adult])
tp = sum(1 for y, p in zip(labels, predictions) if y == 1 and p == 1)
fp = sum(1 for y, p in zip(labels, predictions) if y == 0 and p == 1)
out["adult"]["precision_wilson"] = wilson(tp, tp + fp)

compas = read("../shared/data/compas-scores-two-years.csv")
labels = [int(r["two_year_recid"]) for r in compas]
predictions = [1 if int(r["decile_score"]) > 4 else 0 for r in compas]
scores = [int(r["decile_score"]) / 10 for r in compas]
out["compas"] = classification(labels, predictions, scores)
tp = sum(1 for y, p in zip(labels, predictions) if y == 1 and p == 1)
fn = sum(1 for y, p in zip(labels, predictions) if y == 1 and p == 0)
out["compas"]["recall_wilson"] = wilson(tp, tp + fn)
actual = [float(r["decile_score"]) for r in compas]
predicted = [float(r["v_decile_score"]) for r in compas]
out["compas_regression"] = {
    "mae": metrics.mean_absolute_error(actual, predicted),
    "rmse": metrics.mean_squared_error(actual, predicted) ** 0.5,
    "r2": metrics.r2_score(actual, predicted),
}
# McNemar between the COMPAS high-risk call (decile > 4) and a stricter one (decile > 6).
strict = [1 if int(r["decile_score"]) > 6 else 0 for r in compas]
b = sum(1 for y, p, q in zip(labels, predictions, strict) if p == y and q != y)
c = sum(1 for y, p, q in zip(labels, predictions, strict) if p != y and q == y)
out["mcnemar"] = {"b": b, "c": c, "p_value": binomtest(min(b, c), b + c, 0.5).pvalue}
out["mcnemar_small"] = {"b": 3, "c": 11, "p_value": binomtest(3, 14, 0.5).pvalue}
out["edge"] = {
    "precision_no_positive_predictions": metrics.precision_score([1, 0, 1], [0, 0, 0], zero_division=0),
    "r2_constant_actual_perfect": metrics.r2_score([2, 2, 2], [2, 2, 2]),
    "r2_constant_actual_imperfect": metrics.r2_score([2, 2, 2], [2, 2, 3]),
    "log_loss_certain_wrong": metrics.log_loss([1, 0], [0.0, 1.0], labels=[0, 1]),
    "roc_auc_ties": metrics.roc_auc_score([0, 0, 1, 1, 1], [0.2, 0.5, 0.5, 0.5, 0.9]),
}
json.dump(out, sys.stdout, indent=2, sort_keys=True)
print()
