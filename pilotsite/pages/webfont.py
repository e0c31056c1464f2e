"""Web fonts for Chinese in pages: Noto Sans CJK SC cut into WOFF2 slices by unicode-range.

Readers without a CJK font would otherwise see empty boxes. As Google Fonts serves large CJK
fonts, the characters the site uses are ordered by how many pages use them, most used first
(those of pages outside the corpus before those only corpus pages use), and cut into slices of
bounded size; each slice is its own @font-face with its exact unicode-range, so a browser
fetches only the slices holding a character of the page it shows.

Slices stay put when the data change a little: a character's tier is fixed by its page count
(between two powers of two), and a tier is cut, in code-point order, after characters whose hash
is 0 modulo the tier's target size (content-defined, as rsync cuts files into blocks), so adding
or removing a character changes its own slice (and at most its neighbour), and a page count
crossing a power of two moves one character between two slices. Slices are cached by their
characters, and their file names carry a hash of them, so readers' caches keep the slices that
did not change.

A page whose characters are spread over so many slices that, with its HTML, it would fetch more
than PAGE_BUDGET (a corpus text with hundreds of rare characters) gets a face of its own: the
least-used of its slices are replaced, for that page only, by one WOFF2 holding just the page's
characters from them. Its @font-face (family OWN_FAMILY) and the font stack that names it first
are a <style> in that page's <head> alone (add_own_faces, after rendering), so the page fetches
it instead of those slices, no other page fetches it, and cjk.css stays the same for all.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import types
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pilotsite.analysis.cluster import process_count, run_batches
from pilotsite.figures.fonts import FONT_FILE, cjk_font
from pilotsite.pages.embeds import EMBED
from pilotsite.state.caching import prune_files, put_bytes, put_link
from pilotsite.state.fingerprint import package_version, write_atomic
from pilotsite.state.staging import write_staged

FONT_DIR = "assets/fonts"
FONT_CSS = "assets/fonts/cjk.css"
FAMILY = "Pilot Site CJK"
SLICE_FORMAT = "woff2 hb-subset 3"  # in every cache key: change it when the subset options change
# Brotli's quality for WOFF2. fontTools writes at Brotli's default, 11; 10 took 40 % of the time
# for 0.15 % more bytes on the full corpus's 64 slices (a build that adds texts remakes a hundred).
WOFF2_QUALITY = 10
MOST_IN_SLICE = 200  # characters, about 30 KB of WOFF2
PAGE_BUDGET = 500_000  # bytes a page may fetch (bench/page_weight.py): its font slices get what its
OTHER_FILES = 80_000  # HTML leaves of it, less this for the stylesheets, scripts and response headers
FALLBACK = "var(--font-rest)"  # the rest of the site's font stack (site/assets/style.css)
OWN_FAMILY = f"{FAMILY} own"
OWN_VIEW_FLAVOR = "woff"  # the own face of an embedded view (add_own_faces)


def cjk_characters(texts: Iterable[str]) -> str:
    """Every character at or above the CJK radicals block that the CJK font has, sorted, once
    each (texts are taken one at a time: a large corpus has tens of thousands of pages). Marked
    in a table of every code point, in numpy: a set of the characters makes a string object of
    each CJK character, which took two seconds of a 2,500-text corpus's build. A character the
    font lacks (an emoji, a rare ideograph beyond it) is in no slice: a unicode-range naming it
    would have a page fetch a slice that cannot draw it."""
    seen = np.zeros(0x110000, dtype=bool)
    for text in texts:
        seen[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)] = True
    seen[:0x2E80] = False
    found = np.flatnonzero(seen)
    return found[characters_of_cjk_font()[found]].astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=1)
def characters_of_cjk_font() -> NDArray[np.bool_]:
    """Which code points the CJK font maps to a glyph, as a table of every code point."""
    has = np.zeros(0x110000, dtype=bool)
    has[np.fromiter(font_face_of_cjk().unicodes, dtype=np.uint32)] = True
    return has


def slice_target(use: int) -> int:
    """Characters per slice, on average, for characters used by `use` pages: 8 for characters of
    one page, twice as many for each doubling of the page count, at most 100. Common characters
    go in big slices (a page needs most of them anyway), rare ones in small slices (a page needs
    one or two of them)."""
    return min(100, 8 << (use.bit_length() - 1))


def character_hash(character: str) -> int:
    return int.from_bytes(hashlib.sha256(character.encode("utf-8")).digest()[:8], "big")


def slice_characters(use: dict[str, int], outside_corpus: set[str]) -> list[str]:
    """The characters (-> number of pages using each) cut into slices, most used first: a tier is
    cut after a character whose hash is 0 modulo the target (once the slice holds half of it).
    Characters that pages outside the corpus use (outside_corpus) have tiers of their own: those
    pages (the home page, documents, figures) then fetch slices of a few hundred characters
    instead of the corpus's common ones."""
    tiers: dict[tuple[bool, int], list[str]] = {}
    for character, pages in use.items():
        tiers.setdefault((character in outside_corpus, pages.bit_length()), []).append(character)
    slices = []
    for tier in sorted(tiers, reverse=True):
        current: list[str] = []
        for character in sorted(tiers[tier]):
            current.append(character)
            target = slice_target(use[character])
            if (character_hash(character) % target == 0 and len(current) >= target // 2) or len(
                current
            ) == MOST_IN_SLICE:
                slices.append("".join(current))
                current = []
        if current:
            slices.append("".join(current))
    return slices


