#!/usr/bin/env python3
"""Bytes a reader's browser fetches for each page of a built site, and the heaviest page of each kind.

    python bench/page_weight.py [--site _site]   # weigh a built site
    python bench/page_weight.py                  # build the project into a temporary copy and weigh that
    python bench/page_weight.py --quick          # the same with corpora cut to 12 texts, no history

A page's weight is what a browser with an empty cache fetches to show it: the HTML, every
stylesheet (and what it @imports), script, image and preloaded file it names, every image its
stylesheets name, and the web-font slices it needs: the @font-face rules whose unicode-range
holds a character of the page's text (placeholders, button labels and alt texts included), as
browsers fetch a face only for the characters they draw with it. Sizes are the files' bytes
(the local test server sends them uncompressed; a host that compresses HTML, CSS and JS sends
less) plus HEADER_BYTES per response for its HTTP headers. Images are counted whether lazy or
not, as for a reader who scrolls to the end. The search index is not counted: Pagefind's
scripts fetch their WebAssembly and index files under pagefind/ only as a query needs them.
Budget: BUDGET bytes per page; the exit status is 1 if any page is over.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 500 * 1024
HEADER_BYTES = 300  # Python's http.server sends about 200 bytes of headers per response

# The kinds of page, by path, most specific first; the table shows the heaviest page of each.
KINDS = [
    ("home", r"index\.html"),
    ("corpus text", r"corpus/[^/]+/texts/[^/]+/(part-\d+/)?index\.html"),
    ("evidence", r"corpus/[^/]+/evidence/[^/]+/index\.html"),
    ("corpus list", r"corpus/[^/]+/list/.+/index\.html"),
    ("corpus", r"corpus/[^/]+/index\.html"),
    ("keyword contexts", r"documents/[^/]+/keywords/[^/]+/index\.html"),
    ("document", r"documents/[^/]+/index\.html"),
    ("figure version", r"figures/[^/]+/v/[^/]+/index\.html"),
    ("figure", r"figures/[^/]+/index\.html"),
    ("search page", r"search/index\.html"),
    ("section index", r"[^/]+/index\.html"),
]


def kind_of(page: str) -> str:
    """The kind of a page; a page of the Chinese edition (zh/) is its kind, marked zh."""
    if page.startswith("zh/"):
        return kind_of(page[len("zh/") :]) + " · zh"
    return next((kind for kind, pattern in KINDS if re.fullmatch(pattern, page)), "other")


class PageParser(HTMLParser):
    """The files an HTML page names and the text it shows."""

    FETCHED = {
        ("link", "href"),
        ("script", "src"),
        ("img", "src"),
        ("object", "data"),
        ("embed", "src"),
        ("iframe", "src"),
        ("source", "src"),
        ("video", "poster"),
    }
    LINKS = {"stylesheet", "preload", "modulepreload", "icon"}
    SHOWN = ("placeholder", "value", "alt")  # attributes whose text is drawn (alt: when an image fails)
    HIDDEN = {"script", "style", "title", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.text: list[str] = []
        self.styles: list[str] = []  # inline <style>: a page's own web-font face
        self.skipping = 0
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if (
                (tag, name) in self.FETCHED
                and value
                and (tag != "link" or self.LINKS & set((values.get("rel") or "").split()))
            ):
                self.urls.append(value)
            if name in self.SHOWN and value:
                self.text.append(value)
        if tag in self.HIDDEN:
            self.skipping += 1
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.skipping:
            self.skipping -= 1
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.styles.append(data)
        if not self.skipping:
            self.text.append(data)


@dataclass
class Stylesheet:
    urls: list[str] = field(default_factory=list)  # @import and url() outside @font-face
    faces: list[tuple[str, list[tuple[int, int]]]] = field(default_factory=list)  # font URL, unicode-range


def parse_ranges(value: str) -> list[tuple[int, int]]:
    """A CSS unicode-range value as (first, last) code points."""
    ranges = []
    for part in value.split(","):
        part = part.strip()[2:]  # "U+"
        first, _, last = part.partition("-")
        if "?" in first:
            ranges.append((int(first.replace("?", "0"), 16), int(first.replace("?", "F"), 16)))
        else:
            ranges.append((int(first, 16), int(last or first, 16)))
    return ranges


def parse_stylesheet(css: str) -> Stylesheet:
    sheet = Stylesheet()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for block in re.findall(r"@font-face\s*{([^}]*)}", css):
        url = re.search(r"url\(\s*['\"]?([^'\")]+)", block)
        found = re.search(r"unicode-range\s*:\s*([^;}]+)", block)
        if url:
            sheet.faces.append((url.group(1), parse_ranges(found.group(1)) if found else [(0, 0x10FFFF)]))
    rest = re.sub(r"@font-face\s*{[^}]*}", "", css)
    sheet.urls += re.findall(r"@import\s+['\"]([^'\"]+)", rest)
    sheet.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", rest)
    return sheet


class Site:
    """A built site folder, with each stylesheet parsed once."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()
        self.stylesheet = lru_cache(maxsize=None)(self._stylesheet)

    def local(self, base: str, url: str) -> str | None:
        """The site-relative path a URL on page `base` names, or None for data:, other hosts and the search index."""
        parts = urlsplit(urljoin(f"http://site/{base}", url))
        if parts.scheme != "http" or parts.netloc != "site":
            return None
        path = unquote(parts.path).lstrip("/")
        if path.startswith("pagefind/") and not re.fullmatch(r"pagefind/pagefind-ui\.(js|css)", path):
            return None
        return path + "index.html" if path.endswith("/") or not path else path

    def size(self, path: str) -> int:
        file = self.folder / path
        return file.stat().st_size if file.is_file() else 0

    def _stylesheet(self, path: str) -> Stylesheet:
        file = self.folder / path
        return parse_stylesheet(file.read_text(encoding="utf-8")) if file.is_file() else Stylesheet()


