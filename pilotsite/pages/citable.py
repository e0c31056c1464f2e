"""What makes figures citable for good: a page for every published version, redirects for
renamed figures, and the site-level metadata files (CITATION.cff, datapackage.json,
sitemap.xml, per-figure versions.js).

Version pages are built from the files kept in history/ when the version was published, so an
old version's page and files stay the same however the data change later.
"""

from __future__ import annotations

import csv as csv_module
import io
import json
import re
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

import yaml

from pilotsite.errors import BuildError, Problem
from pilotsite.inputs.interface import LANGUAGES, Interface
from pilotsite.inputs.schemas import doi_url
from pilotsite.pages.bundle import bundle_files
from pilotsite.pages.charts import evidence_hrefs, inline_chart
from pilotsite.pages.citation import Citation, CitedFigure, cite, dataset_json_ld, scholar_meta
from pilotsite.pages.deposit import DATACITE_CACHE, Deposit, Related, deposit_files
from pilotsite.pages.embeds import embed_files, embed_page, embed_snippet
from pilotsite.pages.feeds import FEED, figure_feed_title
from pilotsite.pages.model import (
    EDITIONS,
    FIGURE_KINDS,
    CompareContext,
    Link,
    Page,
    RedirectContext,
    SiteModel,
    VersionContext,
    absolute,
    change_summary,
    citation_files,
    cited_figure,
    compare_path,
    distribution,
    document_href,
    document_urls,
    folder_address,
    history_file,
    licences,
    quote_is_placed,
    recorded_title,
    shown_text_changes,
    source_addresses,
    source_record,
    table_rows,
    version_colophon,
    version_meta,
)
from pilotsite.state.ledger import (
    PDF_FILE,
    PRINT_PNG,
    VERSION_FOLDER,
    canonical,
    distinct_versions,
)

