"""Content hashes that decide what is out of date. Standard library only: the no-op check
imports this before (and instead of) pandas and matplotlib.

mtime and size are only a fast path to skip re-reading a file whose recorded hash is known;
the hash is always what is compared.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterator, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1]  # pilotsite/
# Libraries whose versions shape a figure's bytes.
OUTPUT_LIBRARIES = ("pandas", "numpy", "matplotlib", "jieba", "mplfonts", "pillow")
# Engine modules every figure passes through (drawing and serialising), besides its own imports.
ENGINE_MODULES = ("pilotsite.figures.outputs", "pilotsite.figures.drawing")
# The code that reads an input file is part of that input.
LOADERS = {
    "data/reported/": ("pilotsite.inputs.reported",),
    "data/timelines/": ("pilotsite.inputs.timelines",),
    "data/documents/": ("pilotsite.inputs.documents",),
    "data/lexicon/": ("pilotsite.analysis.words",),
    "data/codebook/": ("pilotsite.inputs.codebook",),
}
CORPUS_LOADERS = ("pilotsite.inputs.corpus", "pilotsite.analysis.segment")  # for every corpus folder


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def temporary_sibling(path: Path) -> Path:
    """Where a file is written before it is renamed to path: this process's own name, which a
    failed or killed build's cleanup finds (state/faults.py TEMPORARY)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary sibling, then rename: a kill leaves the old file or the new one. The
    folder is made only when missing (a build writes tens of thousands of files into a few)."""
    temporary = temporary_sibling(path)
    try:
        temporary.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
    os.replace(temporary, path)


CORPORA_CONFIG = "data/corpora.yaml"


def outside_corpus_folders(root: Path, trees: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(path as written, folder) of each corpus in data/corpora.yaml that lies outside the given
    project folders, so the no-op check and `serve` see its texts change. A file that cannot be
    read here names no folder: the build itself then reports what is wrong with it."""
    import yaml  # light enough for the no-op path; pandas is not

    try:
        config = yaml.safe_load((root / CORPORA_CONFIG).read_text(encoding="utf-8")) or {}
        entries = [
            e["path"] for e in config.get("corpora") or [] if isinstance(e, dict) and isinstance(e.get("path"), str)
        ]
    except (OSError, ValueError, yaml.YAMLError, AttributeError, TypeError):
        return []
    inside = [(root / tree).resolve() for tree in trees]
    found = []
    for label in entries:
        folder = (root / label).resolve()
        if folder.is_dir() and not any(folder.is_relative_to(tree) for tree in inside):
            found.append((label.rstrip("/"), folder))
    return found


