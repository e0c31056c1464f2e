"""`python build.py` for the tests' hundreds of builds, forked from a process that has imported the
libraries already.

A small build spends most of its processor time starting: importing fontTools, matplotlib,
pandas, numpy, Jinja2 and the rest takes 2-4 s, the build's own work on a three-text project
1-2 s. So each pytest worker starts one server (`python tests/forked_builds.py SOCKET`) that
imports those libraries once and then, for each build asked of it, forks a child that runs the
project's build.py as `python build.py` would: as __main__, in the project folder, with the
caller's argv, environment, stdout and stderr (passed as file descriptors), exit status and
traceback on an uncaught exception. Nothing of the project is imported before the fork: the
child imports the project's own pilotsite from its folder, as a fresh process does, and starts
coverage first when the environment asks for it (coverage.process_startup, as coverage's
start-up hook does in a new process), so what a build runs is measured as before. The server
compiles the checkout's pilotsite/ and analyses/ once; a child importing a module whose source is
byte for byte the checkout's gets that code under its own file name (_reuse_compiled).

Only libraries are preloaded, and they read their environment when imported: builds whose
environments differ in anything but PILOTSITE_*, COVERAGE_* and PYTEST_* variables are forked
from servers of their own (a few per test process); a build given a PYTHONHASHSEED runs as a
process of its own, as every build does with FORKED_BUILDS=off in the tests' environment.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import io
import json
import locale
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import types
from pathlib import Path
from typing import Any

# What a build imports that takes longest (python -X importtime build.py): fontTools and
# uharfbuzz (web fonts), matplotlib, pandas and numpy, Pillow, citeproc, lxml, ...
PRELOADED = (
    "fontTools.subset",
    "fontTools.ttLib",
    "uharfbuzz",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "matplotlib.font_manager",
    "numpy",
    "pandas",
    "PIL.Image",
    "jinja2",
    "werkzeug",
    "citeproc",
    "pydantic",
    "lxml.etree",
    "jsonschema",
    "referencing",
    "typst",
    "pypdfium2",
    "jieba",
    "yaml",
    "feedgen.feed",
    "filelock",
    "dateutil.parser",
    "concurrent.futures.process",
    "multiprocessing.pool",
    "sqlite3",
    "zipfile",
    "xml.etree.ElementTree",
)
# Imported by the build in a way of its own (pilotsite/inputs/tables.py imports pandera without
# Hypothesis, pilotsite/pages/deposit.py datacite without its __init__): left to the build.
NOT_PRELOADED = ("pandera", "datacite", "hypothesis")
# read by the project's code or coverage's start, after the fork (pytest names the current test)
OWN_VARIABLES = ("PILOTSITE_", "COVERAGE_", "PYTEST_")
HEADER = struct.Struct("!I")
# per test process, the most recently used: each holds the libraries (about 300 MB, shared with its children)
MAX_SERVERS = 4


def _preload() -> None:
    import warnings

    with warnings.catch_warnings():  # a library's import-time warning is the build's to show, not the server's
        warnings.simplefilter("ignore")
        for name in PRELOADED:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
    preloaded = sorted(name for name in NOT_PRELOADED if name in sys.modules)
    assert not preloaded, f"preloading imported {preloaded}, which a build imports in a way of its own"


# The project's code, compiled once by the server, by the SHA-256 of its source. A test's project
# copy is a new folder without __pycache__, and the tests' environment may forbid writing one
# (PYTHONDONTWRITEBYTECODE): each build compiled pilotsite/ and analyses/ anew, 0.1-0.4 s of a
# small build. A module whose source is byte for byte the checkout's gets this code, with the
# file name of the copy it was read from, as compiling that copy would give; any other is compiled.
CHECKOUT = Path(__file__).resolve().parents[1]
COMPILED_FOLDERS = ("pilotsite", "analyses")
_COMPILED: dict[bytes, types.CodeType] = {}


def _precompile() -> None:
    for folder in COMPILED_FOLDERS:
        for path in sorted((CHECKOUT / folder).rglob("*.py")):
            source = path.read_bytes()
            _COMPILED[hashlib.sha256(source).digest()] = compile(source, str(path), "exec", dont_inherit=True)


def _renamed(code: types.CodeType, path: str) -> types.CodeType:
    """code as compiled from path: the file name is in every nested function's and class's code too."""
    consts = tuple(_renamed(c, path) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=path, co_consts=consts)


def _reuse_compiled() -> None:
    """In a build: imports take the server's compiled code for a source it compiled."""
    from importlib.machinery import SourceFileLoader

    compile_source = SourceFileLoader.source_to_code

    def source_to_code(self: SourceFileLoader, data: bytes, path: str, *, _optimize: int = -1) -> types.CodeType:
        compiled = _COMPILED.get(hashlib.sha256(data).digest()) if _optimize == -1 else None
        if compiled is None:
            return compile_source(self, data, path, _optimize=_optimize)
        return _renamed(compiled, path)

    # the build process's loader only; typeshed types data and path more widely than imports pass them
    SourceFileLoader.source_to_code = source_to_code  # type: ignore[method-assign,assignment]


def serve(address: str) -> None:
    """Accept build requests on the Unix socket at address until the parent process is gone."""
    _preload()
    _precompile()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(16)
    listener.settimeout(5)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    parent = os.getppid()
    print("ready", flush=True)
    while os.getppid() == parent:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the build waits for its own children
            _build_in_child(connection)  # does not return
        connection.close()


