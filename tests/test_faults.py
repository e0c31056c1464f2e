"""Faults of the machine during a build: a full disk, a folder the build may not write, a file
that vanished. Each is simulated by making the step that writes raise the OSError the system
would; the build must end with one plain message (no traceback) naming the path, leave the
published site byte-identical, and leave no staging folder or temporary file behind."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

import build as build_module
from conftest import ROOT, copy_built, tree_hashes
from pilotsite.publishing import linkcheck, publish, search
from pilotsite.state import faults

TOOL_TYPES = "data/reported/return-migrant-entrepreneurship/tool-types.csv"


@pytest.fixture
def edited(built_project, tmp_path):
    """A built project with one data edit waiting: the next build redraws a figure and publishes."""
    root = copy_built(built_project, tmp_path / "project")
    table = root / TOOL_TYPES
    table.write_text(table.read_text(encoding="utf-8").replace("Results ›", "Results (revised) ›", 1), encoding="utf-8")
    return root


def leftovers(root):
    staging = publish.staging_dir(root / "_site")
    return ([staging] if staging.exists() else []) + faults.own_leftovers(root / ".build", None)


def test_a_full_disk_in_the_last_step_gets_a_plain_message_and_leaves_nothing(edited, monkeypatch):
    site = tree_hashes(edited / "_site")
    ledger = (edited / "history/ledger.json").read_bytes()
    real_index = search.index_site

    def full_disk(staging, *args, **kwargs):
        real_index(staging, *args, **kwargs)
        partial = staging / "pagefind" / f".fragment.{os.getpid()}.tmp"  # a write the disk cut short
        partial.write_bytes(b"x" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device", str(partial))

    monkeypatch.setattr(search, "index_site", full_disk)
    with pytest.raises(build_module.BuildError) as caught:
        build_module.build(edited, edited / "_site", renderer="embedded")
    message = str(caught.value)
    assert "no space left on the device while writing" in message and "pagefind" in message
    assert " free there now" in message and "room for the files that changed" in message
    assert "the site in" in message and "is unchanged" in message
    assert tree_hashes(edited / "_site") == site
    assert (edited / "history/ledger.json").read_bytes() == ledger  # nothing recorded
    assert leftovers(edited) == []
    assert not (edited / ".build" / faults.IN_PROGRESS).exists()


def test_a_full_disk_while_a_file_is_copied_names_where_it_was_copied_to(tmp_path):
    """A copy or link names its source first: the message had named the build's own file, on a
    disk with gigabytes free, not the site's, where the room ran out."""
    source, target = tmp_path / ".build/pages/deposit.zip", tmp_path / "site.staging/deposit.zip"
    fault = OSError(errno.ENOSPC, "No space left on device", str(source), None, str(target))
    message = str(faults.plain_error(fault, tmp_path / "site", tmp_path / ".build"))
    assert f"no space left on the device while writing {target}:" in message and str(source) not in message


@pytest.mark.parametrize(
    "fault, expected",
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/www/_site"),
            "permission denied: the build may not write /srv/www/_site",
        ),
        (
            FileNotFoundError(errno.ENOENT, "No such file or directory", "_site/figures/x/index.html"),
            "a file vanished while the build was running: _site/figures/x/index.html",
        ),
    ],
)
def test_other_faults_get_a_plain_message_and_leave_the_site(edited, monkeypatch, fault, expected):
    site = tree_hashes(edited / "_site")

    def raising(*args, **kwargs):
        raise fault

    monkeypatch.setattr(linkcheck, "broken_links", raising)
    with pytest.raises(build_module.BuildError, match="is unchanged") as caught:
        build_module.build(edited, edited / "_site", renderer="embedded")
    assert expected in str(caught.value)
    assert tree_hashes(edited / "_site") == site
    assert leftovers(edited) == []


def test_the_command_prints_no_traceback_for_a_fault_and_debug_shows_one(edited, tmp_path):
    """build.py itself: the message on stderr, exit 1; --debug shows the traceback."""
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    if os.access(read_only, os.W_OK):  # root may write anywhere: simulate the refusal in the process
        script = (
            "import errno, sys; sys.path.insert(0, {root!r}); import build; from pilotsite.publishing import publish\n"
            "def refuse(*a, **k): raise PermissionError(errno.EACCES, 'Permission denied', {out!r})\n"
            "publish.publish = refuse\nbuild.ROOT = __import__('pathlib').Path({project!r})\n"
            "sys.exit(build.main(sys.argv[1:]))"
        )
        command = [
            sys.executable,
            "-c",
            script.format(root=str(ROOT), out=str(read_only / "_site"), project=str(edited)),
        ]
    else:
        command = [sys.executable, "build.py"]
    for extra, traceback in (([], False), (["--debug"], True)):
        result = subprocess.run(
            command + ["--out", str(read_only / "_site"), *extra], cwd=edited, capture_output=True, text=True
        )
        assert result.returncode == 3 if not traceback else result.returncode != 0  # 3: a fault of the machine
        assert ("Traceback" in result.stderr) == traceback, result.stderr[-2000:]
        assert "permission denied" in result.stderr
    assert not (read_only / "_site").exists() and not publish.staging_dir(read_only / "_site").exists()
    assert faults.own_leftovers(edited / ".build", None) == []


def test_a_killed_builds_leftovers_are_swept_by_the_next_build(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    site = tree_hashes(root / "_site")
    work = root / ".build"
    (work / faults.IN_PROGRESS).write_text("12345", encoding="utf-8")  # what a killed build leaves
    stray = [work / "cache" / ".hashes.json.12345.tmp", work / "cache" / "figures" / ".tmp-abc-12345"]
    stray[0].write_bytes(b"half")
    stray[1].mkdir(parents=True)
    (stray[1] / "figure.svg").write_bytes(b"<svg")
    staging = publish.staging_dir(root / "_site")
    staging.mkdir()
    (staging / "index.html").write_text("half", encoding="utf-8")
    build_module.build(root, root / "_site", renderer="embedded")
    assert not any(p.exists() for p in stray) and not staging.exists()
    assert not (work / faults.IN_PROGRESS).exists()
    assert tree_hashes(root / "_site") == site
