"""tests/forked_builds.py: a build forked from the preloaded server is what `python build.py` gives,
down to the exit status, the output and a traceback; what the server cannot stand in for runs as
a process of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT, environment_restored, untraced_env
from forked_builds import FORKED, MAX_SERVERS, run_python


@pytest.fixture(autouse=True)
def forking(monkeypatch):
    monkeypatch.delenv("FORKED_BUILDS", raising=False)  # what these tests test, whatever the run says


SCRIPT = """
import os, sys
print("name", __name__, "argv", sys.argv[1:], "cwd", os.getcwd() == sys.path[0], os.environ.get("PILOTSITE_X"))
print("to stderr", file=sys.stderr)
if sys.argv[1] == "raise":
    raise ValueError("<script>broken</script>")
if sys.argv[1] == "message":
    sys.exit("stopped: 文件 bad")
if sys.argv[1] == "backend":
    import matplotlib
    print(matplotlib.get_backend())
if sys.argv[1] == "sleep":
    import time
    time.sleep(60)
sys.exit(int(sys.argv[1]) if sys.argv[1].isdigit() else 0)
"""


def as_process(argv: list[str], cwd, env) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("how", ["0", "3", "message", "raise"])
def test_a_forked_script_exits_and_prints_as_its_own_process_does(tmp_path, how):
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    env = untraced_env() | {"PILOTSITE_X": "seen"}
    forked = FORKED.run(["script.py", how], tmp_path, env)
    assert forked is not None, FORKED.refusals  # it was forked, not started
    real = as_process(["script.py", how], tmp_path, env)
    assert (forked.returncode, forked.stdout) == (real.returncode, real.stdout)
    assert forked.stdout.startswith(f"name __main__ argv ['{how}'] cwd True seen")
    if how == "raise":  # the same traceback but for the server's frames above the script's
        assert forked.stderr.startswith("to stderr\nTraceback (most recent call last):")
        assert forked.stderr.splitlines()[-1] == real.stderr.splitlines()[-1] == "ValueError: <script>broken</script>"
    else:
        assert forked.stderr == real.stderr


def test_a_forked_build_stops_at_bad_input_as_a_started_one_does(project_copy):
    (project_copy / "data/site.yaml").write_bytes(b"title: \xff\xfe [")  # not UTF-8
    forked = FORKED.run(["build.py"], project_copy, untraced_env())
    assert forked is not None, FORKED.refusals
    real = as_process(["build.py"], project_copy, untraced_env())
    assert forked.returncode == real.returncode == 2
    assert forked.stdout == real.stdout and forked.stderr == real.stderr
    assert "data/site.yaml, line 1: not valid UTF-8" in forked.stderr


def test_what_a_library_reads_at_import_is_read_by_a_server_of_its_own(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    for backend in ("svg", "pdf"):
        env = untraced_env() | {"MPLBACKEND": backend}
        forked = FORKED.run(["script.py", "backend"], tmp_path, env)
        assert forked is not None and forked.stdout.splitlines()[-1] == backend
        assert forked.stdout == as_process(["script.py", "backend"], tmp_path, env).stdout
    # a hash seed of its own is a process of its own
    assert FORKED.run(["script.py", "0"], tmp_path, untraced_env() | {"PYTHONHASHSEED": "1"}) is None
    assert run_python(["script.py", "5"], tmp_path, untraced_env() | {"PYTHONHASHSEED": "1"}).returncode == 5


def test_one_environment_too_many_stops_the_least_recently_used_server(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    for n in range(MAX_SERVERS + 1):
        forked = FORKED.run(["script.py", str(n)], tmp_path, untraced_env() | {"FORKED_TEST": str(n)})
        assert forked is not None and forked.returncode == n, FORKED.refusals
    assert len(FORKED.servers) == MAX_SERVERS
    assert "FORKED_TEST" in FORKED.changes[-1]


def test_a_server_that_died_is_started_again(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    assert FORKED.run(["script.py", "0"], tmp_path, untraced_env()) is not None
    for process, _ in FORKED.servers.values():
        process.kill()
        process.wait()
    again = FORKED.run(["script.py", "4"], tmp_path, untraced_env())
    assert again is not None and again.returncode == 4


def test_a_build_that_runs_out_of_time_is_killed(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_python(["script.py", "sleep"], tmp_path, untraced_env(), timeout=2)
    assert time.monotonic() - started < 30
    time.sleep(0.5)  # the killed child is gone: no live process works in the script's folder
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit() and _alive_in(pid, str(tmp_path))]


def _alive_in(pid: str, folder: str) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
        return os.readlink(f"/proc/{pid}/cwd") == folder and state != "Z"
    except OSError:  # gone meanwhile, or not ours to read
        return False


IMPORTS = """
import importlib.machinery
import pilotsite.errors as errors
import pilotsite.pipeline as pipeline
code = pipeline.load_catalog.__code__
nested = [c for c in code.co_consts if isinstance(c, type(code))]  # load_catalog's attempt()
print(importlib.machinery.SourceFileLoader.source_to_code.__qualname__)
print(len(nested) > 0, sorted({c.co_filename for c in [code, *nested]}))
print(getattr(errors, "EDITED", "not edited"))
"""


def test_a_forked_build_runs_its_own_copy_of_the_code_compiled_once_by_the_server(tmp_path):
    """A module whose source is the checkout's gets the server's compiled code, under the copy's
    file name down to nested functions (coverage and tracebacks name the copy's file); an edited
    module is compiled from its edit."""
    shutil.copytree(ROOT / "pilotsite", tmp_path / "pilotsite", ignore=shutil.ignore_patterns("__pycache__"))
    with open(tmp_path / "pilotsite/errors.py", "a", encoding="utf-8") as handle:
        handle.write("\nEDITED = 'edited'\n")
    (tmp_path / "script.py").write_text(IMPORTS, encoding="utf-8")
    forked = FORKED.run(["script.py"], tmp_path, untraced_env())
    assert forked is not None and forked.returncode == 0, forked and forked.stderr
    loader, names, edited = forked.stdout.splitlines()
    assert loader == "_reuse_compiled.<locals>.source_to_code"  # the server's code was on offer
    assert names == f"True {[str(tmp_path / 'pilotsite/pipeline.py')]}"
    assert edited == "edited"


def test_a_variable_a_library_leaves_behind_is_gone_after_the_test():
    """distributed's LocalCluster sets PYTHONHASHSEED in the test process: left there, every later
    build of the worker would run as a process of its own."""
    before = os.environ.get("PATH")
    with environment_restored():
        os.environ["PYTHONHASHSEED"] = "6640"
        os.environ["PATH"] = "changed"
    assert "PYTHONHASHSEED" not in os.environ and os.environ.get("PATH") == before
