#!/usr/bin/env python3
"""Reference values for mlops-flow's fairness report: Fairlearn 0.12's own numbers.

Fairlearn is not on Debian and PyPI is out of reach, but it is pure Python on numpy, pandas and
scikit-learn. Check its v0.12.0 tag out OUTSIDE this repository and put it on PYTHONPATH:

  git --git-dir=<fairlearn git dir> archive v0.12.0 | tar -x -C /tmp/fairlearn-0.12.0
  PYTHONPATH=/tmp/fairlearn-0.12.0 /usr/bin/python3 scripts/reference/fairness_reference.py

Every MetricFrame aggregate (by_group, overall, group_min, group_max, difference and ratio by
both methods) and every named disparity (demographic_parity_*, equalized_odds_*,
equal_opportunity_*) is Fairlearn's, called on the rows, over every group with at least one row.
Counts are cross-checked with scikit-learn's confusion_matrix; per-group Wilson intervals come
from statsmodels; Aequitas' reference-group disparities (metric(group) / metric(reference), the
reference being the largest group) are written out with pandas.

It writes tests/fixtures/metrics/fairness-adult.json, fairness-compas.json (every row of
compas-scores-two-years.csv) and fairness-compas-propublica.json, with the rows ProPublica
analysed (days_b_screening_arrest within +-30, is_recid != -1, c_charge_degree != "O",
score_text != "N/A"; all six races) saved as tests/fixtures/metrics/compas-propublica.csv.
"""

import json
import math
import os
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, precision_score, recall_score
from statsmodels.stats.proportion import proportion_confint

try:
    import fairlearn
    from fairlearn import metrics as flm
except ImportError:
    sys.exit("fairlearn is not importable: put a checkout of its v0.12.0 tag on PYTHONPATH (see above)")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "fixtures", "data")
OUT = os.path.join(ROOT, "tests", "fixtures", "metrics")

RATES = {
    # name: (numerator, denominator) as functions of a counts frame
    "selection_rate": (lambda c: c.tp + c.fp, lambda c: c.n),
    "true_positive_rate": (lambda c: c.tp, lambda c: c.tp + c.fn),
    "false_positive_rate": (lambda c: c.fp, lambda c: c.fp + c.tn),
    "false_negative_rate": (lambda c: c.fn, lambda c: c.fn + c.tp),
    "precision": (lambda c: c.tp, lambda c: c.tp + c.fp),
    "accuracy": (lambda c: c.tp + c.tn, lambda c: c.n),
}
METHODS = ["between_groups", "to_overall"]
# Fairlearn's metric for each rate the report names; precision and accuracy are scikit-learn's,
# as a Fairlearn user would pass them (precision of nobody flagged: zero_division, 0).
FAIRLEARN_METRICS = {
    "selection_rate": flm.selection_rate,
    "true_positive_rate": flm.true_positive_rate,
    "false_positive_rate": flm.false_positive_rate,
    "false_negative_rate": flm.false_negative_rate,
    "precision": lambda y, p: precision_score(y, p, zero_division=0),
    "accuracy": accuracy_score,
}
DISPARITIES = {
    "demographic_parity_difference": flm.demographic_parity_difference,
    "demographic_parity_ratio": flm.demographic_parity_ratio,
    "equalized_odds_difference": flm.equalized_odds_difference,
    "equalized_odds_ratio": flm.equalized_odds_ratio,
    "equal_opportunity_difference": flm.equal_opportunity_difference,
    "equal_opportunity_ratio": flm.equal_opportunity_ratio,
}


