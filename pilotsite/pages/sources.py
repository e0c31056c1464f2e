"""Writing the site's page sources: Quarto markdown (.qmd) from the Jinja2 templates in site/.

Both renderers read these same sources. Every value from data is escaped: inside raw HTML
blocks by HTML escaping (plus backticks and braces), inside Markdown by backslash-escaping
every ASCII punctuation character.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import json
import os
import pickle
import re
import string
import traceback
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path, PosixPath, PurePosixPath
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape

from pilotsite.errors import BuildError, Problem
from pilotsite.inputs.documents import HAN
from pilotsite.inputs.interface import LANGUAGES
from pilotsite.inputs.project import SiteSettings
from pilotsite.pages.bundle import BUNDLE_FILE
from pilotsite.pages.charts import EMBED_IMAGE, THUMBNAIL
from pilotsite.pages.citation import CFF_FILE
from pilotsite.pages.deposit import DEPOSIT_FILES
from pilotsite.pages.feeds import FEED
from pilotsite.pages.model import EDITIONS, Page, SiteModel
from pilotsite.pages.pdf_edition import FINDINGS_PDF
from pilotsite.pages.previews import SITE_CARD
from pilotsite.state.ledger import PDF_FILE, PRINT_PNG

MARKDOWN_SPECIAL = set(string.punctuation)
# Escaped backticks mean no value can close the ```{=html} fence it sits in; braces keep Quarto
# shortcodes ({{< >}}) inert. Newlines are kept: <pre> blocks need them.
# Control characters (other than tab and newline) are dropped: they are errors in HTML.
CONTROL_CHARACTERS = {code: None for code in (*range(0x20), 0x7F) if code not in (0x09, 0x0A)}
EXTRA_HTML_ESCAPES = str.maketrans({"`": "&#96;", "{": "&#123;", "}": "&#125;"}) | CONTROL_CHARACTERS


NEEDS_EXTRA_ESCAPES = re.compile("[`{}\x00-\x08\x0b-\x1f\x7f]")  # the characters of EXTRA_HTML_ESCAPES


def html_text(value: object) -> Markup:
    """HTML-escape a value for raw HTML blocks in Markdown. (A site of many thousands of pages
    escapes millions of values: most have none of the extra characters, which a regular
    expression finds faster than a translation looks for them character by character.)"""
    if isinstance(value, Markup):
        return value
    return extra_escaped(escape("" if value is None else value))


def extra_escaped(escaped: str) -> Markup:
    """HTML already escaped for &, <, >, quotes, with EXTRA_HTML_ESCAPES applied where it needs them."""
    if NEEDS_EXTRA_ESCAPES.search(escaped) is None:
        return escaped if type(escaped) is Markup else Markup(escaped)  # (markup's own copy: time, not a value)
    return Markup(str.translate(str(escaped), EXTRA_HTML_ESCAPES))


def filled_html(key: str, text: str, values: dict[str, object]) -> Markup:
    """An interface text with its {placeholders} filled, escaped as html_text escapes every value:
    the text and plain values are escaped, markup the template made (a link set with {% set %}) is
    kept as it is."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(text):
        parts.append(html_text(literal))
        if name is not None:
            if name not in values:
                raise BuildError(f"a template asks for the interface text '{key}' without a value for {{{name}}}")
            parts.append(html_text(values[name]))
    return Markup("".join(parts))


