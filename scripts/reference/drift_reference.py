"""Reference values for the monitor's drift tests, computed with scipy (Debian's python3-scipy).

Writes tests/fixtures/drift/drift-reference.json:
- `kstwo`: scipy.stats.kstwo.sf(x, n) on a grid that reaches every method scipy switches between
  (Ruben-Gambino ends, 2·smirnov, Durbin matrix, Pomeranz, Pelz-Good);
- `smirnov`: scipy.special.smirnov(n, x) on a grid;
- `ks_2samp`: samples (with ties, unequal and equal sizes, exact and asymptotic, above 10,000
  values) and scipy.stats.ks_2samp's statistic and p-value with its default method;
- `chisquare`: observed counts, reference proportions, and scipy.stats.chisquare's statistic and
  p-value for the current counts against the expected counts n·p.

Run from the repository root: `python3 scripts/reference/drift_reference.py`.
"""
import json
import os

import numpy as np
import scipy
from scipy import special, stats

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "drift", "drift-reference.json")

rng = np.random.default_rng(20261205)


def kstwo_grid():
    cases = []
    for n in [1, 2, 5, 10, 50, 140, 141, 500, 1000, 5000, 20000, 100000, 100001, 2000000]:
        for x in [0.0001, 0.0005, 0.001, 0.003, 0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.99]:
            if x * n <= 0.5 and n > 1:
                continue
            cases.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n)), "cdf": float(stats.kstwo.cdf(x, n))})
    return cases


def smirnov_grid():
    cases = []
    for n in [1, 3, 10, 100, 1000, 10000, 500000, 2000000]:
        for x in [0.0005, 0.002, 0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 0.95]:
            cases.append({"n": n, "x": x, "sf": float(special.smirnov(n, x))})
    return cases


def sample(kind, size):
    if kind == "normal":
        return rng.normal(0, 1, size)
    if kind == "shifted":
        return rng.normal(0.15, 1, size)
    if kind == "lognormal":
        return rng.lognormal(0, 0.6, size)
    if kind == "integers":  # many ties
        return rng.integers(0, 12, size).astype(float)
    raise ValueError(kind)


def ks_cases():
    specs = [
        ("tiny equal", "normal", 8, "shifted", 8, None),
        ("small unequal", "normal", 25, "shifted", 40, None),
        ("equal with ties", "integers", 300, "integers", 300, None),
        ("unequal with ties", "integers", 700, "integers", 450, None),
        ("shifted exact", "normal", 3000, "shifted", 2000, 3),
        ("same distribution exact", "lognormal", 5000, "lognormal", 4000, 3),
        ("at the exact limit", "normal", 10000, "shifted", 10000, 2),
        ("asymptotic shifted", "normal", 12000, "shifted", 3000, 3),
        ("asymptotic same", "lognormal", 15000, "lognormal", 11000, 3),
        ("asymptotic small current", "normal", 12000, "shifted", 60, 3),
        ("asymptotic ties", "integers", 20000, "integers", 900, None),
    ]
    cases = []
    for name, kind_a, size_a, kind_b, size_b, decimals in specs:
        a = sample(kind_a, size_a)
        b = sample(kind_b, size_b)
        if decimals is not None:  # rounding makes ties, as logged data has
            a = np.round(a, decimals)
            b = np.round(b, decimals)
        result = stats.ks_2samp(a, b)
        cases.append(
            {
                "name": name,
                "a": a.tolist(),
                "b": b.tolist(),
                "statistic": float(result.statistic),
                "pvalue": float(result.pvalue),
            }
        )
    return cases


def chisquare_cases():
    cases = []
    specs = [
        ([0.5, 0.3, 0.2], [52, 29, 19]),
        ([0.5, 0.3, 0.2], [30, 30, 40]),
        ([0.25, 0.25, 0.25, 0.25], [2500, 2510, 2490, 2500]),
        ([0.7, 0.2, 0.05, 0.05], [6000, 2500, 900, 600]),
        ([0.1] * 10, [95, 105, 99, 101, 110, 90, 100, 100, 102, 98]),
        ([0.6, 0.4], [1, 0]),
    ]
    for proportions, observed in specs:
        observed = np.array(observed, dtype=float)
        expected = np.array(proportions) * observed.sum()
        result = stats.chisquare(observed, expected)
        cases.append(
            {
                "proportions": proportions,
                "observed": observed.tolist(),
                "statistic": float(result.statistic),
                "pvalue": float(result.pvalue),
            }
        )
    # chi2.sf directly on a grid, for the incomplete gamma function.
    grid = []
    for df in [1, 2, 3, 5, 10, 30, 100]:
        for x in [0.001, 0.5, 1, 3, 10, 50, 200, 800]:
            grid.append({"df": df, "x": x, "sf": float(stats.chi2.sf(x, df))})
    return cases, grid