# The units of the columns the analyses publish, for the Data Package and the catalogue; their
# descriptions are catalogue texts (data.column.<column>), the Data Package's in English.
COLUMN_UNITS: dict[str, str] = {
    "share_pct": "percent",
    "type_share_pct": "percent",
    "overall_share_pct": "percent",
    "count": "tokens",
    "total_tokens": "tokens",
    "shared_count": "keywords",
}
INTEGER = re.compile(r"^-?\d+$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class Published:
    """One published version of a figure, as kept in history/."""

    figure_id: str
    entry: dict[str, Any]  # the ledger entry
    meta: dict[str, Any]  # meta.json
    files: dict[str, bytes | Path]  # data.csv, figure.svg, figure.png, figure.pdf, <analysis>.py

    @property
    def folder(self) -> str:
        return f"figures/{self.figure_id}/v/{self.entry['version']}/"

    def read(self, name: str) -> bytes:
        """One of its files' bytes (history_source gives committed files by path)."""
        content = self.files[name]
        return content if isinstance(content, bytes) else content.read_bytes()


def history_source(model: SiteModel, path: str) -> bytes | Path:
    """Like history_file, but a committed file is given by its path: the build copies it into the
    site without reading it (past versions' images add up as the history grows)."""
    if path in model.history_files:
        return model.history_files[path]
    source = model.project.root / path
    if not source.is_file():
        return history_file(model, path)  # the error naming the missing file
    return source


def lighter_image(model: SiteModel, folder: str) -> str:
    """figure.svg or figure.png of a version, whichever has fewer bytes: a comparison shows two
    images side by side, and the SVG of a chart with much Chinese text (glyphs as outlines) can
    weigh twice its PNG, which would put the page over its budget."""
    sizes = []
    for name in ("figure.svg", "figure.png"):
        source = history_source(model, f"{folder}/{name}")
        sizes.append((len(source) if isinstance(source, bytes) else source.stat().st_size, name))
    return min(sizes)[1]


def published_version(model: SiteModel, figure_id: str, entry: dict[str, Any]) -> Published:
    folder = VERSION_FOLDER.format(figure=figure_id, version=entry["version"])
    meta = version_meta(model, figure_id, entry["version"])
    files: dict[str, bytes | Path] = {"data.csv": history_file(model, f"{folder}/data.csv")}
    files.update({n: history_source(model, f"{folder}/{n}") for n in ("figure.svg", "figure.png")})
    if f"{folder}/{PDF_FILE}" in model.history_files or (model.project.root / folder / PDF_FILE).is_file():
        files[PDF_FILE] = history_source(model, f"{folder}/{PDF_FILE}")
    files[Path(meta["analysis"]).name] = history_file(model, meta["code"])  # shared by versions with the same code
    return Published(figure_id, entry, meta, files)


def edition_citation(model: SiteModel, cited: CitedFigure) -> Citation:
    """A version's citations as an edition's pages give them: the Chinese edition's with the
    reference in China's national standard (GB/T 7714) too, which Chinese journals ask for."""
    return cite(cited, model.references, gbt7714=model.language == "zh")


def version_cited(model: SiteModel, item: Published) -> CitedFigure:
    """How a published version is cited in this edition: by its own frozen record (title in the
    edition's words where they translate it, the documents as they were cited then). The version's
    page and, while it is current, the figure's page cite it alike: the figure page had cited the
    documents as they are now, and in their edition's titles."""
    title = model.version_words(item.figure_id, item.meta)["title"]
    return cited_figure(model, item.figure_id, item.entry, item.meta, title)


def published_versions(model: SiteModel) -> list[Published]:
    return [
        published_version(model, figure_id, entry)
        for figure_id, history in sorted(model.ledger.get("figures", {}).items())
        for entry in history
        if not entry.get("restores")
    ]  # a restored version's page was made from its first entry


def datacite_cache(model: SiteModel) -> Path | None:
    """Where the DataCite XML of the versions' records is kept (none without a build cache)."""
    catalog = model.catalog
    return catalog.cache_dir / DATACITE_CACHE if catalog is not None and catalog.cache_dir is not None else None


def current_bundle(model: SiteModel, figure_id: str) -> tuple[tuple[str, bytes | Path], ...]:
    """The figure page's deposit.zip (bundle.py): its current version, with that version's
    citation and deposit files, in the reference edition only (the others link to it)."""
    if model.language != "en":
        return ()
    history = model.ledger["figures"][figure_id]
    entry = canonical(history)[history[-1]["version"]]  # an identical later duplicate: the first
    item = published_version(model, figure_id, entry)
    documents = [(d["title"], d["reference"]) for d in item.meta["documents"]]
    cited = cited_figure(model, figure_id, entry, item.meta, item.meta["title"])
    citation = cite(cited, model.references)
    extra = dict(
        citation_files(citation)
        + deposit_files(version_deposit(model, item, documents, None), item.folder, datacite_cache(model))
    )
    return bundle_files(model, item, cited, citation, extra)


def version_pages(model: SiteModel) -> list[Page]:
    """A permanent page per published version, plus redirect pages for renamed and retired ids."""
    t = model.interface.text
    root = "../../../../"
    pages = []
    for item in published_versions(model):
        entry = item.entry
        words = model.version_words(item.figure_id, item.meta)
        meta = {
            **item.meta,
            **words,
        }  # the page's title, caption and alt text in this edition's language where it has them
        history = model.ledger["figures"][item.figure_id]
        first = canonical(history)[entry["version"]]
        before = [e for e in distinct_versions(history) if e["number"] < first["number"]]
        documents = [(d["title"], d["reference"]) for d in meta["documents"]]
        cited = version_cited(model, item)
        citation = edition_citation(model, cited)
        header, values = read_csv_columns(item.read("data.csv"))
        source_name = Path(meta["analysis"]).name
        columns, rows = (
            tuple(header),
            table_rows(header, values, root, documents=set(model.documents), placed=partial(quote_is_placed, model)),
        )
        svg, png = item.read("figure.svg"), item.read("figure.png")
        # its tooltips in this edition's language: those drawn now if this is the current image,
        # else those the version recorded (ledger.translated_tips)
        current = model.results.get(item.figure_id)
        tips = (
            current.tips
            if current is not None and current.svg == svg
            else {int(row): tip for row, tip in meta.get("tips", {}).get(model.language, {}).items()}
        )
        chart = inline_chart(svg, evidence_hrefs(columns, rows), tips or None, model.language)
        deposit = version_deposit(model, item, documents, first if entry.get("same_as") else None)
        printed: tuple[tuple[str, bytes | Path], ...] = ()
        if PDF_FILE in item.files:
            pdf = item.read(PDF_FILE)
            # the current version's print PNG is the figure's own; an older one's is made from its PDF
            printed = (
                (
                    PRINT_PNG,
                    current.print_png if current is not None and current.pdf == pdf else model.scaled.printed(pdf),
                ),
            )
        view = embed_page(  # the embedded view, which the page's <iframe> snippet is sized for
            model,
            item.folder,
            title=t("version.title", title=meta["title"], number=entry["number"]),
            title_words=meta["title"],
            caption=meta["caption"],
            alt=meta["alt"],
            lang=words["words_lang"],
            citation=citation.in_edition,
            png=png,
            root=root,
        )
        pages.append(
            Page(
                f"{item.folder}index",
                "version.qmd.j2",
                t("version.title", title=meta["title"], number=entry["number"]),
                words["words_lang"],
                meta["caption"],
                (
                    Link(t("nav.index"), root + "index.html"),
                    Link(t("nav.figures"), root + "figures/index.html"),
                    Link(item.figure_id, "../../index.html"),
                    Link(t("common.version_lower", number=entry["number"]), ""),
                ),
                VersionContext(
                    meta=meta,
                    columns=columns,
                    rows=rows,
                    chart=chart,
                    documents=tuple(
                        Link(
                            recorded_title(model, d), document_href(root, d["id"]) if d["id"] in model.documents else ""
                        )
                        for d in meta["documents"]
                    ),
                    withdrawn=tuple(
                        recorded_title(model, d) for d in meta["documents"] if d["id"] not in model.documents
                    ),
                    withdrawn_corpora=tuple(
                        recorded_title(model, c)
                        for c in meta.get("corpora", [])  # recorded since December 2026 (ledger.migrated_metas)
                        if model.catalog is None or c["id"] not in model.catalog.corpora
                    ),
                    printable=bool(printed),
                    embed_code=embed_snippet(model, item.folder, meta["title"], view),
                    doi_url=cited.doi_url,
                    citation=citation,
                    source_name=source_name,
                    source=item.read(source_name).decode("utf-8"),
                    latest_href="../../index.html",
                    history_href=f"{root}changes/index.html#{item.figure_id}-{entry['version']}",
                    same_as=(
                        Link(t("common.version_lower", number=first["number"]), f"../{first['version']}/index.html")
                        if entry.get("same_as")
                        else None
                    ),
                    compare=(
                        Link(
                            t("common.version_lower", number=before[-1]["number"]),
                            root + compare_path(item.figure_id, before[-1]["version"], first["version"]),
                        )
                        if before and not entry.get("same_as")
                        else None
                    ),
                ),
                files=tuple(sorted(item.files.items()))
                + printed
                + embed_files(png, model.scaled)
                + citation_files(citation)
                + deposit_files(deposit, item.folder, datacite_cache(model)),
                meta=scholar_meta(cited),
                json_ld=dataset_json_ld(
                    cited,
                    meta["caption"],
                    distribution(model, item.folder),
                    # one address per source, as the figure page gives them
                    document_urls(model, meta["documents"]),
                    absolute(model, item.folder + source_name),
                ),
                figure_version=entry["version"],
                title_words=meta["title"],
                colophon=version_colophon(model, entry, meta),
                scripts=(
                    "../../versions.js",
                    root + model.up + "assets/version-banner.js",
                    root + model.up + "assets/copy-citation.js",
                ),
                # a citer on a version page can follow the figure's new versions (while it is drawn)
                feeds=((figure_feed_title(model, item.figure_id), f"../../{FEED}"),)
                if item.figure_id in model.results
                else (),
            )
        )
        pages.append(view)
    pages += redirect_pages(model)
    pages += comparison_pages(model)
    return pages


def version_deposit(
    model: SiteModel, item: Published, documents: list[tuple[str, str]], same_as: dict[str, Any] | None
) -> Deposit:
    """What a version's deposit metadata names: in English, as the version was published, so both
    editions carry the same files; nothing a later version adds (a newer version does not change them)."""
    figure_id, entry = item.figure_id, item.entry

    def version(other: str) -> Related:  # another version of the figure: by its DOI once it has one
        return Related.of(model.dois.get((figure_id, other), ""), absolute(model, f"figures/{figure_id}/v/{other}/"))

    sources, keywords = (
        [],
        [
            model.project.settings.interface.text(f"kind.{item.meta['kind'].replace('-', '_')}", "en")
            if item.meta["kind"] in FIGURE_KINDS
            else item.meta["kind"]
        ],
    )
    for d, (doi, url) in zip(item.meta["documents"], source_addresses(model, item.meta["documents"]), strict=True):
        sources.append(Related.of(doi, url))
        keywords += source_record(model, d).get("keywords") or []
    return Deposit(
        cited=cited_figure(model, figure_id, entry, item.meta, item.meta["title"]),
        description=item.meta["caption"],
        figure=Related.of("", absolute(model, f"figures/{figure_id}/")),
        previous=version(entry["previous"]) if entry.get("previous") else None,
        same_as=version(same_as["version"]) if same_as else None,
        sources=tuple(dict.fromkeys(sources)),
        files=tuple(sorted(item.files)),
        keywords=tuple(dict.fromkeys(keywords)),
    )


SHOWN_DIFF_ROWS = 200  # rows of each kind (added, removed, changed) a comparison page shows; diff.csv has all


def comparison_pages(model: SiteModel) -> list[Page]:
    """A page comparing every two versions of a figure that a reader can tell apart: the two
    images side by side, and the data diff (also as diff.csv)."""
    from pilotsite.state.datadiff import compare

    root = "../../../../"
    t = model.interface.text
    pages = []
    for figure_id, history in sorted(model.ledger.get("figures", {}).items()):
        distinct = distinct_versions(history)
        for j, new in enumerate(distinct):
            for old in distinct[:j]:
                old_folder = VERSION_FOLDER.format(figure=figure_id, version=old["version"])
                new_folder = VERSION_FOLDER.format(figure=figure_id, version=new["version"])
                old_meta = json.loads(history_file(model, f"{old_folder}/meta.json"))
                new_meta = json.loads(history_file(model, f"{new_folder}/meta.json"))
                diff = compare(
                    history_file(model, f"{old_folder}/data.csv"),
                    history_file(model, f"{new_folder}/data.csv"),
                    new_meta.get("primary_key", []),
                )
                texts = shown_text_changes(model.language, old_meta, new_meta)
                summary = str(
                    model.interface.resolve(
                        change_summary(
                            len(diff.added),
                            len(diff.removed),
                            len(diff.changed),
                            diff.cells()[:2],
                            tuple(name for name, *_ in texts),
                        )
                    )
                )
                path = compare_path(figure_id, old["version"], new["version"])
                words = model.version_words(figure_id, new_meta)
                title = t("compare.title", title=words["title"], old=old["number"], new=new["number"])
                pages.append(
                    Page(
                        path[: -len(".html")],
                        "compare.qmd.j2",
                        title,
                        words["words_lang"],
                        t(
                            "compare.description",
                            figure=figure_id,
                            old=old["number"],
                            new=new["number"],
                            summary=summary,
                        ),
                        (
                            Link(t("nav.index"), root + "index.html"),
                            Link(t("nav.figures"), root + "figures/index.html"),
                            Link(figure_id, "../../index.html"),
                            Link(t("compare.crumb", old=old["number"], new=new["number"]), ""),
                        ),
                        CompareContext(
                            Link(figure_id, "../../index.html"),
                            Link(
                                t("common.version_lower", number=old["number"]), f"../../v/{old['version']}/index.html"
                            ),
                            Link(
                                t("common.version_lower", number=new["number"]), f"../../v/{new['version']}/index.html"
                            ),
                            f"../../v/{old['version']}/{lighter_image(model, old_folder)}",
                            f"../../v/{new['version']}/{lighter_image(model, new_folder)}",
                            summary,
                            diff,
                            SHOWN_DIFF_ROWS,
                            tuple(
                                (t(f"changes.shown_{name}"), old_text, new_text, "" if lang == model.language else lang)
                                for name, old_text, new_text, lang in texts
                            ),
                            f"{figure_id}-v{old['number']}-v{new['number']}-diff.csv",
                        ),
                        files=(("diff.csv", diff.to_csv()),),
                        title_words=words["title"],
                    )
                )
    return pages


def version_listed(entry: dict[str, Any], history: list[dict[str, Any]], first: dict[str, Any]) -> dict[str, Any]:
    """A version as versions.js lists it for the notice on older versions' pages: dated by its own
    edition (a return to an earlier version is dated as that version, its citations' date), and
    the first version with the same outputs (same)."""
    return {
        "version": entry["version"],
        "number": entry["number"],
        "edition": next(e["edition"] for e in history if e["version"] == entry["version"]),
        "same": first[entry["version"]]["version"],
    }


def renamed_ids(model: SiteModel) -> dict[str, str]:
    """Each old id of a renamed figure -> the id it has now (none is reused: discover_all)."""
    return {alias: r.figure.id for r in model.results.values() for alias in r.figure.aliases}


def redirect_pages(model: SiteModel) -> list[Page]:
    """Old ids of renamed figures forward to the new id; retired ids to their last version."""
    current = {r.figure.id: r.figure for r in model.results.values()}
    aliases = renamed_ids(model)
    pages = []
    retired = set(model.ledger.get("figures", {})) - set(current) - set(aliases)
    root, t = "../../", model.interface.text
    for old_id in sorted(set(aliases) | retired):
        # What was at the figure's own address stays there: its files (a paper links its data.csv, a
        # reader's feed reader its atom.xml's folder) as the figure they now stand for has them, and
        # its embedded view (other sites frame embed.html), which forwards as the page does.
        files: tuple[tuple[str, bytes | Path], ...]
        if old_id in aliases:
            new_id = aliases[old_id]
            target = Link(new_id, f"../{new_id}/index.html")
            note, title = t("redirect.renamed", old=old_id, new=new_id), t("redirect.title", old=old_id)
            now = model.results[new_id]
            files = (("data.csv", now.csv), ("figure.svg", now.svg), ("figure.png", now.png), ("figure.pdf", now.pdf))
            # and the citations of the figure it now is (a paper's link to its cite.bib had broken)
            new_history = model.ledger.get("figures", {}).get(new_id)
            if new_history:
                item = published_version(model, new_id, canonical(new_history)[new_history[-1]["version"]])
                files += citation_files(cite(version_cited(model, item), model.references))
            embedded = f"../{new_id}/embed.html"
        else:
            history = model.ledger["figures"][old_id]
            last = history[-1]["version"]
            target = Link(t("redirect.last_version", old=old_id), f"v/{last}/index.html")
            note, title = t("redirect.retired", old=old_id), t("redirect.title_retired", old=old_id)
            item = published_version(model, old_id, canonical(history)[last])
            shown = ("data.csv", "figure.svg", "figure.png", PDF_FILE)
            files = tuple((name, content) for name, content in item.files.items() if name in shown)
            files += citation_files(cite(version_cited(model, item), model.references))
            embedded = f"v/{last}/embed.html"
        breadcrumbs = (
            Link(t("nav.index"), root + "index.html"),
            Link(t("nav.figures"), root + "figures/index.html"),
            Link(old_id, ""),
        )
        pages.append(
            Page(
                f"figures/{old_id}/embed",
                "redirect.qmd.j2",
                title,
                model.language,
                note,
                breadcrumbs,
                RedirectContext(Link(target.label, embedded), note),
                redirect=embedded,
            )
        )
        pages.append(
            Page(
                f"figures/{old_id}/index",
                "redirect.qmd.j2",
                title,
                model.language,
                note,
                breadcrumbs,
                RedirectContext(target, note),
                redirect=target.href,
                files=files,
            )
        )
    return pages


def field_type(values: list[str]) -> str:
    present = [v for v in values if v != ""]
    if present and all(INTEGER.match(v) for v in present):
        return "integer"
    if present and all(NUMBER.match(v) for v in present):
        return "number"
    if present and all(v in ("True", "False", "true", "false") for v in present):
        return "boolean"
    return "string"


def table_schema(csv: bytes, primary_key: list[str], label: str, interface: Interface) -> dict[str, Any]:
    """A Frictionless Table Schema for a published CSV, its fields described in English; the
    declared primary key must hold."""
    header, rows = read_csv_columns(csv)
    fields = []
    for index, column in enumerate(header):
        description = column_description(interface, column, LANGUAGES[0])
        unit = COLUMN_UNITS.get(column, "")
        field = {"name": column, "type": field_type([row[index] for row in rows]), "description": description}
        if unit:
            field["unit"] = unit  # not a Table Schema property; kept as documented metadata
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields}
    if primary_key:
        positions = [header.index(column) for column in primary_key]
        if len({tuple(row[i] for i in positions) for row in rows}) != len(rows):
            raise BuildError([Problem(label, f"primary key {primary_key} is not unique in data.csv")])
        schema["primaryKey"] = list(primary_key)
    return schema


