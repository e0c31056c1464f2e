"""One build at a time per project and per output folder.

Two builds of one project share .build/ (caches, page sources, the staging folder), and two
builds into one folder would publish over each other: a build, `--check`, `figure` and each of
`serve`'s rebuilds therefore hold a lock on the project's .build/ and one on the output folder
for as long as they run. A second build waits for the first, saying so and naming the process,
or with --no-wait stops at once with that message. The locks are the operating system's
(filelock: flock on Unix), so a build that was killed holds nothing: its lock file may remain
but never blocks; and filelock closes the lock's descriptor in forked children, so a worker that
outlives a killed build does not keep its lock (tests/test_locking.py checks both). Beside each
lock a small file names the process holding it, for the message.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pilotsite.errors import BuildBusy, MachineFault

BUILD_LOCK = "build.lock"  # in .build/
OWNER_SUFFIX = ".owner"  # beside a lock: who holds it


def output_lock(out: Path) -> Path:
    """The output folder's lock file, beside the folder (the folder itself is swapped by renames)."""
    return out.parent / f".{out.name}.lock"


def describe_owner(lock_file: Path) -> str:
    """The process holding a lock, as its owner file names it."""
    try:
        return (lock_file.parent / (lock_file.name + OWNER_SUFFIX)).read_text(
            encoding="utf-8"
        ).strip() or "another process"
    except OSError:
        return "another process"


def write_owner(lock_file: Path) -> None:
    command = " ".join(Path(arg).name if i == 0 else arg for i, arg in enumerate(sys.argv)) or "python"
    (lock_file.parent / (lock_file.name + OWNER_SUFFIX)).write_text(
        f"process {os.getpid()} ({command}), started {time.strftime('%H:%M:%S')}", encoding="utf-8"
    )


@contextmanager
def one_build_at_a_time(
    work_dir: Path, out: Path, wait: bool = True, say: Callable[[str], None] = print
) -> Iterator[None]:
    """Hold the locks of work_dir (.build/) and out while the block runs; always in that order,
    so two builds never each hold one and wait for the other."""
    from filelock import FileLock, Timeout

    held = []
    try:
        for lock_file, what in (
            (work_dir / BUILD_LOCK, f"this project's {work_dir.name}/"),
            (output_lock(out), f"the output folder {out}"),
        ):
            try:  # a lock file that cannot be made would look held by another build, for ever
                lock_file.parent.mkdir(parents=True, exist_ok=True)
                lock_file.touch(exist_ok=True)
            except OSError as exc:
                raise MachineFault(
                    f"cannot make the lock file {lock_file} ({exc.strerror or exc}): a build needs to write beside "
                    f"{what}. Nothing was built or published; choose a folder this user may write in"
                ) from exc
            lock = FileLock(str(lock_file))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                owner = describe_owner(lock_file)
                if not wait:
                    raise BuildBusy(
                        f"another build is using {what}: {owner}. Not waiting (--no-wait); "
                        f"run again when it has finished"
                    ) from None
                say(f"Waiting for another build that is using {what}: {owner} …")
                lock.acquire()
                say("      … it has finished; building now")
            held.append(lock)
            write_owner(lock_file)
        yield
    finally:
        for lock in reversed(held):
            lock.release()
