"""Shared fixtures: the default site built once per session, and throwaway project copies."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from forked_builds import run_python

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import atexit as _atexit  # noqa: E402
import os as _os  # noqa: E402
import tempfile as _tempfile  # noqa: E402
import time as _time  # noqa: E402

# The tests make and delete hundreds of thousands of files (project copies, builds, sites), which
# on a disk costs the kernel dearly: on these machines' ext4 (without a journal) each new inode is
# searched for past every one deleted in the last minutes. tests/test_rebuild.py with
# tests/test_staging.py took 326 s there, 87 s of it system time, against 212 s and 22 s on a RAM
# file system. So unless TMPDIR says where, the temporary folders go on RAM_FOLDER when it is a
# tmpfs with RAM_ROOM free: tmp_path (pytest's base folder follows tempfile's) and every temporary
# folder of the tests and their builds (subprocesses and pytest-xdist's workers inherit TMPDIR).
RAM_FOLDER = "/dev/shm"
RAM_ROOM = 8 << 30  # bytes; the suite holds at most about 3 GB there at once


def ram_folder_for_temporary_files(folder: str = RAM_FOLDER, room: int = RAM_ROOM) -> str | None:
    """folder, when it is a writable tmpfs with `room` bytes free; else None."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            tmpfs = any(line.split()[1:3] == [folder, "tmpfs"] for line in mounts)
        status = _os.statvfs(folder)
    except OSError:
        return None
    free = status.f_bavail * status.f_frsize
    return folder if tmpfs and free >= room and _os.access(folder, _os.W_OK | _os.X_OK) else None


if "TMPDIR" not in _os.environ and (_ram := ram_folder_for_temporary_files()):
    _os.environ["TMPDIR"] = _ram
    _tempfile.tempdir = None  # read TMPDIR again

# Segmented corpus texts are cached by content, so every project copy in the tests may share one
# cache: builds after the first skip re-segmenting the sample corpus. (Subprocesses inherit it.)
if "PILOTSITE_TOKEN_CACHE" not in _os.environ:
    _os.environ["PILOTSITE_TOKEN_CACHE"] = _tempfile.mkdtemp(prefix="pilotsite-tokens-")
    _atexit.register(shutil.rmtree, _os.environ["PILOTSITE_TOKEN_CACHE"], ignore_errors=True)


# Coverage of the processes a test starts (.ci/run: patch = ["subprocess"] hands each child
# COVERAGE_PROCESS_CONFIG). Tracing a build costs about a third of its time, so a test marked
# `untraced` starts its processes unmeasured: scripts/untraced_tests.py lists the tests whose
# processes reach no line or branch that the measured ones leave unreached. The test's own process
# stays measured. With PILOTSITE_COVERAGE_CONTEXTS=1 (what that script reads), each test's
# processes are measured under the static context "process:<test id>" instead.
PROCESS_CONTEXT = "process:"
_OUTSIDE_TESTS: dict[str, str] = {}  # coverage's variables as they are outside any test


