#!/usr/bin/env python3
"""Reference values for src/metrics/classification.ts, regression.ts, intervals.ts and paired.ts.

Computed with scikit-learn, scipy, statsmodels and numpy on the real data in tests/fixtures/data and
on small hand-made cases chosen for their edge cases: tied scores, one class, 0/0 ratios, a
constant target, probabilities of exactly 0 and 1 (log loss clipping). The Wilson intervals and
McNemar tests include counts taken from the real data, which the tests recount from the CSVs.

Where scikit-learn answers an undefined metric with its zero_division value (0 and a warning)
or raises, the fixture says null: that is mlops-flow's documented choice, and `sklearn_value`
keeps what scikit-learn itself returned so the difference is visible.

Log loss is computed with eps = float64 machine epsilon, current scikit-learn's clipping
("auto"), and checked against a plain numpy formula of the same definition.

Run with Debian's python3 (python3-sklearn, python3-scipy, python3-statsmodels):
  /usr/bin/python3 scripts/reference/metrics_reference.py
It writes tests/fixtures/metrics/classification.json, regression.json and statistics.json.

regression.json holds a regression task end to end on scikit-learn's bundled diabetes data
(load_diabetes: 442 patients, ten features, disease progression after a year — no download):
two models trained on the first 300 rows and scored on the other 142, and the mean predictor
(DummyRegressor(strategy="mean") fitted on the eval targets, as sanity-check's baseline is),
with MAE, MSE, RMSE and R²; and hand-made cases for the edges of floating point.
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy.stats import binom, norm
from sklearn import metrics as skm
from sklearn.datasets import load_diabetes
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, Ridge
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

warnings.filterwarnings("ignore")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "fixtures", "data")
OUT = os.path.join(ROOT, "tests", "fixtures", "metrics")
EPS = np.finfo(np.float64).eps


def f(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def log_loss(y, p):
    value = skm.log_loss(y, p, eps=EPS, labels=[0, 1])
    clipped = np.clip(np.where(np.asarray(y) == 1, p, 1 - np.asarray(p, dtype=float)), EPS, 1 - EPS)
    assert abs(value - float(-np.log(clipped).mean())) <= 1e-12 * max(1, value)
    return float(value)


def classification_case(name, y, predictions=None, scores=None):
    y = np.asarray(y)
    case = {"name": name, "labels": y.tolist()}
    if predictions is not None:
        p = np.asarray(predictions)
        case["predictions"] = p.tolist()
        tn, fp, fn, tp = skm.confusion_matrix(y, p, labels=[0, 1]).ravel()
        case["counts"] = {"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)}
        undefined = {
            "precision": tp + fp == 0,
            "recall": tp + fn == 0,
            "f1": 2 * tp + fp + fn == 0,
            "accuracy": len(y) == 0,
        }
        computed = {
            "precision": lambda: skm.precision_score(y, p, zero_division=0),
            "recall": lambda: skm.recall_score(y, p, zero_division=0),
            "f1": lambda: skm.f1_score(y, p, zero_division=0),
            "accuracy": lambda: skm.accuracy_score(y, p),
        }
        for metric, compute in computed.items():
            value = float(compute()) if len(y) else None
            case[metric] = None if undefined[metric] else value
            if undefined[metric]:
                case.setdefault("sklearn_value", {})[metric] = value
    if scores is not None:
        s = np.asarray(scores, dtype=float)
        case["scores"] = s.tolist()
        if len(np.unique(y)) == 2:
            case["roc_auc"] = float(skm.roc_auc_score(y, s))
        else:
            case["roc_auc"] = None  # roc_auc_score raises: only one class present
        if ((s >= 0) & (s <= 1)).all() and len(y):
            case["log_loss"] = log_loss(y, s)
            case["brier_score"] = float(skm.brier_score_loss(y, s, pos_label=1))
    return case


def regression_case(name, y, yhat):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    r2 = float(skm.r2_score(y, yhat))
    constant = bool(np.all(y == y[0]))
    return {
        "name": name,
        "actual": y.tolist(),
        "predicted": yhat.tolist(),
        "mae": float(skm.mean_absolute_error(y, yhat)),
        "mse": float(skm.mean_squared_error(y, yhat)),
        "rmse": float(math.sqrt(skm.mean_squared_error(y, yhat))),
        "r2": None if constant else r2,
        "sklearn_r2": r2,
    }


def classification_fixture():
    adult = pd.read_csv(os.path.join(DATA, "adult_rf_binary.csv"))
    compas = pd.read_csv(os.path.join(DATA, "compas-scores-two-years.csv"))
    y_compas = compas.two_year_recid.to_numpy()
    real = {
        "adult": classification_case(
            "adult: label_value vs score (0/1 scores: all ties, probabilities 0 and 1 clipped)",
            adult.label_value.to_numpy(),
            predictions=adult.score.astype(int).to_numpy(),
            scores=adult.score.to_numpy(),
        ),
        "compas": classification_case(
            "compas: two_year_recid vs decile_score > 4; scores decile_score / 10",
            y_compas,
            predictions=(compas.decile_score > 4).astype(int).to_numpy(),
            scores=(compas.decile_score / 10).to_numpy(),
        ),
    }
    for case in real.values():  # the arrays are re-read from the CSV by the tests
        for key in ("labels", "predictions", "scores"):
            case.pop(key, None)
    hand = [
        classification_case("ties across classes", [0, 0, 1, 1, 0, 1], [0, 1, 1, 1, 0, 0], [0.1, 0.4, 0.4, 0.8, 0.4, 0.1]),
        classification_case("perfect ranking", [0, 0, 1, 1], [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]),
        classification_case("reversed ranking", [1, 1, 0, 0], [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]),
        classification_case("all scores tied", [0, 1, 0, 1, 1], [1, 1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5]),
        classification_case("one class only (positives)", [1, 1, 1], [1, 0, 1], [0.9, 0.2, 0.7]),
        classification_case("nobody predicted positive", [0, 1, 0, 1], [0, 0, 0, 0], [0.1, 0.3, 0.2, 0.4]),
        classification_case("no positives and none predicted", [0, 0, 0], [0, 0, 0], [0.0, 0.0, 1.0]),
        classification_case("certain and wrong", [1, 0, 1, 0], [0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0]),
        classification_case("ties straddling the classes", [0, 0, 1, 1, 1], [0, 1, 1, 1, 1], [0.2, 0.5, 0.5, 0.5, 0.9]),
        classification_case(
            "many ties, unsorted",
            [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1],
            [1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1],
            [0.7, 0.3, 0.7, 0.9, 0.7, 0.3, 0.3, 0.1, 0.5, 0.5, 0.1, 0.9],
        ),
    ]
    regression = [
        regression_case("small", [3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]),
        regression_case("constant target, imperfect", [2.0, 2.0, 2.0], [1.0, 2.0, 3.0]),
        regression_case("constant target, perfect", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]),
        regression_case("worse than the mean", [1.0, 2.0, 3.0], [3.0, 2.0, 1.0]),
        regression_case(
            "compas: decile_score vs v_decile_score",
            compas.decile_score.to_numpy(),
            compas.v_decile_score.to_numpy(),
        ),
    ]
    regression[-1].pop("actual")
    regression[-1].pop("predicted")
    return {
        "generatedBy": "scripts/reference/metrics_reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "real": real,
        "hand": hand,
        "regression": regression,
    }


def regression_metrics(y, yhat):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    r2 = f(skm.r2_score(y, yhat)) if len(y) >= 2 else None  # one row: sklearn warns and says NaN
    constant = bool(np.all(y == y[0]))
    mse = float(skm.mean_squared_error(y, yhat))
    return {
        "mae": float(skm.mean_absolute_error(y, yhat)),
        "mse": mse,
        # root_mean_squared_error arrived in scikit-learn 1.4; before it, the root of the MSE.
        "rmse": float(skm.mean_squared_error(y, yhat, squared=False)),
        "r2": None if constant else r2,
        "sklearn_r2": r2,
    }


def regression_fixture():
    X, y = load_diabetes(return_X_y=True)
    X_train, y_train, X_eval, y_eval = X[:300], y[:300], X[300:], y[300:]
    linear = LinearRegression().fit(X_train, y_train).predict(X_eval)
    # A heavily shrunk ridge: a real model, clearly worse than the linear one on the same rows.
    ridge = Ridge(alpha=3.0).fit(X_train, y_train).predict(X_eval)
    mean = DummyRegressor(strategy="mean").fit(X_eval, y_eval).predict(X_eval)
    for values in (linear, ridge):
        assert abs(math.sqrt(skm.mean_squared_error(y_eval, values)) - float(np.sqrt(np.mean((y_eval - values) ** 2)))) < 1e-9
    models = {"linear": linear, "ridge": ridge, "mean_predictor": mean}
    diabetes = {
        "name": "diabetes: LinearRegression and Ridge(alpha=3) trained on rows 1-300, scored on rows 301-442",
        "actual": y_eval.tolist(),
        "predicted": {name: values.tolist() for name, values in models.items()},
        "mean": float(np.mean(y_eval)),
        "metrics": {name: regression_metrics(y_eval, values) for name, values in models.items()},
    }
    hand = [
        {"name": name, "actual": list(map(float, a)), "predicted": list(map(float, p)), **regression_metrics(a, p)}
        for name, a, p in [
            # np.average([0.1] * 3) is 0.10000000000000002: sklearn sees SS_tot ≈ 1e-33, R² ≈ −1.7e31.
            ("constant target 0.1, not exact in binary", [0.1, 0.1, 0.1], [0.2, 0.1, 0.1]),
            ("one row", [5.0], [4.0]),
            ("two rows, perfect", [1.0, 2.0], [1.0, 2.0]),
            ("large offset: 1e9 plus small differences", [1e9 + 0.5, 1e9 + 1.5, 1e9 + 2.5, 1e9 + 4.0], [1e9 + 1.0, 1e9 + 1.0, 1e9 + 3.0, 1e9 + 3.5]),
            ("mixed signs and magnitudes", [-1e3, 0.001, 2.5, 1e4, -7.25], [-990.0, 0.0, 3.0, 9000.0, -7.0]),
            ("predicting the mean exactly", [1.0, 2.0, 3.0, 6.0], [3.0, 3.0, 3.0, 3.0]),
        ]
    ]
    return {
        "generatedBy": "scripts/reference/metrics_reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "diabetes": diabetes,
        "hand": hand,
    }


def real_counts():
    """Counts from the real data that the tests recount from the CSV files."""
    adult = pd.read_csv(os.path.join(DATA, "adult_rf_binary.csv"))
    compas = pd.read_csv(os.path.join(DATA, "compas-scores-two-years.csv"))
    y, p = adult.label_value.to_numpy(), adult.score.astype(int).to_numpy()
    tn, fp, fn, tp = skm.confusion_matrix(y, p, labels=[0, 1]).ravel()
    adult_precision = ("adult: precision (TP of TP + FP), predictions = score", int(tp), int(tp + fp))
    y = compas.two_year_recid.to_numpy()
    lenient = (compas.decile_score > 4).astype(int).to_numpy()
    strict = (compas.decile_score > 6).astype(int).to_numpy()
    tn, fp, fn, tp = skm.confusion_matrix(y, lenient, labels=[0, 1]).ravel()
    compas_recall = ("compas: recall (TP of TP + FN), decile_score > 4", int(tp), int(tp + fn))
    # McNemar between the high-risk call decile_score > 4 (A) and a stricter decile_score > 6 (B).
    b = int(((lenient == y) & (strict != y)).sum())
    c = int(((lenient != y) & (strict == y)).sum())
    return [adult_precision, compas_recall], ("compas: decile_score > 4 (A) against decile_score > 6 (B)", b, c)


def statistics_fixture():
    real_wilson, real_mcnemar = real_counts()
    wilson = []
    for successes, trials in [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (1369, 1901), (7, 2000), (4999, 5000), (50, 100)]:
        low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
        wilson.append({"successes": successes, "trials": trials, "confidence": 0.95, "interval": [float(low), float(high)]})
    for name, successes, trials in real_wilson:
        low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
        wilson.append({"name": name, "successes": successes, "trials": trials, "confidence": 0.95, "interval": [float(low), float(high)]})
    for successes, trials, confidence in [(3, 10, 0.9), (30, 100, 0.99)]:
        low, high = proportion_confint(successes, trials, alpha=1 - confidence, method="wilson")
        wilson.append({"successes": successes, "trials": trials, "confidence": confidence, "interval": [float(low), float(high)]})
    quantiles = [{"p": p, "z": float(norm.ppf(p))} for p in [1e-10, 0.001, 0.01, 0.02425, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975, 0.995, 0.9999]]
    binomial = []
    for k, n, p in [(0, 10, 0.5), (3, 10, 0.5), (5, 10, 0.5), (9, 10, 0.5), (2, 50, 0.3), (40, 50, 0.3), (120, 1000, 0.1), (90, 1000, 0.1), (4950, 10000, 0.5), (4700, 10000, 0.5), (10, 5000, 0.5)]:
        binomial.append({"k": k, "n": n, "p": p, "cdf": float(binom.cdf(k, n, p))})
    mcnemar_cases = []
    name, real_b, real_c = real_mcnemar
    for b, c in [(0, 0), (5, 0), (3, 7), (3, 11), (10, 10), (1, 12), (25, 40), (130, 90), (400, 520), (0, 30), (real_b, real_c)]:
        result = mcnemar(np.array([[100, b], [c, 100]]), exact=True)
        case = {"b": b, "c": c, "statistic": float(result.statistic), "pvalue": float(result.pvalue)}
        mcnemar_cases.append({"name": name, **case} if (b, c) == (real_b, real_c) else case)
    percentiles = []
    rng = np.random.default_rng(7)
    for values in [[1.0], [3.0, 1.0, 2.0], rng.normal(size=11).tolist(), rng.uniform(size=1000).tolist()]:
        sorted_values = sorted(values)
        percentiles.append({"values": sorted_values, "q": [0.0, 0.025, 0.5, 0.975, 1.0], "expected": [float(np.percentile(values, 100 * q)) for q in [0.0, 0.025, 0.5, 0.975, 1.0]]})
    return {
        "generatedBy": "scripts/reference/metrics_reference.py",
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__},
        "wilson": wilson,
        "normalQuantile": quantiles,
        "binomialCdf": binomial,
        "mcnemar": mcnemar_cases,
        "percentile": percentiles,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, build in [
        ("classification", classification_fixture),
        ("regression", regression_fixture),
        ("statistics", statistics_fixture),
    ]:
        path = os.path.join(OUT, f"{name}.json")
        with open(path, "w") as out:
            json.dump(build(), out, indent=1, allow_nan=False)
            out.write("\n")
        print(f"wrote {os.path.relpath(path, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
