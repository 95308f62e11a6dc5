"""The model as stored (model.json) and as scikit-learn scores it.

The fitted StandardScaler and LogisticRegression are stored as their numbers, rounded to 10
decimals, in JSON rather than as a pickle: loading a pickle runs whatever code it names, and
JSON is the same bytes for the same model, so the model digest is reproducible. Loading puts the
numbers back into a scikit-learn pipeline, which then scores exactly as the saved model.
"""

import json
import math
import os

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

MODEL_FORMAT = "diabetes-progression/sklearn-logistic-regression@1"
DECIMALS = 10


class ModelError(Exception):
    """A model directory that is missing, unreadable or not this example's model."""


def to_document(pipeline, features, threshold):
    scaler = pipeline.named_steps["scale"]
    classifier = pipeline.named_steps["classify"]
    rounded = lambda values: [round(float(v), DECIMALS) for v in values]  # noqa: E731
    return {
        "format": MODEL_FORMAT,
        "features": list(features),
        "scaler": {"mean": rounded(scaler.mean_), "scale": rounded(scaler.scale_)},
        "coefficients": rounded(classifier.coef_[0]),
        "intercept": round(float(classifier.intercept_[0]), DECIMALS),
        "threshold": threshold,
    }


def from_document(document, source="model.json"):
    """A scikit-learn pipeline holding exactly the stored numbers."""
    if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
        raise ModelError(f"{source} is not a {MODEL_FORMAT} model")
    features = document["features"]
    scaler = StandardScaler()
    scaler.mean_ = np.array(document["scaler"]["mean"], dtype=float)
    scaler.scale_ = np.array(document["scaler"]["scale"], dtype=float)
    scaler.var_ = scaler.scale_**2
    scaler.n_features_in_ = len(features)
    classifier = LogisticRegression()
    classifier.coef_ = np.array([document["coefficients"]], dtype=float)
    classifier.intercept_ = np.array([document["intercept"]], dtype=float)
    classifier.classes_ = np.array([0, 1])
    classifier.n_features_in_ = len(features)
    return Pipeline([("scale", scaler), ("classify", classifier)])


def rounded_pipeline(pipeline, features, threshold=0.5):
    """The fitted pipeline as it will be saved: scoring with it reproduces the saved model."""
    return from_document(to_document(pipeline, features, threshold))


def load_model(directory):
    """(document, pipeline) of the model saved in a directory by train.py."""
    source = os.path.join(directory, "model.json")
    try:
        with open(source, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise ModelError(f"{source}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelError(f"{source}: not JSON ({error})") from None
    try:
        return document, from_document(document, source)
    except (KeyError, TypeError, ValueError) as error:
        raise ModelError(f"{source} is not a {MODEL_FORMAT} model ({error})") from None


def score(pipeline, matrix):
    """The probability of fast progression for each row of a list of feature rows."""
    if len(matrix) == 0:
        return []
    return [float(p) for p in pipeline.predict_proba(np.array(matrix, dtype=float))[:, 1]]


def decide(scores, threshold):
    return [1 if s >= threshold else 0 for s in scores]


def attributions(document, row):
    """Each feature's exact contribution to the log-odds: base value + their sum = logit(score)."""
    mean, scale = document["scaler"]["mean"], document["scaler"]["scale"]
    return [c * (x - m) / s for c, x, m, s in zip(document["coefficients"], row, mean, scale)]


def logit(p):
    return math.log(p / (1 - p))
