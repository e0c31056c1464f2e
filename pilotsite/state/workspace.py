"""Where the build keeps what it knows between runs, and the record of the last builds.

Everything lives under one root, .build/ (git-ignored): page sources, every cache, the last
report. Deleting it means a full rebuild. Standard library only: the no-op check uses this
before (and instead of) pandas and matplotlib.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pilotsite.state import fingerprint

WORK_DIR = ".build"
CATALOGUES = "data/i18n"  # the interface's texts, read by pilotsite/inputs/interface.py
CHECKOUT = Path(__file__).resolve().parents[2]
KEY_NAME = re.compile(r"[0-9a-f]{64}")  # a content key, as the caches name their entries
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

    @property
    def spare_folders(self) -> Path:
        """The folders of the site the last publish replaced, emptied of files: the next build
        stages into them (publishing/publish.py)."""
        return self.root / "spare-site"


class BuildState:
    """What the last successful builds produced, kept in .build/ and written atomically."""

    def __init__(self, work: Workspace):
        self.folder = work.root
        self.hashes = fingerprint.FileHashes(self.folder / "hashes.json", root=self.folder.parent)
        self.last: dict[str, dict[str, Any]] = self._read("last-build.json")  # out folder -> its last build
        self.figure_keys: dict[str, str] = self._read("figures.json")

    @cached_property
    def imports(self) -> fingerprint.ImportStatements:
        """What each module imports, by its content: saved with the rest, after a build succeeded."""
        return fingerprint.ImportStatements(self.folder / "imports.json", self.hashes)

    def _read(self, name: str) -> dict[str, Any]:
        try:
            value: dict[str, Any] = json.loads((self.folder / name).read_text(encoding="utf-8"))
            return value
        except (FileNotFoundError, ValueError):
            return {}

    def _write(self, name: str, value: Mapping[str, object]) -> None:
        fingerprint.write_atomic(self.folder / name, json.dumps(value, indent=1, sort_keys=True).encode("utf-8"))

    def unchanged(self, out: Path, inputs: str) -> dict[str, Any] | None:
        """The last build of out, if its inputs are the same and its output is untouched. Drops
        the cache entries that a hand edit of the published site wrote through (see drop_shared)."""
        record = self.last.get(self.out_key(out))
        if not record or not out.is_dir():
            return None
        stamps = tree_stamps(out)
        if stamps == record["outputs"]:
            return record if record["inputs"] == inputs else None
        self.drop_shared(
            shared_inodes(out, (label for label, stamp in stamps.items() if record["outputs"].get(label) != stamp))
        )
        return None

    def out_key(self, out: Path) -> str:
        """An output folder as the record names it: relative to the project when inside it, so that
        a project copied or moved with its .build/ (cp -a and rsync -a keep mtimes) is known where
        it lands, and its first build there is a no-op."""
        return output_label(self.folder.parent, out)

    def drop_shared(self, inodes: set[tuple[int, int]]) -> None:
        """Delete what in .build/ is the same file (device, inode) as a published file changed by
        hand: many published files are hard links into the caches, and the build itself only ever
        replaces a file, never writes through one, so a changed file that is still such a link was
        written in place, and the edit is in the cache entry too, which the build would publish
        again. A cache entry that is a folder named by its key goes whole (one of its files missing
        would make it wrong, not missing); each cache makes a missing entry anew."""
        if not inodes:
            return
        doomed: set[Path] = set()
        for directory, _, names in os.walk(self.folder):
            for name in names:
                path = Path(directory, name)
                stat = path.lstat()
                if (stat.st_dev, stat.st_ino) in inodes:
                    keyed = [p for p in path.relative_to(self.folder).parents if KEY_NAME.fullmatch(p.name)]
                    doomed.add(self.folder / keyed[-1] if keyed else path)  # the outermost keyed folder
        for path in sorted(doomed):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    def save(self, out: Path, inputs: str, figure_keys: dict[str, str], pages: int) -> None:
        self.figure_keys = figure_keys
        self._write("figures.json", figure_keys)
        self.last[self.out_key(out)] = {
            "inputs": inputs,
            "outputs": tree_stamps(out),
            "figures": len(figure_keys),
            "pages": pages,
        }
        self._write("last-build.json", self.last)
        self.hashes.save()
        if "imports" in self.__dict__:  # made (cached_property) by a build that checked its figures
            self.imports.save()


def tree_stamps(folder: Path) -> dict[str, str]:
    """ "mtime_ns:size" of every file under folder: what tells that a published site is as the last
    build left it. Content digests would say no more (the input hashes, too, trust an unchanged
    mtime and size) and would read the whole site after each build: 650 MB at the full corpus.
    A copy that keeps mtimes (cp -a, rsync -a) keeps the stamps: a project copied is built."""
    stamps = {}
    # os.scandir's entries, not walk_files: half the time on a site of 12,000 files, and the
    # no-op check stamps the site (files as walk_files finds them: links followed, not into folders)
    pending = [(str(folder), "")]
    while pending:
        path, prefix = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name != "__pycache__" and not entry.is_symlink():
                        pending.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    stat = entry.stat()
                    stamps[prefix + entry.name] = f"{stat.st_mtime_ns}:{stat.st_size}"
    return stamps


def shared_inodes(folder: Path, labels: Iterable[str]) -> set[tuple[int, int]]:
    """(device, inode) of each of these files under folder that is a hard link, that is the same
    file as another (a cache entry, for the published site)."""
    inodes = set()
    for label in labels:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            stat = (folder / label).lstat()
            if stat.st_nlink > 1:
                inodes.add((stat.st_dev, stat.st_ino))
    return inodes


def tree_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under folder, each read (--check compares content, not stamps)."""
    return {label: fingerprint.sha256_file(path) for label, path in fingerprint.walk_files(str(folder))}


