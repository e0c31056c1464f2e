"""Reading the hand-edited CSV files in data/, with errors that name file, line and column."""

from __future__ import annotations

import csv
import datetime
import difflib
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pandas as pd

from pilotsite.errors import BuildError, Problem, shown
from pilotsite.inputs.reading import CONTROL_CHARACTER, MAX_FILE_BYTES, read_utf8
from pilotsite.inputs.schemas import SLUG_EXPECTED, is_id

if TYPE_CHECKING:
    from pandera.pandas import DataFrameSchema

# ASCII digits only: \d and str.isdigit also take full-width ２, superscript ¹ and Arabic-Indic ٣,
# which pandas cannot read as numbers
NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
# a year from 0001 (there was no year 0), then optionally its month and day
PARTIAL_DATE = re.compile(r"^(?!0000)[0-9]{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?$")
WHOLE_NUMBER = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | number | share | integer | boolean | partial-date | slug
    required: bool = True
    allowed: tuple[str, ...] = ()  # when given, the only values the column may hold
    optional: bool = False  # the header may lack the column: every cell is then empty


# What each kind of cell must look like: the test, and what a maintainer is told was expected.
def _is_number(value: str) -> bool:
    return bool(NUMBER.match(value))


def _is_share(value: str) -> bool:
    return bool(NUMBER.match(value)) and 0 <= float(value) <= 100


def _is_partial_date(value: str) -> bool:
    if not PARTIAL_DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return False
    return True


