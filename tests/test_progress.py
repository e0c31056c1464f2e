"""Progress on long phases: a bar with count, rate and time left on a terminal; plain lines at most
every few seconds elsewhere, without control characters; nothing with --quiet; and the summary's
time for each phase."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys

import pytest

from conftest import copy_built, discard
from pilotsite.state import progress

TABLE = "data/reported/return-migrant-entrepreneurship/keywords.csv"
PHASES = (
    "load",
    "analyses",
    "texts",
    "figures",
    "versions",
    "pages",
    "text pages",
    "fonts",
    "render",
    "search",
    "links",
    "publish",
)


@pytest.fixture(scope="module")
def project(built_project, tmp_path_factory):
    root = copy_built(built_project, tmp_path_factory.mktemp("progress") / "project")
    yield root
    discard(root.parent)


def edited_build(project, tmp_path, label: str, **env: str) -> dict:
    """The environment of a build that segments every corpus text again (an empty token cache)
    and redraws one figure (a data edit)."""
    table = project / TABLE
    table.write_text(table.read_text(encoding="utf-8").replace("Results", f"Results {label}", 1), encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "TERM", "PILOTSITE_PROGRESS_EVERY")}
    return clean | {"PILOTSITE_TOKEN_CACHE": str(tmp_path / "tokens")} | env


@pytest.mark.untraced
def test_without_a_terminal_progress_is_plain_lines_and_the_summary_times_each_phase(project, tmp_path):
    env = edited_build(project, tmp_path, "(lines)", PILOTSITE_PROGRESS_EVERY="0")
    # bytes, not text=True: decoding with universal newlines would turn a \r into \n
    result = subprocess.run([sys.executable, "build.py", "-v"], cwd=project, capture_output=True, env=env)
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert result.returncode == 0, err
    assert "\x1b" not in out + err and "\r" not in out + err  # no control characters
    counts = re.findall(
        r"^      segmenting cn-regulations: ([\d,]+) of ([\d,]+) texts \([\d.,]+/s(?:, about [\d,]+ s left)?\)$",
        out,
        re.M,
    )
    assert counts and counts[-1][0] == counts[-1][1], out[:3000]
    assert re.search(r"^      drawing figures: 1 of 1 figures", out, re.M), out[:3000]
    assert re.search(r"^      indexing: [\d,]+ of [\d,]+ pages", out, re.M), out[-3000:]
    *_, summary, busy = out.strip().splitlines()
    for phase in PHASES:
        assert re.search(rf"(^ *|· ){phase} \d+\.\d s", summary), (phase, summary)
    # -v: the cores each phase of a tenth of a second or more kept busy, counting the worker
    # processes: segmenting every text again runs in them while the build's own process waits
    assert busy.startswith("      cores busy: "), busy
    cores = dict(re.findall(r"([a-z][a-z ]*?) (\d+\.\d)(?: ·|$)", busy.removeprefix("      cores busy: ")))
    seconds = dict(re.findall(r"([a-z][a-z ]*?) (\d+\.\d) s", summary))
    # (the summary rounds: a phase shown as 0.1 s may have taken less than a tenth)
    assert {p for p in PHASES if float(seconds[p]) > 0.1} <= cores.keys() <= set(PHASES), (busy, summary)
    assert float(cores["texts"]) >= 0.6, busy  # 1.4 on an idle 2-core machine; the build's own process alone: 0.3
    # processor time is counted in hundredths of a second, by each process
    assert all(0 <= float(c) <= (os.cpu_count() or 1) + 0.5 for c in cores.values()), busy


def test_on_a_terminal_progress_is_a_bar_and_no_color_turns_it_into_lines(project, tmp_path):
    def on_a_terminal(env: dict) -> str:
        leader, follower = os.openpty()
        process = subprocess.Popen(
            [sys.executable, "build.py"],
            cwd=project,
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env | {"TERM": "xterm-256color", "COLUMNS": "120"},
        )
        os.close(follower)
        output = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 600)
            try:
                chunk = os.read(leader, 65536) if ready else b""
            except OSError:  # the build closed the terminal
                chunk = b""
            if not chunk:
                break
            output += chunk
        os.close(leader)
        assert process.wait(timeout=60) == 0, output[-3000:]
        return output.decode("utf-8", errors="replace")

    bar = on_a_terminal(edited_build(project, tmp_path / "bar", "(bar)"))
    assert "\x1b[" in bar and "segmenting cn-regulations" in bar
    assert re.search(r"\d+/\d+\S* texts", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", bar)), bar[-3000:]
    assert "Done:" in bar
    plain = on_a_terminal(
        edited_build(project, tmp_path / "plain", "(plain)", NO_COLOR="1", PILOTSITE_PROGRESS_EVERY="0")
    )
    assert "\x1b[" not in plain and re.search(r"segmenting cn-regulations: [\d,]+ of [\d,]+ texts", plain), plain[:3000]


def test_plain_lines_come_at_most_every_few_seconds_with_the_time_left(monkeypatch):
    clock = iter([100.0, 101.0, 104.0, 106.0, 107.0, 112.0])  # start, then at each advance
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    monkeypatch.delenv("PILOTSITE_PROGRESS_EVERY", raising=False)
    lines: list[str] = []
    with progress.Progress("lines", lines.append).task("segmenting c", 10, "texts") as advance:
        for _ in range(5):
            advance(2)
    assert progress.PLAIN_EVERY == 5.0
    # at 101 and 104 too soon; at 106 (6 s): 6 of 10; at 107 too soon after; at 112: all 10
    assert lines == [
        "      segmenting c: 6 of 10 texts (1.0/s, about 4 s left)",
        "      segmenting c: 10 of 10 texts (0.8/s)",
    ]


def test_quiet_and_empty_tasks_show_nothing():
    lines: list[str] = []
    with progress.Progress("off", lines.append).task("x", 10, "texts") as advance:
        advance(10)
    with progress.Progress("lines", lines.append).task("x", 0, "texts") as advance:
        advance(1)
    assert lines == []
