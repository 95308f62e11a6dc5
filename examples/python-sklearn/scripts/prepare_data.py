"""Writes the example's data from the diabetes data set scikit-learn ships (Debian's
python3-sklearn: sklearn/datasets/data/diabetes_data_raw.csv.gz and diabetes_target.csv.gz), byte
for byte the same on every machine:

  data/diabetes.csv  the 442 patients as the source has them, plus an id: age, sex, bmi, bp,
                     s1..s6 and progression (a measure of disease progression a year later)
  data/patients.csv  342 of them, to train and evaluate on: the measurements, age_band and the
                     label fast_progression (progression above 140.5, the median of all 442)
  data/holdout.csv   the other 100, labelled, never trained or evaluated on: deploy-test replays them
  data/sample.csv    the first 50 of those without the label: the smoke-test input for predict

The split is a seeded permutation (numpy's legacy RandomState, stable across numpy versions).

  python3 scripts/prepare_data.py [--out data]
"""

import argparse
import hashlib
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import load_diabetes

SEED = 20261205
HOLDOUT = 100
SAMPLE = 50
# The median progression of all 442 patients: half of them progress faster.
FAST_PROGRESSION_ABOVE = 140.5
SOURCE_FILES = ["diabetes_data_raw.csv.gz", "diabetes_target.csv.gz"]


def source_checksums():
    directory = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data")
    sums = {}
    for name in SOURCE_FILES:
        with open(os.path.join(directory, name), "rb") as handle:
            sums[name] = hashlib.sha256(handle.read()).hexdigest()
    return sums


def number(value):
    """The source's value as it reads: integers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="data")
    out = parser.parse_args().out

    source = load_diabetes(scaled=False, as_frame=True).frame
    if len(source) != 442:
        sys.exit(f"expected the 442 patients of the diabetes data set, found {len(source)}")
    table = pd.DataFrame({"patient_id": [f"P{i + 1:03d}" for i in range(len(source))]})
    for column in ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]:
        table[column] = [number(v) for v in source[column]]
    table["progression"] = [number(v) for v in source["target"]]

    modelling = table[["patient_id", "sex"]].copy()
    modelling["age_band"] = ["19-49" if float(a) < 50 else "50-79" for a in table["age"]]
    for column in ["age", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]:
        modelling[column] = table[column]
    modelling["fast_progression"] = [
        1 if float(p) > FAST_PROGRESSION_ABOVE else 0 for p in table["progression"]
    ]

    order = np.random.RandomState(SEED).permutation(len(modelling))
    holdout = modelling.iloc[np.sort(order[:HOLDOUT])]
    patients = modelling.iloc[np.sort(order[HOLDOUT:])]

    os.makedirs(out, exist_ok=True)
    write = lambda frame, name: frame.to_csv(  # noqa: E731
        os.path.join(out, name), index=False, lineterminator="\n"
    )
    write(table, "diabetes.csv")
    write(patients, "patients.csv")
    write(holdout, "holdout.csv")
    write(holdout.drop(columns=["fast_progression"]).head(SAMPLE), "sample.csv")
    sums = ", ".join(f"{name} sha256 {digest}" for name, digest in source_checksums().items())
    print(
        f"wrote {len(patients)} patients, {len(holdout)} holdout and {SAMPLE} sample rows "
        f"to {out}/ from scikit-learn {sklearn.__version__}'s {sums}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