def clean(value):
    """NaN -> None for JSON; numpy scalars -> Python numbers."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return value


def divide(num, den):
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def counts_by_group(df, attributes):
    cells = pd.DataFrame(
        {
            "tp": ((df.y == 1) & (df.p == 1)).astype(int),
            "fp": ((df.y == 0) & (df.p == 1)).astype(int),
            "tn": ((df.y == 0) & (df.p == 0)).astype(int),
            "fn": ((df.y == 1) & (df.p == 0)).astype(int),
        }
    )
    for a in attributes:
        cells[a] = df[a]
    counts = cells.groupby(attributes).sum()
    if len(attributes) > 1:
        # Fairlearn reindexes to the full product of values: empty intersections are rows too.
        full = pd.MultiIndex.from_product([np.unique(df[a]) for a in attributes], names=attributes)
        counts = counts.reindex(full, fill_value=0)
    counts["n"] = counts.tp + counts.fp + counts.tn + counts.fn
    return counts


def group_names(index, attributes):
    if len(attributes) == 1:
        return [str(v) for v in index]
    return [" & ".join(str(v) for v in values) for values in index]


def cross_check(df, attributes, counts):
    """The pandas counts and rates against scikit-learn, group by group."""
    for key, group in df.groupby(attributes if len(attributes) > 1 else attributes[0]):
        key = key if isinstance(key, tuple) else (key,)
        row = counts.loc[key if len(attributes) > 1 else key[0]]
        tn, fp, fn, tp = confusion_matrix(group.y, group.p, labels=[0, 1]).ravel()
        assert (tn, fp, fn, tp) == (row.tn, row.fp, row.fn, row.tp), key
        if tp + fn > 0:
            assert recall_score(group.y, group.p) == tp / (tp + fn)
        if tp + fp > 0:
            assert precision_score(group.y, group.p) == tp / (tp + fp)
        assert accuracy_score(group.y, group.p) == (tp + tn) / len(group)


def sensitive(df, attributes):
    return df[attributes[0]] if len(attributes) == 1 else df[attributes]


def fairlearn_frame(df, attributes, names):
    """Fairlearn's MetricFrame over the rows: every rate by group and its aggregates."""
    frame = flm.MetricFrame(metrics=FAIRLEARN_METRICS, y_true=df.y, y_pred=df.p, sensitive_features=sensitive(df, attributes))
    assert len(frame.by_group) == len(names)
    metrics = {}
    for rate in FAIRLEARN_METRICS:
        metrics[rate] = {
            "byGroup": {name: clean(v) for name, v in zip(names, frame.by_group[rate].values)},
            "overall": clean(frame.overall[rate]),
            "groupMin": clean(frame.group_min()[rate]),
            "groupMax": clean(frame.group_max()[rate]),
            "difference": {m: clean(frame.difference(method=m)[rate]) for m in METHODS},
            "ratio": {m: clean(frame.ratio(method=m)[rate]) for m in METHODS},
        }
    disparities = {
        name: {m: clean(fn(df.y, df.p, sensitive_features=sensitive(df, attributes), method=m)) for m in METHODS}
        for name, fn in DISPARITIES.items()
    }
    return metrics, disparities


def frame_reference(df, attributes):
    counts = counts_by_group(df, attributes)
    cross_check(df, attributes, counts)
    names = group_names(counts.index, attributes)
    rates = {name: pd.Series(divide(num(counts), den(counts)), index=names) for name, (num, den) in RATES.items()}

    groups = []
    for k, name in enumerate(names):
        row = counts.iloc[k]
        entry = {"group": name, "n": int(row.n), "tp": int(row.tp), "fp": int(row.fp), "tn": int(row.tn), "fn": int(row.fn), "rates": {}}
        for rate, (num, den) in RATES.items():
            successes, trials = int(num(row)), int(den(row))
            interval = None
            if trials > 0:
                low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
                interval = [float(low), float(high)]
            entry["rates"][rate] = {"value": clean(rates[rate].iloc[k]), "successes": successes, "trials": trials, "interval": interval}
        groups.append(entry)

    metrics, disparities = fairlearn_frame(df, attributes, names)

    # Aequitas: the largest group is the reference (first in sorted order on ties).
    n = pd.Series(counts.n.values, index=names)
    reference = n[n > 0].idxmax()
    predicted_positive = pd.Series((counts.tp + counts.fp).values, index=names)
    ppr = predicted_positive / predicted_positive.sum()
    versus = {
        "ppr_disparity": ppr,
        "pprev_disparity": rates["selection_rate"],
        "fpr_disparity": rates["false_positive_rate"],
        "fnr_disparity": rates["false_negative_rate"],
        "tpr_disparity": rates["true_positive_rate"],
        "precision_disparity": rates["precision"],
    }
    reference_disparities = {}
    for name in names:
        reference_disparities[name] = {}
        for metric, series in versus.items():
            ref = series[reference]
            value = series[name] / ref if ref > 0 and not math.isnan(ref) else math.nan
            reference_disparities[name][metric] = clean(value)

    return {
        "name": " & ".join(attributes),
        "attributes": attributes,
        "groups": groups,
        "compared": [name for name in names if n[name] > 0],
        "metrics": metrics,
        "disparities": disparities,
        "referenceGroup": reference,
        "referenceDisparities": reference_disparities,
    }


def adult():
    df = pd.read_csv(os.path.join(DATA, "adult_rf_binary.csv"))
    df["y"] = df.label_value.astype(int)
    df["p"] = df.score.astype(int)
    return df, ["gender", "race", "education"], {"file": "tests/fixtures/data/adult_rf_binary.csv", "label": "label_value", "prediction": "score"}


def compas():
    df = pd.read_csv(os.path.join(DATA, "compas-scores-two-years.csv"))
    # pandas names the repeated column decile_score.1: "decile_score" is the first occurrence.
    assert "decile_score.1" in df.columns
    df["y"] = df.two_year_recid.astype(int)
    df["p"] = (df.decile_score > 4).astype(int)
    assert (df.p == (df.score_text != "Low").astype(int)).all()
    return df, ["race", "sex", "age_cat"], {"file": "tests/fixtures/data/compas-scores-two-years.csv", "label": "two_year_recid", "score": "decile_score", "threshold": 5}


