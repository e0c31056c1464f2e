"""The embedded renderer: pandoc (from the pypandoc-binary wheel) inside Jinja2 layouts.

Pandoc's output for each page body is cached by the hash of that body, so only pages whose
source changed are converted again; those are converted in one pandoc run.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from pilotsite.errors import BuildError
from pilotsite.inputs.project import Project, SiteSettings
from pilotsite.pages.model import Page
from pilotsite.pages.sources import TemplateSite, render_template, template_environment, templates_from_sources
from pilotsite.state.caching import KeyedMemo, clear_way, link_or_copy, prune_files
from pilotsite.state.fingerprint import write_atomic

LUA_FILTER = Path(__file__).with_name("fig_alt.lua")
PAGE_BREAK = "<!-- pilotsite page break -->"


def pandoc_path() -> str:
    import pypandoc

    path: str = pypandoc.get_pandoc_path()
    return path


def pandoc_version() -> str:
    """The version of the pypandoc-binary wheel, which fixes the pandoc binary inside it."""
    from pilotsite.state.fingerprint import package_version

    return package_version("pypandoc-binary")


def pandoc_display_version() -> str:
    import pypandoc

    return f"{pypandoc.get_pandoc_version()} (pypandoc-binary {pandoc_version()})"


def split_front_matter(text: str) -> str:
    """The body of a .qmd file (its YAML front matter is read from the page model instead)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :]
    return text


RAW_HTML_OPENING = "```{=html}\n"
PANDOC_FENCE = re.compile(r"^ {0,3}```", re.M)  # a line that may close a fence for pandoc (``` +, ````)


def raw_html_only(body: str) -> str | None:
    """What pandoc makes of a body that is nothing but raw HTML blocks (```{=html}): each block's
    content as it is, less trailing blank lines, on its own line; None for any other body. A
    corpus text page is such a body, tens of kilobytes of it, which pandoc would parse only to
    pass it through (tests/test_render.py checks the two agree on every such page of the site).
    Each fence is found with str.find: a regular expression matching the content lazily, to the
    first line that closes it, took five times as long."""
    blocks, end = [], 0
    while (start := body.find(RAW_HTML_OPENING, end)) >= 0:
        # a fence opens at the start of a line, and what lies between the blocks must be blank
        if (start and body[start - 1] != "\n") or body[end:start].strip():
            return None
        content = start + len(RAW_HTML_OPENING)
        close = body.find("\n```\n", content - 1) + 1  # the first line that is ``` (maybe the very next)
        if not close:
            return None
        block = body[content:close]
        if "```" in block and PANDOC_FENCE.search(block):  # pandoc would end the block there: its turn
            return None
        blocks.append(block)
        end = close + len("```\n")
    if not blocks or body[end:].strip():
        return None
    return "".join(block.rstrip("\n") + "\n" for block in blocks)


def markdown_to_html(bodies: list[str]) -> list[str]:
    """Convert several page bodies to HTML: raw-HTML-only bodies directly, the rest in one
    pandoc run, split again at raw-HTML page breaks.

    Safe because every heading in the page sources is raw HTML: pandoc generates no ids that
    could collide across pages.
    """
    direct = [raw_html_only(body) for body in bodies]
    converted = iter(pandoc_to_html([body for body, html in zip(bodies, direct, strict=True) if html is None]))
    return [html if html is not None else next(converted) for html in direct]


