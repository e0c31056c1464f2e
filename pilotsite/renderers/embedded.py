"""The embedded renderer: pandoc (from the pypandoc-binary wheel) inside Jinja2 layouts.

Pandoc's output for each page body is cached by the hash of that body, so only pages whose
source changed are converted again; those are converted in one pandoc run.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from markupsafe import Markup

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


def render(project: Project, pages: list[Page], source_dir: Path, out_dir: Path, cache_dir: Path) -> list[str]:
    """Render every page into out_dir and copy the other files; returns the pages converted anew."""
    layout = template_environment(project.site, cache_dir.parent / "templates").get_template("page.html.j2")
    renderer = hashlib.sha256(LUA_FILTER.read_bytes() + pandoc_version().encode()).hexdigest()
    bodies, keys = {}, {}
    for page in pages:
        body = split_front_matter((source_dir / f"{page.path}.qmd").read_text(encoding="utf-8"))
        bodies[page.path] = body
        keys[page.path] = hashlib.sha256((renderer + "\n" + body).encode("utf-8")).hexdigest()
    stale = [p.path for p in pages if not (cache_dir / f"{keys[p.path]}.html").is_file()]
    for path, html in zip(stale, markdown_to_html([bodies[p] for p in stale])):
        write_atomic(cache_dir / f"{keys[path]}.html", html.encode("utf-8"))
    for page in pages:
        body = (cache_dir / f"{keys[page.path]}.html").read_text(encoding="utf-8")
        target = out_dir / f"{page.path}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(layout.render(page=page, site=project.settings, body=Markup(body)), encoding="utf-8")
    used = {f"{key}.html" for key in keys.values()}
    for old in cache_dir.glob("*.html"):
        if old.name not in used:
            old.unlink()
    for path in sorted(source_dir.rglob("*")):
        relative_path = path.relative_to(source_dir)
        if path.is_file() and path.suffix != ".qmd" and path.name != "_quarto.yml":
            (out_dir / relative_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out_dir / relative_path)
    return stale
