"""`python build.py serve`: serve the output folder over HTTP, rebuild it when an input changes,
and make the open pages follow.

The pages a reader has open reload themselves after each good rebuild (keeping their scroll
position) and show a failed rebuild's error over the last good page. They learn of both from a
server-sent event stream at EVENTS_PATH; the script that listens to it is injected into each
HTML response as it is served, so the published files never contain it.
"""

from __future__ import annotations

import errno
import functools
import http.server
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

from pilotsite.state import fingerprint

WATCHED = (
    "data",
    "analyses",
    "site",
    "pilotsite",
    "build.py",
)  # what `serve` rebuilds on (not history/: the build writes it)
POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0  # a comment this often on every event stream: writing to a closed page ends its thread
EVENTS_PATH = "/__pilotsite__/events"
MARKER = "pilotsite-live-reload"  # the id of the injected script; tests check the published site never has it


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """mtime and size of every watched file (corpus folders outside the project included): enough
    to notice an edit, which the build then judges by hash."""
    folders = [(name, root / name) for name in WATCHED] + fingerprint.outside_corpus_folders(root, WATCHED)
    files = {}
    for label, path in folders:
        for p in [path] if path.is_file() else sorted(path.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                try:
                    stat = p.stat()
                except FileNotFoundError:  # deleted between listing and stat: the next poll sees it
                    continue
                files[label if p == path else f"{label}/{p.relative_to(path).as_posix()}"] = (
                    stat.st_mtime_ns,
                    stat.st_size,
                )
    return files


class ServedState(TypedDict):
    """What an open page is told: the good build the folder holds, and the last rebuild's error."""

    build: str
    error: str | None


class BuildStatus:
    """What the open pages follow: the good build the folder holds, and the error of the last
    rebuild if it failed. Every change wakes the event streams, which send it on."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._server_started = f"{time.time_ns():x}"  # a restarted server's builds never match an old page's
        self._good_builds = 0
        self._error: str | None = None
        self._stopped = False

    def _state(self) -> ServedState:
        return {"build": f"{self._server_started}.{self._good_builds}", "error": self._error}

    def state(self) -> ServedState:
        with self._changed:
            return self._state()

    def succeeded(self) -> None:
        with self._changed:
            self._good_builds += 1
            self._error = None
            self._changed.notify_all()

    def failed(self, error: str) -> None:
        with self._changed:
            self._error = error
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def next_state(self, seen: ServedState | None, timeout: float) -> ServedState | None:
        """The state once it differs from seen, or seen again after timeout; None once stopped."""
        with self._changed:
            self._changed.wait_for(lambda: self._stopped or self._state() != seen, timeout)
            return None if self._stopped else self._state()


# Runs in the served page. The error is inserted with textContent only: it quotes data, which may
# hold markup. BUILD is the build the page was served from, so a page fetched just before a swap
# reloads once more rather than staying stale.
RELOAD_SCRIPT = """<script id="%(marker)s">
(() => {
  const BUILD = %(build)s;
  const scrollKey = "%(marker)s:" + location.pathname;
  const savedScroll = sessionStorage.getItem(scrollKey);
  if (savedScroll !== null) {
    sessionStorage.removeItem(scrollKey);
    // The reload below told the browser not to restore the position itself: it would do so too
    // early, before images and web fonts set the page's height. Once loaded, the browser takes over
    // again, a task later: set during the load event, Chromium would still apply its own restore.
    const restore = () => {
      window.scrollTo(0, Number(savedScroll));
      setTimeout(() => { history.scrollRestoration = "auto"; }, 0);
    };
    document.readyState === "complete" ? restore() : window.addEventListener("load", restore);
  }
  const overlayId = "%(marker)s-error";
  function showError(text) {
    let overlay = document.getElementById(overlayId);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:1rem;z-index:2147483647;overflow:auto;padding:1rem 1.25rem;" +
        "background:#fff8f6;color:#3b0a00;border:3px solid #b3261e;border-radius:6px;" +
        "box-shadow:0 4px 24px rgba(0,0,0,.35);font:15px/1.45 system-ui,sans-serif";
      const heading = document.createElement("strong");
      heading.textContent = document.documentElement.hasAttribute("data-%(marker)s-placeholder")
        ? "The build failed, and no site has been built here yet. This page loads the site \
when a build succeeds: fix the input and save."
        : "The rebuild failed. This page is the last good build; it reloads when the next build succeeds.";
      const message = document.createElement("pre");
      message.style.cssText = "white-space:pre-wrap;margin:.75rem 0 0;font:13px/1.45 ui-monospace,monospace";
      overlay.append(heading, message);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  function hideError() {
    const overlay = document.getElementById(overlayId);
    if (overlay) overlay.remove();
  }
  const events = new EventSource("%(events)s");
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (state.build !== BUILD) {
      events.close();
      sessionStorage.setItem(scrollKey, String(window.scrollY));
      history.scrollRestoration = "manual";
      location.reload();
    } else if (state.error !== null) {
      showError(state.error);
    } else {
      hideError();
    }
  });
})();
</script>
"""


def with_reload_script(html: bytes, build: str) -> bytes:
    """html with the reload script before its last </body> (at the end if it has none)."""
    script = RELOAD_SCRIPT % {"marker": MARKER, "build": json.dumps(build), "events": EVENTS_PATH}
    at = html.lower().rfind(b"</body>")
    at = len(html) if at < 0 else at
    return html[:at] + script.encode("utf-8") + html[at:]


BASE = re.compile(rb'<base href="[^"]*">')
# What serve sends for every page while no site has been built: its first build failed. The reload
# script shows the error over it, and loads the site when a build succeeds.
PLACEHOLDER = f"""<!DOCTYPE html>
<html lang="en" data-{MARKER}-placeholder>
<head><meta charset="utf-8"><title>No site built yet</title></head>
<body><main><h1>No site built yet</h1>
<p>The first build failed; its error is in the terminal that runs <code>python build.py serve</code>.
Fix the input and save: this page loads the site when a build succeeds.</p></main></body>
</html>
"""


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder as http.server does, but HTML with the reload script, and the event stream."""

    def __init__(self, *args: Any, status: BuildStatus, **kwargs: Any) -> None:
        self.build_status = status  # before super().__init__, which handles the request
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS_PATH:
            self.send_events()
        elif self.no_site():
            self.send_placeholder(with_body=True)
        elif (page := self.html_file()) is not None:
            self.send_html(page, with_body=True)
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self.no_site():
            self.send_placeholder(with_body=False)
        elif (page := self.html_file()) is not None:
            self.send_html(page, with_body=False)
        else:
            super().do_HEAD()

    def html_file(self) -> Path | None:
        """The HTML file the request names (a folder's index.html, as http.server finds it)."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        return path if path.suffix in (".html", ".htm") and path.is_file() else None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page gets the site's not-found page, as a host serves it; its <base> names the
        site's path on the host, and the preview serves the site at /. While no site has been built
        (serve's first build failed), every page is a placeholder that shows the error and loads
        the site once a build succeeds."""
        if code == 404 and self.no_site():
            self.send_placeholder(with_body=self.command != "HEAD")
            return
        build = self.build_status.state()["build"]
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        try:
            body = with_reload_script(BASE.sub(b'<base href="/">', page.read_bytes(), count=1), build)
        except OSError:  # the folder was being swapped
            super().send_error(code, message, explain)
            return
        self.send_page(404, body, "text/html", with_body=self.command != "HEAD")

    def no_site(self) -> bool:
        """Whether the folder holds no site (serve's first build failed): not even an empty
        folder's listing is served then, but the placeholder."""
        return not (Path(self.directory) / "index.html").is_file()

    def send_placeholder(self, with_body: bool) -> None:
        body = with_reload_script(PLACEHOLDER.encode("utf-8"), self.build_status.state()["build"])
        self.send_page(503, body, "text/html; charset=utf-8", with_body)

    def send_html(self, page: Path, with_body: bool) -> None:
        build = self.build_status.state()[
            "build"
        ]  # read before the file: a swap in between costs one extra reload, never a stale page
        try:
            body = with_reload_script(page.read_bytes(), build)
        except OSError:  # the folder was being swapped: the page may reload
            self.send_error(404, "File not found")
            return
        self.send_page(200, body, self.guess_type(str(page)), with_body)

    def send_page(self, status: int, body: bytes, content_type: str, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # the served page changes with every build
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def send_events(self) -> None:
        """One long-lived text/event-stream: the state now, then each change, and a comment every
        KEEPALIVE_SECONDS so a closed page is noticed (the write fails) and its thread ends."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        seen: ServedState | None = None
        try:
            self.wfile.write(b"retry: 1000\n\n")  # reconnect within a second if the server restarts
            while (state := self.build_status.next_state(seen, KEEPALIVE_SECONDS)) is not None:
                if state == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    self.wfile.write(f"event: state\ndata: {json.dumps(state)}\n\n".encode())
                    seen = state
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded


def rebuild(root: Path, build_args: list[str], running: list[subprocess.Popen[str]] | None = None) -> str | None:
    """Build in a fresh process, so edits to pilotsite/ take effect. Its stderr reaches the terminal
    line by line as before, and is kept: returns it if the build failed, None if it succeeded.
    The process is in running while it runs (for serve to stop it)."""
    process = subprocess.Popen(
        [sys.executable, str(root / "build.py"), *build_args],
        cwd=root,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    if running is not None:
        running[:] = [process]
    assert process.stderr is not None  # stderr=PIPE
    lines = []
    for line in process.stderr:
        sys.stderr.write(line)
        sys.stderr.flush()
        lines.append(line)
    return None if process.wait() == 0 else "".join(lines)


def watch(
    root: Path,
    build_args: list[str],
    stop: threading.Event,
    seen: dict[str, tuple[int, int]],
    status: BuildStatus,
    say: Callable[[str], None],
    running: list[subprocess.Popen[str]] | None = None,
    out: Path | None = None,
) -> None:
    """Poll the inputs and rebuild when one changes; a failed build prints its error, tells the open
    pages, and the last good site stays published. running: the rebuild's process while it runs;
    out: the folder served, which holds no site until a first build succeeds."""
    while not stop.wait(POLL_SECONDS):
        now = snapshot(root)
        if now == seen:
            continue
        changed = sorted(p for p in set(now) | set(seen) if now.get(p) != seen.get(p))
        seen = now  # an edit made while the build runs differs from this, so the next poll rebuilds again
        say(f"Changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}; rebuilding")
        error = rebuild(root, build_args, running)
        if error is None:
            status.succeeded()
            say("Rebuilt; serving the new site.")
        else:
            status.failed(error)
            say(
                "Build failed; still serving the last good site."
                if out is None or (out / "index.html").is_file()
                else "Build failed; there is still no site: its pages say so until a build succeeds."
            )


def port_problem(port: int) -> str:
    """Why `serve` could not listen on the port (as its server binds it), or "" if it can."""
    if port == 0:
        return ""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server does
            probe.bind(("127.0.0.1", port))
    except OSError as exc:
        return why_not_listening(exc)
    return ""


def why_not_listening(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "another program is using this port; choose another (0 picks a free one)"
    return f"cannot listen on this port ({exc.strerror or exc})"


class PortTaken(Exception):
    """The port, free when serve was started (port_problem), was taken by the time the site was
    built and serve bound it: said as the port's problem, not as a defect."""


def serve(
    root: Path, out: Path, port: int, build_args: list[str], say: Callable[[str], None], failed: str | None = None
) -> None:
    """Serve out over HTTP and rebuild it whenever an input changes. failed: the error of the first
    build, if it failed: the open pages show it, over the last good site or a placeholder."""
    status = BuildStatus()
    if failed is not None:
        status.failed(failed)
    # The handler resolves every request against the folder's path, never a held directory handle:
    # publishing swaps the folder by renames, and the next request must see the new one.
    handler = functools.partial(PreviewHandler, directory=str(out.resolve()), status=status)
    stop = threading.Event()
    running: list[subprocess.Popen[str]] = []  # the rebuild in progress, stopped with serve
    # The first snapshot is taken before "Serving" is printed: any edit after that line is seen.
    watcher = threading.Thread(
        target=watch, args=(root, build_args, stop, snapshot(root), status, say, running, out), daemon=True
    )
    # Each open page holds one thread (its event stream): ThreadingHTTPServer gives every request its own.
    try:
        listening = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise PortTaken(why_not_listening(exc)) from None
    with listening as server:
        if failed is not None:
            say(
                f"Build failed; serving the last good site in {out}: fix the input and save to rebuild."
                if (out / "index.html").is_file()
                else f"Build failed; no site in {out} yet: its pages say so until a build succeeds (fix and save)."
            )
        say(
            f"Serving {out} at http://localhost:{server.server_address[1]}/ and rebuilding on changes "
            f"to {', '.join(WATCHED)} (Ctrl-C to stop)"
        )
        watcher.start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            say("Stopped.")
        finally:
            stop.set()
            status.stop()
            # A rebuild under way stops too, as Ctrl-C stops a build (it publishes nothing): `kill`
            # reaches serve alone, and the rebuild had gone on to publish and record versions.
            for process in running:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    process.wait()