def walk_files(folder: str, skip: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """(path relative to folder with /, path) of every file under folder, sorted, without
    __pycache__ or the folders in skip (relative to folder, with /): plain os.walk, since the
    no-op check walks thousands of files."""
    for current, folders, names in os.walk(folder):
        prefix = os.path.relpath(current, folder).replace(os.sep, "/")
        folders[:] = sorted(
            f for f in folders if f != "__pycache__" and (f if prefix == "." else f"{prefix}/{f}") not in skip
        )
        for name in sorted(names):
            yield (name if prefix == "." else f"{prefix}/{name}"), os.path.join(current, name)


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class FileHashes:
    """SHA-256 of files, remembered with (mtime_ns, size) so unchanged files are not re-read."""

    def __init__(self, state_file: Path, root: Path | None = None):
        self.state_file = state_file
        # files under root are known by their path relative to it: a folder copied or moved keeps them
        self.prefix = os.path.abspath(root) + os.sep if root is not None else None
        self.known: dict[str, list[Any]]  # path -> [mtime_ns, size, digest], as last saved (JSON)
        try:
            self.known = json.loads(state_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.known = {}
        self.seen: dict[str, list[int | str]] = {}

    def sha256(self, path: Path | str) -> str:
        key = os.path.abspath(path)  # no syscalls, unlike resolve(): this runs for every input file
        stat = os.stat(key)
        if self.prefix is not None and key.startswith(self.prefix):
            key = key[len(self.prefix) :]
        stamp = [stat.st_mtime_ns, stat.st_size]
        record = self.known.get(key)
        digest = record[2] if record and record[:2] == stamp else sha256_file(path)
        self.seen[key] = stamp + [digest]
        return digest

    def save(self) -> None:
        write_atomic(self.state_file, canonical_json(self.seen).encode("utf-8"))


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def module_file(name: str) -> Path | None:
    """The source file of a pilotsite module, or None for anything outside the project."""
    if name != "pilotsite" and not name.startswith("pilotsite."):
        return None
    parts = name.split(".")[1:]
    candidate = PACKAGE.joinpath(*parts)
    if candidate.with_suffix(".py").is_file():
        return candidate.with_suffix(".py")
    if (candidate / "__init__.py").is_file():
        return candidate / "__init__.py"
    return None


class ImportStatements:
    """Each module's import statements (import_statements), by the module's content digest and
    kept in a JSON file between builds: parsing every module the analyses import again took about a
    third of a second of every build. Without a file nothing is kept (and without remember_imports,
    nothing is remembered between builds)."""

    def __init__(self, state_file: Path | None = None, hashes: FileHashes | None = None):
        self.state_file, self.hashes = state_file, hashes
        self.saved: dict[str, Any] = {}
        if state_file is not None:
            with contextlib.suppress(FileNotFoundError, ValueError):
                self.saved = json.loads(state_file.read_text(encoding="utf-8"))
        self.used: dict[str, Any] = {}

    def of(self, path: Path) -> dict[str, Any]:
        # utf-8-sig: Python reads a module saved with a BOM (as Windows editors save), so do we
        if self.hashes is None:
            return import_statements(path.read_text(encoding="utf-8-sig"))
        digest = self.hashes.sha256(path)
        found = self.used[digest] = self.saved.get(digest) or import_statements(path.read_text(encoding="utf-8-sig"))
        return found

    def save(self) -> None:
        if self.state_file is not None and self.used != self.saved:
            write_atomic(self.state_file, canonical_json(self.used).encode("utf-8"))


_STATEMENTS = ImportStatements()


def remember_imports(memo: ImportStatements) -> None:
    """Take modules' import statements from memo (and keep them there) from now on."""
    global _STATEMENTS
    _STATEMENTS = memo


def import_statements(source: str) -> dict[str, Any]:
    """A module's imports that run (runtime_nodes), each ["import", [names]] or ["from", module or
    "", level, [names]], and the names its top level takes from other modules (name -> module)."""
    tree = ast.parse(source)
    runtime: list[list[Any]] = []
    for node in runtime_nodes(tree):
        if isinstance(node, ast.Import):
            runtime.append(["import", [alias.name for alias in node.names]])
        elif isinstance(node, ast.ImportFrom):
            runtime.append(["from", node.module or "", node.level, [alias.name for alias in node.names]])
    top: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            top.update((alias.asname or alias.name, node.module) for alias in node.names)
    return {"runtime": runtime, "top": top}


@cache
def reexported(path: Path) -> dict[str, str]:
    """The names a module takes, at its top level, from other modules: name -> that module."""
    found: dict[str, str] = _STATEMENTS.of(path)["top"]
    return found


@cache
def imported_modules(path: Path, package: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """Module names a file imports anywhere in it (top level or inside functions), as (modules
    whose own imports count too, modules that count by their file alone).

    A name imported from a module that only passes it on (as pilotsite.api passes Figure on from
    pilotsite.figures.figure) counts as imported from the module that defines it: an analysis
    depends on the modules whose names it uses, not on everything api gathers for all of them.
    Imports under `if TYPE_CHECKING:` are not counted: they never run, only the type checker reads them.
    """
    names: set[str] = set()
    leaves: set[str] = set()
    for statement in _STATEMENTS.of(path)["runtime"]:
        if statement[0] == "import":
            names.update(statement[1])
            continue
        _, imported, level, aliases = statement
        if level and package:
            base = package.split(".")[: len(package.split(".")) - level + 1]
            module = ".".join(base + ([imported] if imported else []))
        else:
            module = imported
        source = module_file(module)
        passed_on = reexported(source) if source is not None and source.name != "__init__.py" else {}
        if passed_on and all(name in passed_on for name in aliases):
            leaves.add(module)
            names.update(passed_on[name] for name in aliases)
            continue
        names.add(module)
        names.update(f"{module}.{name}" for name in aliases)  # "from pilotsite import text"
    return frozenset(names), frozenset(leaves)


def runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of tree, as ast.walk gives them, but for the bodies of `if TYPE_CHECKING:`."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and for_type_checking(node.test):
            pending.extend([node.test, *node.orelse])
        else:
            pending.extend(ast.iter_child_nodes(node))


def for_type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def parent_packages(module: str) -> list[str]:
    """pilotsite.figures.figure -> pilotsite, pilotsite.figures: their __init__ runs on import."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@cache
def project_modules(start: Path | None, extra: tuple[str, ...] = ()) -> dict[str, Path]:
    """Every pilotsite module a file imports, directly or through other pilotsite modules."""
    found: dict[str, Path] = {}
    traversed: set[str] = set()
    queue: list[tuple[Path | None, str | None]] = [(start, None)] + [(module_file(m), m) for m in extra]
    while queue:
        path, name = queue.pop()
        if path is None:
            continue
        package = None
        if name:
            package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
            found[name] = path
        modules, leaves = imported_modules(path, package)
        for module in leaves:
            if (source := module_file(module)) is not None:
                found[module] = source
        for module in sorted(modules | {p for m in modules | leaves for p in parent_packages(m)}):
            target = module_file(module)
            if target is not None and module not in traversed:
                traversed.add(module)
                found[module] = target
                queue.append((target, module))
    return dict(sorted(found.items()))


@cache
def package_version(name: str) -> str:
    return metadata.version(name)


def library_versions() -> dict[str, str]:
    return {name: package_version(name) for name in OUTPUT_LIBRARIES}


def figure_components(
    *,
    figure_id: str,
    analysis: Path,
    analysis_label: str,
    inputs: tuple[str, ...],
    params: Mapping[str, object],
    locate: Callable[[str], Path],
    hashes: FileHashes,
    libraries: dict[str, str],
    loaders: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, str]:
    """Everything a figure's output depends on, each as name -> content hash; locate gives the
    file an input name stands for (figure.Catalog.path)."""
    components = {f"data:{p}": hashes.sha256(locate(p)) for p in inputs}
    modules = dict(project_modules(analysis, ENGINE_MODULES))
    for prefix, modules_of_prefix in (loaders or LOADERS).items():
        if any(p.startswith(prefix) for p in inputs):
            for loader in modules_of_prefix:
                modules.update(project_modules(module_file(loader), (loader,)))
    components[f"code:{analysis_label}"] = hashes.sha256(analysis)
    for _name, path in sorted(modules.items()):
        components[f"code:pilotsite/{path.relative_to(PACKAGE).as_posix()}"] = hashes.sha256(path)
    components["params"] = sha256_bytes(canonical_json(params).encode("utf-8"))
    components.update({f"library:{name}": version for name, version in libraries.items()})
    components["figure"] = figure_id
    return components


def key_of(components: dict[str, str]) -> str:
    """A figure version: the hash of all its components."""
    return sha256_bytes(canonical_json(components).encode("utf-8"))
