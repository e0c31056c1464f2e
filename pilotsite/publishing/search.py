"""Full-text search: the Pagefind index of the staged site, written before the link check.

Pagefind (the `pagefind[extended]` wheel, whose binary segments Chinese into words) indexes the
pages whose <main> carries data-pagefind-body: documents, figures, the timeline, corpus texts,
evidence pages and methods (see Page.search_kind). Navigation, footers, breadcrumbs, redirects and
old version pages are not indexed. The UI and the index go to pagefind/ in the site.

One index holds every language (--force-language zh): Pagefind otherwise writes one index per
<html lang> and a search page searches only its own language, while a reader here mixes Chinese
and English in one query. Chinese is then segmented into words; English words are matched
without stemming.

Pagefind's title metadata is split into words only at spaces, so each indexed page also carries
its title's words, Chinese segmented, in the meta field title_words (Page.search_title, written by
the layout); the search page (site/assets/search.js) ranks title matches by that field.

A query is matched as typed against the index's words, and Chinese is typed without spaces:
社会保障 is no word of the index (Pagefind keeps 社会 | 保障), and Pagefind would find the pages with
社会 alone. So each bundle also gets words.txt, the Chinese words its index has and on how many
pages (write_index_words); the search page splits a query's Chinese into those words first.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pilotsite.errors import BuildError
from pilotsite.inputs.documents import HAN
from pilotsite.pages.model import EDITIONS, edition_bundle
from pilotsite.state.progress import OFF, Progress

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pilotsite.inputs.corpus import Corpus

BUNDLE = "pagefind"  # the folder in the site that holds the index and the UI
INDEX_LANGUAGE = "zh"
WORDS_FILE = "words.txt"  # in each bundle: "word pages" per line (write_index_words)
HAN_WORD = re.compile(f"[{HAN}]+")  # a word of Han characters alone


def executable() -> Path:
    """The extended Pagefind binary from the pagefind-bin-extended wheel."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:
        raise BuildError("Pagefind is missing: pip install -r requirements.txt (it pins pagefind[extended])") from exc
    found: Path = get_executable()  # pagefind_bin_extended has no type information
    return found


# Several bundles, merged by the search page (Pagefind's mergeIndex): the site's own pages, and
# per corpus its evidence pages and its text pages in shards. Pagefind holds a whole bundle in
# memory while it indexes (about 150 KB a page at 300 indexed characters), so a corpus's texts
# are cut into shards of bounded size; each bundle is cached by the content keys of the pages it
# indexes, so a data edit re-indexes only the main bundle, and new texts only their shard.
# A shard's size is counted in pages, each weighing 1 plus 1 for every PAGE_CHARACTERS characters
# it has indexed: Pagefind's memory grows with both (about 60 KB a unit).
SHARD_MIN = 500
SHARD_MAX = 6000
PAGE_CHARACTERS = 400
SHARD_BOUNDARY = 128  # a shard past its minimum ends before a text whose id hashes to 0 modulo this


def corpus_bundle(corpus_id: str, name: str) -> str:
    return f"corpus/{corpus_id}/search/{name}"


def text_shards(texts: list[tuple[str, float]]) -> list[list[str]]:
    """The texts of a corpus, (id, weight) in id order, cut into shards. Where a shard ends
    depends only on the ids near the cut (content-defined, like rsync's chunks), so adding texts
    changes the shards they fall into and leaves the others, and their cached bundles, as they
    were. The minimum size doubles as the corpus does, so a corpus of any size has a handful of
    shards; none outgrows SHARD_MAX."""
    total = sum(weight for _, weight in texts)
    minimum = max(SHARD_MIN, 2 ** int(math.log2(max(total / 6, 1))))
    shards: list[list[str]] = []
    current: list[str] = []
    size = 0.0
    for text_id, weight in texts:
        boundary = int(hashlib.sha256(text_id.encode("utf-8")).hexdigest()[:8], 16) % SHARD_BOUNDARY == 0
        if current and (size + weight > SHARD_MAX or (size >= minimum and boundary)):
            shards.append(current)
            current, size = [], 0.0
        current.append(text_id)
        size += weight
    if current:
        shards.append(current)
    return shards


