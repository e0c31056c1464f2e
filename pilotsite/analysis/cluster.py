"""Running per-text work in batches: in forked local processes (--jobs), or on a Dask distributed
cluster (--scheduler tcp://host:port).

On a cluster, the workers must be able to import this project (pip install it on them; see pyproject.toml)
and must run the same code as the client, or results could differ: both are checked before any
work is sent, with a plain error saying what is missing. The scheduler needs nothing from the
project: a task is built from standard-library callables only (pkgutil.resolve_name, then
operator.call) and its arguments travel as pickled bytes, so the scheduler never has to import
pilotsite to read the task graph.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import multiprocessing
import operator
import os
import pickle
import pkgutil
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pilotsite.errors import BuildError, OptionError

if TYPE_CHECKING:
    import distributed
    from dask.typing import Key

Result = TypeVar("Result")

PACKAGE = Path(__file__).resolve().parents[1]  # pilotsite/
CONNECT_SECONDS = 10
INSTALL = (
    "Give every worker this checkout: start it with PYTHONPATH=/path/to/checkout and the libraries of "
    "requirements.txt, or `pip install /path/to/checkout` there; then restart the workers"
)


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """What must be the same on the workers as here: the project's code and the libraries whose
    behaviour shapes the results."""
    from importlib.metadata import PackageNotFoundError

    from pilotsite.state.fingerprint import package_version

    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in ("jieba", "pypandoc-binary", "Jinja2", "MarkupSafe"):
        try:
            version = package_version(name)
        except PackageNotFoundError:  # a deposit bundle draws figures without the page renderer's pandoc
            version = "absent"
        digest.update(f"{name}={version}\n".encode())
    return digest.hexdigest()


def call_with_payload(name: str, payload: bytes) -> object:
    """Worker side: the named function applied to the unpickled arguments."""
    return pkgutil.resolve_name(name)(*pickle.loads(payload))


def connect(address: str) -> distributed.Client:
    from dask.distributed import Client

    try:
        return Client(  # type: ignore[no-untyped-call]  # distributed does not annotate it
            address, timeout=CONNECT_SECONDS, set_as_default=False
        )
    except (OSError, TimeoutError) as exc:
        raise OptionError(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: {exc}); start one with "
            f"`dask scheduler` and workers with `dask worker {address}`, or build without --scheduler"
        ) from None


def check_workers(client: distributed.Client, address: str) -> None:
    """Every worker can import the project and runs the same code as this checkout."""
    workers = client.scheduler_info().get("workers", {})
    if not workers:
        raise OptionError(f"the Dask scheduler at {address} has no workers; start some with `dask worker {address}`")
    try:
        found = client.run(_worker_digest)
    except Exception as exc:  # a worker's own error, sent back: any kind
        raise OptionError(f"the Dask workers at {address} cannot run this project's tasks ({exc}). {INSTALL}") from None
    mine = code_digest()
    for worker, result in sorted(found.items()):
        if isinstance(result, str) and result.startswith("error: "):
            raise OptionError(
                f"the Dask worker {worker} cannot run this project's tasks ({result[len('error: ') :]}). {INSTALL}"
            )
        if result != mine:
            raise OptionError(
                f"the Dask worker {worker} runs other code than this checkout (another version of pilotsite "
                f"or of jieba, pandoc or Jinja2). {INSTALL}"
            )


def _worker_digest() -> str:
    """Sent to every worker by client.run: the worker's code digest, or why it has none. Only
    the standard library is referenced here, so the function unpickles on any worker."""
    try:
        module = __import__("pilotsite.analysis.cluster", fromlist=["code_digest"])
        digest: str = module.code_digest()
        return digest
    except Exception as exc:  # reported by check_workers as a plain message
        return f"error: {type(exc).__name__}: {exc}"


def process_count(jobs: int) -> int:
    """The local processes `--jobs` asks for: 0 means one per core."""
    return jobs or os.cpu_count() or 1


# the results are what the named function returns, which the checker cannot know: Any
def run_batches(
    function: str, batches: Iterable[object], arguments: tuple[object, ...], jobs: int = 0, scheduler: str = ""
) -> Iterator[Any]:
    """function(batch, *arguments) for every batch, results in the order of the batches.

    function is named "module:function", so it runs the same in a forked local process or on a
    Dask worker. Batches are taken from the iterable only as workers free up (at most two per
    worker waiting), so neither batches nor results pile up in memory."""
    if scheduler:
        yield from _in_order(_on_cluster(scheduler, function, batches, arguments))
        return
    jobs = process_count(jobs)
    target = pkgutil.resolve_name(function)
    waiting = iter(batches)
    first = list(itertools.islice(waiting, 2))  # a single batch is done here: no processes to start
    if jobs <= 1 or len(first) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for batch in itertools.chain(first, waiting):
            yield target(batch, *arguments)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        window: deque[Future[Any]] = deque()
        for batch in itertools.chain(first, waiting):
            window.append(pool.submit(target, batch, *arguments))
            if len(window) >= 2 * jobs:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def _in_order(numbered: Iterator[tuple[int, Result]]) -> Iterator[Result]:
    """Results that arrive as (batch number, result) in any order, given back in batch order."""
    waiting: dict[int, Result] = {}
    expected = 0
    for number, result in numbered:
        waiting[number] = result
        while expected in waiting:
            yield waiting.pop(expected)
            expected += 1


def _on_cluster(
    address: str, function: str, batches: Iterable[object], arguments: tuple[object, ...]
) -> Iterator[tuple[int, object]]:
    from dask.distributed import as_completed

    with connect(address) as client:
        check_workers(client, address)
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        resolved = client.submit(pkgutil.resolve_name, "pilotsite.analysis.cluster:call_with_payload", pure=False)
        waiting = enumerate(batches)
        numbers: dict[Key, int] = {}

        def submit_next() -> distributed.Future[Any] | None:
            item = next(waiting, None)
            if item is None:
                return None
            number, batch = item
            future: distributed.Future[Any] = client.submit(
                operator.call, resolved, function, pickle.dumps((batch, *arguments)), pure=False
            )
            numbers[future.key] = number
            return future

        first = [f for f in (submit_next() for _ in range(2 * max(threads, 1))) if f is not None]
        if not first:
            return
        pending = as_completed(first, loop=client.loop)  # type: ignore[no-untyped-call]  # distributed: unannotated
        for future in pending:
            try:
                result = future.result()
            except BuildError:
                raise
            except Exception as exc:
                raise BuildError(
                    f"a task failed on the Dask cluster at {address}: {type(exc).__name__}: {exc}"
                ) from None
            number = numbers.pop(future.key)
            future.release()
            yield number, result
            following = submit_next()
            if following is not None:
                pending.add(following)  # type: ignore[no-untyped-call]  # distributed: unannotated
