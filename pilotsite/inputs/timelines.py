"""Timelines and reported numbers: rows that must quote their document verbatim."""

from __future__ import annotations

import hashlib
import unicodedata

import pandas as pd

from pilotsite.errors import BuildError, Problem, shown
from pilotsite.inputs.documents import Document
from pilotsite.inputs.project import EVENTS, STAGES, Project
from pilotsite.inputs.tables import CheckedRows, Column, checked_rows

EVENT_COLUMNS = [
    Column("event_id", "slug"),
    Column("document_id", "slug"),
    Column("date_start", "partial-date"),
    Column("date_end", "partial-date"),
    Column("approximate", "boolean"),
    Column("date_text"),
    Column("label"),
    Column("quote"),
]
STAGE_COLUMNS = [
    Column("process_id", "slug"),
    Column("document_id", "slug"),
    Column("process_label"),
    Column("step", "integer"),
    Column("label"),
    Column("quote"),
]


def quote_anchor(document_id: str, quote: str) -> str:
    """A stable HTML id for a quoted passage: the same quote always gets the same anchor."""
    return "q-" + hashlib.sha256(f"{document_id}\n{quote}".encode()).hexdigest()[:10]


def quote_problems(
    frame: pd.DataFrame, documents: dict[str, Document], label: str, document_id: str | None = None
) -> list[Problem]:
    """Every row's quote must occur verbatim in its document's text as the page shows it: within
    one paragraph, heading or item (where it is highlighted), a line break inside a paragraph read
    as a space, as Markdown does. The problems of the rows whose quote does not."""
    problems = []
    for _, row in frame.iterrows():
        doc_id = document_id or row["document_id"]
        if doc_id not in documents:
            known = ", ".join(sorted(documents))
            problems.append(
                Problem(
                    label, f"unknown document '{doc_id}' (known: {known})", line=int(row["line"]), column="document_id"
                )
            )
        elif not documents[doc_id].has_passage(row["quote"]):
            doc = documents[doc_id]
            quote = row["quote"]
            if quote in doc.text:
                found = (
                    f"quote crosses a line break of {doc.text_path}: within a paragraph, write the break as a space "
                    "(as the page shows it); a quote of two paragraphs cannot be highlighted, so shorten it: "
                    f'"{shown(quote)}"'
                )
            else:
                found = (
                    f"quote not found verbatim in {doc.text_path} (a line break inside a paragraph reads as a "
                    f'space): "{shown(quote)}"{where_it_differs(doc, quote)}'
                )
            problems.append(Problem(label, found, line=int(row["line"]), column="quote"))
    return problems


def where_it_differs(doc: Document, quote: str) -> str:
    """Where a quote stops matching its document: the longest beginning of it that one passage has
    (a binary search: every beginning of a passage's text is one too)."""
    low, high = 0, len(quote)  # quote[:low] is found, quote[:high + 1] is not
    while low < high:
        middle = (low + high + 1) // 2
        if doc.has_passage(quote[:middle]):
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "; the document has no passage that begins as it does"
    said = f'; the document has its first {low} characters, then not "{shown(quote[low:], 30)}"'
    after = doc.text_after(quote[:low])
    if not after:
        return f"{said}: its paragraph ends there"
    # named by code point: a full-width comma, a second space or a non-breaking one look alike
    return f'{said} but "{shown(after, 30)}" ({character_name(after[0])}, not {character_name(quote[low])})'


