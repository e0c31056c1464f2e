"""The embedded renderer: pandoc (from the pypandoc-binary wheel) inside Jinja2 layouts.

Pandoc's output for each page body is cached by the hash of that body, so only pages whose
source changed are converted again; those are converted in one pandoc run.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from markupsafe import Markup

from ..caching import KeyedMemo, link_or_copy, prune_files
from ..errors import BuildError
from ..fingerprint import write_atomic
from ..pages import Page
from ..project import Project
from ..sources import template_environment

LUA_FILTER = Path(__file__).with_name("fig_alt.lua")
PAGE_BREAK = "<!-- pilotsite page break -->"


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandoc_version() -> str:
    """The version of the pypandoc-binary wheel, which fixes the pandoc binary inside it."""
    from ..fingerprint import package_version

    return package_version("pypandoc-binary")


def pandoc_display_version() -> str:
    import pypandoc

    return f"{pypandoc.get_pandoc_version()} (pypandoc-binary {pandoc_version()})"


def split_front_matter(text: str) -> str:
    """The body of a .qmd file (its YAML front matter is read from the page model instead)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5:]
    return text


def markdown_to_html(bodies: list[str]) -> list[str]:
    """Convert several page bodies in one pandoc run, split again at raw-HTML page breaks.

    Safe because every heading in the page sources is raw HTML: pandoc generates no ids that
    could collide across pages.
    """
    if not bodies:
        return []
    separator = f"\n\n```{{=html}}\n{PAGE_BREAK}\n```\n\n"
    result = subprocess.run(
        [pandoc_path(), "--from", "markdown", "--to", "html5", "--wrap", "none", "--lua-filter", str(LUA_FILTER)],
        input=separator.join(bodies).encode("utf-8"), capture_output=True, check=False,
    )
    if result.returncode != 0 or result.stderr.strip():
        raise BuildError(f"pandoc failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    parts = result.stdout.decode("utf-8").split(PAGE_BREAK + "\n")
    if len(parts) != len(bodies):
        raise BuildError(f"pandoc returned {len(parts)} pages for {len(bodies)} sources")
    return parts


def render(project: Project, pages: list[Page], source_dir: Path, out_dir: Path, cache_dir: Path,
           source_keys: dict[str, str | None] | None = None) -> tuple[list[str], dict[str, str]]:
    """Render every page into out_dir and copy the other files.

    Returns the pages converted anew, and a content key of each page's HTML file. With the
    source keys from write_sources, a page whose finished HTML is cached under its key is
    linked from the cache: no pandoc, no layout.
    """
    layout_env = template_environment(project.site, cache_dir.parent / "templates")
    layout = layout_env.get_template("page.html.j2")
    renderer = hashlib.sha256(LUA_FILTER.read_bytes() + pandoc_version().encode()).hexdigest()
    finishing = hashlib.sha256(renderer.encode() + Path(__file__).read_bytes()
                               + (project.site / "layouts" / "page.html.j2").read_bytes()).hexdigest()
    finished_dir = cache_dir / "finished"
    # finished key -> body key, so the body cache keeps what finished pages were made from
    index = KeyedMemo(finished_dir / "index.json")
    html_keys, body_keys, to_render, folders = {}, {}, [], set()
    for page in pages:
        source_key = (source_keys or {}).get(page.path)
        key = hashlib.sha256((finishing + source_key).encode()).hexdigest() if source_key else None
        target = out_dir / f"{page.path}.html"
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        if key and key in index.saved and (finished_dir / f"{key}.html").is_file():
            link_or_copy(finished_dir / f"{key}.html", target)
            html_keys[page.path], body_keys[page.path] = key, index.saved[key]
        else:
            to_render.append((page, key))
    bodies = {}
    for page, _ in to_render:
        body = split_front_matter((source_dir / f"{page.path}.qmd").read_text(encoding="utf-8"))
        bodies[page.path] = body
        body_keys[page.path] = hashlib.sha256((renderer + "\n" + body).encode("utf-8")).hexdigest()
    stale = [p.path for p, _ in to_render if not (cache_dir / f"{body_keys[p.path]}.html").is_file()]
    for path, html in zip(stale, markdown_to_html([bodies[p] for p in stale])):
        write_atomic(cache_dir / f"{body_keys[path]}.html", html.encode("utf-8"))
    for page, key in to_render:
        body = (cache_dir / f"{body_keys[page.path]}.html").read_text(encoding="utf-8")
        html = layout.render(page=page, site=project.settings, body=Markup(body)).encode("utf-8")
        (out_dir / f"{page.path}.html").write_bytes(html)
        if key:
            write_atomic(finished_dir / f"{key}.html", html)
        html_keys[page.path] = key or hashlib.sha256(html).hexdigest()
    for page in pages:
        index.keep(html_keys[page.path], body_keys[page.path])
    index.save()
    prune_files(cache_dir, "*.html", {f"{key}.html" for key in body_keys.values()})
    prune_files(finished_dir, "*.html", {f"{key}.html" for key in html_keys.values()})
    # The other files (downloads, assets): linked, since the sources are written afresh each build.
    for folder, _, names in os.walk(source_dir):
        target_folder = out_dir / Path(folder).relative_to(source_dir)
        files = [n for n in names if not n.endswith(".qmd") and n != "_quarto.yml"]
        if files:
            target_folder.mkdir(parents=True, exist_ok=True)
        for name in files:
            link_or_copy(Path(folder) / name, target_folder / name)
    return stale, html_keys