def corpus_bundles(corpus: Corpus, has_evidence: bool) -> list[tuple[str, list[str]]]:
    """(bundle folder, text ids) of a corpus's bundles; the evidence bundle has no text ids, and
    each edition has its own (edition_bundle)."""
    weights = [(t.id, 1 + min(corpus.search_characters, t.size / 3) / PAGE_CHARACTERS) for t in corpus.texts]
    found: list[tuple[str, list[str]]] = [(corpus_bundle(corpus.id, "evidence"), [])] if has_evidence else []
    return found + [(corpus_bundle(corpus.id, f"texts-{shard[0]}"), shard) for shard in text_shards(sorted(weights))]


def bundles(indexed: list[str], corpora: dict[str, list[tuple[str, list[str]]]]) -> list[tuple[str, list[str]]]:
    """(output folder, pages it covers) for each bundle: the pages of each corpus's evidence (in
    each edition's copy of its bundle) and text shards (corpora: corpus id -> corpus_bundles()),
    and every other page in the main bundle of its edition (pagefind/, zh/pagefind/). A corpus's
    texts are indexed in the English edition only: their words are the same in both, and each
    edition's search page shows their results as links to its own twins (search.js)."""
    chosen: dict[str, str] = {}
    found: dict[str, list[str]] = {BUNDLE: []}
    for corpus_id, own in corpora.items():
        for folder, text_ids in own:
            for language in EDITIONS if not text_ids else ["en"]:
                found[edition_bundle(folder, language)] = []
            chosen.update({f"corpus/{corpus_id}/texts/{text_id}/index.html": folder for text_id in text_ids})
    for page in sorted(indexed):
        edition = next((folder for folder in EDITIONS.values() if folder and page.startswith(folder)), "")
        parts = page[len(edition) :].split("/")
        evidence = (
            edition + corpus_bundle(parts[1], "evidence")
            if len(parts) > 3 and parts[0] == "corpus" and parts[2] == "evidence"
            else ""
        )
        if page in chosen:
            found[chosen[page]].append(page)
        elif evidence in found:
            found[evidence].append(page)
        else:  # each edition's own pages: its search page searches them, and the corpora's bundles
            found.setdefault(edition + BUNDLE, []).append(page)
    return [(folder, pages) for folder, pages in found.items() if pages]


