#!/usr/bin/env python3
"""Reference values for mlops-flow's fairness report, computed independently with pandas.

Fairlearn is not installable offline here, so its formulas are written out from its
documented definitions (fairlearn.metrics.MetricFrame and _fairness_metrics.py):

  difference(between_groups) = group_max - group_min
  difference(to_overall)     = max |group - overall|
  ratio(between_groups)      = group_min / group_max
  ratio(to_overall)          = min over groups of (group / overall, inverted when > 1)
  demographic_parity_*       = selection_rate frame
  equal_opportunity_*        = true_positive_rate frame
  equalized_odds_difference  = max(tpr difference, fpr difference)   (agg="worst_case")
  equalized_odds_ratio       = min(tpr ratio, fpr ratio)

and Aequitas' reference-group disparities as metric(group) / metric(reference), the reference
being the largest group.

Two documented choices of mlops-flow are applied here too, so the fixture says what the
TypeScript must produce:
  * a rate that is 0/0 is NaN (Fairlearn's sklearn confusion_matrix would turn it into 0) and,
    like any NaN, is skipped by pandas' min/max;
  * only groups with at least min_group_size rows (and at least one row) enter the aggregates.
With min_group_size 0 and no 0/0 rates the values are Fairlearn's own.

Every count is also cross-checked against scikit-learn's confusion_matrix and every defined
rate against recall_score / precision_score / accuracy_score, so the pandas code cannot drift.

Run with Debian's python3 (python3-pandas, python3-sklearn, python3-statsmodels):
  /usr/bin/python3 scripts/reference/fairness_reference.py
It writes tests/fixtures/metrics/fairness-adult.json and fairness-compas.json.
"""

import json
import math
import os
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, precision_score, recall_score
from statsmodels.stats.proportion import proportion_confint

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
MIN_GROUP_SIZES = [0, 30]


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


def aggregates(rate, overall, eligible):
    s = rate[eligible]
    group_min = s.min()
    group_max = s.max()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_between = np.float64(group_min) / np.float64(group_max)
        to_overall = s / overall
    to_overall = to_overall.apply(lambda x: 1 / x if x > 1 else x)
    return {
        "groupMin": clean(group_min),
        "groupMax": clean(group_max),
        "difference": {
            "between_groups": clean(group_max - group_min),
            "to_overall": clean((s - overall).abs().max()),
        },
        "ratio": {"between_groups": clean(ratio_between), "to_overall": clean(to_overall.min())},
    }


def worst(a, b, pick):
    return None if a is None or b is None else pick(a, b)


def frame_reference(df, attributes):
    counts = counts_by_group(df, attributes)
    cross_check(df, attributes, counts)
    names = group_names(counts.index, attributes)
    total = counts[["tp", "fp", "tn", "fn", "n"]].sum()
    rates = {name: pd.Series(divide(num(counts), den(counts)), index=names) for name, (num, den) in RATES.items()}
    overall = {name: float(num(total) / den(total)) if den(total) > 0 else math.nan for name, (num, den) in RATES.items()}

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

    by_min_size = {}
    for min_size in MIN_GROUP_SIZES:
        n = pd.Series(counts.n.values, index=names)
        eligible = (n >= min_size) & (n > 0)
        metrics = {rate: aggregates(rates[rate], overall[rate], eligible) for rate in RATES}
        sel, tpr, fpr = metrics["selection_rate"], metrics["true_positive_rate"], metrics["false_positive_rate"]
        disparities = {
            "demographic_parity_difference": sel["difference"],
            "demographic_parity_ratio": sel["ratio"],
            "equalized_odds_difference": {m: worst(tpr["difference"][m], fpr["difference"][m], max) for m in METHODS},
            "equalized_odds_ratio": {m: worst(tpr["ratio"][m], fpr["ratio"][m], min) for m in METHODS},
            "equal_opportunity_difference": tpr["difference"],
            "equal_opportunity_ratio": tpr["ratio"],
        }
        # Aequitas: the largest eligible group is the reference (first in sorted order on ties).
        reference = n[eligible].idxmax()
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
        by_min_size[str(min_size)] = {
            "compared": [name for name in names if eligible[name]],
            "metrics": metrics,
            "disparities": disparities,
            "referenceGroup": reference,
            "referenceDisparities": reference_disparities,
        }

    return {
        "name": " & ".join(attributes),
        "attributes": attributes,
        "groups": groups,
        "overall": {rate: clean(value) for rate, value in overall.items()},
        "byGroup": {rate: {name: clean(v) for name, v in series.items()} for rate, series in rates.items()},
        "byMinGroupSize": by_min_size,
    }


def adult():
    df = pd.read_csv(os.path.join(DATA, "adult_rf_binary.csv"))
    df["y"] = df.label_value.astype(int)
    df["p"] = df.score.astype(int)
    return df, ["gender", "race", "education"], {"file": "adult_rf_binary.csv", "label": "label_value", "prediction": "score"}


def compas():
    df = pd.read_csv(os.path.join(DATA, "compas-scores-two-years.csv"))
    # pandas names the repeated column decile_score.1: "decile_score" is the first occurrence.
    assert "decile_score.1" in df.columns
    df["y"] = df.two_year_recid.astype(int)
    df["p"] = (df.decile_score > 4).astype(int)
    assert (df.p == (df.score_text != "Low").astype(int)).all()
    return df, ["race", "sex", "age_cat"], {"file": "compas-scores-two-years.csv", "label": "two_year_recid", "score": "decile_score", "threshold": 5}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, load in [("adult", adult), ("compas", compas)]:
        df, attributes, source = load()
        frames = [frame_reference(df, [a]) for a in attributes]
        frames.append(frame_reference(df, attributes))
        tn, fp, fn, tp = confusion_matrix(df.y, df.p, labels=[0, 1]).ravel()
        fixture = {
            "generatedBy": "scripts/reference/fairness_reference.py",
            "versions": {"pandas": pd.__version__, "numpy": np.__version__},
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
