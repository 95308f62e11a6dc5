#!/usr/bin/env python3
"""Reference values for mlops-flow's regression fairness report: Fairlearn 0.12's own numbers.

The data are scikit-learn's bundled diabetes data (442 patients, unscaled; Efron, Hastie,
Johnstone and Tibshirani, "Least Angle Regression", 2004, shipped with scikit-learn under its
BSD licence), predicted by an
ordinary least-squares LinearRegression (deterministic) fitted on the ten features of the first
300 patients: on its own training rows OLS residuals sum to zero, and the overall mean error
would be rounding noise. Groups are
the `sex` column (1 or 2, as the data code it) and an age split, age_band: "19-29", "30-49",
"50-79". The rows, with the model's prediction, are written to
tests/fixtures/metrics/fairness-diabetes.csv; every figure below is computed from that CSV as
read back, so the TypeScript reads exactly the numbers Fairlearn saw.

Fairlearn (v0.12.0 tag, checked out outside this repository and put on PYTHONPATH, see
fairness_reference.py) computes, per frame (sex, age_band, and sex & age_band):

  * MetricFrame by_group / overall / group_min / group_max / difference and ratio by both
    methods for mean_absolute_error, mean_squared_error, root_mean_squared_error (scikit-learn's),
    mean_error = mean(prediction - target), fairlearn.metrics.mean_prediction, and mean_target;
  * bounded group loss: BoundedGroupLoss(AbsoluteLoss | SquareLoss, unclipped).gamma, the mean
    loss of each group, and its largest value.

  PYTHONPATH=/tmp/fairlearn-0.12.0 /usr/bin/python3 scripts/reference/fairness_regression_reference.py
"""

import json
import math
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error

try:
    import fairlearn
    from fairlearn import metrics as flm
    from fairlearn.reductions import AbsoluteLoss, BoundedGroupLoss, SquareLoss
except ImportError:
    sys.exit("fairlearn is not importable: put a checkout of its v0.12.0 tag on PYTHONPATH")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "metrics")
CSV = os.path.join(OUT, "fairness-diabetes.csv")
FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
METHODS = ["between_groups", "to_overall"]
METRICS = {
    "mean_absolute_error": mean_absolute_error,
    "mean_squared_error": mean_squared_error,
    "root_mean_squared_error": lambda y, p: mean_squared_error(y, p, squared=False),
    "mean_error": lambda y, p: float(np.mean(np.asarray(p) - np.asarray(y))),
    "mean_prediction": flm.mean_prediction,
    "mean_target": lambda y, p: float(np.mean(y)),
}
LOSSES = {"absolute": AbsoluteLoss(-np.inf, np.inf), "squared": SquareLoss(-np.inf, np.inf)}


def clean(value):
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def write_data():
    data = load_diabetes(as_frame=True, scaled=False).frame
    model = LinearRegression().fit(data[FEATURES][:300], data.target[:300])
    data["prediction"] = model.predict(data[FEATURES])
    data["sex"] = data.sex.astype(int)
    data["age_band"] = pd.cut(data.age, [0, 29, 49, 200], labels=["19-29", "30-49", "50-79"]).astype(str)
    data.to_csv(CSV, index=False, lineterminator="\n")


def frame_reference(df, attributes):
    sensitive = df[attributes[0]] if len(attributes) == 1 else df[attributes]
    frame = flm.MetricFrame(metrics=METRICS, y_true=df.target, y_pred=df.prediction, sensitive_features=sensitive)
    index = frame.by_group.index
    names = [str(v) if len(attributes) == 1 else " & ".join(str(x) for x in v) for v in index]
    metrics = {}
    for metric in METRICS:
        metrics[metric] = {
            "byGroup": {name: clean(v) for name, v in zip(names, frame.by_group[metric].values)},
            "overall": clean(frame.overall[metric]),
            "groupMin": clean(frame.group_min()[metric]),
            "groupMax": clean(frame.group_max()[metric]),
            "difference": {m: clean(frame.difference(method=m)[metric]) for m in METHODS},
            "ratio": {m: clean(frame.ratio(method=m)[metric]) for m in METHODS},
        }
    bounded = {}
    for loss, function in LOSSES.items():
        moment = BoundedGroupLoss(function, upper_bound=0)
        moment.load_data(df[FEATURES], df.target, sensitive_features=sensitive)
        gamma = moment.gamma(lambda X: df.prediction.values)
        bounded[loss] = {"byGroup": {str(k): float(v) for k, v in gamma.items()}, "max": float(gamma.max())}
    sizes = df.groupby(attributes).size()
    return {
        "name": " & ".join(attributes),
        "attributes": attributes,
        "groups": names,
        "sizes": {(str(k) if len(attributes) == 1 else " & ".join(str(x) for x in k)): int(v) for k, v in sizes.items()},
        "metrics": metrics,
        "boundedGroupLoss": bounded,
    }


def main():
    write_data()
    df = pd.read_csv(CSV, dtype={"sex": str, "age_band": str})
    attributes = ["sex", "age_band"]
    frames = [frame_reference(df, [a]) for a in attributes] + [frame_reference(df, attributes)]
    fixture = {
        "generatedBy": "scripts/reference/fairness_regression_reference.py",
        "versions": {
            "fairlearn": "v0.12.0 tag (" + fairlearn.__version__ + ")",
            "scikit-learn": sklearn.__version__,
            "pandas": pd.__version__,
            "numpy": np.__version__,
        },
        "source": {"file": "tests/fixtures/metrics/fairness-diabetes.csv", "target": "target", "prediction": "prediction"},
        "rows": int(len(df)),
        "attributes": attributes,
        "frames": frames,
    }
    path = os.path.join(OUT, "fairness-diabetes.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} and {os.path.relpath(CSV, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
