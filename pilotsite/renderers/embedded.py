"""The embedded renderer: pandoc (from the pypandoc-binary wheel) inside Jinja2 layouts."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from markupsafe import Markup

from ..errors import BuildError
from ..pages import Page
from ..project import Project
from ..sources import template_environment

LUA_FILTER = Path(__file__).with_name("fig_alt.lua")


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandoc_version() -> str:
    import pypandoc

    return pypandoc.get_pandoc_version()


def split_front_matter(text: str) -> str:
    """The body of a .qmd file (its YAML front matter is read from the page model instead)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5:]
    return text


def markdown_to_html(markdown: str, source: str) -> str:
    result = subprocess.run(
        [pandoc_path(), "--from", "markdown", "--to", "html5", "--wrap", "none", "--lua-filter", str(LUA_FILTER)],
        input=markdown.encode("utf-8"), capture_output=True, check=False,
    )
    if result.returncode != 0 or result.stderr.strip():
        raise BuildError(f"pandoc failed on {source}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout.decode("utf-8")


def render(project: Project, pages: list[Page], source_dir: Path, out_dir: Path) -> int:
    """Render every page into out_dir, then copy the non-page files beside them."""
    layout = template_environment(project.site).get_template("page.html.j2")
    for page in pages:
        body = markdown_to_html(split_front_matter((source_dir / f"{page.path}.qmd").read_text(encoding="utf-8")), f"{page.path}.qmd")
        target = out_dir / f"{page.path}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(layout.render(page=page, site=project.settings, body=Markup(body)), encoding="utf-8")
    for path in sorted(source_dir.rglob("*")):
        relative_path = path.relative_to(source_dir)
        if path.is_file() and path.suffix != ".qmd" and path.name != "_quarto.yml":
            (out_dir / relative_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out_dir / relative_path)
    return len(pages)
