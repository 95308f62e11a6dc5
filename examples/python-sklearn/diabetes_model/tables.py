"""CSV in and out with pandas, with errors that name the file, row and column."""

import math

import pandas as pd


class DataError(Exception):
    """Bad input data: the message names the file, and the row and column where it can."""


def read_table(path):
    """Reads a CSV with every cell as text, so values are checked here, not guessed by pandas."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: not a readable CSV file ({error})") from None


def require_columns(table, columns, path, purpose):
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise DataError(f"{path} lacks the columns {purpose}: {', '.join(missing)}")


def numeric_matrix(table, columns, path):
    """The columns as floats; the first cell that is not a finite number is reported by row."""
    rows = []
    for index, record in enumerate(table[columns].itertuples(index=False), start=1):
        row = []
        for column, text in zip(columns, record):
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise DataError(f"{path}, row {index}: column {column}: not a number: {text!r}")
            row.append(value)
        rows.append(row)
    return rows


def fixed(value, digits=6):
    """A number with fixed decimals: the same bytes on every machine."""
    return f"{value:.{digits}f}"


def write_table(table, path):
    table.to_csv(path, index=False, lineterminator="\n")
