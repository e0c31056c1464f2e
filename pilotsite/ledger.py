"""The committed ledger of published figure versions (history/ledger.json).

A version is identified by the hash of everything the figure depends on. The build appends an
entry whenever a figure's version differs from the latest one recorded, with the inputs that
changed and the rows of data.csv that differ; each version's data.csv is kept beside the
ledger, so the differences can be computed on any fresh clone. Never edited by hand.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .fingerprint import write_atomic

LEDGER = "history/ledger.json"
VERSION_FOLDER = "history/figures/{figure}/{version}"
VERSION_DATA = VERSION_FOLDER + "/data.csv"
CODE_FILE = "history/code/{digest}-{name}"  # analysis sources, kept once per distinct content
VERSION_LENGTH = 12


@dataclass(frozen=True)
class Change:
    figure_id: str
    version: str
    previous: str | None
    changed: tuple[str, ...]  # component names, e.g. "data:data/reported/…/tool-types.csv"


def code_path(result) -> str:
    digest = hashlib.sha256(result.source.encode("utf-8")).hexdigest()[:16]
    return CODE_FILE.format(digest=digest, name=Path(result.figure.analysis).name)


def version_meta(result, number: int, edition: str, documents: dict) -> dict:
    """What a version page needs, frozen when the version is published."""
    f = result.figure
    return {
        "code": code_path(result),
        "id": f.id, "version": version_of(result.key), "number": number, "edition": edition,
        "title": f.title, "caption": f.caption, "alt": result.alt, "kind": f.kind, "lang": f.lang,
        "analysis": f.analysis, "primary_key": list(f.primary_key),
        "documents": [{"id": d, "title": documents[d].title, "reference": documents[d].reference} for d in f.documents],
    }


def version_of(key: str) -> str:
    return key[:VERSION_LENGTH]


def load(root: Path) -> dict:
    path = root / LEDGER
    if not path.is_file():
        return {"figures": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    return (rows[0], rows[1:]) if rows else ([], [])


def row_differences(old: bytes, new: bytes) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """The new header, rows only in the new data.csv (added) and only in the old one (removed).

    Rows are lists (not mappings) so that column order survives the ledger's sorted JSON."""
    old_header, old_rows = csv_rows(old)
    new_header, new_rows = csv_rows(new)
    as_dict = lambda header, row: json.dumps(dict(zip(header, row)), sort_keys=True)  # noqa: E731
    old_keys = {as_dict(old_header, r) for r in old_rows}
    new_keys = {as_dict(new_header, r) for r in new_rows}
    added = [r for r in new_rows if as_dict(new_header, r) not in old_keys]
    removed = [[dict(zip(old_header, r)).get(c, "") for c in new_header] for r in old_rows if as_dict(old_header, r) not in new_keys]
    return new_header, added, removed


def record(ledger: dict, root: Path, results, edition: str, documents: dict) -> tuple[dict, list[Change], dict[str, bytes]]:
    """The ledger with a new entry for every figure whose version changed, the changes, and the
    files of each new version to keep in history/ (path -> bytes). Pure: nothing is written here."""
    figures = {fid: list(versions) for fid, versions in ledger.get("figures", {}).items()}
    changes, files = [], {}
    for result in results:
        fid, version = result.figure.id, version_of(result.key)
        history = figures.setdefault(fid, [])
        latest = history[-1] if history else None
        if latest and latest["version"] == version:
            continue
        # Inputs put back as they were: the earlier version is current again, under its own
        # number and permanent page, and the ledger records the return.
        earlier = next((e for e in history if e["version"] == version), None)
        number = earlier["number"] if earlier else max((e["number"] for e in history), default=0) + 1
        entry = {"version": version, "number": number, "edition": edition,
                 "previous": latest["version"] if latest else None, "components": result.components}
        if earlier:
            entry["restores"] = True
        if latest:
            names = sorted(set(latest["components"]) | set(result.components))
            entry["changed"] = [n for n in names if latest["components"].get(n) != result.components.get(n)]
            old_path = root / VERSION_DATA.format(figure=fid, version=latest["version"])
            old = old_path.read_bytes() if old_path.is_file() else b""
            entry["columns"], entry["rows_added"], entry["rows_removed"] = row_differences(old, result.csv)
        else:
            entry["changed"], entry["columns"], entry["rows_added"], entry["rows_removed"] = [], [], [], []
        history.append(entry)
        changes.append(Change(fid, version, entry["previous"], tuple(entry["changed"])))
        if earlier:
            continue  # its files are in history/ already, and stay as they are
        folder = VERSION_FOLDER.format(figure=fid, version=version)
        meta = version_meta(result, entry["number"], edition, documents)
        files.update({
            f"{folder}/data.csv": result.csv, f"{folder}/figure.svg": result.svg, f"{folder}/figure.png": result.png,
            code_path(result): result.source.encode("utf-8"),
            f"{folder}/meta.json": (json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"),
        })
    return {"figures": dict(sorted(figures.items()))}, changes, files


def save(root: Path, ledger: dict, files: dict[str, bytes]) -> None:
    """Version data first, the ledger last: a kill in between leaves a ledger that is merely behind."""
    for relative_path, content in sorted(files.items()):
        write_atomic(root / relative_path, content)
    write_atomic(root / LEDGER, (json.dumps(ledger, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