def character_name(character: str) -> str:
    """U+FF0C FULLWIDTH COMMA: a character as an error names it, told apart from its look-alikes."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'unnamed')}"


def broken_labels(frame: pd.DataFrame, label: str, columns: tuple[str, ...]) -> list[Problem]:
    """A label holding a line break (text pasted from a PDF): a figure draws it on one line and a
    page folds the break, so a version would be published for a change no reader can see."""
    return [
        Problem(label, "holds a line break: write the label on one line", line=int(row["line"]), column=column)
        for _, row in frame.iterrows()
        for column in columns
        if "\n" in row[column] or "\r" in row[column]
    ]


def timeline_table(project: Project, relative: str, columns: list[Column], unique: list[str]) -> CheckedRows:
    """A timeline table's rows and the problems of their cells (checked_rows), or no rows where
    the project has no such file: a site may have no timelines (a file that is there but broken
    is still an error)."""
    if not project.path(relative).exists():
        names = ["line", *(c.name for c in columns), "has_problem"]
        return CheckedRows(pd.DataFrame({name: pd.Series(dtype=object) for name in names}), [])
    return checked_rows(project.path(relative), relative, columns, unique, project.validated_tables)


def load_events(project: Project, documents: dict[str, Document]) -> pd.DataFrame:
    """Dated events; date_text must appear in the quote and the interval must run forwards."""
    rows = timeline_table(project, EVENTS, EVENT_COLUMNS, ["event_id"])
    frame, problems = rows.good, list(rows.problems)
    problems += quote_problems(rows.sound_in("document_id", "quote"), documents, EVENTS)
    problems += broken_labels(rows.sound_in("label"), EVENTS, ("label",))
    for _, row in rows.sound_in("date_text", "quote").iterrows():
        if row["date_text"] not in row["quote"]:
            problems.append(
                Problem(
                    EVENTS,
                    f"found '{shown(row['date_text'])}', which the quote does not hold: date_text is the quote's own "
                    "wording of the date, as written (capitals too)",
                    line=int(row["line"]),
                    column="date_text",
                )
            )
    for _, row in rows.sound_in("date_start", "date_end").iterrows():
        # a partial date is a span: an end of 2017 runs to 2017-12-31, a start of 2017-12 from 2017-12-01
        if row["date_end"] and (row["date_end"] + "-12-31"[len(row["date_end"]) - 4 :]) < row["date_start"]:
            problems.append(
                Problem(
                    EVENTS,
                    f"date_end {row['date_end']} is before date_start {row['date_start']}",
                    line=int(row["line"]),
                    column="date_end",
                )
            )
    if problems:
        raise BuildError(rows.in_file_order(problems))
    frame["anchor"] = [quote_anchor(d, q) for d, q in zip(frame["document_id"], frame["quote"], strict=True)]
    # events of the same dates in the order the file lists them (as the document tells them)
    return frame.sort_values(["date_start", "date_end", "line"], kind="stable").reset_index(drop=True)


def load_stages(project: Project, documents: dict[str, Document]) -> pd.DataFrame:
    """Ordered stages of undated processes; steps run 1..n within each process."""
    rows = timeline_table(project, STAGES, STAGE_COLUMNS, ["process_id", "step"])
    frame, problems = rows.good, list(rows.problems)
    problems += quote_problems(rows.sound_in("document_id", "quote"), documents, STAGES)
    problems += broken_labels(rows.sound_in("label"), STAGES, ("label",))
    problems += broken_labels(rows.sound_in("process_label"), STAGES, ("process_label",))
    # A row left out would seem a missing step: the steps of its process are checked once it is
    # sound, and no process's while a row's process is unknown (a bad process_id, a misshapen row).
    steps_sound = rows.sound_in("process_id", "step")
    left_out = rows.read.loc[~rows.read["line"].isin(steps_sound["line"])]
    known = rows.whole and bool(left_out["line"].isin(rows.sound_in("process_id")["line"]).all())
    unchecked = set(left_out["process_id"]) if known else set(steps_sound["process_id"])
    for process_id, steps in steps_sound.loc[~steps_sound["process_id"].isin(unchecked)].groupby("process_id"):
        if sorted(steps["step"]) != list(range(1, len(steps) + 1)):
            problems.append(
                Problem(
                    STAGES,
                    f"process '{process_id}' steps must run 1..{len(steps)}, found {sorted(steps['step'])}",
                    line=int(steps["line"].min()),
                )
            )
    for process_id, steps in rows.sound_in("process_id", "document_id").groupby("process_id"):
        if steps["document_id"].nunique() != 1:
            problems.append(Problem(STAGES, f"process '{process_id}' mixes documents", line=int(steps["line"].min())))
    for process_id, steps in rows.sound_in("process_id", "process_label").groupby("process_id"):
        first = steps.sort_values("line").iloc[0]
        for _, step in steps.iterrows():
            if step["process_label"] != first["process_label"]:  # the timeline names a process once
                problems.append(
                    Problem(
                        STAGES,
                        f"process '{process_id}' is labelled '{step['process_label']}' here and "
                        f"'{first['process_label']}' on line {first['line']}: give every step of a process one label",
                        line=int(step["line"]),
                        column="process_label",
                    )
                )
    if problems:
        raise BuildError(rows.in_file_order(problems))
    frame["anchor"] = [quote_anchor(d, q) for d, q in zip(frame["document_id"], frame["quote"], strict=True)]
    return frame.sort_values(["process_id", "step"]).reset_index(drop=True)