def column_description(interface: Interface, column: str, language: str | None = None) -> str:
    """What a published column holds, in the language (default: the edition's); "" for a column
    the catalogues do not describe (an analysis's own)."""
    key = f"data.column.{column}"
    if interface.has(key):
        return interface.text(key, language)
    # a column named by a group of texts (count_central, per_million_local; units_local_east and
    # share_local_east_pct in early versions of the sub-tools figure)
    for prefix, suffix in (("per_million_", ""), ("count_", ""), ("units_", ""), ("share_", "_pct")):
        kind = f"data.column_of.{prefix.rstrip('_')}"
        if column.startswith(prefix) and column.endswith(suffix) and interface.has(kind):
            return interface.text(kind, language, group=column[len(prefix) : len(column) - len(suffix)])
    return ""


@cache
def read_csv_columns(csv: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV the build wrote (every cell a string, blank lines skipped).

    The csv module, not pandas: every published CSV is read twice per build, for the data
    catalogue and for datapackage.json, and this is several times faster."""
    header, *rows = (row for row in csv_module.reader(io.StringIO(csv.decode("utf-8"))) if row)
    return header, rows


def data_resources(model: SiteModel) -> list[dict[str, Any]]:
    """Every published CSV: the latest data of each figure, then each published version."""
    resources = []
    for result in sorted(model.results.values(), key=lambda r: r.figure.id):
        f = result.figure
        resources.append(
            {
                "name": f.id,
                "title": f.title,
                "path": f"figures/{f.id}/data.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": f.caption,
                "schema": table_schema(result.csv, list(f.primary_key), f.analysis, model.interface),
            }
        )
    for item in published_versions(model):
        doi = model.dois.get((item.figure_id, item.entry["version"]))
        resources.append(
            {
                "name": f"{item.figure_id}-v{item.entry['number']}",
                "title": f"{item.meta['title']} (version {item.entry['number']})",
                "path": f"{item.folder}data.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": item.meta["caption"],
                **({"doi": doi, "homepage": doi_url(doi)} if doi else {}),
                "schema": table_schema(
                    item.read("data.csv"), item.meta.get("primary_key", []), item.folder, model.interface
                ),
            }
        )
    return resources


def licence(model: SiteModel) -> dict[str, str]:
    """The data's licence as the Data Package names one: SPDX id and URL (the package holds data only)."""
    s = model.project.settings
    return {"name": s.licence_id, "path": s.licence_url, "title": f"{s.licence_id} ({licences(s)[0].covers})"}


def shown_licence(model: SiteModel) -> dict[str, str]:
    """The data's licence as the data page names it, in the edition's words (the Data Package's
    title is English: "CC-BY-4.0 (text and data)" stood in the Chinese edition too)."""
    s, t = model.project.settings, model.interface.text
    covers = "text_and_data" if s.code_licence_id else "text_data_and_code"
    return {
        **licence(model),
        "title": t("data.licence_title", spdx=s.licence_id, covers=t(f"data.licence_covers.{covers}")),
    }


def data_catalogue_page(model: SiteModel) -> Page:
    from pilotsite.pages.model import CatalogueContext, CatalogueEntry, figure_href

    root = "../"
    t = model.interface.text
    entries = []
    for resource in data_resources(model):
        if "-v" in resource["name"] and resource["name"] not in model.results:
            continue  # versions are listed on their figure's page and in datapackage.json
        entries.append(
            CatalogueEntry(
                name=resource["name"],
                title=resource["title"],
                description=resource["description"],
                csv_href=root + resource["path"],
                figure=Link(resource["name"], figure_href(root, resource["name"])),
                fields=tuple(
                    (
                        f["name"],
                        f["type"],
                        t(f"data.unit_name.{f['unit']}") if f.get("unit") else "",
                        column_description(model.interface, f["name"]),
                    )
                    for f in resource["schema"]["fields"]
                ),
                primary_key=tuple(resource["schema"].get("primaryKey", ())),
            )
        )
    t = model.interface.text
    return Page(
        "data/index",
        "data.qmd.j2",
        t("nav.data"),
        model.language,
        t("page.data_description"),
        (Link(t("nav.index"), root + "index.html"), Link(t("nav.data"), "")),
        CatalogueContext(tuple(entries), shown_licence(model)),
    )


def site_files(model: SiteModel, paths: list[str]) -> dict[str, bytes]:
    """Files at fixed places in the site that describe it as a whole; paths: every page but
    redirects (the sitemap lists them)."""
    s = model.project.settings
    files = {}
    package = {
        "profile": "data-package",
        "name": "policy-pilots",
        "title": s.title,
        "homepage": s.site_url + "/",
        "licenses": [licence(model)],
        "contributors": [{"title": a, "role": "author"} for a in s.authors],
        "resources": data_resources(model),
    }
    files["datapackage.json"] = (json.dumps(package, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    cff = {
        "cff-version": "1.2.0",
        "message": (
            "If you use a figure from this site, please cite the version of the figure you used; "
            "every figure page gives its citation."
        ),
        "title": s.title,
        "type": "dataset",
        "authors": [{"name": a} for a in s.authors],
        # CFF reads a list of licences as a choice among them: the data's alone (the code's is in each
        # version's metadata)
        "date-released": s.date,
        "url": s.site_url + "/",
        "license": s.licence_id,
        "abstract": f"Figures, data and code on Chinese local-government policy pilots ({s.title_zh}).",
    }
    files["CITATION.cff"] = yaml.safe_dump(cff, allow_unicode=True, sort_keys=False).encode("utf-8")
    # URL-escaped (a site under /研究/), then XML-escaped: a sitemap holds only URLs, as XML text
    urls = "".join(
        f"  <url><loc>{xml_escape(quote(absolute(model, folder_address(path + '.html')), safe=':/%'))}</loc></url>\n"
        for path in sorted(paths)
    )
    files["sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
    ).encode("utf-8")
    # robots.txt is read only at a host's root: a site published under a sub-path lists the sitemap there itself
    files["robots.txt"] = (
        "# Generated by build.py: every page may be crawled; the sitemap lists them.\n"
        f"User-agent: *\nAllow: /\nSitemap: {absolute(model, 'sitemap.xml')}\n"
    ).encode()
    figures = model.ledger.get("figures", {})
    renamed = renamed_ids(model)
    for figure_id, history in figures.items():
        first = canonical(history)
        # same: the first version with identical outputs; a page of a version the same as the
        # latest is not told that a newer one exists
        versions = [version_listed(e, history, first) for e in history]
        # a renamed figure's current version is the one of the figure it now is: its versions'
        # pages name that one (they had named their own last version as current)
        now_id = renamed.get(figure_id, figure_id)
        now = figures.get(now_id) or history
        last = now[-1]
        latest = canonical(now)[last["version"]]["version"]
        if now is not history:
            versions.append(version_listed(last, now, canonical(now)))
        info = {
            "figure": figure_id,
            "latest": latest,
            # the latest entry on the What changed page (a return to an earlier version has its own)
            "changes": f"{now_id}-{last['version']}" + (f"-{len(now)}" if last.get("restores") else ""),
            "versions": versions,
        }
        listing = ("window.pilotsiteVersions = " + json.dumps(info, sort_keys=True) + ";\n").encode("utf-8")
        for folder in EDITIONS.values():  # beside the version pages of every edition
            files[f"{folder}figures/{figure_id}/versions.js"] = listing
    return files
