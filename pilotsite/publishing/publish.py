"""Swapping a fully built site into place, so a failed build never touches the published one.
The site is staged beside the published one (pilotsite/state/staging.py), sharing every
unchanged file with it.

The site a publish replaces is not deleted but emptied of its files, and its folders are kept
(spare): the next build stages into them. A site of the full corpus has some 6,000 folders, and
making them anew, and removing them, took longer than all the files they hold."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pilotsite.state.staging import published_dir, share_unchanged, staging_dir

__all__ = [
    "begin_staging",
    "publish",
    "published_dir",
    "recover",
    "remove_empty_folders",
    "share_unchanged",
    "staging_dir",
]


def previous_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.previous"


def recover(out: Path) -> None:
    """Undo what an interrupted publish left behind: restore the old site, drop half-built ones."""
    previous = previous_dir(out)
    if previous.exists():
        if out.exists():
            shutil.rmtree(previous)
        else:
            os.rename(previous, out)
    staging = staging_dir(out)
    if staging.exists():
        shutil.rmtree(staging)


def begin_staging(staging: Path, spare: Path | None = None) -> bool:
    """An empty staging folder: the spare folders (see publish) when there are some, emptied of
    any file a kill left in them, else a new folder. Whether the spare folders were taken: those
    the new site does not fill are then removed before it is published (remove_empty_folders)."""
    if staging.exists():
        shutil.rmtree(staging)
    if spare is not None and spare.is_dir():
        try:
            remove_files(spare)
            os.rename(spare, staging)
            return True
        except OSError:  # not ours to reuse (another filesystem, a file in the way): made anew
            shutil.rmtree(spare, ignore_errors=True)
    staging.mkdir(parents=True)
    return False


def remove_files(folder: Path) -> None:
    """Every file (and link) under folder; its folders are kept."""
    for directory, folders, names in os.walk(folder):
        for name in names:
            os.unlink(os.path.join(directory, name))
        for name in folders:  # os.walk does not descend into a link to a folder: unlinked too
            if os.path.islink(os.path.join(directory, name)):
                os.unlink(os.path.join(directory, name))


def remove_empty_folders(folder: Path) -> None:
    """The folders under folder that hold no file, deepest first (a staged site's folders that
    the spare brought and this build did not fill)."""
    for directory, _, names in os.walk(folder, topdown=False):
        if not names and directory != str(folder):
            with contextlib.suppress(OSError):  # not empty: a folder inside it holds a file
                os.rmdir(directory)


def retire(previous: Path, spare: Path | None) -> str:
    """The site a publish replaced: its folders kept as spare (emptied of files) for the next
    build, else removed. The new site is in place by then, so a file that cannot be removed is
    not a failed build: what is left is said ("" when nothing is)."""
    try:
        if spare is not None:
            try:
                if spare.exists():
                    shutil.rmtree(spare)
                os.rename(previous, spare)
            except OSError:  # another filesystem: nothing to keep
                pass
            else:
                remove_files(spare)
                return ""
        shutil.rmtree(previous)
    except OSError as exc:
        left = exc.filename or previous
        return (
            f"the new site is published, but a file of the one it replaced could not be removed: {left} "
            f"({exc.strerror}); delete it by hand"
        )
    return ""


def publish(staged: Path, out: Path, meanwhile: Callable[[], None] = lambda: None, spare: Path | None = None) -> str:
    """Replace out with staged: two renames, and recover() repairs a kill between them. The
    previous site is retired (to spare, or removed) while meanwhile runs (the build saves its
    records): both wait on the disk more than they compute, so on two cores they take the time of
    the longer. Returns once both are done, with what retire could not remove ("" for nothing)."""
    previous = previous_dir(out)
    if out.exists():
        os.rename(out, previous)
    os.rename(staged, out)
    if not previous.exists():
        meanwhile()
        return ""
    with ThreadPoolExecutor(1) as pool:
        retiring = pool.submit(retire, previous, spare)
        meanwhile()
        return retiring.result()
