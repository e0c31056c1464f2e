"""Comparing two versions of a figure's data.csv: rows added, rows removed, and cells changed.

Rows are matched by the figure's primary key (Figure.primary_key) where it identifies every row
of both versions; otherwise only whole rows are compared (added and removed).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

ARROW = " → "
CELLS_NAMED = 3  # a change of at most this many cells names each (a corrected count and its share)


@dataclass(frozen=True)
class DataDiff:
    columns: tuple[str, ...]  # the new version's columns, then any the old one had and the new lacks
    key: tuple[str, ...]  # the columns rows were matched by ((): whole rows)
    added: tuple[tuple[str, ...], ...]
    removed: tuple[tuple[str, ...], ...]
    # (the new row with the old values where they differ, the columns that changed)
    changed: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def cells(self) -> list[tuple[str, str, str, str]]:
        """(row key, column, old, new) of every changed cell."""
        out = []
        for new, old, columns in self.changed:
            label = " / ".join(new[self.columns.index(c)] for c in self.key) if self.key else ""
            for column in columns:
                index = self.columns.index(column)
                out.append((label, column, old[index], new[index]))
        return out

    def summary(self) -> str:
        """One line a person can read: "1 row changed: pilot 3.52 → 3.53", "3 rows added, 1 removed"."""
        parts = []
        cells = self.cells()
        if self.changed:
            counted = f"{len(self.changed)} row{'s' if len(self.changed) != 1 else ''} changed"
            if len(cells) <= CELLS_NAMED:
                counted += ": " + "; ".join(
                    f"{label} {column} {old}{ARROW}{new}" if label else f"{column} {old}{ARROW}{new}"
                    for label, column, old, new in cells
                )
            parts.append(counted)
        if self.added:
            parts.append(f"{len(self.added)} row{'s' if len(self.added) != 1 else ''} added")
        if self.removed:
            parts.append(f"{len(self.removed)} row{'s' if len(self.removed) != 1 else ''} removed")
        return ", ".join(parts)

    def to_csv(self) -> bytes:
        """diff.csv: a change column (added, removed, changed), then every column; a changed
        cell reads "old → new"."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["change", *self.columns])
        for row in self.removed:
            writer.writerow(["removed", *row])
        for new, old, columns in self.changed:
            writer.writerow(
                [
                    "changed",
                    *(f"{o}{ARROW}{n}" if c in columns else n for c, n, o in zip(self.columns, new, old, strict=False)),
                ]
            )
        for row in self.added:
            writer.writerow(["added", *row])
        return buffer.getvalue().encode("utf-8")


def read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8")))) if data else []
    return (rows[0], rows[1:]) if rows else ([], [])


def compare(old: bytes, new: bytes, primary_key: tuple[str, ...] | list[str] = ()) -> DataDiff:
    """What changed from the old data.csv to the new one."""
    old_header, old_rows = read_csv(old)
    new_header, new_rows = read_csv(new)
    columns = tuple(new_header) + tuple(c for c in old_header if c not in new_header)

    def widen(header: list[str], row: list[str]) -> tuple[str, ...]:
        values = dict(zip(header, row, strict=False))
        return tuple(values.get(c, "") for c in columns)

    olds = [widen(old_header, r) for r in old_rows]
    news = [widen(new_header, r) for r in new_rows]
    key = tuple(primary_key)
    positions = [columns.index(c) for c in key] if key and all(c in old_header and c in new_header for c in key) else []
    keyed_old = {tuple(r[i] for i in positions): r for r in olds}
    keyed_new = {tuple(r[i] for i in positions): r for r in news}
    if not positions or len(keyed_old) != len(olds) or len(keyed_new) != len(news):  # no key that names every row
        old_set, new_set = set(olds), set(news)
        return DataDiff(
            columns, (), tuple(r for r in news if r not in old_set), tuple(r for r in olds if r not in new_set)
        )
    changed = []
    for name, row in keyed_new.items():
        before = keyed_old.get(name)
        if before is not None and before != row:
            changed.append((row, before, tuple(c for c, a, b in zip(columns, before, row, strict=False) if a != b)))
    return DataDiff(
        columns,
        key,
        tuple(r for k, r in keyed_new.items() if k not in keyed_old),
        tuple(r for k, r in keyed_old.items() if k not in keyed_new),
        tuple(changed),
    )
