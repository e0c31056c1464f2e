"""The other build.py commands: figure and serve."""
import hashlib
import socket
import subprocess
import sys
import time
import urllib.request



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_figure_command_matches_the_site(built_project, tmp_path):
    built_site = built_project / "_site"
    out = tmp_path / "one"
    result = subprocess.run([sys.executable, "build.py", "figure", "return-migrant-tool-types", "--out", str(out)],
                            cwd=built_project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for name in ("figure.svg", "figure.png", "data.csv"):
        published = built_site / "figures/return-migrant-tool-types" / name
        assert hashlib.sha256((out / name).read_bytes()).digest() == hashlib.sha256(published.read_bytes()).digest()


def test_unknown_figure_is_a_clear_error(built_project, tmp_path):
    result = subprocess.run([sys.executable, "build.py", "figure", "no-such-figure", "--out", str(tmp_path)],
                            cwd=built_project, capture_output=True, text=True)
    assert result.returncode == 1
    assert "no figure 'no-such-figure'" in result.stderr and "return-migrant-tool-types" in result.stderr


def test_serve_builds_and_serves_on_localhost(built_project, tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "build.py", "serve", "--out", str(tmp_path / "site"), "--port", str(port)],
                              cwd=built_project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/figures/return-migrant-tool-types/data.csv", timeout=2) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.5)
        assert body.startswith("tool_type,share_pct,locator,quote,document_id\nsupply,50.82,")
    finally:
        server.terminate()
        server.wait(timeout=10)