def page_files(site: Site, page: str) -> tuple[dict[str, int], set[int]]:
    """Every file a browser fetches for `page` (site-relative path -> bytes), and the code points of its text."""
    parser = PageParser()
    parser.feed((site.folder / page).read_text(encoding="utf-8"))
    shown = sorted({ord(ch) for ch in "".join(parser.text)})
    points = shown
    fetched: dict[str, int] = {page: site.size(page)}
    pending = [(page, url) for url in parser.urls]
    # A face in the page's own <style> is first in its font stack (pilotsite/pages/webfont.py): the
    # characters it covers are drawn from it, and fetch no slice of the site's stylesheet.
    own = parse_stylesheet("\n".join(parser.styles))
    for url, ranges in own.faces:
        if needed(points, ranges):
            pending.append((page, url))
    points = [p for p in points if not any(first <= p <= last for _, ranges in own.faces for first, last in ranges)]
    while pending:
        base, url = pending.pop()
        path = site.local(base, url)
        if path is None or path in fetched:
            continue
        fetched[path] = site.size(path)
        if path.endswith(".css"):
            sheet = site.stylesheet(path)
            pending += [(path, u) for u in sheet.urls]
            pending += [(path, u) for u, ranges in sheet.faces if needed(points, ranges)]
    return fetched, set(shown)


def needed(points: list[int], ranges: list[tuple[int, int]]) -> bool:
    """Whether any of the sorted code points falls in the ranges."""
    for first, last in ranges:
        at = bisect.bisect_left(points, first)
        if at < len(points) and points[at] <= last:
            return True
    return False


def weigh_page(site: Site, page: str) -> tuple[int, dict[str, int]]:
    """A page's weight in bytes (bodies plus HEADER_BYTES per response) and its files."""
    files, _ = page_files(site, page)
    return sum(files.values()) + HEADER_BYTES * len(files), files


def pages_of(folder: Path) -> list[str]:
    """Every HTML page of a built site but Pagefind's own."""
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p.relative_to(folder).parts[0] != "pagefind"
    )


def heaviest_by_kind(folder: Path) -> dict[str, tuple[str, int, dict[str, int], int]]:
    """kind -> (its heaviest page, weight, files, pages of that kind)."""
    site = Site(folder)
    heaviest: dict[str, tuple[str, int, dict[str, int]]] = {}
    counts: dict[str, int] = {}
    for page in pages_of(folder):
        weight, files = weigh_page(site, page)
        kind = kind_of(page)
        counts[kind] = counts.get(kind, 0) + 1
        if kind not in heaviest or weight > heaviest[kind][1]:
            heaviest[kind] = (page, weight, files)
    return {kind: (*best, counts[kind]) for kind, best in heaviest.items()}


def report(folder: Path) -> int:
    if not (folder / "index.html").is_file():
        print(f"{folder} holds no built site; run python build.py first", file=sys.stderr)
        return 1
    heaviest = heaviest_by_kind(folder)
    over = [kind for kind, (_, weight, _, _) in heaviest.items() if weight > BUDGET]
    print(f"heaviest page of each kind (bytes fetched with an empty cache; budget {BUDGET // 1024} KB)")
    print(f"{'kind':<22} {'pages':>6} {'KB':>7} {'fonts KB':>9} {'font files':>10} {'requests':>8}  page")
    for kind, (page, weight, files, count) in sorted(heaviest.items(), key=lambda item: -item[1][1]):
        fonts = {path: size for path, size in files.items() if path.endswith((".woff2", ".woff", ".ttf", ".otf"))}
        print(
            f"{kind:<22} {count:>6} {weight / 1024:>7.1f} {sum(fonts.values()) / 1024:>9.1f} {len(fonts):>10} "
            f"{len(files):>8}  {page}{'  OVER' if kind in over else ''}"
        )
    kind, (page, weight, files, _) = max(heaviest.items(), key=lambda item: item[1][1])
    print(
        f"heaviest page: {page} ({kind}), {weight / 1024:.1f} KB in {len(files)} requests: "
        f"{'within' if weight <= BUDGET else 'OVER'} the {BUDGET // 1024} KB budget"
    )
    for path, size in sorted(files.items(), key=lambda f: -f[1])[:8]:
        print(f"    {size / 1024:8.1f} KB  {path}")
    return 1 if over else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--site", type=Path, help="a built site to weigh (default: build the project into a temporary copy)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="build a copy with corpora cut to a few texts, no history, and weigh that"
    )
    args = parser.parse_args()
    if args.site and not args.quick:
        return report(args.site)
    from project_copy import quick_or_full_copy

    with tempfile.TemporaryDirectory() as scratch:
        project = quick_or_full_copy(Path(scratch) / "project", args.quick)
        subprocess.run(
            [sys.executable, "build.py"],
            cwd=project,
            check=True,
            stdout=subprocess.DEVNULL,
            env=os.environ | {"PILOTSITE_TOKEN_CACHE": str(project / ".build/cache/tokens")},
        )
        return report(project / "_site")


if __name__ == "__main__":
    sys.exit(main())