# The layout features kept: fontTools' default list (what browsers apply to horizontal text)
# without 'locl' (its glyphs are for Japanese, Korean and traditional Chinese; for zh the font's
# default glyphs are the ones shown) and without vertical writing, which the site does not use:
# their alternate glyphs would double the bytes.
KEPT_FEATURES = [
    "abvf",
    "abvm",
    "abvs",
    "akhn",
    "blwf",
    "blwm",
    "blws",
    "calt",
    "ccmp",
    "cfar",
    "chws",
    "cjct",
    "clig",
    "cswh",
    "curs",
    "dist",
    "dnom",
    "fin2",
    "fin3",
    "fina",
    "frac",
    "half",
    "haln",
    "halt",
    "init",
    "isol",
    "jalt",
    "kern",
    "liga",
    "ljmo",
    "ltra",
    "ltrm",
    "mark",
    "med2",
    "medi",
    "mkmk",
    "mset",
    "nukt",
    "numr",
    "palt",
    "pref",
    "pres",
    "pstf",
    "psts",
    "rand",
    "rclt",
    "rkrf",
    "rlig",
    "rphf",
    "rtla",
    "rtlm",
    "rvrn",
    "stch",
    "tjmo",
    "vatu",
]
DROPPED_TABLES = ("vhea", "vmtx", "VORG")


def tag(name: str) -> int:
    """An OpenType tag as the integer harfbuzz's sets hold."""
    return int.from_bytes(name.ljust(4).encode("ascii"), "big")


@lru_cache(maxsize=1)
def font_face_of_cjk() -> Any:  # a uharfbuzz.Face (uharfbuzz has no type information)
    """The CJK font as a harfbuzz face, loaded once per process (it is 16 MB)."""
    import uharfbuzz

    return uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(cjk_font())))


def cache_name(characters: str, flavor: str = "woff2") -> str:
    """The cache file of the font cut to these characters, as WOFF2 or (flavor "woff") WOFF."""
    key = (
        f"{FONT_FILE}\n{package_version('uharfbuzz')}\n{package_version('fonttools')}\n{package_version('brotli')}\n"
        f"{SLICE_FORMAT}\n{characters}"
    )
    if flavor != "woff2":  # a WOFF2's key is as it always was: the caches stay warm
        key += f"\n{flavor}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest() + f".{flavor}"


def subset_font(characters: str, flavor: str | None = "woff2") -> bytes:
    """The font cut down to these characters, as WOFF2 (flavor None: uncompressed OpenType).

    harfbuzz's subsetter (hb-subset, through uharfbuzz) cuts it in milliseconds where fontTools'
    takes half a second; fontTools wraps the result as WOFF2 (Brotli, what takes the time now).
    No hinting (CFF hints: about 15 % of the bytes, for crisper stems on low-resolution Windows
    screens); desubroutinized (smaller once Brotli-compressed)."""
    import uharfbuzz
    from fontTools.ttLib import TTFont

    wanted = uharfbuzz.SubsetInput()
    wanted.unicode_set.update(ord(ch) for ch in characters)
    wanted.layout_feature_tag_set.clear()
    wanted.layout_feature_tag_set.update(tag(name) for name in KEPT_FEATURES)
    wanted.drop_table_tag_set.update(tag(name) for name in DROPPED_TABLES)
    flags = uharfbuzz.SubsetFlags
    wanted.flags = flags.DESUBROUTINIZE | flags.NO_HINTING | flags.NOTDEF_OUTLINE
    subset = uharfbuzz.subset(font_face_of_cjk(), wanted)
    if subset is None:
        raise RuntimeError(f"harfbuzz could not subset {cjk_font()} to {len(characters)} characters")
    data = bytes(subset.blob.data)
    if flavor is None:
        return data
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the font's own date, not today's: reproducible
    font.flavor = flavor
    compress_woff2_at_chosen_quality()
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _BrotliAtWoff2Quality:
    """The brotli module, with compress() at WOFF2_QUALITY unless asked for another quality."""

    def __init__(self, brotli: types.ModuleType) -> None:
        self._brotli = brotli

    def __getattr__(self, name: str) -> Any:
        return getattr(self._brotli, name)

    def compress(self, data: bytes, **options: Any) -> bytes:
        compressed: bytes = self._brotli.compress(data, **{"quality": WOFF2_QUALITY, **options})
        return compressed