def compas_propublica():
    """The rows ProPublica analysed, as its notebook filters them; all six races kept."""
    df = pd.read_csv(os.path.join(DATA, "compas-scores-two-years.csv"), keep_default_na=False, na_values=[""])
    keep = (
        (df.days_b_screening_arrest <= 30)
        & (df.days_b_screening_arrest >= -30)
        & (df.is_recid != -1)
        & (df.c_charge_degree != "O")
        & (df.score_text != "N/A")
    )
    df = df[keep][["id", "race", "sex", "age_cat", "decile_score", "score_text", "two_year_recid"]].reset_index(drop=True)
    assert len(df) == 6172, len(df)  # ProPublica's count
    df["y"] = df.two_year_recid.astype(int)
    # Prediction: score_text != "Low" ("Medium" or "High" risk), which is decile_score >= 5.
    df["p"] = (df.score_text != "Low").astype(int)
    assert (df.p == (df.decile_score >= 5).astype(int)).all()
    path = os.path.join(OUT, "compas-propublica.csv")
    df.drop(columns=["y", "p"]).to_csv(path, index=False, lineterminator="\n")
    return df, ["race", "sex", "age_cat"], {"file": "tests/fixtures/metrics/compas-propublica.csv", "label": "two_year_recid", "score": "decile_score", "threshold": 5}


# Small inputs for Fairlearn's corner cases, written as CSV beside their JSON:
#   edge-cases: a group without positives (TPR 0/0, which Fairlearn counts as 0), a group nobody
#     is flagged in, a two-row group, and intersections nobody belongs to;
#   no-false-positives: every FPR is 0, so the FPR ratio is 0/0 and equalized_odds_ratio is
#     min([tpr_ratio, nan]) = tpr_ratio;
#   no-true-positives: every TPR is 0, so equalized_odds_ratio is min([nan, fpr_ratio]) = nan.
SMALL_CASES = {
    "edge-cases": (["g", "h"], [
        (1, 1, "a", "u"), (1, 0, "a", "u"), (0, 1, "a", "v"), (0, 0, "a", "v"), (1, 1, "a", "u"),
        (0, 1, "b", "u"), (0, 0, "b", "u"), (0, 0, "b", "u"),
        (1, 0, "c", "v"), (0, 0, "c", "v"), (1, 0, "c", "v"), (0, 0, "c", "v"),
        (1, 1, "d", "u"), (0, 0, "d", "v"),
    ]),
    "no-false-positives": (["g"], [(1, 1, "a"), (1, 0, "a"), (0, 0, "a"), (1, 1, "b"), (0, 0, "b"), (0, 0, "b")]),
    "no-true-positives": (["g"], [(1, 0, "a"), (0, 1, "a"), (0, 0, "a"), (1, 0, "b"), (0, 0, "b"), (0, 1, "b"), (0, 0, "b")]),
}


def small_case(name):
    attributes, rows = SMALL_CASES[name]
    df = pd.DataFrame(rows, columns=["label", "prediction", *attributes])
    df.to_csv(os.path.join(OUT, f"fairness-{name}.csv"), index=False, lineterminator="\n")
    df["y"] = df.label
    df["p"] = df.prediction
    return df, attributes, {"file": f"tests/fixtures/metrics/fairness-{name}.csv", "label": "label", "prediction": "prediction"}


def main():
    os.makedirs(OUT, exist_ok=True)
    loaders = [("adult", adult), ("compas", compas), ("compas-propublica", compas_propublica)]
    loaders += [(name, lambda name=name: small_case(name)) for name in SMALL_CASES]
    for name, load in loaders:
        df, attributes, source = load()
        frames = [frame_reference(df, [a]) for a in attributes]
        if len(attributes) > 1:
            frames.append(frame_reference(df, attributes))
        tn, fp, fn, tp = confusion_matrix(df.y, df.p, labels=[0, 1]).ravel()
        fixture = {
            "generatedBy": "scripts/reference/fairness_reference.py",
            "versions": {"fairlearn": "v0.12.0 tag (" + fairlearn.__version__ + ")", "pandas": pd.__version__, "numpy": np.__version__},
            "source": source,
            "attributes": attributes,
            "rows": int(len(df)),
            "overall": {"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)},
            "frames": frames,
        }
        path = os.path.join(OUT, f"fairness-{name}.json")
        with open(path, "w") as f:
            json.dump(fixture, f, indent=1, allow_nan=False)
            f.write("\n")
        print(f"wrote {os.path.relpath(path, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
