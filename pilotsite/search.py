"""Full-text search: the Pagefind index of the staged site, written before the link check.

Pagefind (the `pagefind[extended]` wheel, whose binary segments Chinese into words) indexes the
pages whose <main> carries data-pagefind-body: documents, figures, the timeline, corpus texts,
evidence pages and methods (see Page.search_kind). Navigation, footers, breadcrumbs, redirects and
old version pages are not indexed. The UI and the index go to pagefind/ in the site.

One index holds every language (--force-language zh): Pagefind otherwise writes one index per
<html lang> and a search page searches only its own language, while a reader here mixes Chinese
and English in one query. Chinese is then segmented into words; English words are matched
without stemming.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import BuildError

BUNDLE = "pagefind"  # the folder in the site that holds the index and the UI
INDEX_LANGUAGE = "zh"


def executable() -> Path:
    """The extended Pagefind binary from the pagefind-bin-extended wheel."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:
        raise BuildError("Pagefind is missing: pip install -r requirements.txt (it pins pagefind[extended])") from exc
    return get_executable()


# Two bundles, merged by the search page (Pagefind's mergeIndex): the corpus texts and evidence
# pages, which hold most of the text and change only with the corpus or codebook, and the rest.
# Each is cached by the content keys of the pages it indexes, so a rebuild after a data edit
# re-indexes only the small main bundle.
CORPUS_BUNDLE = "corpus/pagefind"


def bundles(indexed: list[str]) -> list[tuple[str, str, list[str]]]:
    """(output folder, Pagefind glob, pages it covers) for each bundle, from the paths of the
    pages whose <main> is marked for indexing.

    The glob names folders, never pages one by one: a corpus of thousands of texts would not fit
    in one command line. Pagefind reads every page a glob matches but indexes only those marked
    with data-pagefind-body, so pages that are not indexed (old version pages, lists) may match."""
    pages = sorted(indexed)
    corpus = [p for p in pages if p.startswith("corpus/") and p.count("/") > 1]  # not corpus/index.html
    corpus_set = set(corpus)
    main = [p for p in pages if p not in corpus_set]
    main_roots = sorted({p.split("/")[0] if "/" in p else p for p in main} - {"corpus"})
    main_glob = [glob_escape(r) + ("/**/*.html" if not r.endswith(".html") else "") for r in main_roots]
    main_glob += [glob_escape(p) for p in main if p.startswith("corpus/")]
    corpus_roots = sorted({"/".join(p.split("/")[:3]) for p in corpus})
    corpus_glob = [glob_escape(r) + "/**/*.html" for r in corpus_roots]
    return [(folder, "{" + ",".join(patterns) + "}", chosen)
            for folder, patterns, chosen in ((BUNDLE, main_glob, main), (CORPUS_BUNDLE, corpus_glob, corpus))]


def glob_escape(path: str) -> str:
    """A path as a literal in Pagefind's glob syntax."""
    return "".join(f"[{c}]" if c in "*?[]{},\\" else c for c in path)


def index_site(site: Path, indexed: list[str], html_keys: dict[str, str] | None = None, cache_dir: Path | None = None) -> None:
    """Write the search bundles (index and UI) into the site; fails the build if Pagefind fails.

    indexed: the pages marked for indexing (paths with .html). html_keys (page path without
    .html -> content key of its HTML) and cache_dir let a bundle whose pages are all unchanged be
    copied from the cache instead of indexed again."""
    import hashlib
    import os
    import shutil

    from .caching import link_or_copy
    from .fingerprint import package_version

    version = package_version("pagefind-bin-extended") + Path(__file__).read_text(encoding="utf-8")
    used = set()
    for folder, glob, pages in bundles(indexed):
        if not pages:
            continue
        keys = [(p, (html_keys or {}).get(p[: -len(".html")])) for p in pages]
        key = None
        if cache_dir is not None and all(k for _, k in keys):
            listing = "\n".join(f"{p} {k}" for p, k in keys)
            key = hashlib.sha256(f"{version}\n{folder}\n{glob}\n{listing}".encode("utf-8")).hexdigest()
            used.add(key)
            if (cache_dir / key).is_dir():
                shutil.copytree(cache_dir / key, site / folder, copy_function=link_or_copy)
                continue
        run_pagefind(site, folder, glob)
        if key is not None:
            temporary = cache_dir / f".tmp-{key}-{os.getpid()}"
            shutil.rmtree(temporary, ignore_errors=True)
            shutil.copytree(site / folder, temporary)
            shutil.rmtree(cache_dir / key, ignore_errors=True)
            os.rename(temporary, cache_dir / key)
    if cache_dir is not None and cache_dir.is_dir():
        for old in cache_dir.iterdir():
            if old.name not in used:
                shutil.rmtree(old, ignore_errors=True)