def compress_woff2_at_chosen_quality() -> None:
    """fontTools' WOFF2 writer calls brotli.compress(data, mode=…) and takes no quality: its module
    is given, once per process, a brotli whose compress() has WOFF2_QUALITY. (Only this module
    writes WOFF2 in a build.)"""
    from fontTools.ttLib import woff2

    if not isinstance(woff2.brotli, _BrotliAtWoff2Quality):
        woff2.brotli = _BrotliAtWoff2Quality(woff2.brotli)


def subset_fonts(characters_of_each: list[str], cache_dir: Path, jobs: int = 0) -> list[bytes]:
    """Each character set's WOFF2, from the cache or made (make_subsets)."""
    make_subsets(characters_of_each, cache_dir, jobs)
    return [(cache_dir / cache_name(s)).read_bytes() for s in characters_of_each]


def make_subsets(characters_of_each: list[str], cache_dir: Path, jobs: int = 0, flavor: str = "woff2") -> None:
    """Put each character set's font (WOFF2, or flavor "woff") in the cache where it is not yet, in
    up to `jobs` forked processes (0: all cores); a set asked for twice (a text's page in both
    editions) is made once."""
    missing = sorted({s for s in characters_of_each if not (cache_dir / cache_name(s, flavor)).is_file()})
    count = min(len(missing), 2 * process_count(jobs))
    groups = [missing[index::count] for index in range(count)] if count else []
    made = run_batches("pilotsite.pages.webfont:subset_group", groups, (flavor,), jobs)
    for group, fonts in zip(groups, made, strict=True):
        for characters, font in zip(group, fonts, strict=True):
            write_atomic(cache_dir / cache_name(characters, flavor), font)


def subset_group(group: list[str], flavor: str = "woff2") -> list[bytes]:
    return [subset_font(characters, flavor) for characters in group]


def unicode_range(characters: str) -> str:
    """CSS unicode-range for exactly these characters, consecutive code points merged."""
    points = sorted(ord(ch) for ch in characters)
    runs, start = [], None
    for index, point in enumerate(points):
        if start is None:
            start = point
        if index + 1 == len(points) or points[index + 1] != point + 1:
            runs.append(f"U+{start:X}" if start == point else f"U+{start:X}-{point:X}")
            start = None
    return ", ".join(runs)


def font_face(url: str, characters: str, family: str = FAMILY, flavor: str = "woff2") -> str:
    # block, not swap: the fallback has no CJK glyphs at all, so a brief wait beats empty boxes
    return (
        f'@font-face {{ font-family: "{family}"; src: url("{url}") format("{flavor}"); font-display: block;\n'
        f"  unicode-range: {unicode_range(characters)}; }}\n"
    )


def own_characters(
    characters: str, slices: list[str], sizes: list[int], budget: int, slice_of: dict[str, int] | None = None
) -> str:
    """The characters of a page that a face of its own should hold, or "" when the slices it
    needs stay within budget (bytes): the page's characters from its least-used slices (fewest of
    their characters on the page first), taken until the slices left and the own face (estimated
    at the bytes per character of the slices it replaces) fit the budget. slice_of (character ->
    index of its slice, see slice_index) spares a site of many pages building it for each."""
    page = set(characters)
    slice_of = slice_index(slices) if slice_of is None else slice_of
    on_page = Counter(slice_of[ch] for ch in page if ch in slice_of)
    used = [(on_page[index] / len(slices[index]), index) for index in sorted(on_page)]
    total: float = sum(sizes[index] for _, index in used)
    moved: list[str] = []
    for share, index in sorted(used):
        if total <= budget:
            break
        total -= sizes[index] * (1 - share)  # the slice goes; the page's characters from it stay, in the own face
        moved += [ch for ch in slices[index] if ch in page]
    return "".join(sorted(moved)) if moved else ""


