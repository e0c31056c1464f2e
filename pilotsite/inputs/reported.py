"""Numbers a document reports, transcribed into data/reported/<doc-id>/<table>.csv.

Every row carries a locator (the section where the number stands) and a quote that must occur
verbatim in the document and contain the number as printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pilotsite.errors import BuildError, Problem, relative
from pilotsite.inputs.documents import Document
from pilotsite.inputs.project import Project
from pilotsite.inputs.tables import Column, checked_rows
from pilotsite.inputs.timelines import quote_anchor, quote_problems

TOOL_TYPES = ("supply", "demand", "environment")
REGIONS = ("east", "central", "west")
LEVELS = ("central", "local")
PROVENANCE = [Column("share_pct", "share"), Column("locator"), Column("quote")]

# table name -> its key columns (with the values each may hold); every table also has PROVENANCE
SCHEMAS: dict[str, list[Column]] = {
    "tool-types": [Column("tool_type", allowed=TOOL_TYPES)],
    "sub-tools": [Column("tool_type", allowed=TOOL_TYPES), Column("sub_tool")],
    "regions": [Column("region", allowed=REGIONS), Column("tool_type", allowed=TOOL_TYPES)],
    "keywords": [Column("level", allowed=LEVELS), Column("rank", "integer"), Column("keyword")],
}
# What no two rows of a table may share, where that is not all its key columns: a ranking has one
# keyword at each rank of a level (a figure's rows are keyed by level and rank), and ranks a
# keyword once in a level
UNIQUE: dict[str, tuple[list[str], ...]] = {"keywords": (["level", "rank"], ["level", "keyword"])}
NUMBER_IN_TEXT = re.compile(r"\d+(?:\.\d+)?")


def load_reported_table(project: Project, path: Path, documents: dict[str, Document]) -> pd.DataFrame:
    label = relative(path, project.root)
    table = path.stem
    if table not in SCHEMAS:
        raise BuildError([Problem(label, f"unknown reported table '{table}' (expected one of: {', '.join(SCHEMAS)})")])
    doc_id = path.parent.name
    if doc_id not in documents:
        raise BuildError([Problem(label, f"folder '{doc_id}' is not a known document id")])
    keys = SCHEMAS[table]
    unique, *also_unique = UNIQUE.get(table, ([c.name for c in keys],))
    rows = checked_rows(path, label, keys + PROVENANCE, unique, project.validated_tables)
    frame, problems = rows.good, list(rows.problems)
    if frame.empty and not problems:  # its figure had failed: "produced no data rows"
        raise BuildError(
            [Problem(label, "has a header but no rows (a row for each number the document reports)", line=1)]
        )
    for columns in also_unique:
        first: dict[tuple[str, ...], int] = {}
        for _, row in rows.sound_in(*columns).iterrows():
            values = tuple(str(row[c]) for c in columns)
            if values in first:
                problems.append(
                    Problem(
                        label,
                        f"duplicate {'/'.join(columns)} '{'/'.join(values)}' (first on line {first[values]})",
                        line=int(row["line"]),
                    )
                )
            first.setdefault(values, int(row["line"]))
    for _, row in rows.sound_in("share_pct", "quote").iterrows():
        printed = [float(n) for n in NUMBER_IN_TEXT.findall(row["quote"])]
        if row["share_pct"] not in printed:
            problems.append(
                Problem(
                    label,
                    f"the quote does not contain the number {row['share_pct']}",
                    line=int(row["line"]),
                    column="quote",
                )
            )
    problems += quote_problems(rows.sound_in("quote"), documents, label, document_id=doc_id)
    if problems:
        raise BuildError(rows.in_file_order(problems))
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