@contextlib.contextmanager
def environment_restored() -> Iterator[None]:
    """The process's environment put back as it was, but for pytest's own PYTEST_* variables.
    Libraries leave variables behind: distributed's LocalCluster sets PYTHONHASHSEED and its Client
    DASK_SCHEDULER_ADDRESS, which every later build of the worker then inherited (and a build with a
    hash seed of its own is not forked: tests/forked_builds.py)."""
    before = dict(_os.environ)
    try:
        yield
    finally:
        for name in set(_os.environ) - set(before):
            if not name.startswith("PYTEST_"):
                del _os.environ[name]
        for name, value in before.items():
            if _os.environ.get(name) != value and not name.startswith("PYTEST_"):
                _os.environ[name] = value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Each test (its fixtures' setup and teardown too) with coverage's variables for its processes,
    and the environment put back as it was afterwards."""
    with environment_restored():
        config = _os.environ.get("COVERAGE_PROCESS_CONFIG")
        if config is not None:
            saved = {name: value for name, value in _os.environ.items() if name.startswith("COVERAGE_")}
            _OUTSIDE_TESTS.update(saved)
            if item.get_closest_marker("untraced"):
                for name in saved:
                    del _os.environ[name]
            elif _os.environ.get("PILOTSITE_COVERAGE_CONTEXTS"):
                settings = json.loads(base64.b64decode(config))
                settings["context"] = PROCESS_CONTEXT + item.nodeid.split("[")[0]
                _os.environ["COVERAGE_PROCESS_CONFIG"] = base64.b64encode(json.dumps(settings).encode()).decode()
        return (yield)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked long go first, longest first. pytest-xdist (-n auto, --dist loadfile in
    pyproject.toml) hands each worker a whole test file at a time, in this order: a long test
    started last would keep one worker busy while the other has nothing left."""

    def seconds(item: pytest.Item) -> float:
        long = item.get_closest_marker("long")
        return long.kwargs["seconds"] if long else 0

    items.sort(key=seconds, reverse=True)  # a stable sort: the others keep their order


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under folder, keyed by relative path. A file hashed before is not
    read again while it is the same file, unchanged: same device and inode, size, modification
    and status-change times (any write changes the last, which no program can set back). A file
    changed in the last second is always read: the clock the times come from ticks coarsely, and
    a second write in the same tick would keep them (git's "racy clean" files)."""
    found = {}
    recent = _time.time_ns() - 1_000_000_000
    for label, status in file_stats(folder).items():
        stamp = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
        digest = _HASHED.get(stamp)
        if digest is None:
            with open(folder / label, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            if max(status.st_mtime_ns, status.st_ctime_ns) < recent:
                _HASHED[stamp] = digest
        found[label] = digest
    if len(_HASHED) > 200_000:  # a few built projects' worth
        _HASHED.clear()
    return found


def file_stats(folder: Path) -> dict[str, _os.stat_result]:
    """os.stat of every file under folder, keyed by relative path (with /), sorted."""
    found = {}
    for directory, _, names in _os.walk(folder):
        for name in names:
            path = _os.path.join(directory, name)
            found[_os.path.relpath(path, folder).replace(_os.sep, "/")] = _os.stat(path)
    return dict(sorted(found.items()))


_HASHED: dict[tuple[int, ...], str] = {}


# What a full copy of the project holds: enough to run build.py in it as a user would.
PROJECT_FILES = ("build.py", "pilotsite", "analyses", "data", "site", "history")


def write_corpus(folder: Path, header: list[str], rows: list[dict], texts: list[str]) -> None:
    """A corpus folder: each row's text at its `file`, and metadata.csv with these columns."""
    import csv

    for row, text in zip(rows, texts, strict=True):
        (folder / row["file"]).parent.mkdir(parents=True, exist_ok=True)
        (folder / row["file"]).write_text(text, encoding="utf-8")
    with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def copy_project(target: Path) -> Path:
    """A complete copy of the project without its build state, so tests never touch the repository."""
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def untraced_env() -> dict[str, str]:
    """The environment without coverage's variables: a process started with it is not measured
    (.ci/run measures every Python process a test starts: pyproject.toml, patch = ["subprocess"],
    hands each child COVERAGE_PROCESS_CONFIG)."""
    return {name: value for name, value in _os.environ.items() if not name.startswith("COVERAGE_")}


def measured_env() -> dict[str, str]:
    """The environment with coverage's variables as they are outside any test: for a build shared
    by many tests, measured whichever test asked for it first."""
    return {**untraced_env(), **_OUTSIDE_TESTS}


def run_build(
    root: Path,
    *args: str,
    check: bool = True,
    traced: bool = True,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    """python build.py in a project copy, as a user runs it (forked from a process that has
    imported the libraries: tests/forked_builds.py); traced=False keeps it out of the coverage
    measurement."""
    result = run_python(["build.py", *args], root, env if traced else untraced_env(), timeout)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="session")
def first_build(tmp_path_factory, worker_id) -> tuple[Path, subprocess.CompletedProcess]:
    """A fresh project copy built the README's way (python build.py), and what that printed. Under
    pytest-xdist the first worker to need it builds it where every worker finds it, and each
    copies it (cp -a: as copy_built, a copy is built as it lands), so the suite pays for one cold
    build, not one per worker."""
    root = tmp_path_factory.mktemp("default") / "project"
    if worker_id == "master":
        copy_project(root)
        return root, run_build(root, env=measured_env())
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / "first-build"
    with FileLock(f"{shared}.lock"):
        if not (shared / "result.json").is_file():
            copy_project(shared / "project")
            result = run_build(shared / "project", check=False, env=measured_env())
            printed = {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
            (shared / "result.json").write_text(json.dumps(printed), encoding="utf-8")
    printed = json.loads((shared / "result.json").read_text(encoding="utf-8"))
    assert printed["returncode"] == 0, printed["stdout"] + printed["stderr"]
    copy_built(shared / "project", root)
    return root, subprocess.CompletedProcess(["build.py"], **printed)


@pytest.fixture(scope="session")
def built_project(first_build) -> Path:
    """A project copy with the default site built into <copy>/_site."""
    return first_build[0]


@pytest.fixture(scope="session")
def built_site(built_project) -> Path:
    return built_project / "_site"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project that a test may break."""
    return copy_project(tmp_path / "project")


def figure_count(site: Path) -> int:
    """Figures the build checks: those the site shows (folders with their own data.csv, not
    redirects), and those whose data held nothing to draw (a not-drawn.json in the figure cache of
    the project that built the site)."""
    shown = sum(1 for p in (site / "figures").iterdir() if (p / "data.csv").is_file())
    not_drawn = len({p.parent.parent.name for p in (site.parent / ".build/cache/figures").glob("*/*/not-drawn.json")})
    return shown + not_drawn


# What a linked copy shares with the project it copies: the build's outputs, which the build only
# ever replaces (by a rename) or deletes, never writes through (BuildState.drop_shared). Everything
# else (inputs, code, history/, the build's records and locks) is the copy's own.
SHARED_OUTPUTS = (".build/cache", ".build/pages", "_site")
_SHARED_STAMPS: dict[Path, dict[str, tuple[int, int, int]]] = {}  # project -> shared_stamps() at its last copy


def copy_built(built_project: Path, target: Path, linked: bool = True) -> Path:
    """A copy of an already built project, caches and site included: far cheaper than a cold
    build. The build state names files relative to the project and the caches are keyed by
    content, so the copy is built as it lands: its next build is a no-op (test_rebuild checks it).
    `cp -a` keeps mtimes, and the site's hard links into the cache (copytree would double the
    copy's size).

    Linked (the default), the copy's SHARED_OUTPUTS are hard links to the project's files: a few
    hundred megabytes that a test's builds replace file by file but never write through, so there
    is nothing to copy (writing them out took 1.4-10 s a copy, median 3.6 s, against 1.3 s). A
    test that writes a published or cached file in place, as a hand edit does, copies with
    linked=False: the project's files would hold the edit too. Each linked copy first checks that
    no file it would share was so written since the last copy of that project."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not linked:
        subprocess.run(["cp", "-a", str(built_project), str(target)], check=True)
        return target
    now = shared_stamps(built_project)
    before = _SHARED_STAMPS.get(built_project, now)
    _SHARED_STAMPS[built_project] = now
    # a build replaces a file (a new inode); a write through a link keeps the inode and changes the rest
    written = sorted(
        name for name in before.keys() & now.keys() if before[name][0] == now[name][0] and before[name] != now[name]
    )
    assert not written, (
        f"files of {built_project} that linked copies share were written in place (a test that does "
        f"so needs copy_built(..., linked=False)): {written[:5]}"
    )
    target.mkdir()
    for entry in sorted(built_project.iterdir()):
        if entry.name == ".build":
            (target / ".build").mkdir()
            for inner in sorted(entry.iterdir()):
                linked_here = f".build/{inner.name}" in SHARED_OUTPUTS
                subprocess.run(["cp", "-al" if linked_here else "-a", str(inner), str(target / ".build")], check=True)
        else:
            subprocess.run(["cp", "-al" if entry.name in SHARED_OUTPUTS else "-a", str(entry), str(target)], check=True)
    return target


def shared_stamps(project: Path) -> dict[str, tuple[int, int, int]]:
    """stamps() of every file a linked copy of project shares (a write through a link changes the
    size and modification time for every copy; linking changes only the status-change time)."""
    return {
        f"{folder}/{name}": stamp
        for folder in SHARED_OUTPUTS
        if (project / folder).is_dir()
        for name, stamp in stamps(project / folder).items()
    }


def stamps(folder: Path) -> dict[str, tuple[int, int, int]]:
    """(inode, size, modification time) of every file under folder, keyed by relative path. Not
    tree_hashes' memory: hard-linking a file, as each linked copy does, changes its status time."""
    return {name: (s.st_ino, s.st_size, s.st_mtime_ns) for name, s in file_stats(folder).items()}


def discard(folder: Path) -> None:
    """Remove a module's project once its tests are done: a built copy takes about 330 MB, and the
    suite makes dozens (passed tests' tmp_path goes too: tmp_path_retention_policy in pyproject)."""
    shutil.rmtree(folder, ignore_errors=True)


def cited_entry(project: Path, figure: str) -> dict:
    """The ledger entry a figure's page cites: its latest version, or, when that version publishes
    nothing new, the earlier version it is identical to."""
    import json

    history = json.loads((project / "history/ledger.json").read_text(encoding="utf-8"))["figures"][figure]
    latest = history[-1]
    return next(e for e in history if e["version"] == latest.get("same_as", latest["version"]))


def canonical_name(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def locked_pins(path: Path | None = None) -> dict[str, str]:
    """The pins of requirements.txt (or of path), name -> version, names canonical."""
    import re

    pins = {}
    for line in (path or ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        found = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\#]+)", line)
        if found:
            pins[canonical_name(found.group(1))] = found.group(2)
    return pins


CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def need_chromium() -> None:
    """Skip unless Selenium, Debian's chromium and chromium-driver are installed; in CI (.ci/run
    installs them) their absence is a failure, not a skip. Works in a module's body or in a test."""
    pytest.importorskip("selenium")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if _os.environ.get("CI"):
            pytest.fail(
                "chromium and chromium-driver are missing (apt-get install chromium chromium-driver)", pytrace=False
            )
        pytest.skip(
            "needs chromium and chromium-driver (apt-get install chromium chromium-driver)", allow_module_level=True
        )


def start_chromium():
    """Headless Chromium at a fixed window size and scale, keeping the console's log. Its
    temporary files (the folder of its SingletonSocket, which a browser that chromedriver ends
    leaves behind) go to a folder of its own, removed when the browser quits."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    scratch = _tempfile.mkdtemp(prefix="chromium-")

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(CHROMEDRIVER, env={**_os.environ, "TMPDIR": scratch})
    try:
        browser = webdriver.Chrome(service=service, options=options)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    browser.set_script_timeout(30)
    quit_browser = browser.quit

    def quit_and_remove_scratch() -> None:
        try:
            quit_browser()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    browser.quit = quit_and_remove_scratch
    return browser


def interruptible() -> None:
    """For subprocess.Popen(preexec_fn=…): the build gets Ctrl-C's signal even when the tests run
    in the background of a shell without job control, which starts them with SIGINT ignored (and
    Python keeps an ignored SIGINT ignored)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
