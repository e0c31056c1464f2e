"""--scheduler: the per-text stages on a real Dask cluster on loopback, started as the README says
(`dask scheduler`, `dask worker` with the project on the workers' PYTHONPATH; the scheduler gets
nothing of the project). The site equals the local build byte for byte; workers that cannot run
the project's tasks are refused with a plain message."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import run_build, tree_hashes

pytest.importorskip("dask.distributed")
DASK = Path(sys.executable).with_name("dask")


def scheduler_address(scheduler_file: Path) -> str:
    """The address in the file the scheduler writes once it listens: waited for until it holds
    its JSON whole (the scheduler writes it in place, so it can be found empty or cut)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def cluster(tmp_path: Path, worker_path: str | None):
    """A scheduler and two single-threaded worker processes on 127.0.0.1; yields the address."""
    scheduler_file = tmp_path / "scheduler.json"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # the workers' files, not in the shared temporary folder's dask-scratch-space
    clean["DASK_TEMPORARY_DIRECTORY"] = str(tmp_path / "dask-scratch")
    processes = [
        subprocess.Popen(
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            cwd=tmp_path,
            env=clean,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        address = scheduler_address(scheduler_file)
        worker_env = clean | ({"PYTHONPATH": worker_path} if worker_path else {})
        processes.append(
            subprocess.Popen(
                [
                    str(DASK),
                    "worker",
                    address,
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                ],
                cwd=tmp_path,
                env=worker_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        from dask.distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


@pytest.mark.long(seconds=56)
def test_a_build_on_a_dask_cluster_equals_the_local_build(project_copy, built_site, tmp_path, monkeypatch):
    """A cold build on the cluster publishes what the suite's local cold build of the same
    project published (built_site, under another --out: the site does not depend on its name)."""
    local = tree_hashes(built_site)
    monkeypatch.setenv("PILOTSITE_TOKEN_CACHE", str(tmp_path / "tokens-cluster"))  # every text segmented on the cluster
    monkeypatch.setenv("PILOTSITE_PROGRESS_EVERY", "0")  # a progress line for every batch the cluster returns
    with cluster(tmp_path, str(project_copy)) as address:
        result = run_build(project_copy, "--out", "_cluster", "--scheduler", address)
    assert "segmented 185 and coded 185 corpus texts" in result.stdout
    counts = [int(n) for n in re.findall(r"segmenting and coding cn-regulations: (\d+) of 185 texts", result.stdout)]
    assert len(counts) > 1 and counts == sorted(counts) and counts[-1] == 185, result.stdout[:3000]
    assert tree_hashes(project_copy / "_cluster") == local


def test_workers_that_cannot_import_the_project_are_refused_plainly(project_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("PILOTSITE_TOKEN_CACHE", str(tmp_path / "tokens"))
    with cluster(tmp_path, None) as address:
        result = run_build(project_copy, "--scheduler", address, check=False)
    assert result.returncode == 2
    assert "cannot run this project's tasks" in result.stderr and "pilotsite" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (project_copy / "_site").exists()


def test_an_unreachable_scheduler_is_a_plain_error(project_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("PILOTSITE_TOKEN_CACHE", str(tmp_path / "tokens"))
    result = run_build(project_copy, "--scheduler", "tcp://127.0.0.1:9", check=False)
    assert result.returncode == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.untraced
def test_the_engine_installs_as_a_package_with_the_pins_of_requirements(tmp_path):
    import tomllib

    from conftest import ROOT, canonical_name, locked_pins

    pins = locked_pins()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for requirement in declared:
        name, version = requirement.split("==")
        assert pins.get(canonical_name(name.split("[")[0])) == version, (
            f"{requirement} is not pinned so in requirements.txt"
        )
    source, target = (
        tmp_path / "checkout",
        tmp_path / "installed",
    )  # built from a copy: nothing written into the repository
    shutil.copytree(ROOT / "pilotsite", source / "pilotsite", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", source)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        check=True,
        cwd=tmp_path,
    )
    assert (target / "pilotsite/analysis/textwork.py").is_file() and (
        target / "pilotsite/rendering/fig_alt.lua"
    ).is_file()
    probe = subprocess.run(
        [sys.executable, "-c", "import pilotsite.analysis.cluster as c; print(c.code_digest())"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
    )
    here = subprocess.run(
        [sys.executable, "-c", "import pilotsite.analysis.cluster as c; print(c.code_digest())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout == here.stdout  # an installed copy counts as the same code
