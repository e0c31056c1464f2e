"""Nothing a maintainer feeds the build breaks it: every file under data/ (of a project whose
corpus is cut to three texts) is, one at a time, emptied, re-encoded as GB18030, cut mid-line,
replaced by random bytes or deleted, and the build either publishes a site or exits 2 naming the
file, without a traceback, leaving the published site and history/ byte for byte as they were.
CRLF line ends change no file's meaning, so every file gets them at once, in one build, which
must publish the same figures (one build instead of one per file: the sweep is CI's longest
test). The project starts without the repository's published history (not under data/): its
first build publishes each figure's first version, and the damages that build a site (about
40) render one version page per figure instead of the hundred-odd the repository has published.

Its builds run outside the coverage measurement: tracing its builds was most of its time, and
each way of failing they reach is one a targeted test reaches too (test_bad_inputs, test_corpus,
test_interface, test_deposit), where what the message says is checked word for word."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, run_build, stamps
from conftest import tree_hashes as digests

sys.path.insert(0, str(ROOT / "bench"))
from project_copy import copy_project

DAMAGES = ("empty", "gb18030", "cut", "random", "delete")  # one file at a time; "crlf" to all at once
EVERY_FILE = "*"


def damage(path: Path, kind: str) -> None:
    data = path.read_bytes()
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "gb18030":
        with contextlib.suppress(UnicodeError):
            path.write_bytes(data.decode("utf-8-sig").encode("gb18030"))
    elif kind == "cut":  # in the middle of a line, and of a multi-byte character where there is one
        path.write_bytes(data[: len(data) // 2 + 1])
    elif kind == "random":
        path.write_bytes(random.Random(path.name).randbytes(max(64, len(data) // 4)))
    elif kind == "delete":
        path.unlink()
    elif kind == "crlf":
        path.write_bytes(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def unchanged(folder: Path, stamped: dict[str, tuple[int, int, int]], hashed: dict[str, str]) -> bool:
    """Whether folder holds exactly the files hashed, byte for byte. A work copy is hard-linked
    to the base, so a file still linked, and not written since (stamped: the base's stamps before
    any build), is the base's file; only the others are read (hashing every file of the site took
    longer than a build that stops at bad input)."""
    now = stamps(folder)
    if now.keys() != hashed.keys():
        return False
    return all(
        stamp == stamped[name] or hashlib.sha256((folder / name).read_bytes()).hexdigest() == hashed[name]
        for name, stamp in now.items()
    )


def figure_files(site_digests: dict[str, str]) -> dict[str, str]:
    """Of a site's digests, those of each figure's (and each version's) image and data."""
    return {
        path: digest
        for path, digest in site_digests.items()
        if path.startswith("figures/") and path.rsplit("/", 1)[-1] in ("figure.png", "figure.svg", "data.csv")
    }


@pytest.mark.long(seconds=300)
def test_every_damaged_input_builds_or_fails_plainly(tmp_path):
    base = copy_project(tmp_path / "base", texts=3, history=False)
    run_build(base, traced=False)
    assert (base / "history/ledger.json").is_file()  # history/ as the first build left it: checked below
    site, history = digests(base / "_site"), digests(base / "history")
    site_stamps, history_stamps = stamps(base / "_site"), stamps(base / "history")
    figures = figure_files(site)
    files = sorted(p.relative_to(base).as_posix() for p in (base / "data").rglob("*") if p.is_file())

    copies = threading.local()  # each thread's copy of the base that a build left as it was

    def work_copy(number: int) -> Path:
        work = getattr(copies, "work", None)
        copies.work = None
        if work is not None:
            return work
        work = tmp_path / f"w{number}"
        subprocess.run(["cp", "-al", str(base), str(work)], check=True)  # hard links: a cheap copy, build state and all
        for lock in (*work.glob(".*.lock*"), *(work / ".build").glob("*.lock*")):
            # a lock is an inode (flock): hard-linked, every copy's build would wait for the others'
            lock.unlink()
        return work

    def build_state(work: Path) -> dict[str, tuple[int, int, int]]:
        return {name: stamp for name, stamp in stamps(work / ".build").items() if ".lock" not in name}

    # A fresh copy is hard-linked to the base, and a copy is passed on only with this state kept.
    base_state = build_state(base)

    def attempt(job: tuple[int, str, str]) -> str:
        number, name, kind = job
        work = work_copy(number)
        originals = {}
        for target in [work / f for f in files] if name == EVERY_FILE else [work / name]:
            originals[target] = content = target.read_bytes()
            target.unlink()  # the file damaged is the copy's own, not a link into base
            target.write_bytes(content)
            damage(target, kind)
        result = run_build(work, check=False, traced=False, timeout=900)
        output = result.stdout + result.stderr
        wrong = []
        if "Traceback" in output:
            wrong.append("a traceback")
        if result.returncode not in ((0,) if name == EVERY_FILE else (0, 2)):  # done, or bad input
            wrong.append(f"exit status {result.returncode}")
        if name == EVERY_FILE and figure_files(digests(work / "_site")) != figures:
            wrong.append("changed figures")
        if result.returncode == 2:
            if name not in output:
                wrong.append("an error that does not name the file")
            if not unchanged(work / "_site", site_stamps, site):
                wrong.append("a changed site")
            if not unchanged(work / "history", history_stamps, history):
                wrong.append("a changed history/")
        if result.returncode == 2 and not wrong and build_state(work) == base_state:
            # A build that stopped at bad input left the copy as it was: with the file put back, the
            # thread's next case uses it (copying and removing the project took longer than such a build).
            for target, content in originals.items():
                target.unlink(missing_ok=True)
                target.write_bytes(content)
            copies.work = work
        else:
            shutil.rmtree(work, ignore_errors=True)
        return f"{name} {kind}: {', '.join(wrong)}\n{output[-800:]}" if wrong else ""

    jobs = [(n, name, kind) for n, (name, kind) in enumerate((f, k) for f in files for k in DAMAGES)]
    jobs.insert(0, (len(jobs), EVERY_FILE, "crlf"))  # the only successful build of the lot that is sure to be one
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        failures = [f for f in pool.map(attempt, jobs) if f]
    assert len(jobs) >= 6 * 25  # every file: documents, tables, timelines, lexicon, codebook, corpus, settings
    assert not failures, "\n\n".join(failures)
