#!/usr/bin/env python3
"""Reference values for src/canary/ (the canary judge's statistics).

The Mann-Whitney U statistic and two-sided p-value come from scipy.stats.mannwhitneyu with
its defaults (method="auto": exact when one sample has at most 8 values and nothing is tied,
otherwise the normal approximation with the tie-corrected variance and continuity correction).

The Hodges-Lehmann shift of x against y is the median of all pairwise differences x_i - y_j
(numpy). Its confidence interval inverts the test, as R's wilcox.test(conf.int=TRUE) does: from
the q-th smallest to the q-th largest pairwise difference, where q is
  - exact: the smallest q with P(U <= q) >= alpha/2 under scipy's own null distribution of U
    (scipy.stats._mannwhitneyu._mwu_state, the distribution mannwhitneyu's exact p-values use);
  - asymptotic: ceil(mn/2 - 0.5 - z(1 - alpha/2) * sigma), sigma the tie-corrected standard
    deviation of U written with scipy.stats.tiecorrect, z from scipy.stats.norm.ppf;
clamped to [1, ceil(mn/2)].

The normal survival function values come from scipy.stats.norm.sf, the quartiles for the
outlier fences from numpy.percentile (linear interpolation).

Run with Debian's python3 (python3-scipy):
  /usr/bin/python3 scripts/reference/canary_reference.py
It writes tests/fixtures/canary/statistics.json.
"""

import json
import math
import os

import numpy as np
import scipy
from scipy import stats
from scipy.stats._mannwhitneyu import _mwu_state

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "canary", "statistics.json")
CONFIDENCE = 0.95


def method_of(x, y):
    if len(x) > 8 and len(y) > 8:
        return "asymptotic"
    both = np.concatenate([x, y])
    return "asymptotic" if len(np.unique(both)) < len(both) else "exact"


def shift_interval(x, y, confidence):
    m, n = len(x), len(y)
    diffs = np.sort(np.subtract.outer(np.asarray(x, float), np.asarray(y, float)).ravel())
    count = len(diffs)
    alpha = 1 - confidence
    method = method_of(x, y)
    if method == "exact":
        q = next(k for k in range(count + 1) if _mwu_state.cdf(k, m, n) >= alpha / 2)
    else:
        ranks = stats.rankdata(np.concatenate([x, y]))
        sigma = math.sqrt(stats.tiecorrect(ranks) * m * n * (m + n + 1) / 12.0)
        q = math.ceil(count / 2 - 0.5 - stats.norm.ppf(1 - alpha / 2) * sigma)
    q = min(max(q, 1), math.ceil(count / 2))
    return {
        "estimate": float(np.median(diffs)),
        "lower": float(diffs[q - 1]),
        "upper": float(diffs[count - q]),
        "q": int(q),
        "method": method,
    }


def case(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    result = stats.mannwhitneyu(x, y)
    return {
        "name": name,
        "x": x,
        "y": y,
        "method": method_of(x, y),
        "statistic": float(result.statistic),
        "pvalue": float(result.pvalue),
        "shift": shift_interval(x, y, CONFIDENCE),
    }


def main():
    rng = np.random.default_rng(20261125)
    cases = [
        case("scipy's documentation example (exact)", [19, 22, 16, 29, 24], [20, 11, 17, 12]),
        case("one value each", [3], [1]),
        case("3 vs 7, no ties (exact)", [1.5, 8.25, 3.0], [2.0, 4.5, 0.5, 6.0, 7.75, 9.0, 10.5]),
        case(
            "8 vs 20 separated (exact tail)",
            list(range(100, 108)),
            list(np.round(rng.normal(50, 5, 20), 4)),
        ),
        case(
            "8 vs 40 overlapping (exact, large n)",
            list(np.round(rng.normal(10.3, 1, 8), 5)),
            list(np.round(rng.normal(10, 1, 40), 5)),
        ),
        case("small with ties (asymptotic)", [1, 2, 2, 3], [2, 3, 3, 4, 5]),
        case("9 vs 9, no ties (asymptotic)", list(np.round(rng.normal(0, 1, 9), 6)), list(np.round(rng.normal(0.8, 1, 9), 6))),
        case(
            "latency p95 in histogram buckets: many ties",
            [4.75] * 14 + [9.5] * 4 + [24.0] * 2,
            [4.75] * 17 + [9.5] * 3,
        ),
        case("error rates: canary 0.5, baseline 0", [0.5, 0.48, 0.52, 0.5, 0.51, 0.49, 0.5, 0.5, 0.47, 0.53], [0.0] * 10),
        case("all values equal", [1.0] * 10, [1.0] * 12),
        case(
            "30 vs 25 normal, shifted by 0.5",
            list(np.round(rng.normal(1.5, 1, 30), 6)),
            list(np.round(rng.normal(1.0, 1, 25), 6)),
        ),
        case("20 vs 20 separated (deep tail)", [float(v) for v in range(40, 60)], [float(v) for v in range(20)]),
        case(
            "60 vs 50 from the same distribution",
            list(np.round(rng.exponential(3, 60), 6)),
            list(np.round(rng.exponential(3, 50), 6)),
        ),
    ]
    normal_sf = [{"z": z, "sf": float(stats.norm.sf(z))} for z in [-3.0, -0.5, 0.0, 0.3, 1.0, 1.7, 1.959963984540054, 2.5, 3.2, 5.0, 8.0, 12.0, 20.0, 37.0]]
    fence_inputs = [
        [1, 2, 3, 4, 5, 6, 7, 8, 100],
        [0.5, 0.52, 0.49, 0.51, 0.5, 3.0, -2.0, 0.48],
        [10, 10, 10, 10, 11],
    ]
    fences = []
    for values in fence_inputs:
        q1, q3 = np.percentile(values, [25, 75])
        for factor in (1.5, 3.0):
            fences.append(
                {
                    "values": [float(v) for v in values],
                    "factor": factor,
                    "low": float(q1 - factor * (q3 - q1)),
                    "high": float(q3 + factor * (q3 - q1)),
                }
            )
    document = {
        "generatedBy": "scripts/reference/canary_reference.py",
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__},
        "confidence": CONFIDENCE,
        "mannWhitney": cases,
        "normalSf": normal_sf,
        "fences": fences,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}: {len(cases)} Mann-Whitney cases")


if __name__ == "__main__":
    main()
