"""`python build.py serve`: serves the site, rebuilds when an input changes, and keeps serving the
last good site when an edit breaks the build."""
from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request

from conftest import copy_built

PAGE = "figures/return-migrant-keywords/index.html"
TABLE = "data/reported/return-migrant-entrepreneurship/keywords.csv"


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def wait_for_line(lines: queue.Queue, pattern: str, log: list[str], timeout: float = 120) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        log.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{''.join(log)}")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_serve_rebuilds_on_change_and_survives_a_bad_edit(built_project, tmp_path):
    project = copy_built(built_project, tmp_path / "project")
    server = subprocess.Popen([sys.executable, "build.py", "serve", "--port", "0"], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines, log = queue.Queue(), []
    threading.Thread(target=read_lines, args=(server.stdout, lines), daemon=True).start()
    try:
        port = wait_for_line(lines, r"at http://localhost:(\d+)/", log).group(1)
        url = f"http://127.0.0.1:{port}/{PAGE}"
        before = fetch(url)
        assert "[edited by the test]" not in before

        # A good edit: the locator text of one row, which the figure's data table shows.
        table = project / TABLE
        original = table.read_text(encoding="utf-8")
        first_row = original.splitlines()[1]
        edited_row = first_row.replace("› (1),", "› (1) [edited by the test],", 1)
        assert edited_row != first_row
        table.write_text(original.replace(first_row, edited_row, 1), encoding="utf-8")
        wait_for_line(lines, r"Changed: .*keywords\.csv; rebuilding", log)
        wait_for_line(lines, r"drawing return-migrant-keywords", log)
        wait_for_line(lines, r"Rebuilt; serving the new site", log)
        assert "[edited by the test]" in fetch(url)

        # A bad edit: the build fails, says why, and the last good site is still served.
        table.write_text(original.replace(first_row, edited_row.replace(",3.52,", ",3,52,", 1), 1), encoding="utf-8")
        wait_for_line(lines, r"error: .*keywords\.csv", log)
        wait_for_line(lines, r"Build failed; still serving the last good site", log)
        assert server.poll() is None
        page = fetch(url)
        assert "[edited by the test]" in page
        assert fetch(f"http://127.0.0.1:{port}/index.html").startswith("<!DOCTYPE html>")
    finally:
        server.terminate()
        server.wait(timeout=10)
