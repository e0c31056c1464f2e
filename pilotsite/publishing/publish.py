"""Swapping a fully built site into place, so a failed build never touches the published one.
The site is staged beside the published one (pilotsite/state/staging.py), sharing every
unchanged file with it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pilotsite.state.staging import published_dir, share_unchanged, staging_dir

__all__ = ["publish", "published_dir", "recover", "share_unchanged", "staging_dir"]


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


def publish(staged: Path, out: Path, meanwhile: Callable[[], None] = lambda: None) -> None:
    """Replace out with staged: two renames, and recover() repairs a kill between them. The
    previous site is removed while meanwhile runs (the build saves its records): both wait on the
    disk more than they compute, so on two cores they take the time of the longer. Returns once
    both are done."""
    previous = previous_dir(out)
    if out.exists():
        os.rename(out, previous)
    os.rename(staged, out)
    if not previous.exists():
        meanwhile()
        return
    with ThreadPoolExecutor(1) as pool:
        removal = pool.submit(shutil.rmtree, previous)
        meanwhile()
        removal.result()