def input_files(root: Path) -> dict[str, str]:
    """Every file the site is made from, by label: the project's own folders, and each corpus
    folder that data/corpora.yaml names outside them (a corpus may live anywhere)."""
    files: dict[str, str] = {}
    for tree in INPUT_TREES:
        files.update((f"{tree}/{label}", path) for label, path in input_walk(root / tree))
    files["build.py"] = str(root / "build.py")
    for label, folder in fingerprint.outside_corpus_folders(root, INPUT_TREES):
        files.update((f"{label}/{name}", path) for name, path in input_walk(folder))
    if catalogues_root(root) != root:
        files.update(
            (f"checkout/{CATALOGUES}/{name}", path) for name, path in fingerprint.walk_files(str(CHECKOUT / CATALOGUES))
        )
    return files


def output_label(project_root: Path, out: Path) -> str:
    """An output folder as the build's records name it: relative to the project when inside it."""
    resolved, project = out.resolve(), project_root.resolve()
    return resolved.relative_to(project).as_posix() if resolved.is_relative_to(project) else str(resolved)


# Files every site this tool publishes has: a folder of a user's own (a dataset with an index.html
# and a datapackage.json) has not all of them, and publishing would have emptied it
SITE_SIGNS = ("index.html", "datapackage.json", "pagefind/pagefind-entry.json", "assets/fonts/cjk.css")
# What publishing would delete with the folder though no build wrote it: a checkout (gh-pages)
KEPT_BY_OTHERS = (".git",)


def output_folder_problem(root: Path, out: Path, replaced: bool = True) -> str:
    """Why out cannot take the site of the project at root ("" where it can). Publishing replaces
    the whole folder, so it must not hold the project or what the site is made from, and an
    existing folder must be empty, or a site published before: one this project's last builds
    published to (damaged since, perhaps), or one with the files every published site has.
    replaced=False: files are written into out (`figure --out`), which must still lie outside
    the project's inputs and its published sites."""
    try:
        link = out.is_symlink()
    except OSError as exc:  # a name too long, a folder that cannot be looked into
        return f"it cannot be used as a folder ({exc.strerror or exc})"
    if link:  # the link would be replaced, and the folder it points to emptied
        return (
            f"it is a symbolic link (to {os.readlink(out)}); give the folder it points to as --out, so that "
            "publishing replaces that folder, not the link"
        )
    out, root = out.resolve(), root.resolve()
    if root.is_relative_to(out):
        return "it is the project's folder or holds it"
    kept = {f"{tree}/": root / tree for tree in (*INPUT_TREES, WORK_DIR)} | {"build.py": root / "build.py"}
    kept |= {f"{label}/": folder for label, folder in fingerprint.outside_corpus_folders(root, INPUT_TREES)}
    for label, path in kept.items():
        if out.is_relative_to(path) or path.is_relative_to(out):
            return f"it is or holds {label}, which the site is made from or the build keeps"
    if out.exists() and not out.is_dir():
        return "it is a file, not a folder"
    try:
        records = json.loads((root / WORK_DIR / "last-build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        records = {}
    for published in (*records, "_site"):
        site = (root / published).resolve()
        # a site may be published again to its own folder, which nothing else may write into
        inside = out.is_relative_to(site) if not replaced else out != site and out.is_relative_to(site)
        if inside and (site / "index.html").is_file():
            where = "is" if out == site else "is inside"
            return f"it {where} {published}, a site this tool published, which this would change"
    if not replaced:
        return ""
    for name in KEPT_BY_OTHERS:
        if (out / name).exists():
            return (
                f"it holds {name}, which publishing would delete with the rest of the folder (a site in a "
                "checkout: publish to another folder and copy the site into the checkout)"
            )
    missing = [name for name in SITE_SIGNS if not (out / name).is_file()] if out.is_dir() else []
    if missing and any(out.iterdir()) and output_label(root, out) not in records:
        return f"it holds files but is not a site this tool published (it has no {', '.join(missing)})"
    return ""


def input_walk(folder: Path) -> Iterable[tuple[str, str]]:
    """The files under folder a loader may read: not hidden ones (an editor's lock file .#a.csv,
    often a link to nothing while the file has unsaved edits; .DS_Store), nor links to nothing."""
    for label, path in fingerprint.walk_files(str(folder)):
        if not any(part.startswith(".") for part in label.split("/")) and os.path.exists(path):
            yield label, path


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
