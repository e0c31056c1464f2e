"""A copy of the project to benchmark on, so no benchmark touches the checkout's own .build/ or
_site/; for the quick modes, a lean one: each corpus inside the project cut to a few texts, one
document, no timelines and none of the repository's published history."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("build.py", "pilotsite", "analyses", "data", "site", "history")
QUICK_TEXTS = 12  # texts kept per corpus in a quick mode: every k-th by id, so levels and regions stay mixed
# The one document a lean copy keeps: the corpus figures compare with its reported tables (and
# name it), and the benchmarks edit them.
LEAN_DOCUMENT = "return-migrant-entrepreneurship"


def copy_project(target: Path, texts: int | None = None, history: bool = True, lean: bool = False) -> Path:
    """The project copied to target; with texts, each corpus under data/ keeps that many texts.
    Without history, the copy starts as a new project does, nothing published yet: its first
    build publishes each figure's first version. (The repository's hundred-odd published versions,
    their pages and images, are about a quarter of a cold build, which a quick run does not
    measure.) Lean, it keeps only LEAN_DOCUMENT and no timelines, as a new researcher's project
    starts: the other four documents and their figures are most of the rest of a cold build."""
    target.mkdir(parents=True)
    for name in PROJECT_FILES if history else [n for n in PROJECT_FILES if n != "history"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    if texts is not None:
        for metadata in sorted((target / "data/corpora").glob("*/metadata.csv")):
            cut_corpus(metadata.parent, texts)
    if lean:
        for path in [*(target / "data/documents").iterdir(), *(target / "data/reported").iterdir()]:
            if path.name != LEAN_DOCUMENT:
                shutil.rmtree(path)
        shutil.rmtree(target / "data/timelines")
    return target


def quick_or_full_copy(target: Path, quick: bool) -> Path:
    """What each benchmark builds: the whole project, or for --quick a lean copy (one document,
    no timelines, no published history) with its corpora cut to QUICK_TEXTS texts."""
    return copy_project(target, QUICK_TEXTS if quick else None, history=not quick, lean=quick)


def cut_corpus(folder: Path, texts: int) -> None:
    with open(folder / "metadata.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), sorted(reader, key=lambda r: r["id"])
    kept = rows[:: max(1, len(rows) // texts)][:texts]
    keep = {(folder / r["file"]).resolve() for r in kept}
    for path in folder.rglob("*"):
        if path.suffix in (".md", ".txt") and path.name != "README.md" and path.resolve() not in keep:
            path.unlink()
    with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
