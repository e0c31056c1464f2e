"""The committed ledger of published figure versions (history/ledger.json).

A version is identified by the hash of everything the figure depends on. The build appends an
entry whenever a figure's version differs from the latest one recorded, with the inputs that
changed and the rows of data.csv that differ; each version's data.csv is kept beside the
ledger, so the differences can be computed on any fresh clone. Never edited by hand.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .fingerprint import write_atomic

LEDGER = "history/ledger.json"
VERSION_DATA = "history/figures/{figure}/{version}/data.csv"
VERSION_LENGTH = 12


@dataclass(frozen=True)
class Change:
    figure_id: str
    version: str
    previous: str | None
    changed: tuple[str, ...]  # component names, e.g. "data:data/reported/…/tool-types.csv"


def version_of(key: str) -> str:
    return key[:VERSION_LENGTH]


def load(root: Path) -> dict:
    path = root / LEDGER
    if not path.is_file():
        return {"figures": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def row_differences(old: bytes, new: bytes) -> tuple[list[dict], list[dict]]:
    """Rows only in the new data.csv (added) and only in the old one (removed), in file order."""
    old_rows, new_rows = csv_rows(old), csv_rows(new)
    old_keys = {json.dumps(r, sort_keys=True) for r in old_rows}
    new_keys = {json.dumps(r, sort_keys=True) for r in new_rows}
    added = [r for r in new_rows if json.dumps(r, sort_keys=True) not in old_keys]
    removed = [r for r in old_rows if json.dumps(r, sort_keys=True) not in new_keys]
    return added, removed


def record(ledger: dict, root: Path, results, edition: str) -> tuple[dict, list[Change], dict[str, bytes]]:
    """The ledger with a new entry for every figure whose version changed, the changes, and the
    version data files to write (path -> bytes). Pure: nothing is written here."""
    figures = {fid: list(versions) for fid, versions in ledger.get("figures", {}).items()}
    changes, files = [], {}
    for result in results:
        fid, version = result.figure.id, version_of(result.key)
        history = figures.setdefault(fid, [])
        latest = history[-1] if history else None
        if latest and latest["version"] == version:
            continue
        entry = {"version": version, "edition": edition, "previous": latest["version"] if latest else None,
                 "components": result.components}
        if latest:
            names = sorted(set(latest["components"]) | set(result.components))
            entry["changed"] = [n for n in names if latest["components"].get(n) != result.components.get(n)]
            old_path = root / VERSION_DATA.format(figure=fid, version=latest["version"])
            old = old_path.read_bytes() if old_path.is_file() else b""
            entry["rows_added"], entry["rows_removed"] = row_differences(old, result.csv)
        else:
            entry["changed"], entry["rows_added"], entry["rows_removed"] = [], [], []
        history.append(entry)
        files[VERSION_DATA.format(figure=fid, version=version)] = result.csv
        changes.append(Change(fid, version, entry["previous"], tuple(entry["changed"])))
    return {"figures": dict(sorted(figures.items()))}, changes, files


def save(root: Path, ledger: dict, files: dict[str, bytes]) -> None:
    """Version data first, the ledger last: a kill in between leaves a ledger that is merely behind."""
    for relative_path, content in sorted(files.items()):
        write_atomic(root / relative_path, content)
    write_atomic(root / LEDGER, (json.dumps(ledger, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
