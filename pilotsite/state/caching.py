"""Small pieces every content-keyed build cache shares: linking an entry out, pruning unused
entries, and a JSON file of values by content key."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from pilotsite.state.fingerprint import temporary_sibling, write_atomic


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """Hard-link a cache entry (entries are replaced, never modified in place), else copy it. A
    file already at target is replaced by a rename (put_link), not written through: it may be a
    link to a published file or to another cache entry."""
    try:
        os.link(source, target)
    except OSError:
        if clear_way(target):
            link_or_copy(source, target)
        else:
            put_link(Path(source), Path(target))


def clear_way(target: Path | str) -> bool:
    """Remove a folder at target that holds no file (one of the spare folders a site is staged
    into, publishing/publish.py, where this build puts a file): whether there was one."""
    if os.path.islink(target) or not os.path.isdir(target):
        return False
    if any(names for _, _, names in os.walk(target)):
        return False
    shutil.rmtree(target)
    return True


def put_link(source: Path, target: Path, copy: bool = False) -> None:
    """Make target the same file as source (a hard link, else a copy; with copy, always a copy),
    replacing whatever was there by a rename: a file that may be linked elsewhere (into the
    published site) is never written through."""
    try:
        if (
            os.path.samefile(source, target)
            or copy
            and target.stat().st_size == source.stat().st_size
            and target.read_bytes() == source.read_bytes()
        ):
            return
    except FileNotFoundError:
        pass
    temporary = temporary_sibling(target)
    try:
        if copy:
            raise OSError("a copy was asked for")
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether the file at path holds exactly data (False where there is no file)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def put_bytes(target: Path, data: bytes) -> None:
    """Make target hold data, replacing it by a rename only when it differs (see put_link)."""
    if not same_bytes(target, data):
        write_atomic(target, data)


def prune_files(folder: Path, pattern: str, keep: set[str]) -> None:
    """Delete the entries matching pattern that this build did not use."""
    if not folder.is_dir():
        return
    for old in folder.glob(pattern):
        if old.name not in keep:
            old.unlink()


class KeyedMemo:
    """Values by content key, in one JSON file. A build looks keys up in what was saved, keeps
    the values it used, and saves only those (and only when they changed)."""

    def __init__(self, path: Path | None):
        self.path = path
        # key -> a JSON value (what each cache keeps is its own)
        self.saved: dict[str, Any] = (
            json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else {}
        )
        self.used: dict[str, Any] = {}

    def keep(self, key: str, value: object) -> None:
        self.used[key] = value

    def save(self) -> None:
        """The values used, written as they are encoded (json.dump writes piece by piece): the
        web fonts' memo of ten times the corpus is 109 MB, which json.dumps held whole, twice."""
        if self.path is None or self.used == self.saved:
            return
        temporary = temporary_sibling(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(self.used, handle, ensure_ascii=False, sort_keys=True)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, self.path)