def _receive_request(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
    while len(data) < HEADER.size or len(data) < HEADER.size + HEADER.unpack_from(data)[0]:
        more = connection.recv(1 << 16)
        if not more:
            raise EOFError("the request was cut short")
        data += more
    (length,) = HEADER.unpack_from(data)
    return json.loads(data[HEADER.size : HEADER.size + length]), fds


def _build_in_child(connection: socket.socket) -> None:
    code = 1
    try:
        request, (stdin, stdout, stderr) = _receive_request(connection)
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
            os.close(fd)
        connection.sendall(f"{os.getpid()}\n".encode())
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        script = os.path.abspath(request["argv"][0])
        sys.argv = list(request["argv"])
        sys.path[0] = os.path.dirname(script)  # as `python script` puts the script's folder first
        sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        _reuse_compiled()
        if os.environ.get("COVERAGE_PROCESS_CONFIG") or os.environ.get("COVERAGE_PROCESS_START"):
            import coverage

            coverage.process_startup()
        code = _run_as_main(script)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(OSError):
            connection.sendall(f"{code}\n".encode())
        os._exit(code)


def _run_as_main(script: str) -> int:
    """What `python script` exits with, as the interpreter would: 0, SystemExit's code (a message
    printed to stderr and 1), or a traceback and 1; threads joined and atexit handlers run."""
    import runpy
    import traceback

    try:
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as exit:
        if exit.code is None:
            code = 0
        elif isinstance(exit.code, int):
            code = exit.code
        else:
            print(exit.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        traceback.print_exc()
        code = 130
    except BaseException:  # what the interpreter does with any uncaught exception
        traceback.print_exc()
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # the interpreter joins non-daemon threads at exit
    atexit._run_exitfuncs()
    return code


class ForkedBuilds:
    """The client: a server per environment a test process builds with (of what libraries read:
    a test may set PYTHONPATH, say), started on first use, again if it died, and stopped at exit
    or to make room for another."""

    def __init__(self) -> None:
        self.servers: dict[tuple[tuple[str, str], ...], tuple[subprocess.Popen[str], str]] = {}
        self.lock = threading.Lock()
        self.refusals: list[str] = []  # why builds were not forked, for a test's message
        self.changes: list[str] = []  # servers stopped to make room, and why

    def _server(self, env: dict[str, str]) -> str | None:
        """The address of the server for env, or None: no server for a hash seed of its own (a
        test that sets one wants a process of its own), nor when the server does not start."""
        own = tuple(sorted((k, v) for k, v in env.items() if not k.startswith(OWN_VARIABLES)))
        if "PYTHONHASHSEED" in env:
            self.refusals.append("a hash seed of its own")
            return None
        with self.lock:
            process, address = self.servers.pop(own, (None, ""))
            if process is not None and process.poll() is None:
                self.servers[own] = (process, address)  # now the most recently used
                return address
            if process is None and len(self.servers) >= MAX_SERVERS:
                # the least recently used gives way (a dict keeps the order of insertion)
                oldest, (stopped, address_of_stopped) = next(iter(self.servers.items()))
                changed = sorted({k for k, _ in set(oldest) ^ set(own)})
                self.changes.append(f"a server stopped for environment changes in {changed[:10]}")
                del self.servers[oldest]
                _stop(stopped, address_of_stopped)
            address = os.path.join(tempfile.mkdtemp(prefix="forked-builds-"), "socket")
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), address],
                env=dict(own),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                text=True,
            )
            atexit.register(_stop, process, address)
            assert process.stdout is not None
            said = process.stdout.readline().strip()
            if said != "ready":
                process.kill()
                self.refusals.append(f"the server did not start: it said {said!r}, exit status {process.wait()}")
            self.servers[own] = (process, address)
            return address if process.poll() is None else None

    def run(
        self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float | None = None
    ) -> subprocess.CompletedProcess[str] | None:
        """argv (a script and its arguments) run as `python` runs it, in cwd with env, its output
        captured; None when no server can take it (the caller then starts a process)."""
        address = None if os.environ.get("FORKED_BUILDS") == "off" else self._server(env)
        if address is None:
            return None
        request = json.dumps({"argv": argv, "cwd": str(cwd), "env": env}).encode()
        with (
            open(os.devnull, "rb") as stdin,
            tempfile.TemporaryFile() as stdout,
            tempfile.TemporaryFile() as stderr,
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection,
        ):
            connection.settimeout(timeout)
            connection.connect(address)
            socket.send_fds(
                connection, [HEADER.pack(len(request)) + request], [stdin.fileno(), stdout.fileno(), stderr.fileno()]
            )
            replies = connection.makefile("r")
            pid = int(replies.readline())
            try:
                answer = replies.readline()
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(argv, timeout or 0) from None
            code = int(answer) if answer.strip() else -signal.SIGKILL  # killed before it answered
            outputs = []
            for file in (stdout, stderr):  # decoded as subprocess's text=True does: newlines translated
                file.seek(0)
                with io.TextIOWrapper(file, encoding=locale.getpreferredencoding(False)) as text:
                    outputs.append(text.read())
        return subprocess.CompletedProcess([sys.executable, *argv], code, outputs[0], outputs[1])


def _stop(process: subprocess.Popen[str], address: str) -> None:
    """The server killed, and the folder of its socket removed."""
    process.kill()
    shutil.rmtree(os.path.dirname(address), ignore_errors=True)


FORKED = ForkedBuilds()


def run_python(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """`python *argv` in cwd, its output captured as text: forked from the server when it can be."""
    env = dict(os.environ) if env is None else env
    forked = FORKED.run(argv, cwd, env, timeout)
    if forked is not None:
        return forked
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


if __name__ == "__main__":
    serve(sys.argv[1])
