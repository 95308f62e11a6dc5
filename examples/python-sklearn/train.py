"""Trains the fast-progression model and evaluates it on patients it never saw:

  1. reads data/patients.csv (342 patients) and checks every value;
  2. scores each patient with a model fitted on the other folds of a stratified 5-fold split
     (out-of-fold predictions, seeded): all 342 are evaluated, none by a model that saw them.
     342 patients are too few to set a third aside and still judge fairness on the rest;
  3. fits the saved model, the same scikit-learn pipeline (standardise, then an L2 logistic
     regression), on all 342;
  4. writes what the flow reads: model.json, the metrics, the eval predictions (with the
     sensitive attributes, for the fairness report), per-row attributions (exact for a linear
     model: base value + contributions = the log-odds of the score) and training statistics.

The scores are computed with the parameters as saved (rounded to 10 decimals), and every file is
written with fixed decimals: the same data gives the same bytes, so the model digest is
reproducible.

  python3 train.py --data data/patients.csv --out model/
"""

import argparse
import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from diabetes_model.features import FEATURES, ID_COLUMN, LABEL_COLUMN, SENSITIVE_ATTRIBUTES
from diabetes_model.model import (
    attributions,
    decide,
    rounded_pipeline,
    score,
    to_document,
)
from diabetes_model.tables import (
    DataError,
    fixed,
    numeric_matrix,
    read_table,
    require_columns,
    write_table,
)

SEED = 20261205
FOLDS = 5
THRESHOLD = 0.5


def fit(matrix, labels):
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            ("classify", LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000)),
        ]
    )
    pipeline.fit(np.array(matrix), np.array(labels))
    return rounded_pipeline(pipeline, FEATURES, THRESHOLD)


def labels_of(table, path):
    labels = []
    for index, text in enumerate(table[LABEL_COLUMN], start=1):
        if text not in ("0", "1"):
            raise DataError(f"{path}, row {index}: {LABEL_COLUMN} must be 0 or 1, not {text!r}")
        labels.append(int(text))
    return labels


def training_stats(matrix):
    """Per feature, decile edges and the count of training rows in each bin (for drift)."""
    features = {}
    for position, name in enumerate(FEATURES):
        values = sorted(row[position] for row in matrix)
        edges = sorted({values[(d * len(values)) // 10] for d in range(1, 10)})
        counts = [0] * (len(edges) + 1)
        for value in values:
            counts[sum(1 for edge in edges if value >= edge)] += 1
        features[name] = {"edges": edges, "counts": counts}
    return {"rows": len(matrix), "features": features}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/patients.csv")
    parser.add_argument("--out", default="model/")
    args = parser.parse_args()

    table = read_table(args.data)
    require_columns(
        table, [ID_COLUMN, LABEL_COLUMN, *SENSITIVE_ATTRIBUTES, *FEATURES], args.data, "to train on"
    )
    matrix = numeric_matrix(table, FEATURES, args.data)
    labels = labels_of(table, args.data)

    # Out-of-fold scores: each patient by the model of the folds that left them out.
    scores = [0.0] * len(matrix)
    contributions = [None] * len(matrix)
    base_values = [0.0] * len(matrix)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train_rows, eval_rows in folds.split(matrix, labels):
        model = fit([matrix[i] for i in train_rows], [labels[i] for i in train_rows])
        document = to_document(model, FEATURES, THRESHOLD)
        for i, s in zip(eval_rows, score(model, [matrix[i] for i in eval_rows])):
            scores[i] = s
            contributions[i] = attributions(document, matrix[i])
            base_values[i] = document["intercept"]
    predictions = decide(scores, THRESHOLD)

    final = fit(matrix, labels)
    metrics = {
        "accuracy": accuracy_score(labels, predictions),
        "precision": precision_score(labels, predictions),
        "recall": recall_score(labels, predictions),
        "f1": f1_score(labels, predictions),
        "roc_auc": roc_auc_score(labels, scores),
    }
    metrics = {name: round(float(value), 6) for name, value in metrics.items()}
    metrics["n_eval"] = len(labels)

    os.makedirs(args.out, exist_ok=True)
    write_json = lambda name, value: _write_json(os.path.join(args.out, name), value)  # noqa: E731
    write_json("model.json", to_document(final, FEATURES, THRESHOLD))
    write_json("metrics.json", metrics)
    write_json("training-stats.json", training_stats(matrix))
    # sex is both a sensitive attribute and a feature: one column.
    passed_through = [*SENSITIVE_ATTRIBUTES, *(f for f in FEATURES if f not in SENSITIVE_ATTRIBUTES)]
    evaluated = table[[ID_COLUMN, *passed_through]].copy()
    evaluated.insert(1, "label", labels)
    evaluated.insert(2, "prediction", predictions)
    evaluated.insert(3, "score", [fixed(s) for s in scores])
    write_table(evaluated, os.path.join(args.out, "eval-predictions.csv"))
    explained = pd.DataFrame({ID_COLUMN: table[ID_COLUMN], "base_value": [fixed(b) for b in base_values]})
    for position, name in enumerate(FEATURES):
        explained[name] = [fixed(row[position]) for row in contributions]
    write_table(explained, os.path.join(args.out, "attributions.csv"))
    print(
        f"precision {metrics['precision']} recall {metrics['recall']} auc {metrics['roc_auc']} "
        f"on {len(labels)} patients, out of fold ({FOLDS} folds, seed {SEED})"
    )


def _write_json(path, value):
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(value, indent=2) + "\n")


if __name__ == "__main__":
    try:
        main()
    except DataError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