def run_pagefind(site: Path, folder: str, glob: str) -> None:
    command = [str(executable()), "--site", str(site), "--glob", glob, "--output-subdir", folder,
               "--force-language", INDEX_LANGUAGE, "--keep-index-url", "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"Pagefind failed to index the site: {(result.stderr or result.stdout).strip()}")
    if not (site / folder / "pagefind-ui.js").is_file():
        raise BuildError(f"Pagefind wrote no {folder}/pagefind-ui.js: {(result.stderr or result.stdout).strip()}")
    canonicalise(site / folder)


# Reproducible output. Pagefind 1.5 writes the values of each filter in the order of a Rust
# HashMap, which is seeded at random in every run, so two builds of the same site wrote
# pagefind/filter/*.pf_filter files with the same content in different orders, hence different
# file names, a different pf_meta and pagefind-entry.json. canonicalise() sorts each filter's
# values and the list of filters, and renames the files after their content, so the bundle is byte-for-byte the same.
# (The page indexes and fragments are already deterministic.) A .pf_filter / .pf_meta file is
# gzip("pagefind_dcd" + CBOR); the CBOR codec below covers what Pagefind writes.
SIGNATURE = b"pagefind_dcd"


def canonicalise(bundle: Path) -> None:
    import gzip
    import hashlib
    import json

    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = cbor_load(gzip.decompress(meta_file.read_bytes())[len(SIGNATURE):])
        prefix = language["hash"].split("_")[0] + "_"
        renames = {}
        for old in sorted((bundle / "filter").glob(f"{prefix}*.pf_filter")):
            name, values = cbor_load(gzip.decompress(old.read_bytes())[len(SIGNATURE):])
            data = SIGNATURE + cbor_dump([name, sorted(values, key=lambda item: cbor_dump(item[0]))])
            new_hash = prefix + hashlib.sha256(data).hexdigest()[:7]
            renames[old.stem] = new_hash
            old.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(gzip.compress(data, mtime=0))
        meta = replace_strings(meta, renames)
        # The meta lists the filters as [name, file] pairs, also in HashMap order: sort that list.
        renamed = set(renames.values())
        meta = [sorted(part) if isinstance(part, list) and part and all(isinstance(p, list) and len(p) == 2 and p[1] in renamed for p in part)
                else part for part in meta]
        data = SIGNATURE + cbor_dump(meta)
        new_meta = prefix + hashlib.sha256(data).hexdigest()[:10]
        meta_file.unlink()
        (bundle / f"pagefind.{new_meta}.pf_meta").write_bytes(gzip.compress(data, mtime=0))
        language["hash"] = new_meta
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def replace_strings(value, renames: dict[str, str]):
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [replace_strings(v, renames) for v in value]
    if isinstance(value, dict):
        return {replace_strings(k, renames): replace_strings(v, renames) for k, v in value.items()}
    return value


def cbor_load(data: bytes):
    value, end = _cbor_item(data, 0)
    if end != len(data):
        raise BuildError(f"Pagefind wrote a file this build cannot read ({len(data) - end} bytes left over)")
    return value


def _cbor_item(data: bytes, at: int):
    import struct

    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if major == 7:
        if info in (20, 21, 22):
            return (False, True, None)[info - 20], at
        size = {25: 2, 26: 4, 27: 8}[info]
        return struct.unpack(">" + {2: "e", 4: "f", 8: "d"}[size], data[at:at + size])[0], at + size
    if info < 24:
        argument = info
    else:
        size = 1 << (info - 24)
        argument, at = int.from_bytes(data[at:at + size], "big"), at + size
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        raw = data[at:at + argument]
        return (bytes(raw) if major == 2 else raw.decode("utf-8")), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = _cbor_item(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(argument):
            key, at = _cbor_item(data, at)
            mapping[key], at = _cbor_item(data, at)
        return mapping, at
    raise BuildError(f"Pagefind wrote CBOR of a kind this build cannot read (major type {major})")


def _cbor_head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise BuildError("number too large for CBOR")


def cbor_dump(value) -> bytes:
    """Shortest-form CBOR, as Pagefind's serde_cbor writes it (floats are not used in these files)."""
    if value is False or value is True or value is None:
        return bytes([0xF4 + (None, False, True).index(value) - 1]) if value is not None else b"\xf6"
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(cbor_dump(v) for v in value)
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(cbor_dump(k) + cbor_dump(v) for k, v in value.items())
    raise BuildError(f"cannot write {type(value).__name__} as CBOR")
