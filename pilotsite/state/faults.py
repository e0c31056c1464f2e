"""Faults of the machine, said plainly, and nothing half-written left behind.

A full disk, a folder the build may not write, a file another program deleted mid-build: each
becomes one BuildError naming the path, what happened and that the published site is unchanged
(publishing is the last step, and a failed build never reaches it). Whatever the failed build
had written is removed: the staging copy of the site and its own temporary files in .build/. A
build that was killed cannot clean up: the next one finds its marker and sweeps the leftovers
first.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from pilotsite.errors import MachineFault

IN_PROGRESS = "build-in-progress"  # in .build/: present while a build runs; left behind by a killed one
# what write_atomic, put_link and the cache writers name their temporary files and folders
TEMPORARY = re.compile(r"^(\..+\.(\d+)\.tmp|\.tmp-.+-(\d+))$")


def folder_size(folder: Path) -> int:
    total = 0
    for base, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(base, name)).st_size
    return total


def existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 1e6 else f"{size / 1e3:,.0f} KB"


def plain_error(exc: OSError, out: Path, work_dir: Path) -> MachineFault:
    """The MachineFault a maintainer reads for an OSError (after cleanup, so free space is what is
    free now)."""
    # a copy or link that fails for want of room names its source first and its target second: the
    # target is where the room ran out
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    where = (exc.filename2 if full else None) or exc.filename or exc.filename2 or "(a file the system did not name)"
    unchanged = f"Nothing was published: the site in {out} is unchanged, and what this build had written was removed"
    if full:
        free = shutil.disk_usage(existing_ancestor(Path(where))).free
        published = folder_size(out) if out.is_dir() else 0
        need = (
            f"a build needs room for the files that changed (the unchanged ones are hard links to the published "
            f"site; where no link can be made, for a second copy of it, about {megabytes(published)}) "
            if published
            else "a build needs room for the whole site "
        )
        return MachineFault(
            f"no space left on the device while writing {where}: {megabytes(free)} free there now; {need}"
            f"and for its caches in {work_dir}. {unchanged}. Free some space, then build again"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return MachineFault(
            f"permission denied: the build may not write {where} ({exc.strerror}). {unchanged}. "
            f"Make the folder writable for this user (or choose another with --out), then build again"
        )
    if isinstance(exc, FileNotFoundError):
        return MachineFault(
            f"a file vanished while the build was running: {where} (deleted or moved by another program?). "
            f"{unchanged}. Build again"
        )
    return MachineFault(f"{exc.strerror or exc} while working on {where}. {unchanged}")


def own_leftovers(work_dir: Path, pid: int | None) -> list[Path]:
    """Temporary files and folders under work_dir: a process's own (pid), or every one (None)."""
    found = []
    for base, folders, files in os.walk(work_dir):
        for name in folders + files:
            match = TEMPORARY.match(name)
            if match and (pid is None or int(match.group(2) or match.group(3)) == pid):
                found.append(Path(base) / name)
        folders[:] = [f for f in folders if not TEMPORARY.match(f)]
    return found


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def begin(work_dir: Path, staging: Path) -> None:
    """Mark a build as running; a marker already there means the last build was killed: sweep
    what it left (the caller holds the build lock, so no other build is writing)."""
    marker = work_dir / IN_PROGRESS
    if marker.exists():
        remove(own_leftovers(work_dir, None))
        remove([staging])
    work_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()), encoding="utf-8")


def failed(work_dir: Path, staging: Path) -> None:
    """Remove what the failed build wrote and will not finish: the staging site and every
    temporary file under work_dir (its workers' too; the caller holds the build lock)."""
    remove([staging])
    remove(own_leftovers(work_dir, None))
    finished(work_dir)


def finished(work_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (work_dir / IN_PROGRESS).unlink()
