"""Crawling a built site for internal links and images that do not resolve."""

from __future__ import annotations

import errno
import html
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pilotsite.state.fingerprint import temporary_sibling

# The pages are generated (pandoc and Jinja2 both write double-quoted attributes), so a
# regular expression over attributes is exact here and several times faster than a parser.
ATTRIBUTE = re.compile(r'\s(href|src|id)="([^"]*)"')
# The not-found page names the address its relative links resolve against (<base href>): the
# path of its own folder on the host, which the checker cannot know whole, only that it ends so.
BASE = re.compile(r'<base href="([^"]*)">')


FOLDER_LINK = "a folder; links must name index.html to work from disk"
SEPARATOR = "\0"  # between the links (and the ids) of a page, in the memo: one string each keeps it small
OUTSIDE = "\1"  # in place of the target of a link that points outside the site
FIELD = "\x1f"  # between a link's target, fragment and text, in the memo
# The memo's file under .build/cache/: a new format gets a new name, and the build removes the
# files that earlier formats left (the full corpus's JSON took tens of megabytes, ten times it 245 MB,
# and was held in memory whole, twice while it was written).
MEMO = "links-v4.sqlite"
FORMER_MEMOS = ("links.json", "links-v2.json", "links-v3.json")


def _scan(path: Path, root: str) -> tuple[str, str]:
    """The page's internal links, each resolved, and its ids, each joined into one string. A link
    is "target FIELD fragment FIELD link as written", target relative to root (OUTSIDE for a link out
    of the site), so a page whose HTML is unchanged is checked again without parsing a URL."""
    links: list[str] = []
    ids: list[str] = []
    folder = os.path.dirname(path)
    text = path.read_text(encoding="utf-8")
    if base := BASE.search(text):
        # links resolve as from the page's folder only where the base names that folder
        own = os.path.relpath(folder, root).replace(os.sep, "/")
        if html.unescape(base.group(1)).endswith("/" if own == "." else f"/{own}/"):
            text = text[: base.start()] + text[base.end() :]
    for name, value in ATTRIBUTE.findall(text):
        value = html.unescape(value)
        if name == "id":
            ids.append(value)
            continue
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            continue
        # String arithmetic, not Path.resolve(): the pages hold hundreds of thousands of links.
        target = os.path.normpath(os.path.join(folder, unquote(parts.path))) if parts.path else str(path)
        inside = (target + os.sep).startswith(root + os.sep)
        relative = target[len(root) + 1 :] if inside else OUTSIDE
        links.append(f"{relative}{FIELD}{unquote(parts.fragment)}{FIELD}{value}")
    return SEPARATOR.join(links), SEPARATOR.join(ids)


def broken_links(
    site: Path,
    html_keys: dict[str, str] | None = None,
    cache_file: Path | None = None,
    being_written: tuple[str, ...] = (),
    written: Callable[[], object] = lambda: None,
) -> list[str]:
    """'page: link' for every internal href/src whose file or #fragment is missing.

    html_keys (page path without .html -> content key of its HTML) and cache_file let pages
    whose HTML is unchanged reuse their resolved links and ids from the previous check. The
    pages' links and ids, and the links with a #fragment, are kept in an SQLite file, not in
    memory, and each page's links are checked as it is read: a site of any size is checked in
    the same memory.

    being_written: folders of the site (relative, with /) that another thread is writing while
    this one checks (the search bundles: pipeline.py), which hold no page; links into them are
    checked once written() has returned.
    """
    root = os.path.realpath(site)
    later = tuple(os.path.join(root, folder.strip("/")) + os.sep for folder in being_written)
    files: set[str] = set()
    folders: set[str] = set()
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [f for f in subfolders if os.path.join(folder, f) + os.sep not in later]
        folders.add(folder)
        files.update(os.path.join(folder, name) for name in names)
    keys = {os.path.join(root, f"{path}.html"): f"{path}\n{key}" for path, key in (html_keys or {}).items()}
    deferred: list[tuple[str, str, str]] = []  # (target, page, link) in a folder being written
    problems = []
    prefix = root + os.sep
    with LinkMemo(cache_file) as memo:
        for page in sorted(f for f in files if f.endswith(".html")):
            key = keys.get(page)  # with the page's path: its links are resolved from where it is
            links, ids = memo.remembered(key) or _scan(Path(page), root)
            memo.add(page, key, links, ids)
            for entry in links.split(SEPARATOR) if links else ():
                relative, fragment, link = entry.split(FIELD, 2)
                target = prefix + relative if relative else root
                problem = ""
                if relative == OUTSIDE:
                    problem = "points outside the site"
                elif later and (target + os.sep).startswith(later):
                    deferred.append((target, page, link))
                elif target in folders:
                    problem = FOLDER_LINK
                elif target not in files:
                    problem = "missing file"
                elif fragment and target.endswith(".html"):
                    memo.add_fragment(target, fragment, page, link)
                if problem:
                    problems.append(f"{os.path.relpath(page, root)}: {link} ({problem})")
        written()
        for target, page, link in deferred:
            if not os.path.isfile(target):
                problem = FOLDER_LINK if os.path.isdir(target) else "missing file"
                problems.append(f"{os.path.relpath(page, root)}: {link} ({problem})")
        ids_of_target: set[str] = set()
        current = ""
        for target, fragment, page, link in memo.fragments():  # target by target
            if target != current:
                ids_of_target, current = set(memo.ids(target).split(SEPARATOR)), target
            if fragment not in ids_of_target:
                problems.append(f"{os.path.relpath(page, root)}: {link} (no element with id '{fragment}')")
        memo.save()
    return sorted(problems)


