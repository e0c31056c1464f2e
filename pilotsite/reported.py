"""Numbers a document reports, transcribed into data/reported/<doc-id>/<table>.csv.

Every row carries a locator (the section where the number stands) and a quote that must occur
verbatim in the document and contain the number as printed.
"""
from __future__ import annotations

import re

import pandas as pd

from .documents import Document
from .errors import BuildError, Problem, relative
from .evidence import check_quotes, quote_anchor
from .project import Project
from .tables import Column, check_unique, read_table

TOOL_TYPES = ("supply", "demand", "environment")
REGIONS = ("east", "central", "west")
LEVELS = ("central", "local")
PROVENANCE = [Column("share_pct", "share"), Column("locator"), Column("quote")]

# table name -> (key columns, allowed values per column)
SCHEMAS: dict[str, tuple[list[Column], dict[str, tuple[str, ...]]]] = {
    "tool-types": ([Column("tool_type")], {"tool_type": TOOL_TYPES}),
    "sub-tools": ([Column("tool_type"), Column("sub_tool")], {"tool_type": TOOL_TYPES}),
    "regions": ([Column("region"), Column("tool_type")], {"region": REGIONS, "tool_type": TOOL_TYPES}),
    "keywords": ([Column("level"), Column("rank", "integer"), Column("keyword")], {"level": LEVELS}),
}
NUMBER_IN_TEXT = re.compile(r"\d+(?:\.\d+)?")


def load_reported_table(project: Project, path, documents: dict[str, Document]) -> pd.DataFrame:
    label = relative(path, project.root)
    table = path.stem
    if table not in SCHEMAS:
        raise BuildError([Problem(label, f"unknown reported table '{table}' (expected one of: {', '.join(SCHEMAS)})")])
    doc_id = path.parent.name
    if doc_id not in documents:
        raise BuildError([Problem(label, f"folder '{doc_id}' is not a known document id")])
    keys, allowed = SCHEMAS[table]
    frame = read_table(path, label, keys + PROVENANCE)
    key_names = [c.name for c in keys]
    check_unique(frame, key_names, label)
    problems = []
    for _, row in frame.iterrows():
        for column, values in allowed.items():
            if row[column] not in values:
                problems.append(Problem(label, f"'{row[column]}' is not one of {', '.join(values)}", line=int(row["line"]), column=column))
        printed = [float(n) for n in NUMBER_IN_TEXT.findall(row["quote"])]
        if row["share_pct"] not in printed:
            problems.append(Problem(label, f"the quote does not contain the number {row['share_pct']}", line=int(row["line"]), column="quote"))
    if problems:
        raise BuildError(problems)
    check_quotes(frame, documents, label, document_id=doc_id)
    frame["document_id"] = doc_id
    frame["anchor"] = [quote_anchor(doc_id, q) for q in frame["quote"]]
    return frame


def load_reported(project: Project, documents: dict[str, Document]) -> dict[str, pd.DataFrame]:
    tables, problems = {}, []
    for path in sorted((project.data / "reported").glob("*/*.csv")):
        try:
            tables[relative(path, project.root)] = load_reported_table(project, path, documents)
        except BuildError as exc:
            problems += exc.problems
    if problems:
        raise BuildError(problems)
    return tables