def render_template(env: jinja2.Environment, name: str, /, **context: Any) -> str:
    """A template of site/ rendered; a mistake in it (syntax, a name it uses that the page has
    not) is bad input, reported as such: its file and line, and Jinja2's words."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError([template_problem(exc.filename or exc.name or name, exc.lineno, exc.message or "")]) from None
    except jinja2.TemplateError as exc:
        # the innermost frame in a template (Jinja2 rewrites its frames to the template's lines)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
        where = frames[-1] if frames else None
        message = exc.message or type(exc).__name__
        raise BuildError(
            [template_problem(where.filename if where else name, where.lineno if where else None, message)]
        ) from None


def template_problem(filename: str, line: int | None, message: str) -> Problem:
    parts = PurePosixPath(filename).parts
    label = "/".join(parts[len(parts) - 1 - parts[::-1].index("site") :]) if "site" in parts else filename
    return Problem(label, f"template error: {message}", line=line)


class TemplateSite:
    """What templates see as `site`: the site settings (site.title, site.date, …) and site.t,
    the interface's text for a key with its {placeholders} filled, escaped as every page value
    is, keeping markup the template made: {{ site.t("figure.version_note", number=n, link=link) }}.
    Its texts are in the language of the page's edition."""

    def __init__(self, settings: SiteSettings, language: str = "en"):
        self._settings, self.language = settings, language

    def __getattr__(self, name: str) -> Any:  # any attribute of SiteSettings
        return getattr(self._settings, name)

    def t(self, key: str, /, **values: object) -> Markup:
        return filled_html(key, self._settings.interface.raw(key, self.language), values)

    def raw(self, key: str) -> Markup:
        """The text with its {placeholders} unfilled, escaped: for a script that fills them."""
        return html_text(self._settings.interface.raw(key, self.language))

    def t_in(self, language: str, key: str, /, **values: object) -> Markup:
        """The text in another language (the language switch names each edition in its own)."""
        return filled_html(key, self._settings.interface.raw(key, language), values)

    @property
    def other_languages(self) -> tuple[str, ...]:
        return tuple(language for language in LANGUAGES if language != self.language)


def sentence_paragraphs(sentences: Iterable[tuple[int, str]], indexed: bool = False) -> Markup:
    """Numbered sentences as paragraphs anchored #s-N: (number, sentence) pairs, escaped as
    html_text does (a corpus text page has thousands of them: markupsafe's escape, in C, and the
    extra escapes over the whole page only where it has such a character, which the markup around
    the sentences has not; three times faster than one translation per sentence). Where search
    indexes the sentences, their numbers are left out of it, as they would be out of its excerpts."""
    number_attributes = ' class="meta" data-pagefind-ignore' if indexed else ' class="meta"'
    html = "".join(
        f'<p id="s-{number}"><span{number_attributes}>{number}</span> {escape(sentence)}</p>\n'
        for number, sentence in sentences
    )
    return extra_escaped(html)


def markdown_text(value: object) -> Markup:
    """Escape a value for inline Markdown: every ASCII punctuation character gets a backslash."""
    text = " ".join(str(value).translate(CONTROL_CHARACTERS).split())
    return Markup("".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in text))