class LinkMemo:
    """The links and ids of every page checked, in an SQLite file: the last check's (cache_file,
    read only) answers for pages whose HTML is unchanged, and this check's are written to a
    temporary sibling that replaces it once the check is done (a kill leaves the old memo). With
    no cache_file, a private temporary database that SQLite deletes on closing."""

    def __init__(self, cache_file: Path | None):
        self.path = cache_file
        self.temporary = temporary_sibling(cache_file) if cache_file else None
        self.last: sqlite3.Connection | None = None
        if cache_file is not None and cache_file.is_file():
            self.last = sqlite3.connect(f"{cache_file.resolve().as_uri()}?mode=ro", uri=True)
            try:
                self.last.execute("SELECT links, ids FROM pages WHERE key = ?", ("",)).fetchall()
            except sqlite3.DatabaseError:  # not a memo of this format (or damaged): check every page anew
                self.last.close()
                self.last = None
        if self.temporary is not None:
            self.temporary.parent.mkdir(parents=True, exist_ok=True)
            self.temporary.unlink(missing_ok=True)
        self.db = sqlite3.connect(str(self.temporary) if self.temporary else "")
        # Nothing is kept of a database that is not finished: a kill or a full disk leaves its
        # temporary file, which the next build removes (state/faults.py), so no journal is needed.
        self.db.executescript(
            """PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;
            CREATE TABLE pages (page TEXT PRIMARY KEY, key TEXT, links TEXT NOT NULL, ids TEXT NOT NULL);
            CREATE TEMP TABLE fragments (target TEXT, fragment TEXT, page TEXT, link TEXT);"""
        )
        self.reused = 0

    def __enter__(self) -> LinkMemo:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.last is not None:
            self.last.close()
        self.db.close()
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)

    def remembered(self, key: str | None) -> tuple[str, str] | None:
        if key is None or self.last is None:
            return None
        found = self.last.execute("SELECT links, ids FROM pages WHERE key = ?", (key,)).fetchone()
        if found is None:
            return None
        self.reused += 1
        return str(found[0]), str(found[1])

    def add(self, page: str, key: str | None, links: str, ids: str) -> None:
        with disk_full_as_os_error(self.temporary):
            self.db.execute("INSERT INTO pages VALUES (?, ?, ?, ?)", (page, key, links, ids))

    def add_fragment(self, target: str, fragment: str, page: str, link: str) -> None:
        with disk_full_as_os_error(self.temporary):
            self.db.execute("INSERT INTO fragments VALUES (?, ?, ?, ?)", (target, fragment, page, link))

    def fragments(self) -> Iterator[tuple[str, str, str, str]]:
        with disk_full_as_os_error(self.temporary):
            yield from self.db.execute("SELECT * FROM fragments ORDER BY target, fragment, page, link")

    def ids(self, page: str) -> str:
        found = self.db.execute("SELECT ids FROM pages WHERE page = ?", (page,)).fetchone()
        return found[0] if found else ""

    def save(self) -> None:
        """This check's memo in place of the last one's (kept when every page was answered from it)."""
        if self.path is None or self.temporary is None:
            return
        with disk_full_as_os_error(self.temporary):
            self.db.execute("CREATE INDEX pages_by_key ON pages (key)")
            self.db.execute("DROP TABLE fragments")
            self.db.commit()
        count = self.db.execute("SELECT count(*) FROM pages WHERE key IS NOT NULL").fetchone()[0]
        unchanged = self.last is not None and self.reused == count == self.last_count()
        self.db.close()
        if not unchanged:
            os.replace(self.temporary, self.path)

    def last_count(self) -> int:
        assert self.last is not None
        return int(self.last.execute("SELECT count(*) FROM pages WHERE key IS NOT NULL").fetchone()[0])


@contextmanager
def disk_full_as_os_error(path: Path | None) -> Iterator[None]:
    """SQLite's "database or disk is full" as the OSError the build reports as a fault of the
    machine (build.py), naming the file."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "full" in str(exc):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path or "a temporary file")) from exc
        raise
