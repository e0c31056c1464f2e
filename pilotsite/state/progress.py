"""How far a long phase has got. On a terminal: a bar with the count, the rate and the time left
(rich). Elsewhere (CI, a log file, NO_COLOR set, TERM=dumb): a plain line at most every few
seconds, without control characters. With --quiet: nothing.

A phase asks for a task and calls advance(n) as work completes, wherever it completes: in this
process, as forked workers return their batches, or as a Dask cluster's results arrive."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PLAIN_EVERY = 5.0  # seconds between plain lines (PILOTSITE_PROGRESS_EVERY overrides it, for tests)

Advance = Callable[[int], None]


def not_shown(n: int = 1) -> None:
    """advance(n) where no progress is shown."""


def terminal_wanted() -> bool:
    """A bar only where a person watches a terminal that can draw one."""
    return (
        sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM", "") != "dumb"
        and not os.environ.get("CI")
    )


class Progress:
    """mode: "bar", "lines" or "off"; write: where plain lines go."""

    def __init__(self, mode: str = "off", write: Callable[[str], None] = print):
        self.mode = mode
        self.write = write
        self.every = float(os.environ.get("PILOTSITE_PROGRESS_EVERY", PLAIN_EVERY))

    @classmethod
    def for_output(cls, quiet: bool, write: Callable[[str], None] = print) -> Progress:
        return cls("off" if quiet else "bar" if terminal_wanted() else "lines", write)

    @contextmanager
    def task(self, label: str, total: int, unit: str) -> Iterator[Advance]:
        """advance(n) for the block: n more of total units done."""
        if self.mode == "off" or total <= 0:
            yield not_shown
        elif self.mode == "bar":
            with self._bar(label, total, unit) as advance:
                yield advance
        else:
            yield self._lines(label, total, unit)

    @contextmanager
    def _bar(self, label: str, total: int, unit: str) -> Iterator[Advance]:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        columns = (
            TextColumn(f"      {label}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            TextColumn("{task.fields[rate]}"),
            TextColumn("·"),
            TimeRemainingColumn(),
        )
        with Bar(*columns, transient=True) as bar:
            task = bar.add_task(label, total=total, rate="")
            started = time.perf_counter()
            done = 0

            def advance(n: int = 1) -> None:
                nonlocal done
                done += n
                elapsed = time.perf_counter() - started
                bar.update(task, advance=n, rate=f"{done / elapsed:,.0f}/s" if elapsed > 0.5 else "")

            yield advance

    def _lines(self, label: str, total: int, unit: str) -> Advance:
        started = time.perf_counter()
        state = {"done": 0, "shown": started}

        def advance(n: int = 1) -> None:
            state["done"] += n
            now = time.perf_counter()
            if now - state["shown"] < self.every:
                return
            state["shown"] = now
            done, elapsed = state["done"], now - started
            rate = done / elapsed if elapsed > 0 else 0.0
            left = f", about {(total - done) / rate:,.0f} s left" if rate > 0 and done < total else ""
            self.write(f"      {label}: {done:,} of {total:,} {unit} ({rate:,.1f}/s{left})")

        return advance


OFF = Progress("off")
