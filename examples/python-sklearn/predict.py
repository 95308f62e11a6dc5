"""Batch prediction: CSV in, CSV out, one output row per input row. Every input column is passed
through, plus prediction (1: fast progression expected) and score (its probability).

  python3 predict.py --model model/ --input data/sample.csv --output predictions.csv
"""

import argparse
import sys

from diabetes_model.model import ModelError, decide, load_model, score
from diabetes_model.tables import DataError, fixed, numeric_matrix, read_table, require_columns, write_table


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    document, pipeline = load_model(args.model)
    table = read_table(args.input)
    features = document["features"]
    require_columns(table, features, args.input, "the model needs")
    # A bad value stops the batch with its row: skipping it would leave a patient unscored.
    scores = score(pipeline, numeric_matrix(table, features, args.input))
    out = table.drop(columns=[c for c in ("prediction", "score") if c in table.columns])
    out["prediction"] = decide(scores, document["threshold"])
    out["score"] = [fixed(s) for s in scores]
    write_table(out, args.output)


if __name__ == "__main__":
    try:
        main()
    except (DataError, ModelError) as error:
        print(error, file=sys.stderr)
        sys.exit(1)
