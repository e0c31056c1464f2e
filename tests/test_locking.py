"""One build at a time: two builds of one project meet at the lock on .build/ (and on the output
folder); the second waits and says for whom, or with --no-wait stops with a plain message; a
killed build's lock never blocks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_built, run_build, tree_hashes
from pilotsite.errors import BuildBusy
from pilotsite.state.locking import BUILD_LOCK, one_build_at_a_time

TOOL_TYPES = "data/reported/return-migrant-entrepreneurship/tool-types.csv"
FIGURE = "return-migrant-tool-types"


def versions_of(root: Path, figure: str = FIGURE) -> list[str]:
    return [
        entry["version"]
        for entry in json.loads((root / "history/ledger.json").read_text(encoding="utf-8"))["figures"][figure]
    ]


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "build.py", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.untraced  # the lock's wait and refusal: the test of one_build_at_a_time
def test_two_builds_at_once_after_a_data_edit_both_finish_and_publish_one_version(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    before = versions_of(root)
    table = root / TOOL_TYPES
    table.write_text(table.read_text(encoding="utf-8").replace("Results ›", "Results (revised) ›", 1), encoding="utf-8")
    first = start_build(root)
    time.sleep(0.5)
    second = start_build(root)
    outputs = [process.communicate(timeout=900) for process in (first, second)]
    for process, (stdout, stderr) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, stdout + stderr
        assert "Traceback" not in stderr, stderr
    waited = [stdout for stdout, _ in outputs if "Waiting for another build" in stdout]
    assert len(waited) == 1, [stdout[:500] for stdout, _ in outputs]
    assert f"process {first.pid}" in waited[0]  # it names the build it waits for
    after = versions_of(root)
    assert after[: len(before)] == before and len(after) == len(before) + 1  # the new version, once
    assert run_build(root, "--check").returncode == 0  # the site is exactly what a clean build gives


@pytest.mark.untraced  # the lock's wait and refusal: the test of one_build_at_a_time
def test_no_wait_stops_at_once_with_a_plain_message_and_leaves_the_site(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    site = tree_hashes(root / "_site")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; sys.path.insert(0, '.');"
                "from pilotsite.state.locking import one_build_at_a_time\n"
                "with one_build_at_a_time(Path('.build'), Path('_site'), say=lambda m: None):\n"
                "    print('held', flush=True); time.sleep(120)"
            ),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.perf_counter()
        result = run_build(root, "--no-wait", check=False)
        assert time.perf_counter() - started < 30  # did not wait
        assert result.returncode == 4  # busy
        assert "Traceback" not in result.stderr
        assert "another build is using this project's .build/" in result.stderr
        assert f"process {holder.pid}" in result.stderr and "--no-wait" in result.stderr
        assert "the published site was not changed" in result.stderr
    finally:
        holder.kill()
        holder.wait()
    assert tree_hashes(root / "_site") == site


@pytest.mark.untraced
def test_a_killed_builds_lock_never_blocks(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; sys.path.insert(0, '.');"
                "from pilotsite.state.locking import one_build_at_a_time\n"
                "with one_build_at_a_time(Path('.build'), Path('_site'), say=lambda m: None):\n"
                "    print('held', flush=True); time.sleep(120)"
            ),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    os.kill(holder.pid, signal.SIGKILL)  # as a killed build: no chance to release anything
    holder.wait()
    assert (root / ".build" / "build.lock").exists()  # its lock file stays behind …
    result = run_build(root, "--no-wait", check=False)
    assert result.returncode == 0, result.stderr  # … and blocks nothing
    assert "Waiting" not in result.stdout


def test_the_lock_files_are_git_ignored_beside_any_output_folder():
    """Those of an --out folder inside the project too (build/public: build/.public.lock), which
    had shown up in `git status`."""
    made = [".build/build.lock", "._site.lock", "._site.lock.owner", "._site.staging/index.html"]
    made += ["._site.previous/index.html", "build/.public.lock", "build/.public.lock.owner", ".public.staging/a.css"]
    kept = ["data/site.yaml", "site/assets/style.css", "history/ledger.json", "data/corpora/x/.texts.lock.md"]
    found = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=ROOT,
        input="\n".join(made + kept),
        capture_output=True,
        text=True,
    )
    assert found.stdout.split() == made, found.stdout + found.stderr


def test_a_killed_builds_forked_worker_does_not_hold_its_lock(tmp_path):
    """Workers are forked from the build and inherit its lock file: were the build killed while a
    worker still runs, the worker must not keep the lock."""
    from filelock import FileLock, Timeout

    from pilotsite.state.locking import BUILD_LOCK

    build = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                f"import os, signal, sys, time; from pathlib import Path; sys.path.insert(0, {str(ROOT)!r});"
                "from pilotsite.state.locking import one_build_at_a_time\n"
                "with one_build_at_a_time(Path('.build'), Path('_site'), say=lambda m: None):\n"
                "    child = os.fork()\n"
                "    if child == 0:\n"
                "        time.sleep(60); os._exit(0)\n"
                "    print(child, flush=True); os.kill(os.getpid(), signal.SIGKILL)"
            ),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    )
    worker = int(build.stdout.readline())
    build.wait()
    try:
        os.kill(worker, 0)  # the worker outlives the killed build …
        FileLock(str(tmp_path / ".build" / BUILD_LOCK)).acquire(timeout=2)  # … without its lock
    except Timeout:
        raise AssertionError("the killed build's worker kept the build lock") from None
    finally:
        os.kill(worker, signal.SIGKILL)


@pytest.mark.untraced
def test_a_build_waits_for_the_holder_of_a_lock_and_names_it(tmp_path):
    """one_build_at_a_time itself, against a lock another process holds: what the two tests above
    see through whole builds."""
    work, out = tmp_path / ".build", tmp_path / "_site"
    work.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); from filelock import FileLock; "
            f"from pilotsite.state.locking import write_owner; from pathlib import Path; "
            f"lock = Path({str(work / BUILD_LOCK)!r}); held = FileLock(str(lock)); held.acquire(); write_owner(lock); "
            "print('held', flush=True); time.sleep(1.5)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        refused = rf"another build is using this project's \.build/: process {holder.pid} "
        with pytest.raises(BuildBusy, match=refused), one_build_at_a_time(work, out, wait=False):
            pass
        said: list[str] = []
        started = time.monotonic()
        with one_build_at_a_time(work, out, say=said.append):
            assert time.monotonic() - started > 0.5  # it waited for the holder to go
        assert said[0].startswith(
            f"Waiting for another build that is using this project's .build/: process {holder.pid}"
        )
        assert said[1:] == ["      … it has finished; building now"]
    finally:
        holder.kill()
        holder.wait()