def yaml_string(value: object) -> Markup:
    """A double-quoted YAML string (JSON is valid YAML)."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def site_templates(site_dir: Path) -> tuple[tuple[str, str], ...]:
    """Every template and layout of site/, as (name, source): what a worker elsewhere needs."""
    return tuple(
        (p.name, p.read_text(encoding="utf-8"))
        for folder in ("templates", "layouts")
        for p in sorted((site_dir / folder).glob("*.j2"))
    )


@lru_cache(maxsize=2)
def templates_from_sources(templates: tuple[tuple[str, str], ...], cache_dir: str = "") -> jinja2.Environment:
    """An environment over templates given as text (see site_templates), compiled once per process;
    with cache_dir, compiled once (Jinja2 keeps the bytecode there by each template's source)."""
    return template_environment(None, Path(cache_dir) if cache_dir else None, templates=templates)


def lang_attribute(value: object, page_language: str) -> str:
    """' lang="zh"' (or en) for a value in another language than its page's: a Chinese metadata
    value in the English edition, an English one in the Chinese. Nothing for a value without
    letters (a date, a number) or in the page's language."""
    from markupsafe import Markup

    from pilotsite.inputs.documents import language_of

    text = str(value)
    if not any(character.isalpha() for character in text):
        return ""
    language = language_of(text)
    return "" if language == page_language else Markup(' lang="{}"').format(language)


def title_marked(title: str, words: str, lang: str, page_language: str) -> Markup:
    """A title of which only words are in lang, with the edition's words around them (a
    version's: "Title（第 2 版）"), with those words marked as in lang, so that a screen reader
    speaks each part in its language; escaped. (A title wholly in lang has it on its element.)
    A title in the page's language has the runs of the other language in it marked
    (runs_marked)."""
    if lang == page_language:
        return runs_marked(title, page_language)
    if not words:
        return html_text(title)
    opening = Markup('<span lang="{}">').format(html_text(lang))
    return part_in(title, words if words in title else title, opening, "</span>")  # (else it is marked whole)


# Runs of the other edition's script inside a text of the page's language: English words in a
# Chinese title (阶段：M County homestead pilot: …, a process named in the data), Chinese in an
# English one. A run of Latin words takes the spaces and ASCII punctuation between them, not after.
FOREIGN_RUNS = {
    "zh": ("en", re.compile(r"[A-Za-z][\w'’.-]*(?:[ ,:;&/()–—-]+[A-Za-z0-9][\w'’.-]*)*", re.ASCII)),
    "en": ("zh", re.compile(f"[{HAN}]+(?:[\u3000-\u303f\uff00-\uffef]*[{HAN}]+)*")),
}


def runs_marked(text: object, page_language: str) -> Markup:
    """text escaped, each run in the other edition's script in a <span lang>, so that a screen
    reader speaks it in its own voice (a bracket opened in a run closes in it); a run of one Latin
    letter (M 县) is left as it is, a Chinese character alone (省) is not."""
    found = FOREIGN_RUNS.get(page_language)
    text = str(text)
    if found is None or found[1].search(text) is None:  # (most texts: one search, no copies)
        return html_text(text)
    lang, runs = found
    opening = SPAN_OPENINGS[lang]
    parts, at = [], 0
    for run in runs.finditer(text):
        if lang == "en" and sum(c.isalpha() for c in run.group()) < 2:
            continue
        end = run.end() + (run.group().count("(") > run.group().count(")") and text[run.end() : run.end() + 1] == ")")
        parts += [html_text(text[at : run.start()]), opening, html_text(text[run.start() : end]), SPAN_CLOSING]
        at = end
    return Markup("").join([*parts, html_text(text[at:])])


SPAN_OPENINGS = {language: Markup(f'<span lang="{language}">') for language in ("en", "zh")}
SPAN_CLOSING = Markup("</span>")


def emphasised(text: str, part: str, text_language: str) -> Markup:
    """text, in text_language, with the first occurrence of part in italics (<i>: a reference's
    title, as APA sets it), escaped; the part is marked with its own language where that differs
    (a Chinese title in an English reference), and so are the runs of the other script around it
    (a Chinese author's name: runs_marked). Where part is empty or not in text, only the runs."""
    if not part or part not in text:
        return runs_marked(text, text_language)
    before, found, after = text.partition(part)
    from pilotsite.inputs.documents import language_of

    # the title in its language, and the runs of the other script in it in theirs (阶段：Lu Street …)
    title = Markup("<i{}>{}</i>").format(lang_attribute(found, text_language), runs_marked(found, language_of(found)))
    return Markup("").join([runs_marked(before, text_language), title, runs_marked(after, text_language)])


def part_in(text: str, part: str, opening: Markup, closing: str) -> Markup:
    """text escaped, with the first occurrence of part (which it holds) between the tags."""
    before, found, after = text.partition(part)
    return Markup("{}{}{}{}{}").format(html_text(before), opening, html_text(found), Markup(closing), html_text(after))


def template_environment(
    site_dir: Path | None, cache_dir: Path | None = None, templates: tuple[tuple[str, str], ...] = ()
) -> jinja2.Environment:
    """Templates from site/ (or given as text); compiled templates are kept in cache_dir (keyed by their source)."""
    bytecode = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(cache_dir))
    given = dict(templates)
    env = jinja2.Environment(
        loader=(
            # each named as its file name (a DictLoader names none), for its errors' tracebacks
            jinja2.FunctionLoader(lambda name: (given[name], name, lambda: True) if name in given else None)
            if site_dir is None
            else jinja2.FileSystemLoader([str(site_dir / "templates"), str(site_dir / "layouts")])
        ),
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
    env.filters.update(
        {
            "md": markdown_text,
            # Jinja's capitalize lowers the rest: a column named SHA-256 or GDP would read Sha-256, Gdp
            "upper_first": lambda text: str(text)[:1].upper() + str(text)[1:],
            "lang_attribute": lang_attribute,
            "title_marked": title_marked,
            "runs_marked": runs_marked,
            "emphasised": emphasised,
            "yamlstr": yaml_string,
            # plain text, escaped by finalize as every value is (a grouping's values can hold markup)
            "json_text": lambda value: json.dumps(value, ensure_ascii=False),  # 营商环境, not \u8425…
            "pagefind_label": pagefind_label,
            "pagefind_name": pagefind_name,
            "sentence_paragraphs": sentence_paragraphs,
            # the CSL item as one line of JSON (valid YAML) for Quarto's citation front matter
            "csl_item": lambda text: Markup(json.dumps(json.loads(text)[0], ensure_ascii=False)),
        }
    )
    return env


def pagefind_name(text: str) -> Markup:
    """A filter's name as a data-pagefind-filter attribute holds it: escaped once, with its colons,
    as Pagefind (1.5.2) indexes a filter's name as the attribute's text is written, entities and
    all, and splits the attribute at its first colon. Its UI writes the name into the search page
    as HTML, which decodes it once, and gives the checkboxes the name as indexed: search.js looks
    the edition's word up by that (search_filter_names)."""
    return Markup(str(escape(text)).replace(":", "&#58;"))


def pagefind_label(text: str) -> Markup:
    """A filter's value as a data-pagefind-filter attribute holds it: escaped three times.
    Pagefind (1.5.2) decodes the entities of a filter attribute twice (`&amp;amp;lt;` is indexed
    as `&lt;`, `&amp;lt;` already as `<`) and its UI writes filter names and values into the
    search page as HTML, which decodes them a third time: a corpus's metadata value
    `<img onerror=…>` had run as markup on the search page. tests/test_browser.py checks it."""
    for _ in range(3):
        text = str(escape(text))
    return Markup(text)


def templates_digest(site_dir: Path) -> str:
    """What, besides a page's own model, decides its source and HTML: the templates and layouts,
    and the engine's code (filters here, properties of the page models in pages.py, …)."""
    digest = hashlib.sha256()
    engine = Path(__file__).parents[1]  # pilotsite/
    files = [(engine, p) for p in sorted(engine.rglob("*.py"))] + [
        (site_dir, p) for p in sorted(site_dir.glob("*/*.j2"))
    ]
    for folder, path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_key(templates: str, page: Page, settings_digest: str, root: Path | None = None) -> str | None:
    """The content key of a page's .qmd: its template digest, the digest of the site's settings
    (settings_digest: pickled once, not with each page, whose pickle it would make 70 KB longer)
    and its pickled model (its paths relative to the project's root). A page that cannot be
    pickled has no key."""
    data = pickled(page, root)
    return hashlib.sha256(f"{templates}\n{settings_digest}\n".encode() + data).hexdigest() if data else None


def pickled(value: object, root: Path | None = None) -> bytes | None:
    """value pickled without the pickler's memo ("fast" mode), so an object shared in several
    places is written out each time: equal values pickle to equal bytes however their objects were
    made (computed in this build, or read back from a cache). A path under root is pickled relative
    to it, so a project copied or moved keeps its keys. None where it cannot be pickled."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    if root is not None:
        prefix = os.path.abspath(root) + os.sep

        def relative(path: PosixPath) -> tuple[type, tuple[str]]:
            text = str(path)  # a relative path stays a PosixPath: only one under root becomes a PurePosixPath
            return (PurePosixPath, (text[len(prefix) :],)) if text.startswith(prefix) else (PosixPath, (text,))

        pickler.dispatch_table = copyreg.dispatch_table | {PosixPath: relative}
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None
    return buffer.getvalue()


class SourceWriter:
    """Writes page sources (.qmd) batch by batch, then the site-level files.

    With source_cache, each .qmd is also kept there by source_key, and a page whose key is
    already there is linked from the cache instead of rendered: most pages of a rebuild are.
    The folder is updated in place: what is already right stays, what changed is replaced by a
    rename (never written through: the renderer links these files into the staged site), and
    what this build did not write is removed at the end.
    """

    def __init__(
        self, model: SiteModel, project_dir: Path, template_cache: Path | None = None, source_cache: Path | None = None
    ):
        self.model = model
        self.project_dir = project_dir
        self.env = template_environment(model.project.site, template_cache)
        self.settings = model.project.settings
        self.source_cache = source_cache
        self.templates = templates_digest(model.project.site) if source_cache is not None else ""
        self.keys: dict[str, str | None] = {}  # page path -> source key (None: none)
        self.used: set[str] = set()
        self.written: set[Path] = set()
        self.folders: set[Path] = set()
        self.precomputed: dict[str, str | None] = {}

    def precompute_keys(self, pages: list[Page]) -> dict[str, str | None]:
        """Each page's key (path -> key), kept for write() (a key pickles the whole page); those
        already in precomputed (made in another process: pages/editions.py) are taken as they are."""
        known, self.precomputed = self.precomputed, {}
        self.precomputed = {page.path: known[page.path] if page.path in known else self.key(page) for page in pages}
        return dict(self.precomputed)

    def key(self, page: Page) -> str | None:
        if page.path in self.precomputed:
            return self.precomputed.pop(page.path)
        if self.source_cache is None:
            return None
        if self.settings_digest is None:
            return None
        if page.key_hint:  # everything the page shows, named by its maker (see Page.key_hint)
            return hashlib.sha256(
                f"{self.templates}\n{page.template}\n{page.key_hint}\n{self.settings_digest}".encode()
            ).hexdigest()
        return source_key(self.templates, page, self.settings_digest, self.model.project.root)

    @cached_property
    def settings_digest(self) -> str | None:
        data = pickled(self.settings)
        return hashlib.sha256(data).hexdigest() if data else None

    def target(self, path: str) -> Path:
        """Where a page's source goes; its folder made once."""
        if path in self.keys:
            raise BuildError(f"two pages claim the same path: {path}")
        target = self.project_dir / f"{path}.qmd"
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        self.written.add(target)
        return target

    def write(self, pages: list[Page]) -> dict[str, str | None]:
        """Write these pages' sources and their folders' files; returns their source keys."""
        from pilotsite.state.caching import put_bytes, put_link
        from pilotsite.state.fingerprint import write_atomic

        keys = {}
        for page in pages:
            target = self.target(page.path)
            key = self.key(page)
            # a page has a key only when there is a source cache (see key())
            cached = self.source_cache / f"{key}.qmd" if key and self.source_cache is not None else None
            if cached is not None and cached.is_file():
                put_link(cached, target)
            else:
                text = self.render(page).encode("utf-8")
                if cached is not None:
                    write_atomic(cached, text)
                    put_link(cached, target)
                else:
                    put_bytes(target, text)
            if cached is not None:
                self.used.add(cached.name)
            keys[page.path] = self.keys[page.path] = key
            for name, content in page.files:
                self.written.add(target.parent / name)
                if isinstance(content, Path):  # a cache entry (linked) or a committed file (history/: copied)
                    put_link(content, target.parent / name, copy=not content.is_relative_to(self.project_dir.parent))
                else:
                    put_bytes(target.parent / name, content)
        return keys

    def render(self, page: Page) -> str:
        return render_template(
            self.env, page.template, page=page, ctx=page.context, site=TemplateSite(self.settings, page.language)
        )

    def place(self, path: str, cached: Path, key: str) -> None:
        """A page whose source another stage made and cached (corpus_texts.py): linked into place."""
        from pilotsite.state.caching import put_link

        put_link(cached, self.target(path))
        self.used.add(cached.name)
        self.keys[path] = key

    def finish(self, site_files: dict[str, bytes], paths: list[str]) -> None:
        """The site-level files, the assets and _quarto.yml; files of earlier builds that this one
        did not write, and unused cache entries, are removed."""
        from pilotsite.state.caching import prune_files, put_bytes

        files = dict(site_files)
        files["_quarto.yml"] = quarto_project(self.model, paths).encode("utf-8")
        for name, content in sorted(files.items()):
            (self.project_dir / name).parent.mkdir(parents=True, exist_ok=True)
            put_bytes(self.project_dir / name, content)
            self.written.add(self.project_dir / name)
        assets = self.model.project.site / "assets"
        for source in sorted(assets.rglob("*")):
            if source.is_file():
                target = self.project_dir / "assets" / source.relative_to(assets)
                target.parent.mkdir(parents=True, exist_ok=True)
                put_bytes(target, source.read_bytes())  # copied: site/ is edited by hand, in place
                self.written.add(target)
        self.remove_others()
        if self.source_cache is not None:
            prune_files(self.source_cache, "*.qmd", self.used)

    def keep(self, path: Path) -> None:
        """A file another step wrote into the folder this build (e.g. the web fonts)."""
        self.written.add(path)

    def remove_others(self) -> None:
        for folder, _names, files in os.walk(self.project_dir, topdown=False):
            for name in files:
                path = Path(folder) / name
                if path not in self.written:
                    path.unlink()
            if folder != str(self.project_dir) and not os.listdir(folder):
                os.rmdir(folder)


def write_sources(
    model: SiteModel,
    pages: list[Page],
    project_dir: Path,
    template_cache: Path | None = None,
    site_files: dict[str, bytes] | None = None,
    source_cache: Path | None = None,
) -> dict[str, str | None]:
    """Every page's .qmd, its folder's files, the site-level files, the assets and _quarto.yml, in one go."""
    writer = SourceWriter(model, project_dir, template_cache, source_cache)
    keys = writer.write(pages)
    writer.finish(site_files or {}, [p.path for p in pages])
    return keys


PAGE_FILES = (
    "figures/**/figure.svg",
    "figures/**/figure.png",
    f"figures/**/{PDF_FILE}",
    f"figures/**/{PRINT_PNG}",
    f"figures/**/{THUMBNAIL}",
    f"figures/**/{EMBED_IMAGE}",
    "figures/**/data.csv",
    "figures/**/*.py",
    "figures/**/cite.*",
    f"figures/**/{CFF_FILE}",
    *(f"figures/**/{name}" for name in DEPOSIT_FILES),
    f"figures/**/{BUNDLE_FILE}",
    "figures/*/versions.js",
    "figures/*/inputs.csv",
    f"figures/*/{FEED}",
    f"changes/{FEED}",
    "corpus/**/evidence.csv",
    f"documents/*/{FINDINGS_PDF}",
)


def quarto_project(model: SiteModel, paths: list[str]) -> str:
    """The Quarto website project file for the same pages."""
    settings = model.project.settings
    website = {
        "title": settings.title,
        "navbar": {"left": [{"text": label, "href": f"{target}.qmd"} for label, target in model.nav]},
        "search": True,
        "page-navigation": False,
        # link previews: Quarto writes the Open Graph and Twitter card tags; each page's front
        # matter names its image (base.qmd.j2), the site card where it has no figure
        "open-graph": True,
        "twitter-card": {"card-style": "summary_large_image"},
        "image": SITE_CARD,
    }
    if settings.site_url:
        website["site-url"] = settings.site_url
    config = {
        "project": {
            "type": "website",
            "output-dir": "_site",
            "render": [f"{path}.qmd" for path in paths],
            # the pages' own files in every edition's folders, and the shared assets and site-level files
            "resources": ["assets/**", "datapackage.json", "CITATION.cff", "sitemap.xml", "robots.txt"]
            + [f"{folder}{pattern}" for folder in EDITIONS.values() for pattern in PAGE_FILES],
        },
        "website": website,
        "format": {
            "html": {
                "css": ["assets/fonts/cjk.css", "assets/style.css"],
                "toc": False,
                "lang": "en",
                "canonical-url": True,
            }
        },
    }
    # libyaml's emitter when PyYAML has it (the same text, ten times as fast: the render list names every page)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return "# Generated by build.py from site/ and data/; do not edit.\n" + yaml.dump(
        config, Dumper=dumper, allow_unicode=True, sort_keys=False
    )
