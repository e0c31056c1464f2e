"""`python build.py serve`: serves the site, rebuilds when an input changes, and keeps serving the
last good site when an edit breaks the build. The pages it serves (and only those: never the
published files) carry a script that reloads them after a good rebuild, keeping their scroll
position, and shows a failed build's error over the last good page."""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import copy_built, need_chromium, start_chromium
from pilotsite.preview import EVENTS_PATH, MARKER

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


def fetch_bytes(url: str) -> tuple[bytes, str]:
    """The body as sent, and the Content-Length the server declared for it."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers["Content-Length"]


def start_serving(project, *options: str) -> tuple[subprocess.Popen, queue.Queue, list[str], str]:
    """`python build.py serve --port 0` in project (with options): the process, its output lines,
    their log, and the port."""
    server = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", "0", *options],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    lines, log = queue.Queue(), []
    threading.Thread(target=read_lines, args=(server.stdout, lines), daemon=True).start()
    port = wait_for_line(lines, r"at http://localhost:(\d+)/", log).group(1)
    return server, lines, log, port


def edited_table(original: str, value: str | None = None) -> str:
    """keywords.csv with the locator of its first row marked (the figure's data table shows it),
    and, given a value, that value as the row's share_pct."""
    first_row = original.splitlines()[1]
    edited_row = first_row.replace("› (1),", "› (1) [edited by the test],", 1)
    assert edited_row != first_row and ",3.52," in edited_row
    if value is not None:
        edited_row = edited_row.replace(",3.52,", f",{value},", 1)
    return original.replace(first_row, edited_row, 1)


def test_the_published_site_never_holds_the_reload_script(built_site):
    holding = [
        p
        for p in built_site.rglob("*")
        if p.is_file() and (MARKER.encode() in p.read_bytes() or EVENTS_PATH.encode() in p.read_bytes())
    ]
    assert not holding, holding[:10]


@pytest.mark.untraced
def test_serve_rebuilds_on_change_and_survives_a_bad_edit(built_project, tmp_path):
    project = copy_built(built_project, tmp_path / "project")
    server, lines, log, port = start_serving(project)
    try:
        url = f"http://127.0.0.1:{port}/{PAGE}"
        before = fetch(url)
        assert "[edited by the test]" not in before

        # Served HTML carries the reload script once, with its length declared; the file does not,
        # and every other file is served byte for byte.
        served, length = fetch_bytes(url)
        assert served.count(f'<script id="{MARKER}">'.encode()) == 1 and int(length) == len(served)
        assert served.index(MARKER.encode()) < served.rindex(b"</body>")
        assert MARKER.encode() not in (project / "_site" / PAGE).read_bytes()
        for other in ("figures/return-migrant-keywords/data.csv", "assets/style.css"):
            assert (project / "_site" / other).is_file(), other
            assert fetch_bytes(f"http://127.0.0.1:{port}/{other}")[0] == (project / "_site" / other).read_bytes(), other

        # A missing page gets the site's not-found page, its links resolving from the site root.
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(f"http://127.0.0.1:{port}/documents/withdrawn/index.html")
        assert missing.value.code == 404
        body = missing.value.read().decode("utf-8")
        assert "<h1>Page not found</h1>" in body and '<base href="/">' in body and MARKER in body

        # A good edit: the locator text of one row, which the figure's data table shows.
        table = project / TABLE
        original = table.read_text(encoding="utf-8")
        table.write_text(edited_table(original), encoding="utf-8")
        wait_for_line(lines, r"Changed: .*keywords\.csv; rebuilding", log)
        wait_for_line(lines, r"drawing return-migrant-keywords", log)
        wait_for_line(lines, r"Rebuilt; serving the new site", log)
        assert "[edited by the test]" in fetch(url)

        # A bad edit: the build fails, says why, and the last good site is still served.
        table.write_text(edited_table(original, "3,52"), encoding="utf-8")
        wait_for_line(lines, r"error: .*keywords\.csv", log)
        wait_for_line(lines, r"Build failed; still serving the last good site", log)
        assert server.poll() is None
        page = fetch(url)
        assert "[edited by the test]" in page
        assert fetch(f"http://127.0.0.1:{port}/index.html").startswith("<!DOCTYPE html>")
    finally:
        server.terminate()
        server.wait(timeout=10)


def served_state(port: str) -> dict:
    """The first state serve's event stream sends: the build served, and the last build's error."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{EVENTS_PATH}", timeout=10) as stream:
        for line in stream:
            if line.startswith(b"data: "):
                return json.loads(line[len(b"data: ") :])
    raise AssertionError("the event stream ended without a state")


@pytest.mark.untraced
def test_serve_started_on_bad_input_shows_the_error_and_builds_once_it_is_mended(built_project, tmp_path):
    """serve whose first build failed on bad input had printed the error and exited: a maintainer
    who starts it with a mistake in the data now gets the last good site, or a page saying there
    is none yet, with the error over it, and the site as soon as the mistake is mended."""
    project = copy_built(built_project, tmp_path / "project")
    # an --out no edit of the inputs can mend is refused at once, and nothing is served
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("mine", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "build.py", "serve", "--port", "0", "--out", str(notes)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "choose a new or empty folder" in refused.stderr, refused.stderr
    assert "Serving" not in refused.stdout and (notes / "todo.txt").read_text(encoding="utf-8") == "mine"
    bad_url = subprocess.run(
        [sys.executable, "build.py", "serve", "--port", "0", "--site-url", "example.org"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad_url.returncode == 2 and "--site-url: found 'example.org'" in bad_url.stderr, bad_url.stderr

    table = project / TABLE
    original = table.read_text(encoding="utf-8")
    table.unlink()  # shared with the built project (copy_built): replaced, not written through
    table.write_text(edited_table(original, "3,52"), encoding="utf-8")
    url = f"http://127.0.0.1:{{port}}/{PAGE}"

    server, lines, log, port = start_serving(project)  # a site was built before: it is served
    try:
        said = "".join(log)
        assert re.search(r"error: .*keywords\.csv, line 2", said), said
        assert "Build failed; serving the last good site in _site: fix the input and save to rebuild." in said
        page = fetch(url.format(port=port))
        assert MARKER in page and "[edited by the test]" not in page
        assert "keywords.csv, line 2" in served_state(port)["error"]
    finally:
        server.terminate()
        server.wait(timeout=10)

    shutil.rmtree(project / "_site")
    server, lines, log, port = start_serving(project)  # none was: every page says so
    try:
        assert "Build failed; no site in _site yet" in "".join(log), "".join(log)
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(url.format(port=port))
        body = missing.value.read().decode("utf-8")
        assert missing.value.code == 503 and "<h1>No site built yet</h1>" in body and MARKER in body
        assert "keywords.csv, line 2" in served_state(port)["error"]
        table.write_text(edited_table(original, "3,53"), encoding="utf-8")  # broken again
        wait_for_line(lines, r"Build failed; there is still no site: its pages say so", log)
        table.write_text(edited_table(original), encoding="utf-8")  # mended
        wait_for_line(lines, r"Rebuilt; serving the new site", log)
        assert "[edited by the test]" in fetch(url.format(port=port))
        assert served_state(port)["error"] is None
    finally:
        server.terminate()
        server.wait(timeout=10)

    # an empty folder given as --out: its address is the placeholder too, not the folder's listing
    (tmp_path / "preview").mkdir()
    table.write_text(edited_table(original, "3,52"), encoding="utf-8")
    server, lines, log, port = start_serving(project, "--out", str(tmp_path / "preview"))
    try:
        for address in ("", "index.html"):
            with pytest.raises(urllib.error.HTTPError) as missing:
                fetch(f"http://127.0.0.1:{port}/{address}")
            assert missing.value.code == 503 and "<h1>No site built yet</h1>" in missing.value.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_kill_during_a_rebuild_stops_the_rebuild_too_and_nothing_is_published(built_project, tmp_path):
    """`kill` reaches serve alone (Ctrl-C reaches the whole process group): serve had stopped and
    its rebuild had gone on to publish the site and record versions in history/."""
    import psutil

    from conftest import tree_hashes

    project = copy_built(built_project, tmp_path / "project")
    site, history = tree_hashes(project / "_site"), tree_hashes(project / "history")
    server, lines, log, _ = start_serving(project)
    try:
        table = project / TABLE
        table.write_text(edited_table(table.read_text(encoding="utf-8")), encoding="utf-8")
        wait_for_line(lines, r"drawing return-migrant-keywords", log)  # the rebuild is under way
        builds = psutil.Process(server.pid).children(recursive=True)
        assert builds, "no rebuild process"
        server.terminate()  # SIGTERM, as `kill` sends it
        assert server.wait(timeout=120) == 0
        psutil.wait_procs(builds, timeout=60)
        assert not [b for b in builds if b.is_running() and b.status() != psutil.STATUS_ZOMBIE]
    finally:
        if server.poll() is None:
            server.kill()
    assert tree_hashes(project / "_site") == site and tree_hashes(project / "history") == history


OVERLAY = f"{MARKER}-error"  # the id of the failed build's overlay


def test_open_pages_reload_after_a_rebuild_and_show_a_failed_builds_error(built_project, tmp_path):
    need_chromium()
    from selenium.webdriver.support.ui import WebDriverWait

    project = copy_built(built_project, tmp_path / "project")
    server, lines, log, port = start_serving(project)
    browser = start_chromium()

    def until(script: str, timeout: float = 120):
        """Wait until the script returns something true in the open page, which the test never reloads."""
        return WebDriverWait(browser, timeout, poll_frequency=0.5).until(
            lambda b: b.execute_script(script),
            f"not true within {timeout} s: {script}\nserve's output:\n{''.join(log)}",
        )

    loaded = "return document.readyState === 'complete'"
    overlay_text = f"const o = document.getElementById('{OVERLAY}'); return o && o.textContent"
    try:
        browser.get(f"http://127.0.0.1:{port}/{PAGE}")
        until(loaded, 30)
        assert "[edited by the test]" not in browser.execute_script("return document.body.textContent")
        browser.execute_script("window.scrollTo(0, 600)")
        scrolled = browser.execute_script("return window.scrollY")
        assert scrolled > 300, "the page is too short to test that scrolling is kept"

        # A good edit: the page reloads by itself (the marker set now is gone), shows the edit, and
        # is scrolled where the reader left it.
        browser.execute_script("window.__stale = 1")
        table = project / TABLE
        original = table.read_text(encoding="utf-8")
        table.write_text(edited_table(original), encoding="utf-8")
        until(
            "return window.__stale === undefined && document.readyState === 'complete'"
            " && document.body.textContent.includes('[edited by the test]')"
        )
        until(f"return Math.abs(window.scrollY - {scrolled}) < 60", 15)
        wait_for_line(lines, r"Rebuilt; serving the new site", log)

        # A bad edit whose value is markup: the page stays (no reload) and shows the error the
        # terminal shows, as text.
        browser.execute_script("window.__stale = 2")
        hostile = "<img src=x onerror=window.__injected=1>"
        table.write_text(edited_table(original, hostile), encoding="utf-8")
        until(f"{overlay_text} && o.textContent.includes('keywords.csv')")
        wait_for_line(lines, r"Build failed; still serving the last good site", log)
        terminal = "".join(log)
        shown = browser.execute_script(f"{overlay_text}")
        printed = [line.strip() for line in terminal.splitlines() if line.startswith("  error: ")]
        assert printed and "Build failed; the published site was not changed." in terminal
        for line in ["Build failed; the published site was not changed."] + printed:
            assert line in shown, (line, shown)
        assert hostile in shown  # quoted as text…
        assert (
            browser.execute_script(f"return document.querySelectorAll('#{OVERLAY} img').length") == 0
        )  # …never as markup
        assert browser.execute_script("return window.__injected") is None
        assert browser.execute_script("return window.__stale") == 2
        assert "[edited by the test]" in browser.execute_script(
            "return document.body.textContent"
        )  # the last good page

        # A page opened while the build is failing shows the error too.
        first_tab = browser.current_window_handle
        browser.switch_to.new_window("tab")
        browser.get(f"http://127.0.0.1:{port}/index.html")
        until(f"{overlay_text} && o.textContent.includes('keywords.csv')", 30)
        browser.execute_script("window.__stale = 3")

        # The fix: both pages drop the overlay and reload, showing the file as it was.
        table.write_text(original, encoding="utf-8")
        wait_for_line(lines, r"Rebuilt; serving the new site", log)
        gone = (
            f"return window.__stale === undefined && document.readyState === 'complete'"
            f" && !document.getElementById('{OVERLAY}')"
        )
        until(gone, 30)
        browser.switch_to.window(first_tab)
        until(gone, 30)  # (its text keeps "[edited by the test]": the version history quotes the change)
    finally:
        browser.quit()
        server.terminate()
        server.wait(timeout=10)
