"""Writing the site's page sources: Quarto markdown (.qmd) from the Jinja2 templates in site/.

Both renderers read these same sources. Every value from data is escaped: inside raw HTML
blocks by HTML escaping (plus backticks and braces), inside Markdown by backslash-escaping every ASCII punctuation character.
"""
from __future__ import annotations

import hashlib
import io
import json
import pickle
import shutil
import string
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup, escape

from .pages import NAV, Page, SiteModel

MARKDOWN_SPECIAL = set(string.punctuation)
# Escaped backticks mean no value can close the ```{=html} fence it sits in; braces keep Quarto
# shortcodes ({{< >}}) inert. Newlines are kept: <pre> blocks need them.
# Control characters (other than tab and newline) are dropped: they are errors in HTML.
CONTROL_CHARACTERS = {code: None for code in (*range(0x20), 0x7F) if code not in (0x09, 0x0A)}
EXTRA_HTML_ESCAPES = str.maketrans({"`": "&#96;", "{": "&#123;", "}": "&#125;"}) | CONTROL_CHARACTERS


def html_text(value) -> Markup:
    """HTML-escape a value for raw HTML blocks in Markdown."""
    if isinstance(value, Markup):
        return value
    return Markup(str.translate(str(escape("" if value is None else value)), EXTRA_HTML_ESCAPES))


def markdown_text(value) -> Markup:
    """Escape a value for inline Markdown: every ASCII punctuation character gets a backslash."""
    text = " ".join(str(value).translate(CONTROL_CHARACTERS).split())
    return Markup("".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in text))


def yaml_string(value) -> Markup:
    """A double-quoted YAML string (JSON is valid YAML)."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def template_environment(site_dir: Path, cache_dir: Path | None = None) -> jinja2.Environment:
    """Templates from site/; compiled templates are kept in cache_dir (keyed by their source)."""
    bytecode = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(cache_dir))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(site_dir / "templates"), str(site_dir / "layouts")]),
        bytecode_cache=bytecode,
        autoescape=True,
        finalize=html_text,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build
        keep_trailing_newline=True,
        comment_start_string="{#-#",  # "{#" is Markdown attribute syntax ({#fig-id}), not a comment
        comment_end_string="#-#}",
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update({"md": markdown_text, "yamlstr": yaml_string, "tojson_attr": lambda v: Markup(json.dumps(v)),
                        # the CSL item as one line of JSON (valid YAML) for Quarto's citation front matter
                        "csl_item": lambda text: Markup(json.dumps(json.loads(text)[0], ensure_ascii=False))})
    return env


def templates_digest(site_dir: Path) -> str:
    """What, besides a page's own model, decides its source and HTML: the templates and layouts,
    and the engine's code (filters here, properties of the page models in pages.py, …)."""
    digest = hashlib.sha256()
    engine = Path(__file__).parent
    files = [(engine, p) for p in sorted(engine.rglob("*.py"))] + [(site_dir, p) for p in sorted(site_dir.glob("*/*.j2"))]
    for folder, path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_key(templates: str, page: Page, settings) -> str | None:
    """The content key of a page's .qmd: its template digest and its pickled model.

    The pickler runs without its memo ("fast" mode), so an object shared in several places is
    written out each time: equal pages pickle to equal bytes however their objects were made
    (computed in this build, or read back from a cache). A page that cannot be pickled has no key.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump((page, settings))
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None
    return hashlib.sha256(templates.encode() + buffer.getvalue()).hexdigest()


def write_sources(model: SiteModel, pages: list[Page], project_dir: Path, template_cache: Path | None = None,
                  site_files: dict[str, bytes] | None = None, source_cache: Path | None = None) -> dict[str, str | None]:
    """Write every page's .qmd, its folder's files, the site-level files, the assets and _quarto.yml.

    With source_cache, each .qmd is also kept there by source_key, and a page whose key is
    already there is linked from the cache instead of rendered: most pages of a rebuild are.
    Returns each page's source key (None when it has none), for the caches downstream.
    """
    from .caching import link_or_copy, prune_files
    from .fingerprint import write_atomic

    env = template_environment(model.project.site, template_cache)
    settings = model.project.settings
    templates = templates_digest(model.project.site) if source_cache is not None else ""
    keys, used = {}, set()
    for page in pages:
        target = project_dir / f"{page.path}.qmd"
        target.parent.mkdir(parents=True, exist_ok=True)
        key = source_key(templates, page, settings) if source_cache is not None else None
        cached = source_cache / f"{key}.qmd" if key else None
        if cached is not None and cached.is_file():
            link_or_copy(cached, target)
        else:
            text = env.get_template(page.template).render(page=page, ctx=page.context, site=settings)
            target.write_text(text, encoding="utf-8")
            if cached is not None:
                write_atomic(cached, text.encode("utf-8"))
        if cached is not None:
            used.add(cached.name)
        keys[page.path] = key
        for name, content in page.files:
            if isinstance(content, Path):  # a committed file (history/): copied by the kernel, never linked
                shutil.copyfile(content, target.parent / name)
            else:
                (target.parent / name).write_bytes(content)
    for name, content in sorted((site_files or {}).items()):
        (project_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (project_dir / name).write_bytes(content)
    shutil.copytree(model.project.site / "assets", project_dir / "assets", dirs_exist_ok=True)
    (project_dir / "_quarto.yml").write_text(quarto_project(model, pages), encoding="utf-8")
    if source_cache is not None:
        prune_files(source_cache, "*.qmd", used)
    return keys


def quarto_project(model: SiteModel, pages: list[Page]) -> str:
    """The Quarto website project file for the same pages."""
    settings = model.project.settings
    website = {
        "title": settings.title,
        "navbar": {"left": [{"text": label, "href": f"{target}.qmd"} for label, target in NAV]},
        "search": True,
        "page-navigation": False,
    }
    if settings.site_url:
        website["site-url"] = settings.site_url
    config = {
        "project": {
            "type": "website",
            "output-dir": "_site",
            "render": [f"{p.path}.qmd" for p in pages],
            "resources": ["assets/**", "figures/**/figure.svg", "figures/**/figure.png", "figures/**/data.csv",
                          "figures/**/*.py", "figures/**/cite.*", "figures/*/versions.js",
                          "datapackage.json", "CITATION.cff", "sitemap.xml"],
        },
        "website": website,
        "format": {"html": {"css": ["assets/fonts/cjk.css", "assets/style.css"], "toc": False, "lang": "en"}},
    }
    return "# Generated by build.py from site/ and data/; do not edit.\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