def code_points(characters: str) -> NDArray[np.uint32]:
    return np.frombuffer(characters.encode("utf-32-le"), dtype=np.uint32)


def character_use(pages: dict[str, str], layouts: dict[str, set[str]], edition: Callable[[str], str]) -> dict[str, int]:
    """How many pages show each character: the characters of a page's text (a string of distinct
    characters) and, on every page of an edition, that edition's layout characters. Counted over
    code points with numpy: a corpus's pages hold millions of (page, character) pairs."""
    texts: dict[str, list[str]] = {folder: [] for folder in layouts}
    for page, characters in pages.items():
        texts[edition(page)].append(characters)
    use = np.zeros(UNICODE_SPAN, dtype=np.int64)
    for folder, of_edition in texts.items():
        in_text = np.bincount(code_points("".join(of_edition)), minlength=UNICODE_SPAN)
        use += in_text
        layout = code_points("".join(sorted(layouts[folder])))
        use[layout] += len(of_edition) - in_text[layout]  # pages whose text does not have it
    return {chr(point): int(use[point]) for point in np.flatnonzero(use)}


UNICODE_SPAN = 0x110000


def slice_index(slices: list[str]) -> dict[str, int]:
    """Each character -> the index of the slice that holds it (a character is in one slice)."""
    return {ch: index for index, characters in enumerate(slices) for ch in characters}


def page_characters(
    source_dir: Path, source_keys: dict[str, str | None], cache_dir: Path, known: dict[str, str] | None = None
) -> dict[str, str]:
    """The CJK characters of each page's .qmd (source_keys: every page path without .qmd -> its
    source key or None); a page whose source key is known is looked up in
    cache_dir/characters.json, or in known (page -> characters, from the stage that made it),
    instead of read."""
    from pilotsite.state.caching import KeyedMemo

    memo = KeyedMemo(cache_dir / "characters.json")
    known = known or {}
    found = {}
    for page in sorted(source_keys):  # this build's pages (the folder may still hold an earlier build's)
        key = source_keys[page]
        characters = (
            memo.saved[key]
            if key in memo.saved
            else known[page]
            if page in known
            else cjk_characters([(source_dir / f"{page}.qmd").read_text(encoding="utf-8")])
        )
        found[page] = characters
        if key:
            memo.keep(key, characters)
    memo.save()
    return found


def write_font(
    source_dir: Path,
    layout_texts: dict[str, str],
    cache_dir: Path,
    source_keys: dict[str, str | None],
    known: dict[str, str] | None = None,
    jobs: int = 0,
) -> tuple[list[Path], FontPlan]:
    """Write the slices and their CSS for the .qmd pages under source_dir (layout_texts: the folder
    of each edition -> what each of its pages shows around its source, the layout's Chinese);
    returns the files written, and the FontPlan from which add_own_faces gives a page a face of
    its own once the pages are rendered and their sizes known."""
    pages = page_characters(source_dir, source_keys, cache_dir, known)
    # A page's layout is its edition's: the Chinese edition's interface is counted for its pages
    # only, so the English pages' slices do not carry it.
    layouts = {folder: set(cjk_characters([text])) for folder, text in layout_texts.items()}
    folders = sorted(layouts, key=len, reverse=True)

    def edition(page: str) -> str:
        return next(folder for folder in folders if page.startswith(folder))

    use = character_use(pages, layouts, edition)
    outside_corpus = set().union(
        *layouts.values(),
        *(set(chars) for page, chars in pages.items() if not page[len(edition(page)) :].startswith("corpus/")),
    )
    slices = slice_characters(use, outside_corpus)
    css = (
        "/* Generated by the build (pilotsite/pages/webfont.py): Noto Sans CJK SC, SIL OFL 1.1 (OFL.txt), in\n"
        "   slices; a browser fetches a slice only for a page with a character in its unicode-range. */\n"
    )
    folder = source_dir / FONT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = [source_dir / FONT_CSS]
    fonts = subset_fonts(slices, cache_dir, jobs)
    for characters, font in zip(slices, fonts, strict=True):
        name = f"cjk-{cache_name(characters)[:16]}.woff2"
        put_bytes(folder / name, font)
        written.append(folder / name)
        css += font_face(name, characters)
    sizes = [len(font) for font in fonts]
    put_bytes(source_dir / FONT_CSS, css.encode("utf-8"))
    plan = FontPlan(slices, sizes, pages, cache_dir)
    plan.keep = {cache_name(s) for s in slices} | set(plan.saved_own())
    return written, plan


