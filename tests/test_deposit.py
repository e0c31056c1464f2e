"""Ready for a DOI: each figure version's deposit metadata (DataCite 4.5, Zenodo), a DOI recorded
in data/dois.yaml reaching every citation format, and licences named by URL and SPDX id."""

import json
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
import rispy
import yaml
from datacite import schema45
from lxml import etree

from conftest import cited_entry, copy_built, discard, run_build, tree_hashes

FIGURE = "return-migrant-tool-types"
DOI = "10.5281/zenodo.1234567"
DATA_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CODE_LICENCE = "https://opensource.org/licenses/MIT"


def version_folders(site: Path) -> list[Path]:
    """Every version page's folder, in both editions."""
    return sorted(p.parent for p in site.glob("**/figures/*/v/*/index.html"))


def json_ld(page: Path) -> dict:
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    return json.loads(ld)


def test_every_version_has_datacite_metadata_that_passes_the_4_5_schema(built_site):
    folders = version_folders(built_site)
    assert len(folders) > 100
    for folder in folders:
        record = json.loads((folder / "datacite.json").read_text(encoding="utf-8"))
        assert schema45.validate(record), f"{folder}: {[e.message for e in schema45.validator.iter_errors(record)]}"
        assert record["types"]["resourceTypeGeneral"] == "Dataset" and record["url"].endswith(f"/v/{folder.name}/")
        assert [r["rightsUri"] for r in record["rightsList"]] == [DATA_LICENCE, CODE_LICENCE]
        assert [r["rightsIdentifier"] for r in record["rightsList"]] == ["CC-BY-4.0", "MIT"]
        relations = {r["relationType"]: r["relatedIdentifier"] for r in record["relatedIdentifiers"]}
        assert relations["IsVersionOf"].endswith(f"/figures/{folder.parent.parent.name}/")
        meta = json.loads(
            (built_site.parent / "history/figures" / folder.parent.parent.name / folder.name / "meta.json").read_bytes()
        )
        assert ("IsDerivedFrom" in relations) == bool(
            meta["documents"]
        )  # its source documents (a corpus figure has none)
        assert "doi" not in record  # the shipped data records no DOI
        root = etree.fromstring((folder / "datacite.xml").read_bytes())  # well-formed, in DataCite's namespace
        assert root.tag == "{http://datacite.org/schema/kernel-4}resource"
        assert root.findtext("{*}titles/{*}title") == record["titles"][0]["title"]
    # a version that is not the first names the one before it
    history = json.loads((built_site.parent / "history/ledger.json").read_text(encoding="utf-8"))["figures"][FIGURE]
    second = json.loads(
        (built_site / "figures" / FIGURE / "v" / history[1]["version"] / "datacite.json").read_text(encoding="utf-8")
    )
    assert {
        "relationType": "IsNewVersionOf",
        "relatedIdentifierType": "URL",
        "relatedIdentifier": f"https://example.org/policy-pilots/figures/{FIGURE}/v/{history[0]['version']}/",
    } in second["relatedIdentifiers"]


def test_deposit_files_are_the_same_in_both_editions(built_site):
    for folder in (built_site / "figures" / FIGURE / "v").iterdir():
        twin = built_site / "zh" / folder.relative_to(built_site)
        for name in ("datacite.json", "datacite.xml", "zenodo.json"):
            assert (folder / name).read_bytes() == (twin / name).read_bytes()


