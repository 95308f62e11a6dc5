"""The pandas side of the fairness benchmark: the per-group confusion counts and rates that
`mlops-flow fairness-report` reports, computed the way a pandas user would, on the same file.

    python3 pandas_fairness.py FILE LABEL PREDICTION ATTRIBUTE [ATTRIBUTE ...]
    python3 pandas_fairness.py --regression FILE TARGET PREDICTION ATTRIBUTE [ATTRIBUTE ...]

With --regression: per group n, MAE, RMSE, mean error (prediction - target), mean prediction
and mean target, as `mlops-flow fairness-report --target` reports them.

Reads only the columns it needs, with compact dtypes (int8 outcomes, categorical attributes):
a fair, memory-conscious use of pd.read_csv, not its defaults. Prints JSON: for each attribute,
each group's n, tp, fp, tn, fn and rates (null for 0/0), and the seconds each phase took.
"""

import json
import sys
import time

started = time.perf_counter()
import pandas as pd  # noqa: E402 -- the import is part of what is timed

MISSING = "(missing)"  # mlops-flow's name for an empty attribute cell
RATES = {
    "selection_rate": (("tp", "fp"), ("tp", "fp", "tn", "fn")),
    "true_positive_rate": (("tp",), ("tp", "fn")),
    "false_positive_rate": (("fp",), ("fp", "tn")),
    "false_negative_rate": (("fn",), ("fn", "tp")),
    "precision": (("tp",), ("tp", "fp")),
    "accuracy": (("tp", "tn"), ("tp", "fp", "tn", "fn")),
}


def main(path, label, prediction, attributes):
    imported = time.perf_counter()
    frame = pd.read_csv(
        path,
        usecols=[label, prediction, *attributes],
        dtype={label: "int8", prediction: "int8", **{a: "category" for a in attributes}},
    )
    read = time.perf_counter()
    # Confusion cell of each row, 0 TN, 1 FP, 2 FN, 3 TP: counting (group, cell) pairs is the
    # fastest pandas way to per-group confusion counts (summing four boolean columns by group
    # takes 1.7x as long, pd.crosstab 3x).
    cell = (frame[label] * 2 + frame[prediction]).astype("int8")
    result = {"rows": len(frame), "attributes": {}}
    for attribute in attributes:
        # Empty cells are NaN; name them as mlops-flow does. (pandas 1.5 drops NaN from a
        # categorical groupby even with dropna=False, so they become a category first.)
        column = frame[attribute].cat.add_categories([MISSING]).fillna(MISSING)
        table = frame.groupby([column, cell], observed=True).size().unstack(fill_value=0)
        table = table.reindex(columns=range(4), fill_value=0)
        groups = {}
        for value, row in table.iterrows():
            counts = {name: int(row[k]) for k, name in enumerate(("tn", "fp", "fn", "tp"))}
            group = {"n": sum(counts.values()), **counts}
            for name, (successes, trials) in RATES.items():
                total = sum(counts[c] for c in trials)
                group[name] = sum(counts[c] for c in successes) / total if total else None
            groups[MISSING if str(value).strip() == "" else str(value)] = group
        result["attributes"][attribute] = groups
    done = time.perf_counter()
    result["seconds"] = {
        "import": imported - started,
        "read_csv": read - imported,
        "groupby": done - read,
    }
    json.dump(result, sys.stdout)


def regression(path, target, prediction, attributes):
    imported = time.perf_counter()
    frame = pd.read_csv(
        path,
        usecols=[target, prediction, *attributes],
        dtype={target: "float64", prediction: "float64", **{a: "category" for a in attributes}},
    )
    read = time.perf_counter()
    error = frame[prediction] - frame[target]
    parts = pd.DataFrame(
        {
            "abs": error.abs(),
            "squared": error * error,
            "error": error,
            "prediction": frame[prediction],
            "target": frame[target],
        }
    )
    result = {"rows": len(frame), "attributes": {}}
    for attribute in attributes:
        column = frame[attribute].cat.add_categories([MISSING]).fillna(MISSING)
        means = parts.groupby(column, observed=True).mean()
        sizes = column.groupby(column, observed=True).size()
        groups = {}
        for value, row in means.iterrows():
            groups[MISSING if str(value).strip() == "" else str(value)] = {
                "n": int(sizes[value]),
                "mean_absolute_error": float(row["abs"]),
                "root_mean_squared_error": float(row["squared"]) ** 0.5,
                "mean_error": float(row["error"]),
                "mean_prediction": float(row["prediction"]),
                "mean_target": float(row["target"]),
            }
        result["attributes"][attribute] = groups
    done = time.perf_counter()
    result["seconds"] = {"import": imported - started, "read_csv": read - imported, "groupby": done - read}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    task = regression if arguments[:1] == ["--regression"] else main
    arguments = arguments[1:] if task is regression else arguments
    if len(arguments) < 4:
        sys.exit(__doc__)
    task(arguments[0], arguments[1], arguments[2], arguments[3:])
