"""Where the build keeps what it knows between runs, and the record of the last builds.

Everything lives under one root, .build/ (git-ignored): page sources, every cache, the last
report. Deleting it means a full rebuild. Standard library only: the no-op check uses this
before (and instead of) pandas and matplotlib.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilotsite.state import fingerprint

WORK_DIR = ".build"
CATALOGUES = "data/i18n"  # the interface's texts, read by pilotsite/inputs/interface.py
CHECKOUT = Path(__file__).resolve().parents[2]
INPUT_TREES = ("data", "analyses", "site", "pilotsite", "history")  # with build.py: what the site is made from


@dataclass(frozen=True)
class Workspace:
    """The build's folder under a project, and the named places in it."""

    root: Path  # .build/

    @classmethod
    def of(cls, project_root: Path) -> Workspace:
        return cls(project_root / WORK_DIR)

    def cache(self, name: str = "") -> Path:
        """A cache's folder or file under .build/cache/ (the whole of it without a name)."""
        return self.root / "cache" / name if name else self.root / "cache"

    @property
    def tokens(self) -> Path:
        # Keyed by content, so several checkouts may share one: PILOTSITE_TOKEN_CACHE names it.
        return Path(os.environ.get("PILOTSITE_TOKEN_CACHE") or self.cache("tokens"))

    @property
    def page_sources(self) -> Path:
        return self.root / "pages"  # the .qmd sources, updated in place

    @property
    def report(self) -> Path:
        return self.root / "last-report.json"


class BuildState:
    """What the last successful builds produced, kept in .build/ and written atomically."""

    def __init__(self, work: Workspace):
        self.folder = work.root
        self.hashes = fingerprint.FileHashes(self.folder / "hashes.json")
        self.last: dict[str, dict[str, Any]] = self._read("last-build.json")  # out folder -> its last build
        self.figure_keys: dict[str, str] = self._read("figures.json")

    def _read(self, name: str) -> dict[str, Any]:
        try:
            value: dict[str, Any] = json.loads((self.folder / name).read_text(encoding="utf-8"))
            return value
        except (FileNotFoundError, ValueError):
            return {}

    def _write(self, name: str, value: Mapping[str, object]) -> None:
        fingerprint.write_atomic(self.folder / name, json.dumps(value, indent=1, sort_keys=True).encode("utf-8"))

    def unchanged(self, out: Path, inputs: str) -> dict[str, Any] | None:
        """The last build of out, if its inputs are the same and its output is untouched."""
        record = self.last.get(str(out.resolve()))
        if record and record["inputs"] == inputs and out.is_dir() and tree_stamps(out) == record["outputs"]:
            return record
        return None

    def save(self, out: Path, inputs: str, figure_keys: dict[str, str], pages: int) -> None:
        self.figure_keys = figure_keys
        self._write("figures.json", figure_keys)
        self.last[str(out.resolve())] = {
            "inputs": inputs,
            "outputs": tree_stamps(out),
            "figures": len(figure_keys),
            "pages": pages,
        }
        self._write("last-build.json", self.last)
        self.hashes.save()


def tree_stamps(folder: Path) -> dict[str, str]:
    """ "mtime_ns:size" of every file under folder: what tells that a published site is as the last
    build left it. Content digests would say no more (the input hashes, too, trust an unchanged
    mtime and size) and would read the whole site after each build: 650 MB at the full corpus."""
    stamps = {}
    for label, path in fingerprint.walk_files(str(folder)):
        stat = os.stat(path)
        stamps[label] = f"{stat.st_mtime_ns}:{stat.st_size}"
    return stamps


def tree_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under folder, each read (--check compares content, not stamps)."""
    return {label: fingerprint.sha256_file(path) for label, path in fingerprint.walk_files(str(folder))}


def input_files(root: Path) -> dict[str, str]:
    """Every file the site is made from, by label: the project's own folders, and each corpus
    folder that data/corpora.yaml names outside them (a corpus may live anywhere)."""
    files: dict[str, str] = {}
    for tree in INPUT_TREES:
        files.update((f"{tree}/{label}", path) for label, path in fingerprint.walk_files(str(root / tree)))
    files["build.py"] = str(root / "build.py")
    for label, folder in fingerprint.outside_corpus_folders(root, INPUT_TREES):
        files.update((f"{label}/{name}", path) for name, path in fingerprint.walk_files(str(folder)))
    if catalogues_root(root) != root:
        files.update(
            (f"checkout/{CATALOGUES}/{name}", path) for name, path in fingerprint.walk_files(str(CHECKOUT / CATALOGUES))
        )
    return files


def catalogues_root(root: Path) -> Path:
    """Where the project at root has its catalogues (CATALOGUES under it): itself, or, for a
    project without a data/i18n/ folder of its own (one made before it existed, or a small one
    made by hand), this checkout, whose catalogues it then shows."""
    return CHECKOUT if not (root / CATALOGUES).is_dir() and (CHECKOUT / CATALOGUES).is_dir() else root


def inputs_digest(root: Path, hashes: fingerprint.FileHashes, options: Mapping[str, object]) -> str:
    """One hash over every file the site is made from, the library versions and the options."""
    files = {label: hashes.sha256(path) for label, path in input_files(root).items()}
    versions = fingerprint.library_versions() | {
        name: fingerprint.package_version(name) for name in ("pypandoc-binary", "Jinja2", "pagefind-bin-extended")
    }
    versions["python"] = platform.python_version()
    return fingerprint.sha256_bytes(fingerprint.canonical_json([files, versions, options]).encode("utf-8"))
