"""Reading the hand-edited CSV files in data/, with errors that name file, line and column."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .documents import read_utf8
from .errors import BuildError, Problem

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
PARTIAL_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | number | share | integer | boolean | partial-date | slug
    required: bool = True


def check_value(value: str, column: Column) -> str | None:
    """Why value does not fit column, or None when it does."""
    if value == "":
        return "is empty" if column.required else None
    if column.kind in ("number", "share"):
        if not NUMBER.match(value):
            return f"'{value}' is not a plain number (use a dot for decimals, no % sign)"
        if column.kind == "share" and not 0 <= float(value) <= 100:
            return f"{value} is outside 0–100"
    elif column.kind == "integer" and not value.isdigit():
        return f"'{value}' is not a whole number"
    elif column.kind == "boolean" and value not in ("true", "false"):
        return f"'{value}' is not true or false"
    elif column.kind == "partial-date":
        if not PARTIAL_DATE.match(value):
            return f"'{value}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        try:
            if len(value) == 10:
                pd.Timestamp(value)
        except ValueError:
            return f"'{value}' is not a real calendar date"
    elif column.kind == "slug" and not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", value):
        return f"'{value}' is not an id (lowercase letters, digits, single hyphens)"
    return None


def read_table(path: Path, label: str, columns: list[Column]) -> pd.DataFrame:
    """Read a CSV whose header must contain columns; every cell is checked, all problems reported.

    Returns a DataFrame of strings plus a 'line' column (the line in the file), converted to
    numbers/booleans where the column says so.
    """
    text = read_utf8(path, label)
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise BuildError([Problem(label, "the file is empty; expected a header row", line=1)])
    header = [h.strip() for h in header]
    missing = [c.name for c in columns if c.name not in header]
    if missing:
        found = ", ".join(header)
        raise BuildError([Problem(label, f"missing column '{m}' (header has: {found})", line=1) for m in missing])
    problems, rows = [], []
    index = {name: i for i, name in enumerate(header)}
    line = reader.line_num
    for record in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(label, f"has {len(record)} fields, the header has {len(header)}", line=start))
            continue
        row = {"line": start}
        for column in columns:
            value = record[index[column.name]].strip()
            why = check_value(value, column)
            if why:
                problems.append(Problem(label, why, line=start, column=column.name))
            row[column.name] = value
        rows.append(row)
    if problems:
        raise BuildError(problems[:50])
    frame = pd.DataFrame(rows, columns=["line", *[c.name for c in columns]])
    for column in columns:
        if column.kind in ("number", "share"):
            frame[column.name] = pd.to_numeric(frame[column.name].replace("", None))
        elif column.kind == "integer":
            frame[column.name] = frame[column.name].astype(int)
        elif column.kind == "boolean":
            frame[column.name] = frame[column.name] == "true"
    return frame


def check_unique(frame: pd.DataFrame, keys: list[str], label: str) -> None:
    duplicated = frame[frame.duplicated(keys, keep="first")]
    if len(duplicated):
        raise BuildError([
            Problem(label, f"duplicate {'/'.join(keys)} '{'/'.join(str(row[k]) for k in keys)}'", line=int(row["line"]))
            for _, row in duplicated.iterrows()
        ])
