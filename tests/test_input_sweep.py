"""Nothing a maintainer feeds the build breaks it: every file under data/ (of a project whose
corpus is cut to three texts) is, one at a time, emptied, re-encoded as GB18030, cut mid-line,
replaced by random bytes, deleted, or given CRLF line ends, and the build either publishes a
site or exits 1 naming the file, without a traceback, leaving the published site and history/
byte for byte as they were."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import ROOT, run_build
from conftest import tree_hashes as digests

sys.path.insert(0, str(ROOT / "bench"))
from project_copy import copy_project

DAMAGES = ("empty", "gb18030", "cut", "random", "delete", "crlf")


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


def test_every_damaged_input_builds_or_fails_plainly(tmp_path):
    base = copy_project(tmp_path / "base", texts=3)
    run_build(base)
    site, history = digests(base / "_site"), digests(base / "history")
    files = sorted(p.relative_to(base).as_posix() for p in (base / "data").rglob("*") if p.is_file())

    def attempt(job: tuple[int, str, str]) -> str:
        number, name, kind = job
        work = tmp_path / f"w{number}"
        subprocess.run(["cp", "-al", str(base), str(work)], check=True)  # hard links: a cheap copy, build state and all
        target = work / name
        content = target.read_bytes()
        target.unlink()  # the file damaged is the copy's own, not a link into base
        target.write_bytes(content)
        damage(target, kind)
        result = subprocess.run([sys.executable, "build.py"], cwd=work, capture_output=True, text=True, timeout=900)
        output = result.stdout + result.stderr
        wrong = []
        if "Traceback" in output:
            wrong.append("a traceback")
        if result.returncode not in (0, 2):  # done, or bad input
            wrong.append(f"exit status {result.returncode}")
        if result.returncode == 2:
            if name not in output:
                wrong.append("an error that does not name the file")
            if digests(work / "_site") != site:
                wrong.append("a changed site")
            if digests(work / "history") != history:
                wrong.append("a changed history/")
        shutil.rmtree(work, ignore_errors=True)
        return f"{name} {kind}: {', '.join(wrong)}\n{output[-800:]}" if wrong else ""

    jobs = [(n, name, kind) for n, (name, kind) in enumerate((f, k) for f in files for k in DAMAGES)]
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        failures = [f for f in pool.map(attempt, jobs) if f]
    assert len(jobs) >= 6 * 25  # every file: documents, tables, timelines, lexicon, codebook, corpus, settings
    assert not failures, "\n\n".join(failures)