def test_zenodo_metadata(built_site):
    for folder in version_folders(built_site):
        record = json.loads((folder / "zenodo.json").read_text(encoding="utf-8"))
        assert {
            "upload_type",
            "title",
            "creators",
            "description",
            "version",
            "publication_date",
            "license",
            "related_identifiers",
            "keywords",
            "access_right",
        } <= set(record)
        assert (
            record["upload_type"] == "dataset" and record["license"] == "cc-by-4.0" and record["access_right"] == "open"
        )
        assert all(set(c) == {"name"} for c in record["creators"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["publication_date"]) and "doi" not in record
        assert {
            "relation": "isVersionOf",
            "identifier": f"https://example.org/policy-pilots/figures/{folder.parent.parent.name}/",
        } in record["related_identifiers"]
        assert CODE_LICENCE in record["notes"]


def test_licences_are_named_by_url_and_spdx_id(built_site):
    version = built_site / "figures" / FIGURE / "v" / cited_entry(built_site.parent, FIGURE)["version"]
    for page in (
        built_site / "figures" / FIGURE / "index.html",
        version / "index.html",
        built_site / "zh/figures" / FIGURE / "index.html",
    ):
        data = json_ld(page)
        assert data["license"] == DATA_LICENCE
        [code] = data["hasPart"]
        assert code["@type"] == "SoftwareSourceCode" and code["license"] == CODE_LICENCE and code["url"].endswith(".py")
    package = json.loads((built_site / "datapackage.json").read_text(encoding="utf-8"))
    assert [(lic["name"], lic["path"]) for lic in package["licenses"]] == [("CC-BY-4.0", DATA_LICENCE)]
    for cff in (built_site / "CITATION.cff", version / "CITATION.cff"):
        assert yaml.safe_load(cff.read_text(encoding="utf-8"))["license"] == "CC-BY-4.0"


def test_a_version_citation_cff_passes_cffconvert(built_site):
    version = built_site / "figures" / FIGURE / "v" / cited_entry(built_site.parent, FIGURE)["version"]
    cffconvert = str(Path(sys.executable).with_name("cffconvert"))
    result = subprocess.run(
        [cffconvert, "--validate", "-i", "CITATION.cff"], cwd=version, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def with_doi(built_project, tmp_path_factory) -> tuple[Path, str]:
    """A built copy of the project with a DOI recorded (as a resolver URL) for the version its
    figure page cites; returns the copy and that version's id."""
    root = copy_built(built_project, tmp_path_factory.mktemp("doi") / "project")
    version = cited_entry(root, FIGURE)["version"]
    (root / "data/dois.yaml").write_text(
        f'dois:\n  {FIGURE}:\n    "{version}": https://doi.org/{DOI}\n', encoding="utf-8"
    )
    run_build(root)
    yield root, version
    discard(root.parent)


@pytest.mark.untraced
def test_a_recorded_doi_is_in_every_citation_and_record(with_doi):
    root, version = with_doi
    site = root / "_site"
    doi_url = f"https://doi.org/{DOI}"
    for folder in (
        site / "figures" / FIGURE / "v" / version,
        site / "figures" / FIGURE,
        site / "zh/figures" / FIGURE / "v" / version,
    ):
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert f'<meta name="citation_doi" content="{DOI}">' in page
        assert (
            json_ld(folder / "index.html")["identifier"] == doi_url
            and json_ld(folder / "index.html")["sameAs"] == doi_url
        )
        apa = re.search(r'<p class="citation" id="apa"[^>]*>(.*?)</p>', page, re.S).group(1)  # by citeproc
        assert doi_url in apa
        assert json.loads((folder / "cite.json").read_text(encoding="utf-8"))[0]["DOI"] == DOI
        [entry] = bibtexparser.parse_string((folder / "cite.bib").read_text(encoding="utf-8")).entries
        assert {f.key: f.value for f in entry.fields}["doi"] == DOI
        [record] = rispy.loads((folder / "cite.ris").read_text(encoding="utf-8"))
        assert record["doi"] == DOI
        assert yaml.safe_load((folder / "CITATION.cff").read_text(encoding="utf-8"))["doi"] == DOI
    folder = site / "figures" / FIGURE / "v" / version
    assert f'<a href="{doi_url}" class="doi">{doi_url}</a>' in (folder / "index.html").read_text(encoding="utf-8")
    record = json.loads((folder / "datacite.json").read_text(encoding="utf-8"))
    assert record["doi"] == DOI and schema45.validate(record)
    identifier = etree.fromstring((folder / "datacite.xml").read_bytes()).find("{*}identifier")
    assert identifier.text == DOI and identifier.get("identifierType") == "DOI"
    assert json.loads((folder / "zenodo.json").read_text(encoding="utf-8"))["doi"] == DOI
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in package["resources"] if r["path"] == f"figures/{FIGURE}/v/{version}/data.csv"]
    assert resource["doi"] == DOI
    # other versions carry no DOI
    others = [f for f in (site / "figures" / FIGURE / "v").iterdir() if f.name != version]
    assert others and not any("citation_doi" in (f / "index.html").read_text(encoding="utf-8") for f in others)


def test_the_dois_are_read_from_data_dois_yaml_and_a_project_without_it_has_none(with_doi):
    from pilotsite.inputs.dois import load_dois
    from pilotsite.inputs.project import open_project

    root, version = with_doi
    assert load_dois(open_project(root)) == {(FIGURE, version): DOI}  # the resolver URL, read bare
    dois = root / "data/dois.yaml"
    kept = dois.read_text(encoding="utf-8")
    try:
        dois.unlink()  # an optional file: a project that has minted no DOI need not have it
        assert load_dois(open_project(root)) == {}
    finally:
        dois.write_text(kept, encoding="utf-8")


@pytest.mark.parametrize(
    "written, expected",
    [
        ("10.5281 /zenodo.1", "expected a DOI of the form 10.NNNN/suffix"),
        ("https://example.org/10.5281/zenodo.1", "expected a DOI of the form 10.NNNN/suffix"),
        ("10.12/x", "expected a DOI of the form 10.NNNN/suffix"),
        # a control character, decoded, had stopped the build with a traceback in datacite.xml
        ("https://doi.org/10.5281/zenodo.1%1B2", "expected a DOI of the form 10.NNNN/suffix"),
        # its address decoded (%3C is <), as a document's DOI is; but CITATION.cff holds no <
        (
            "https://doi.org/10.5281/zenodo.1%3C2",
            "expected a DOI of the form 10.NNNN/suffix (or https://doi.org/10.NNNN/suffix), "
            "without spaces, braces, backslashes or quotes, nor < or > (CITATION.cff allows none in a DOI)",
        ),
    ],
)
def test_a_malformed_doi_is_refused_and_the_site_is_untouched(with_doi, written, expected):
    root, version = with_doi
    dois = root / "data/dois.yaml"
    kept, before = dois.read_text(encoding="utf-8"), tree_hashes(root / "_site")
    try:
        dois.write_text(f'dois:\n  {FIGURE}:\n    "{version}": "{written}"\n', encoding="utf-8")
        result = run_build(root, check=False)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert (
            f"data/dois.yaml, line 3: figure '{FIGURE}', version '{version}': found '{written}', {expected}"
            in result.stderr
        )
        assert "the published site was not changed" in result.stderr
        assert tree_hashes(root / "_site") == before
    finally:
        dois.write_text(kept, encoding="utf-8")


def test_a_doi_for_an_unknown_figure_or_version_is_refused(with_doi):
    root, version = with_doi
    dois = root / "data/dois.yaml"
    kept = dois.read_text(encoding="utf-8")
    try:
        dois.write_text(
            f'dois:\n  no-such-figure:\n    "{version}": {DOI}\n  {FIGURE}:\n    "000000000000": 10.5281/zenodo.2\n',
            encoding="utf-8",
        )
        result = run_build(root, check=False)
        assert result.returncode == 2
        assert "data/dois.yaml, line 3: figure 'no-such-figure': no such figure" in result.stderr
        assert (
            f"data/dois.yaml, line 5: figure '{FIGURE}', version '000000000000': not a published version of it"
            in result.stderr
        )
        dois.write_text(
            f'dois:\n  {FIGURE}:\n    "12345": {DOI}\n', encoding="utf-8"
        )  # not even the form of a version id
        result = run_build(root, check=False)
        assert result.returncode == 2
        assert (
            f"data/dois.yaml, line 3: field 'dois.{FIGURE}.12345" in result.stderr and "12 hex digits" in result.stderr
        )
    finally:
        dois.write_text(kept, encoding="utf-8")


def test_a_doi_with_url_characters_is_percent_encoded_in_its_resolver_address():
    """`#`, `?` and `%` are legal in a DOI: unencoded, the resolver was given only the DOI's start."""
    from pilotsite.inputs.schemas import doi_url

    assert doi_url(DOI) == f"https://doi.org/{DOI}"  # a plain DOI reads as written
    assert doi_url("10.1234/abc#2?x%41") == "https://doi.org/10.1234/abc%232%3Fx%2541"
    assert doi_url("10.1002/(SICI)1097-4571<3.0.CO;2-#") == "https://doi.org/10.1002/(SICI)1097-4571%3C3.0.CO;2-%23"


def test_the_apa_reference_gives_a_doi_with_url_characters_percent_encoded():
    """The APA text (page, embed, bundle README, PDF) had given https://doi.org/10.1234/abc#2?x%41
    as written: copied, that address drops everything after #."""
    from pilotsite.pages.citation import CitedFigure, Licence, RenderedReferences, cite

    cited = CitedFigure(
        figure_id="f",
        title="A figure",
        number=2,
        version="abcdef123456",
        edition="2026-11-22",
        url="https://example.org/figures/f/v/abcdef123456/",
        authors=("Someone",),
        publisher="A site",
        documents=(),
        licences=(Licence("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/", "text and data"),),
        doi="10.1234/abc#2?x%41",
    )
    apa = cite(cited, RenderedReferences(None)).apa
    assert apa.endswith("https://doi.org/10.1234/abc%232%3Fx%2541"), apa