KINDS = {
    "number": (_is_number, "a plain number (a dot for decimals, no % sign, no thousands separator)"),
    "share": (_is_share, "a percentage between 0 and 100 written as a plain number (e.g. 50.82, no % sign)"),
    "integer": (lambda v: bool(WHOLE_NUMBER.match(v)), "a whole number"),
    # any case: the published data.csv files write True and False (pandas), and a spreadsheet TRUE
    "boolean": (lambda v: v.lower() in ("true", "false"), "true or false"),
    "partial-date": (_is_partial_date, "a real date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    "slug": (is_id, SLUG_EXPECTED),
}


class ValidatedTables:
    """Which (file content, schema) pairs have passed validation, kept between builds.

    Validation is a pure function of the two, so a table whose bytes and schema are unchanged
    is not validated again: a rebuild after editing one CSV validates that CSV only. The key
    includes this module's source and pandera's version. Saved only by a build whose inputs
    all passed, and only when something new passed.
    """

    def __init__(self, path: Path | None = None):
        self.path = path
        self.keys = set(json.loads(path.read_text(encoding="utf-8"))) if path and path.is_file() else set()
        self.new: set[str] = set()
        self.code = b""  # this module's source and pandera's version, read at the first key

    def key(self, text: str, columns: list[Column], unique: list[str] | None) -> str:
        if not self.code:
            from pilotsite.state.fingerprint import package_version

            self.code = Path(__file__).read_bytes() + package_version("pandera").encode()
        spec = repr((columns, unique)).encode("utf-8")
        return hashlib.sha256(text.encode("utf-8") + b"\0" + spec + b"\0" + self.code).hexdigest()

    def save(self) -> None:
        if self.path and self.new - self.keys:
            from pilotsite.state.fingerprint import write_atomic

            write_atomic(self.path, json.dumps(sorted(self.keys | self.new)).encode("utf-8"))


def pandera() -> ModuleType:
    """pandera.pandas, set up without Hypothesis: pandera imports it only to synthesise test
    data, which the build never asks for, and that import alone costs ~0.2 s of every rebuild
    that validates a table. (In a process that has imported Hypothesis already, nothing changes.)"""
    if "pandera.pandas" in sys.modules:
        return sys.modules["pandera.pandas"]
    hide = "hypothesis" not in sys.modules
    if hide:
        sys.modules["hypothesis"] = None  # type: ignore[assignment]  # makes `import hypothesis` fail, as if not installed
    try:
        import pandera.pandas as pa

        # pandera loads its validation backends on the first validation: do one here.
        pa.DataFrameSchema({"x": pa.Column(str, checks=[pa.Check(bool, element_wise=True)])}, unique=["x"]).validate(
            pd.DataFrame({"x": ["a"]}), lazy=True
        )
    finally:
        if hide:
            del sys.modules["hypothesis"]
    return pa


def table_schema(columns: list[Column], unique: list[str] | None = None) -> DataFrameSchema:
    """The pandera schema of a table whose cells are all strings ('' for an empty cell)."""
    pa = pandera()

    fields = {}
    for column in columns:
        checks = []
        if column.required:
            checks.append(pa.Check(lambda v: v != "", element_wise=True, error="a value"))
        if column.kind in KINDS:
            test, expected = KINDS[column.kind]
            checks.append(pa.Check(lambda v, test=test: v == "" or test(v), element_wise=True, error=expected))
        if column.allowed:
            allowed = column.allowed
            checks.append(
                pa.Check(
                    lambda v, allowed=allowed: v == "" or v in allowed,
                    element_wise=True,
                    error="one of: " + ", ".join(allowed),
                )
            )
        fields[column.name] = pa.Column(str, checks=checks, nullable=False, coerce=True)
    schema: DataFrameSchema = pa.DataFrameSchema(fields, unique=unique or None, report_duplicates="exclude_first")
    return schema


def validate_rows(
    frame: pd.DataFrame, lines: list[int], label: str, columns: list[Column], unique: list[str] | None = None
) -> list[Problem]:
    """Every cell against its column's schema, all at once; problems name line, column and value."""
    pa = pandera()

    try:
        table_schema(columns, unique).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems, duplicates = [], {}
        for case in errors.failure_cases.itertuples(index=False):
            row = int(case.index)
            if case.check == "multiple_fields_uniqueness" or str(case.check).startswith("field_uniqueness"):
                duplicates[row] = frame.iloc[row]
                continue
            found = f"found '{shown(str(case.failure_case))}'" if case.failure_case != "" else "empty cell"
            problems.append(Problem(label, f"{found}, expected {case.check}", line=lines[row], column=case.column))
        for row, values in sorted(duplicates.items()):
            assert unique is not None  # rows are duplicates only of the unique columns
            key = "/".join(str(values[k]) for k in unique)
            first = next(lines[i] for i in range(len(frame)) if all(frame.iloc[i][k] == values[k] for k in unique))
            problems.append(
                Problem(
                    label,
                    f"duplicate {'/'.join(unique)} '{key}' (first on line {first})",
                    line=lines[row],
                    column=unique[0] if len(unique) == 1 else None,
                )
            )
        order: dict[str | None, int] = {c.name: i for i, c in enumerate(columns)}  # None: a row's problem
        return sorted(problems, key=lambda p: (p.line or 0, order.get(p.column, -1)))
    return []


BOOKKEEPING = ("line", "has_problem")  # the columns read_table adds to a frame


csv.field_size_limit(MAX_FILE_BYTES)  # a cell may be as long as a file may be (the default is 128 KB)


# What the csv module (strict) says about quotes, and what it means: a value that starts with a
# double quote is quoted to its closing one. Read leniently, '"十三五"规划' lost its quotes and an
# unclosed quote swallowed every later row into one value.
QUOTE_PROBLEMS = {
    "',' expected after '\"'": (
        "a value that starts with a double quote must end with one right before the next comma; to keep "
        'quotation marks in a value, put the whole value in double quotes and double those inside: """十三五""规划"'
    ),
    "unexpected end of data": (
        "a double quote opens a value on this line that is never closed (the rest of the file would be "
        "part of it): close it, or double it to keep it as a character"
    ),
}


# A quote the csv module cannot read on one record: the records after it start where it ends
RECOVERABLE = frozenset({"',' expected after '\"'"})


def readable_records(
    reader: Iterator[list[str]],
    label: str,
    text: str = "",
    broken: list[tuple[Problem, list[str]]] | None = None,
    source: Iterator[str] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """The reader's records (a strict csv reader), each with the line it starts on; what the csv
    module cannot read is an error naming the line where the record starts. With broken, a record
    after the header whose quotes are wrong but end on its own lines is added to it instead, with
    its cells as a lenient reader reads them (so that the text it names is known to have a row),
    and reading goes on after the row, where the lenient reader ends it (a quoted value of several
    lines goes on past the line the error is on): every other problem of the file is reported in
    the same run. source is the lines the reader reads, for skipping the rest of such a row."""
    lines = io.StringIO(text).readlines() if broken is not None else []  # as the reader counts them: at \n
    first, skipped = True, 0  # skipped: lines taken from source past the reader, which does not count them
    while True:
        start = getattr(reader, "line_num", 0) + skipped + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = Problem(label, QUOTE_PROBLEMS.get(str(exc), f"cannot be read as CSV: {exc}"), line=start)
            if broken is None or source is None or first or str(exc) not in RECOVERABLE:
                raise BuildError([p for p, _ in broken or []] + [problem]) from None
            lenient = csv.reader(io.StringIO("".join(lines[start - 1 :])))
            broken.append((problem, [cell.strip() for cell in next(lenient, [])]))
            rest = start - 1 + lenient.line_num - (getattr(reader, "line_num", 0) + skipped)
            for _ in range(max(rest, 0)):  # the row's lines after the one the reader stopped on
                next(source, None)
                skipped += 1
            continue
        first = False
        yield start, record


def frame_columns(names: list[str]) -> dict[str, str]:
    """Each column's name in a frame of read_table: its own, except for a column called like
    one of BOOKKEEPING (which read_table adds), which gets a name no other column has."""
    taken = set(names)
    frame_names = {}
    for name in names:
        frame_name = name
        while frame_name in BOOKKEEPING or (frame_name != name and frame_name in taken):
            frame_name = f"column:{frame_name}"
        taken.add(frame_name)
        frame_names[name] = frame_name
    return frame_names


def read_table(
    path: Path,
    label: str,
    columns: list[Column],
    unique: list[str] | None = None,
    problems_out: list[Problem] | None = None,
    other_columns: bool = False,
    validated: ValidatedTables | None = None,
) -> pd.DataFrame:
    """Read a CSV whose header must contain columns; every cell is checked against the table's
    schema (pandera), all problems reported together.

    Returns a DataFrame of strings plus a 'line' column (the line in the file), converted to
    numbers/booleans where the column says so. With problems_out, problems in cells are added
    to it instead of raised, and the frame keeps every row with a 'has_problem' column, so the
    caller can go on checking the good rows and report everything in one run. With
    other_columns, the header's other columns are kept too, as text, unchecked; the header's
    order is in frame.attrs["header"], and frame.attrs["columns"] gives each column's name in
    the frame (a column called like one of BOOKKEEPING is kept under another). A header that
    names a column twice is an error; a column it gives no name is left out while empty. A row
    with the wrong number of fields is left out, its problem reported, and its cells are in
    frame.attrs["misshapen"] (a caller may still recognise what it names). With
    validated (a ValidatedTables), a table whose bytes and schema passed before is not validated
    again.
    """
    text = read_utf8(path, label)
    source = io.StringIO(text)
    reader = csv.reader(source, strict=True)
    broken: list[tuple[Problem, list[str]]] = []  # records whose quotes are wrong (readable_records)
    rows = readable_records(reader, label, text, broken, source)
    header = next(rows, (1, []))[1]
    if not header:
        raise BuildError([Problem(label, "the file is empty; expected a header row", line=1)])
    header = [h.strip() for h in header]
    repeated = next((name for name in header if name and header.count(name) > 1), None)
    if repeated is not None:
        places = " and ".join(str(i + 1) for i, name in enumerate(header) if name == repeated)
        raise BuildError(
            [Problem(label, f"the header names column '{repeated}' more than once (columns {places})", line=1)]
        )
    # A column without a name (a trailing comma, as spreadsheets export) is left out while it is
    # empty; a value in it is an error of its row.
    nameless = [i for i, name in enumerate(header) if not name]
    missing = [c.name for c in columns if c.name not in header and not c.optional]
    if missing:
        found = ", ".join(h for h in header if h)
        problems = []
        for name in missing:
            others = [h for h in header if h and h not in {c.name for c in columns}]
            # the same name in other capitals (ID for id) before any name that is merely close
            close = [h for h in others if h.casefold() == name.casefold()] or difflib.get_close_matches(
                name, others, n=1
            )
            hint = f"; did you mean to write '{name}' for '{close[0]}'?" if close else ""
            separator = next((s for s in (";", "\t") if len(header) == 1 and s in header[0]), None)
            if separator is not None:  # a spreadsheet's export in a locale that writes decimal commas
                hint = (
                    f"; the values are separated by {'semicolons' if separator == ';' else 'tabs'}: save it with commas"
                )
            problems.append(Problem(label, f"missing column '{name}' (header has: {found}){hint}", line=1))
        raise BuildError(problems)
    problems, records, lines = [], [], []
    misshapen: list[list[str]] = []  # the cells of rows with the wrong number of fields
    index = {name: i for i, name in enumerate(header)}
    declared = {c.name for c in columns}
    extra = [name for name in header if name not in declared and name] if other_columns else []
    frame_names = frame_columns([c.name for c in columns] + extra)
    controlled = CONTROL_CHARACTER.search(text) is not None  # looked for cell by cell only where there is one
    for start, record in rows:
        if not any(cell.strip() for cell in record):
            continue
        if controlled:
            for name, cell in zip(header, record, strict=False):
                control = CONTROL_CHARACTER.search(cell)
                if control:
                    problems.append(
                        Problem(
                            label,
                            f"contains a control character (U+{ord(control.group()):04X}), which no page can "
                            "show (text copied from a PDF carries them): delete it",
                            line=start,
                            column=name or None,
                        )
                    )
        if len(record) != len(header):
            problems.append(
                Problem(
                    label,
                    f"has {len(record)} fields, the header has {len(header)} "
                    "(a comma inside a value needs the value in double quotes)",
                    line=start,
                )
            )
            misshapen.append([cell.strip() for cell in record])
            continue
        filled = next((i for i in nameless if record[i].strip()), None)
        if filled is not None:
            problems.append(
                Problem(label, f"has a value in column {filled + 1}, which the header gives no name", line=start)
            )  # the row is kept, with its problem: its text is still one the metadata lists
        records.append(
            [record[index[c.name]].strip() if c.name in index else "" for c in columns]
            + [record[index[name]].strip() for name in extra]
        )
        lines.append(start)
    problems += [problem for problem, _ in broken]
    misshapen += [cells for _, cells in broken]  # a caller may still recognise the text such a row names
    frame = pd.DataFrame(
        records, columns=[frame_names[name] for name in [c.name for c in columns] + extra], dtype=object
    )
    frame.attrs["header"] = [name for name in header if name]
    frame.attrs["columns"] = frame_names
    frame.attrs["misshapen"] = misshapen
    key = validated.key(text, columns, unique) if validated is not None else None
    if validated is None or key not in validated.keys:
        cell_problems = validate_rows(frame, lines, label, columns, unique)
        if validated is not None and not cell_problems and not problems:
            assert key is not None  # made above, as validated is given
            validated.new.add(key)
        problems += cell_problems
    problems.sort(key=lambda p: p.line or 0)
    if problems and problems_out is None:
        raise BuildError(problems)
    frame.insert(0, "line", lines)
    if problems_out is not None:
        problems_out += problems
        bad_lines = {p.line for p in problems}
        frame["has_problem"] = [line in bad_lines for line in lines]
    for column in columns:
        if column.kind in ("number", "share"):
            frame[column.name] = pd.to_numeric(frame[column.name].replace("", None), errors="coerce")
        elif column.kind == "integer":
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce").fillna(-1).astype(int)
        elif column.kind == "boolean":
            frame[column.name] = frame[column.name].str.lower() == "true"
    return frame


@dataclass
class CheckedRows:
    """A table's rows as read (those with as many fields as its header) and the problems of their
    cells. The table's own checks of its rows (quotes, dates) run on the rows sound in the columns
    each reads, so that every problem of the file is reported in one run: a bad cell had hidden the
    other problems of its row until it was mended."""

    read: pd.DataFrame  # with read_table's "has_problem"
    problems: list[Problem]

    @property
    def good(self) -> pd.DataFrame:
        """The rows without a problem: what the site is built from."""
        good = self.read.loc[~self.read["has_problem"].astype(bool)]  # (a table of no rows has an untyped column)
        good = good.drop(columns="has_problem")
        # the header's columns the schema does not read (a note, a page number): kept for a warning
        good.attrs["unread"] = self.read.attrs.get("unread", [])
        return good

    @property
    def whole(self) -> bool:
        """Every row of the file read, none misshapen: a check of all the rows (a process's steps
        run 1..n) sees them all only then."""
        return not self.read.attrs.get("misshapen")

    def in_file_order(self, problems: list[Problem]) -> list[Problem]:
        """Problems by line, and on a line by the column (a problem of the whole row first)."""
        order = {None: -1} | {name: i for i, name in enumerate(self.read.columns)}
        return sorted(problems, key=lambda p: (p.line or 0, order.get(p.column, len(order))))

    def sound_in(self, *columns: str) -> pd.DataFrame:
        """The rows with no problem in these columns, nor of the whole row (a duplicate key, a value
        under no header): their cells in these columns are as the schema says."""
        bad = {p.line for p in self.problems if p.column is None or p.column in columns}
        return self.read.loc[[line not in bad for line in self.read["line"]]].drop(columns="has_problem")


def checked_rows(
    path: Path, label: str, columns: list[Column], unique: list[str], validated: ValidatedTables | None
) -> CheckedRows:
    """A table's rows and the problems of their cells (a header's are raised at once)."""
    problems: list[Problem] = []
    frame = read_table(path, label, columns, unique=unique, problems_out=problems, validated=validated)
    frame.attrs["unread"] = [name for name in frame.attrs["header"] if name not in {c.name for c in columns}]
    return CheckedRows(frame, problems)