def pandoc_to_html(bodies: list[str]) -> list[str]:
    """Several page bodies through one pandoc run."""
    if not bodies:
        return []
    separator = f"\n\n```{{=html}}\n{PAGE_BREAK}\n```\n\n"
    result = subprocess.run(
        [pandoc_path(), "--from", "markdown", "--to", "html5", "--wrap", "none", "--lua-filter", str(LUA_FILTER)],
        input=separator.join(bodies).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0 or result.stderr.strip():
        raise BuildError(f"pandoc failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    parts = result.stdout.decode("utf-8").split(PAGE_BREAK + "\n")
    if len(parts) != len(bodies):
        raise BuildError(f"pandoc returned {len(parts)} pages for {len(bodies)} sources")
    return parts


@dataclass(frozen=True)
class RenderSpec:
    """What a worker needs to turn pages into .qmd sources (and HTML), wherever it runs."""

    settings: SiteSettings
    templates: tuple[tuple[str, str], ...]  # (name, source) of site/templates and site/layouts
    html: bool  # also the finished HTML (the embedded renderer); else only the sources, for Quarto
    nav: tuple[tuple[str, str], ...] = ()  # the site navigation (SiteModel.nav)
    # where compiled templates are kept (the build's .build/cache/templates): each build's worker
    # processes would otherwise compile every template again; unused where it is not a folder (a
    # cluster's machine)
    template_cache: str = ""


class BodyCache:
    """Pandoc's HTML of page bodies, by the hash of the body and of the renderer (EmbeddedRenderer
    keeps its own in the same folder, the same way)."""

    def __init__(self, folder: Path, renderer: str):
        self.folder, self.renderer = folder, renderer
        self.keys: list[str] = []  # of the bodies of the last convert()
        self.converted: list[bool] = []  # which of them pandoc converted (the others were cached)

    def key(self, body: str) -> str:
        return hashlib.sha256((self.renderer + "\n" + body).encode("utf-8")).hexdigest()

    def convert(self, bodies: list[str]) -> list[str]:
        self.keys = [self.key(body) for body in bodies]
        self.converted = [not (self.folder / f"{key}.html").is_file() for key in self.keys]
        made = iter(markdown_to_html([body for body, stale in zip(bodies, self.converted, strict=True) if stale]))
        out = []
        for key, stale in zip(self.keys, self.converted, strict=True):
            if stale:
                html = next(made)
                write_atomic(self.folder / f"{key}.html", html.encode("utf-8"))
            else:
                html = (self.folder / f"{key}.html").read_text(encoding="utf-8")
            out.append(html)
        return out


def render_pages(
    pages: list[Page], spec: RenderSpec, bodies: BodyCache | None = None
) -> list[tuple[str, str, bytes | None]]:
    """(path, .qmd source, finished HTML or None) of each page: Jinja2, then one pandoc run for
    all the bodies (or those not in `bodies`, the cache), then the layout. Runs in the build or
    in a worker process or on a cluster."""
    env = templates_from_sources(spec.templates, spec.template_cache if os.path.isdir(spec.template_cache) else "")
    sources = [
        render_template(env, p.template, page=p, ctx=p.context, site=TemplateSite(spec.settings, p.language))
        for p in pages
    ]
    if not spec.html:
        return [(p.path, source, None) for p, source in zip(pages, sources, strict=True)]
    texts = [split_front_matter(source) for source in sources]
    converted = markdown_to_html(texts) if bodies is None else bodies.convert(texts)
    return [
        (
            p.path,
            source,
            render_template(
                env, p.layout, page=p, site=TemplateSite(spec.settings, p.language), nav=spec.nav, body=Markup(body)
            ).encode("utf-8"),
        )
        for p, source, body in zip(pages, sources, converted, strict=True)
    ]


class EmbeddedRenderer:
    """Renders pages into out_dir batch by batch: pandoc for the bodies, the Jinja2 layout around.

    A page whose finished HTML is cached under its key (from its source key) is linked from the
    cache: no pandoc, no layout. Between batches only each page's keys are kept."""

    def __init__(
        self,
        project: Project,
        source_dir: Path,
        out_dir: Path,
        cache_dir: Path,
        templates_dir: Path,
        nav: tuple[tuple[str, str], ...] = (),
    ):
        self.project = project
        self.nav = nav
        self.source_dir = source_dir
        self.out_dir = out_dir
        self.cache_dir = cache_dir
        self.layouts = template_environment(project.site, templates_dir)
        self.renderer = hashlib.sha256(LUA_FILTER.read_bytes() + pandoc_version().encode()).hexdigest()
        self.finishing = hashlib.sha256(
            self.renderer.encode()
            + Path(__file__).read_bytes()
            + repr(nav).encode()
            + b"".join(p.read_bytes() for p in sorted((project.site / "layouts").glob("*.j2")))
        ).hexdigest()
        self.finished_dir = cache_dir / "finished"
        # finished key -> body key, so the body cache keeps what finished pages were made from
        self.index = KeyedMemo(self.finished_dir / "index.json")
        self.made_in_workers: dict[str, str] = {}  # finished key -> body key of pages rendered by in_workers.py
        self.html_keys: dict[str, str] = {}
        self.body_keys: dict[str, str] = {}
        self.rendered: list[str] = []
        self.folders: set[Path] = set()

    def render(self, pages: list[Page], source_keys: dict[str, str | None]) -> None:
        to_render = []
        for page in pages:
            source_key = source_keys.get(page.path)
            key = hashlib.sha256((self.finishing + source_key).encode()).hexdigest() if source_key else None
            target = self.out_dir / f"{page.path}.html"
            if target.parent not in self.folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(target.parent)
            body_key = (self.index.saved.get(key) or self.made_in_workers.get(key)) if key else None
            if body_key and (self.finished_dir / f"{key}.html").is_file():
                assert key is not None  # body_key was looked up by it
                link_or_copy(self.finished_dir / f"{key}.html", target)
                self.html_keys[page.path], self.body_keys[page.path] = key, body_key
            else:
                to_render.append((page, key))
        bodies = {}
        for page, _ in to_render:
            body = split_front_matter((self.source_dir / f"{page.path}.qmd").read_text(encoding="utf-8"))
            bodies[page.path] = body
            self.body_keys[page.path] = hashlib.sha256((self.renderer + "\n" + body).encode("utf-8")).hexdigest()
        stale = [p.path for p, _ in to_render if not (self.cache_dir / f"{self.body_keys[p.path]}.html").is_file()]
        for path, converted in zip(stale, markdown_to_html([bodies[p] for p in stale]), strict=True):
            write_atomic(self.cache_dir / f"{self.body_keys[path]}.html", converted.encode("utf-8"))
        self.rendered += stale
        for page, key in to_render:
            body = (self.cache_dir / f"{self.body_keys[page.path]}.html").read_text(encoding="utf-8")
            html = render_template(
                self.layouts,
                page.layout,
                page=page,
                site=TemplateSite(self.project.settings, page.language),
                nav=self.nav,
                body=Markup(body),
            ).encode("utf-8")
            if key:  # written once, into the cache, and linked into place as a cached page is
                write_atomic(self.finished_dir / f"{key}.html", html)
                link_or_copy(self.finished_dir / f"{key}.html", self.out_dir / f"{page.path}.html")
            else:
                clear_way(self.out_dir / f"{page.path}.html")
                (self.out_dir / f"{page.path}.html").write_bytes(html)
            self.html_keys[page.path] = key or hashlib.sha256(html).hexdigest()

    def place(self, path: str, finished: Path, key: str) -> None:
        """A page another stage rendered and cached (corpus_texts.py): linked into place."""
        target = self.out_dir / f"{path}.html"
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        link_or_copy(finished, target)
        self.html_keys[path] = key

    def finish(self) -> tuple[list[str], dict[str, str]]:
        """Save the caches' indexes, prune unused entries and copy the other files (downloads,
        assets); returns the pages converted anew and each page's HTML key."""
        for path, body_key in self.body_keys.items():
            self.index.keep(self.html_keys[path], body_key)
        self.index.save()
        prune_files(self.cache_dir, "*.html", {f"{key}.html" for key in self.body_keys.values()})
        prune_files(self.finished_dir, "*.html", {f"{key}.html" for key in self.html_keys.values()})
        # The other files: linked, since the sources are written afresh each build.
        for folder, _, names in os.walk(self.source_dir):
            target_folder = self.out_dir / Path(folder).relative_to(self.source_dir)
            files = [n for n in names if not n.endswith(".qmd") and n != "_quarto.yml"]
            if files:
                target_folder.mkdir(parents=True, exist_ok=True)
            for name in files:
                link_or_copy(Path(folder) / name, target_folder / name)
        return self.rendered, self.html_keys