chisquare, chi2_grid = chisquare_cases()
reference = {
    "generated_by": "scripts/reference/drift_reference.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "kstwo": kstwo_grid(),
    "smirnov": smirnov_grid(),
    "ks_2samp": ks_cases(),
    "chisquare": chisquare,
    "chi2_sf": chi2_grid,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as handle:
    json.dump(reference, handle)
print(f"wrote {OUT}")


# ---------------------------------------------------------------------------------------------
# Performance estimation on real data: scikit-learn's breast-cancer data (shipped inside the
# package, no download). A logistic regression (calibrated by construction of its loss) is trained
# on half the rows; a quarter is the reference (the evaluation data, labels and scores), and the
# rows of the last quarter with a mean radius above the reference's median are the "current"
# production window: covariate shift, same P(y|x). The CSVs keep the labels so the tests can
# compare the estimate with the realised accuracy; the estimate itself reads only the scores.
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
import pandas as pd

data = load_breast_cancer(as_frame=True)
frame = data.frame.rename(columns=lambda name: name.replace(" ", "_"))
features = [name for name in frame.columns if name != "target"]
train, rest = train_test_split(frame, test_size=0.5, random_state=7, stratify=frame["target"])
reference_rows, current_rows = train_test_split(rest, test_size=0.5, random_state=7, stratify=rest["target"])
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
model.fit(train[features], train["target"])
THRESHOLD = 0.5


def scored(rows):
    out = rows[["mean_radius", "mean_texture", "mean_smoothness", "worst_area", "target"]].copy()
    out["score"] = np.round(model.predict_proba(rows[features])[:, 1], 6)
    # A categorical column, for the chi-square test.
    out["size_band"] = pd.cut(out["mean_radius"], [0, 12, 15, 100], labels=["small", "medium", "large"]).astype(str)
    return out.rename(columns={"target": "label"})


reference_scored = scored(reference_rows)
current_scored = scored(current_rows[current_rows["mean_radius"] > reference_rows["mean_radius"].median()])
fixtures = os.path.join(ROOT, "tests", "fixtures", "drift")
reference_scored.to_csv(os.path.join(fixtures, "breast-cancer-reference.csv"), index=False)
current_scored.to_csv(os.path.join(fixtures, "breast-cancer-current.csv"), index=False)

# What scipy says about each column of the pair (the score included), and the closed form of CBPE.
ref = pd.read_csv(os.path.join(fixtures, "breast-cancer-reference.csv"))
cur = pd.read_csv(os.path.join(fixtures, "breast-cancer-current.csv"))
columns = {}
for name in ["mean_radius", "mean_texture", "mean_smoothness", "worst_area", "score"]:
    result = stats.ks_2samp(ref[name].to_numpy(), cur[name].to_numpy())
    columns[name] = {"test": "ks", "statistic": float(result.statistic), "p_value": float(result.pvalue)}
categories = sorted(set(ref["size_band"]) | set(cur["size_band"]))
ref_counts = np.array([(ref["size_band"] == c).sum() for c in categories], dtype=float)
cur_counts = np.array([(cur["size_band"] == c).sum() for c in categories], dtype=float)
chi = stats.chisquare(cur_counts, ref_counts / ref_counts.sum() * cur_counts.sum())
columns["size_band"] = {"test": "chi-square", "statistic": float(chi.statistic), "p_value": float(chi.pvalue)}
scores = cur["score"].to_numpy()
predicted = scores >= THRESHOLD
right = np.where(predicted, scores, 1 - scores)
estimation = {
    "threshold": THRESHOLD,
    "estimated_accuracy": float(right.mean()),
    "realised_accuracy": float((predicted.astype(int) == cur["label"].to_numpy()).mean()),
    "rows": int(len(cur)),
}
with open(os.path.join(fixtures, "breast-cancer-reference.json"), "w") as handle:
    json.dump({"generated_by": "scripts/reference/drift_reference.py", "scipy": scipy.__version__, "sklearn": __import__("sklearn").__version__, "columns": columns, "estimation": estimation}, handle, indent=2)
print("wrote the breast-cancer fixtures", estimation)