def index_site(
    site: Path,
    indexed: list[str],
    corpora: dict[str, list[tuple[str, list[str]]]],
    html_keys: dict[str, str] | None = None,
    cache_dir: Path | None = None,
    progress: Progress = OFF,
) -> None:
    """Write the search bundles (index and UI) into the site; fails the build if Pagefind fails.

    indexed: the pages marked for indexing (paths with .html); corpora: each corpus's bundles.
    html_keys (page path without .html -> content key of its HTML) and cache_dir let a bundle
    whose pages are all unchanged be copied from the cache instead of indexed again. Bundles
    that must be indexed run two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from pilotsite.state.caching import link_or_copy
    from pilotsite.state.fingerprint import package_version
    from pilotsite.state.staging import share_unchanged

    version = package_version("pagefind-bin-extended") + Path(__file__).read_text(encoding="utf-8")
    used, todo = set(), []
    for folder, pages in bundles(indexed, corpora):
        keys = [(p, (html_keys or {}).get(p[: -len(".html")])) for p in pages]
        key = None
        if cache_dir is not None and all(k for _, k in keys):
            listing = "\n".join(f"{p} {k}" for p, k in keys)
            key = hashlib.sha256(f"{version}\n{folder}\n{listing}".encode()).hexdigest()
            used.add(key)
            if (cache_dir / key).is_dir():
                shutil.copytree(cache_dir / key, site / folder, copy_function=link_or_copy)
                continue
        todo.append((folder, pages, key))

    def index_one(folder: str, pages: list[str], key: str | None) -> None:
        run_pagefind(site, folder, pages)
        write_index_words(site / folder)
        share_unchanged(site, folder)  # Pagefind writes every file of a bundle anew; most are as published
        if key is not None:
            assert cache_dir is not None  # a bundle has a key only where there is a cache
            temporary = cache_dir / f".tmp-{key}-{os.getpid()}"
            shutil.rmtree(temporary, ignore_errors=True)
            shutil.copytree(site / folder, temporary, copy_function=link_or_copy)
            shutil.rmtree(cache_dir / key, ignore_errors=True)
            os.rename(temporary, cache_dir / key)

    with ThreadPoolExecutor(2) as pool, progress.task("indexing", sum(len(p) for _, p, _ in todo), "pages") as advance:
        for future, (_, pages, _) in [(pool.submit(index_one, *item), item) for item in todo]:
            future.result()
            advance(len(pages))
    if cache_dir is not None and cache_dir.is_dir():
        for old in cache_dir.iterdir():
            if old.name not in used:
                shutil.rmtree(old, ignore_errors=True)


def run_pagefind(site: Path, folder: str, pages: list[str]) -> None:
    """Pagefind on the pages (paths from the site's root), into folder. The pages are given to
    Pagefind's service one by one, in the order of their paths: Pagefind numbers pages in the
    order it reads them, and its own walk of a folder reads them in the order the file system
    lists them, which differs between file systems (the same site built on ext4 and in tmpfs got
    different index files)."""
    failure = index_pages(site, folder, sorted(pages))
    if failure:
        raise BuildError(f"Pagefind failed to index the site: {failure}")
    if not (site / folder / "pagefind-ui.js").is_file():
        raise BuildError(f"Pagefind wrote no {folder}/pagefind-ui.js")
    canonicalise(site / folder)


def index_pages(site: Path, folder: str, pages: list[str]) -> str:
    """Pagefind's service (`pagefind --service`: base64 JSON messages, each ended by a comma, as
    the pagefind package sends them) given a new index, each page, and the bundle to write; what
    went wrong, or "". The package's own client reads one reply per tenth of a second (a minute
    for 600 pages), so the messages are written here and the replies read as they come."""
    import base64
    import json
    import tempfile
    import threading

    def messages() -> Iterator[dict[str, Any]]:  # each page read as it is sent
        config = {"force_language": INDEX_LANGUAGE, "keep_index_url": True}
        yield {"type": "NewIndex", "config": config}  # the service's first index is index 0
        for page in pages:  # the URL Pagefind's walk gives a page (keep_index_url): its path from the root
            html = (site / page).read_text(encoding="utf-8")
            yield {"type": "AddFile", "index_id": 0, "file_path": None, "url": "/" + page, "file_contents": html}
        # the bundle's files in the reply, written here: the service ends at the end of its input
        # without flushing the files it writes itself (a cut pagefind-worker.js)
        yield {"type": "GetFiles", "index_id": 0}

    errors: list[str] = []
    files: list[dict[str, str]] = []
    written = threading.Event()

    def read_replies(stream: Any) -> None:
        pieces: list[bytes] = []  # of the reply being read: the bundle's is megabytes, read 64 KB at a time
        while chunk := stream.read1(1 << 16):
            *ends, rest = chunk.split(b",")
            replies = []
            for end in ends:
                replies.append(b"".join([*pieces, end]))
                pieces = []
            pieces.append(rest)
            for reply in replies:
                payload = json.loads(base64.b64decode(reply))["payload"]
                if payload["type"] == "Error":
                    errors.append(payload["message"])
                files.extend(payload.get("files") or [])
                if payload["type"] in ("Error", "GetFiles"):
                    written.set()
        written.set()  # the service ended

    with tempfile.TemporaryFile() as log:
        service = subprocess.Popen(
            [str(executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
        )
        assert service.stdin is not None and service.stdout is not None
        reader = threading.Thread(target=read_replies, args=(service.stdout,), daemon=True)
        reader.start()
        try:
            for number, message in enumerate(messages(), 1):
                request = json.dumps({"message_id": number, "payload": message}).encode("utf-8")
                service.stdin.write(base64.b64encode(request) + b",")
                if errors:
                    break
            service.stdin.flush()
            written.wait()
        except BrokenPipeError:
            written.wait(10)
        finally:
            with contextlib.suppress(BrokenPipeError):
                service.stdin.close()  # at the end of its input the service exits
            service.wait()
            reader.join()
        if not errors and service.returncode != 0:
            log.seek(0)
            errors.append(log.read().decode("utf-8", "replace").strip() or f"exit status {service.returncode}")
    bundle = site / folder
    for file in [] if errors else files:
        path = bundle / file["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(file["content"]))
    return errors[0] if errors else ""


# Reproducible output. Pagefind 1.5 writes the values of each filter in the order of a Rust
# HashMap, which is seeded at random in every run, so two builds of the same site wrote
# pagefind/filter/*.pf_filter files with the same content in different orders, hence different
# file names, a different pf_meta and pagefind-entry.json. canonicalise() sorts each filter's
# values and the list of filters, and renames the files after their content, so the bundle is byte-for-byte the same.
# (The page indexes and fragments are already deterministic.) A .pf_filter / .pf_meta file is
# gzip("pagefind_dcd" + CBOR), read and written with cbor2 (shortest-form integers and
# definite lengths, as Pagefind's serde_cbor writes them; maps keep their order).
SIGNATURE = b"pagefind_dcd"


def cbor_load(path: Path) -> Any:  # CBOR data, as cbor2 reads it
    import gzip

    from cbor2 import CBORDecodeError, loads

    try:
        return loads(gzip.decompress(path.read_bytes())[len(SIGNATURE) :])
    except (CBORDecodeError, OSError, EOFError) as exc:
        raise BuildError(f"Pagefind wrote a file this build cannot read: {path.name} ({exc})") from None


def write_index_words(bundle: Path) -> None:
    """words.txt in the bundle: each word of its index that is all Han characters, as Pagefind
    segmented the pages' text, with the number of pages whose text has it, in Unicode order. The
    search page splits a query's Chinese into these words, the likeliest split by these counts, as
    jieba splits a sentence by its dictionary's (site/assets/query-words.js). Words only in metadata
    are left out: Pagefind does not segment it, and a title such as 人民政府关于… would keep
    人民政府 whole, as the start of a word."""
    pages: dict[str, int] = {}
    for chunk in sorted((bundle / "index").glob("*.pf_index")):
        # an index chunk: [[word, [[page, positions in the text, positions in metadata], …], …], …]
        for word, found, *_ in cbor_load(chunk)[0]:
            in_text = sum(1 for _, positions, *_ in found if positions) if HAN_WORD.fullmatch(word) else 0
            if in_text:
                pages[word] = pages.get(word, 0) + in_text
    listing = "".join(f"{word} {count}\n" for word, count in sorted(pages.items()))
    (bundle / WORDS_FILE).write_text(listing, encoding="utf-8")


def canonicalise(bundle: Path) -> None:
    import gzip
    import hashlib
    import json

    from cbor2 import dumps as cbor_dump

    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = cbor_load(meta_file)
        prefix = language["hash"].split("_")[0] + "_"
        renames: dict[str, str] = {}
        for old in sorted((bundle / "filter").glob(f"{prefix}*.pf_filter")):
            name, values = cbor_load(old)
            data = SIGNATURE + cbor_dump([name, sorted(values, key=lambda item: cbor_dump(item[0]))])
            new_hash = prefix + hashlib.sha256(data).hexdigest()[:7]
            renames[old.stem] = new_hash
            old.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(gzip.compress(data, mtime=0))
        meta = replace_strings(meta, renames)
        # The meta lists the filters as [name, file] pairs, also in HashMap order: sort that list.
        renamed = set(renames.values())
        meta = [
            sorted(part)
            if isinstance(part, list)
            and part
            and all(isinstance(p, list) and len(p) == 2 and p[1] in renamed for p in part)
            else part
            for part in meta
        ]
        data = SIGNATURE + cbor_dump(meta)
        new_meta = prefix + hashlib.sha256(data).hexdigest()[:10]
        meta_file.unlink()
        (bundle / f"pagefind.{new_meta}.pf_meta").write_bytes(gzip.compress(data, mtime=0))
        language["hash"] = new_meta
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def replace_strings(value: Any, renames: dict[str, str]) -> Any:  # CBOR data, as cbor2 reads it
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [replace_strings(v, renames) for v in value]
    if isinstance(value, dict):
        return {replace_strings(k, renames): replace_strings(v, renames) for k, v in value.items()}
    return value