@dataclass
class FontPlan:
    """The slices, their sizes and every page's characters: what add_own_faces needs once the
    pages are rendered and their sizes known."""

    slices: list[str]
    sizes: list[int]
    pages: dict[str, str]  # page path without extension -> its CJK characters
    cache_dir: Path
    keep: set[str] = field(default_factory=set)  # the cached fonts this build uses: prune() removes the others

    def prune(self) -> None:
        """Once the build has published: a build that fails keeps every font, for the next."""
        prune_files(self.cache_dir, "*.woff*", self.keep)

    def saved_own(self) -> list[str]:
        """The cache names of the own faces the last build made (kept until this one has chosen)."""
        path = self.cache_dir / "own-faces.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def add_own_faces(site: Path, plan: FontPlan, html_keys: dict[str, str], jobs: int = 0) -> list[Path]:
    """Give each rendered page that would fetch more than PAGE_BUDGET a face of its own: a
    <style> before its </head> with the face (family OWN_FAMILY) and the font stack naming it
    first. The HTML file is replaced, never written in place (it may be a hard link to the cache
    or the published site) — by a link to the published page where that is the same — and the
    page's HTML key changes with it. Returns the font files."""
    own: dict[str, tuple[str, str]] = {}  # page -> (characters, flavor)
    slice_of = slice_index(plan.slices)
    # what a page fetches of the slices, at a glance (most pages are within their budget)
    slice_of_point = np.full(UNICODE_SPAN, len(plan.slices), dtype=np.int64)  # past the last: no slice
    for index, characters in enumerate(plan.slices):
        slice_of_point[code_points(characters)] = index
    slice_bytes = np.array([*plan.sizes, 0], dtype=np.int64)
    for page, characters in sorted(plan.pages.items()):
        try:
            size = os.stat(site / f"{page}.html").st_size
        except FileNotFoundError:
            continue
        if characters:
            # An embedded view fetches no slice at all: a face with exactly its characters
            # (embeds.py), as WOFF: a few dozen characters, 10 % more bytes than WOFF2 (under a
            # kilobyte) for a tenth of the time (zlib, not Brotli), and
            # every figure version has a view in each edition.
            embedded = page.endswith(f"/{EMBED}")
            budget = 0 if embedded else PAGE_BUDGET - OTHER_FILES - size
            fetched = slice_bytes[np.unique(slice_of_point[code_points(characters)])].sum()
            if fetched <= budget:
                continue  # what own_characters would say: ""
            chosen = own_characters(characters, plan.slices, plan.sizes, budget, slice_of)
            if chosen:
                own[page] = (chosen, OWN_VIEW_FLAVOR if embedded else "woff2")
    for flavor in sorted({flavor for _, flavor in own.values()}):
        make_subsets([chars for chars, of in own.values() if of == flavor], plan.cache_dir, jobs, flavor)
    written = []
    if own:
        (site / FONT_DIR).mkdir(parents=True, exist_ok=True)
    for page, (characters, flavor) in own.items():
        cached = cache_name(characters, flavor)
        name = f"own-{cached[:16]}.{flavor}"
        put_link(plan.cache_dir / cached, site / FONT_DIR / name)  # kept in the cache below
        written.append(site / FONT_DIR / name)
        root = "../" * page.count("/")
        style = (
            "<style>/* this page's rarest characters: a face of its own (webfont.py) */\n"
            + font_face(f"{root}{FONT_DIR}/{name}", characters, OWN_FAMILY, flavor)
            + f'body {{ --font: "{OWN_FAMILY}", "{FAMILY}", {FALLBACK}; }}</style>\n'
        )
        path = site / f"{page}.html"
        html = path.read_text(encoding="utf-8")
        head = html.find("</head>")
        if head >= 0:
            write_staged(site, f"{page}.html", (html[:head] + style + html[head:]).encode("utf-8"))
            if html_keys.get(page):
                html_keys[page] = hashlib.sha256(f"{html_keys[page]}\n{style}".encode()).hexdigest()
    kept = sorted({cache_name(*face) for face in own.values()})
    write_atomic(plan.cache_dir / "own-faces.json", json.dumps(kept).encode("utf-8"))
    plan.keep = {cache_name(s) for s in plan.slices} | set(kept)
    return written
