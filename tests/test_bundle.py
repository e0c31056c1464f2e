"""Deposit bundles: each figure's current version has a zip that reproduces it on its own.

The central test does what a depositor's reader would: unpack one bundle of each kind of
analysis in an empty folder outside the project, create a fresh virtual environment, run the
bundle README's two commands (install its locked requirements, run reproduce.py), and compare
what it wrote with the site's figure.svg, figure.png, figure.pdf, figure-300dpi.png and data.csv
byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
import yaml

from conftest import copy_built, discard, locked_pins, run_build
from pilotsite.inputs.corpus import Corpus
from pilotsite.pages import bundle as bundle_module
from pilotsite.pages.bundle import LOCK, ZIP_DATE, SourceFile, data_files, file_digest, zipped
from pilotsite.state.fingerprint import walk_files

# every file of the version a reader downloads: the PDF and its print PNG too (bundles had lacked them)
REPRODUCED = ("figure.svg", "figure.png", "figure.pdf", "figure-300dpi.png", "data.csv")


def bundles(site: Path) -> dict[str, Path]:
    """figure id -> its deposit.zip (on the figure's page: its current version's)."""
    assert not list((site / "figures").glob("*/v/*/deposit.zip"))  # a version page never changes: it has none
    return {path.parent.name: path for path in sorted((site / "figures").glob("*/deposit.zip"))}


def current_version(bundle: Path) -> Path:
    """The folder of the version the figure page beside a bundle cites (its current version)."""
    page = (bundle.parent / "index.html").read_text(encoding="utf-8")
    version = re.search(r'<p class="version-note">.*?href="v/([0-9a-f]+)/index.html"', page).group(1)
    return bundle.parent / "v" / version


def kind_of(project: Path, bundle: Path) -> str:
    figure_id, version = bundle.parent.name, current_version(bundle).name
    return json.loads((project / "history/figures" / figure_id / version / "meta.json").read_text(encoding="utf-8"))[
        "kind"
    ]


def test_every_drawn_figure_has_a_bundle_of_its_current_version(built_project, built_site):
    found = bundles(built_site)
    drawn = sorted(p.parent.name for p in (built_site / "figures").glob("*/figure.svg"))
    assert sorted(found) == drawn and len(drawn) >= 20
    for figure_id, path in found.items():
        version_folder = current_version(path)
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            top = {name.split("/")[0] for name in names}
            assert len(top) == 1, top  # unpacks into one folder, not over the current one
            folder = top.pop()
            assert folder.startswith(f"{figure_id}-v")
            inside = {name[len(folder) + 1 :] for name in names}
            for needed in (
                "README.md",
                "reproduce.py",
                "requirements.txt",
                f"analyses/{next(iter(version_folder.glob('*.py'))).name}",
                "pilotsite/pipeline.py",
                "data/site.yaml",
                "citation/cite.bib",
                "citation/cite.ris",
                "citation/cite.json",
                "citation/CITATION.cff",
                "citation/datacite.json",
                "citation/datacite.xml",
                "citation/zenodo.json",
            ):
                assert needed in inside, (figure_id, needed)
            assert len([n for n in inside if n.startswith("analyses/")]) == 1  # its own analysis only
            for name in REPRODUCED:  # what it compares against is the version's published file
                assert archive.read(f"{folder}/published/{name}") == (version_folder / name).read_bytes(), (
                    figure_id,
                    name,
                )
            for name in ("cite.bib", "datacite.json", "zenodo.json"):  # the deposit metadata the version page has
                assert archive.read(f"{folder}/citation/{name}") == (version_folder / name).read_bytes(), (
                    figure_id,
                    name,
                )
            assert archive.read(f"{folder}/requirements.txt") == LOCK.read_bytes()
            readme = archive.read(f"{folder}/README.md").decode("utf-8")
            assert (  # each licence beside its own URL (data/site.yaml)
                "Licence: CC-BY-4.0 for the text and data <https://creativecommons.org/licenses/by/4.0/>; "
                "MIT for the code <https://opensource.org/licenses/MIT>." in readme
            ), readme
            assert {info.date_time for info in archive.infolist()} == {ZIP_DATE}  # no clock in the bytes
            assert not [n for n in inside if "__pycache__" in n or n.startswith(".build")]


def test_a_bundle_carries_only_the_corpus_its_figure_studies(built_project, built_site):
    for figure_id, path in bundles(built_site).items():
        with zipfile.ZipFile(path) as archive:
            folder = archive.namelist()[0].split("/")[0]
            corpus_texts = [n for n in archive.namelist() if "/texts/" in n]
            config = f"{folder}/data/corpora.yaml"
            if kind_of(built_project, path) == "corpus":
                corpora = yaml.safe_load(archive.read(config))["corpora"]
                assert [c["id"] for c in corpora] == ["cn-regulations"], figure_id
                assert corpus_texts and all(n.startswith(f"{folder}/{corpora[0]['path']}/") for n in corpus_texts)
            else:
                assert config not in archive.namelist() and not corpus_texts, figure_id


def test_a_bundle_carries_only_the_documents_and_tables_its_figure_reads(built_project, built_site):
    """So an edit to one document's data changes only the bundles of the figures that read it."""

    def documents_in(figure_id: str) -> tuple[set[str], set[str]]:
        with zipfile.ZipFile(bundles(built_site)[figure_id]) as archive:
            names = [n.split("/", 1)[1] for n in archive.namelist()]
        return (
            {n.split("/")[2] for n in names if n.startswith("data/documents/")},
            {n for n in names if n.startswith(("data/reported/", "data/timelines/"))},
        )

    everyone = {p.parent.name for p in (built_project / "data/documents").glob("*/document.yaml")}
    assert documents_in("return-migrant-keywords") == (
        {"return-migrant-entrepreneurship"},
        {"data/reported/return-migrant-entrepreneurship/keywords.csv"},
    )
    assert documents_in("wenling-participatory-budgeting-keywords") == ({"wenling-participatory-budgeting"}, set())
    assert documents_in("cn-regulations-keywords-by-level") == (set(), set())
    with open(built_project / "data/timelines/events.csv", encoding="utf-8", newline="") as handle:
        quoted = {row["document_id"] for row in csv.DictReader(handle)}
    # a timeline's table quotes several documents: the loader checks each quote against its document
    assert documents_in("case-timelines-combined") == (quoted, {"data/timelines/events.csv"})
    assert quoted < everyone


def test_bundles_deflate_each_file_once_into_the_bytes_zipfile_writes(tmp_path, monkeypatch):
    """Every corpus figure's bundle carries the whole corpus: each file is deflated once per
    build and its deflated bytes copied into every bundle, which must be the zip zipfile itself
    writes from the files' bytes."""
    contents = ["", "条例第一条" * 4000, "ascii only\n", "条例第一条" * 4000, "第二条<script>\r\n"]
    paths = []
    for number, text in enumerate(contents):
        paths.append(tmp_path / f"texts/t{number}.md")
        paths[-1].parent.mkdir(exist_ok=True)
        paths[-1].write_text(text, encoding="utf-8")
    compressed = []

    class CountingZlib:  # the zlib bundle.py sees: counts what it deflates itself
        DEFLATED = zlib.DEFLATED
        crc32 = staticmethod(zlib.crc32)

        @staticmethod
        def compressobj(*args):
            compressed.append(args)
            return zlib.compressobj(*args)

    monkeypatch.setattr(bundle_module, "_DEFLATED", bundle_module.DeflatedFiles())
    monkeypatch.setattr(bundle_module, "zlib", CountingZlib)
    for folder in ("first-v1", "second-v3"):
        members = {f"{folder}/data/{p.name}": SourceFile(p, file_digest(p)) for p in paths}
        members[f"{folder}/README.md"] = "说明".encode()
        fast = zipped(members)
        plain = zipped({name: c.path.read_bytes() if isinstance(c, SourceFile) else c for name, c in members.items()})
        assert fast == plain
        with zipfile.ZipFile(io.BytesIO(fast)) as archive:
            assert archive.testzip() is None
            assert archive.read(f"{folder}/data/t4.md").decode("utf-8") == contents[4]
        # four distinct files (two share their bytes), deflated by the first bundle only
        assert len(compressed) == 4, compressed
    # past its budget the memo keeps nothing more, and what it gives is still the file
    small = bundle_module.DeflatedFiles(budget=100)
    for path in paths:
        raw, crc, size = small.get(SourceFile(path, file_digest(path)))
        assert zlib.decompress(raw, -15) == path.read_bytes() and crc == zlib.crc32(path.read_bytes())
    assert 0 < small.size <= 100 and len(small.kept) < 4


def test_the_bundle_readme_shows_a_title_and_citation_as_written_where_markdown_is_rendered():
    """A title with markup: repositories render README.md as Markdown, where it had run as HTML."""
    import pypandoc

    title = 'Shares <script>alert(1)</script> & "Q" *x* [a](b) a\\b'
    citation = "O'Brien & <i>Co</i>. (2026). A_b_c"
    readme = bundle_module.readme("f", 2, title, "https://example.org/f/v/1/", citation, "MIT for the code <u>", "f-v2")
    shown = pypandoc.convert_text(readme.decode("utf-8"), "plain", format="commonmark", extra_args=["--wrap=none"])
    assert title in shown and citation in shown
    rendered = pypandoc.convert_text(readme.decode("utf-8"), "html", format="commonmark")
    assert "<script>" not in rendered and "<i>" not in rendered and "<em>" not in rendered


def test_a_figure_page_links_its_bundle_in_both_editions(built_site):
    """The Chinese edition's figure page links the one bundle, at the site root's path."""
    for figure_id, path in bundles(built_site).items():
        relative = path.relative_to(built_site).as_posix()
        for edition, up in (("", "../../"), ("zh/", "../../../")):
            page = (built_site / edition / path.parent.relative_to(built_site) / "index.html").read_text(
                encoding="utf-8"
            )
            assert f'href="{up}{relative}" download' in page, (edition, figure_id)
        assert not (built_site / "zh" / relative).exists()


def test_the_bundle_lock_pins_what_the_project_pins():
    bundle, project = locked_pins(LOCK), locked_pins()
    assert bundle and set(bundle) <= set(project)
    assert {name: project[name] for name in bundle} == bundle


def test_a_corpus_outside_the_project_moves_into_the_bundle(tmp_path):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data/site.yaml").write_text("title: t\n", encoding="utf-8")
    shared = tmp_path / "shared/corpus"
    (shared / "texts").mkdir(parents=True)
    (shared / "metadata.csv").write_text("id,title,file\na,A,texts/a.txt\n", encoding="utf-8")
    (shared / "texts/a.txt").write_text("文本", encoding="utf-8")
    (root / "data/corpora/old-sample").mkdir(parents=True)  # a corpus folder the configuration no longer names
    (root / "data/corpora/old-sample/metadata.csv").write_text("id,title,file\n", encoding="utf-8")
    (root / "data/corpora.yaml").write_text(
        yaml.safe_dump(
            {
                "corpora": [
                    {"id": "far", "title": "Far", "path": "../shared/corpus"},
                    {"id": "unused", "title": "U", "path": "data/u"},
                ]
            }
        ),
        encoding="utf-8",
    )
    corpora = {
        id_: Corpus(id_, id_, (root / label).resolve(), label, (), (), (), None, ())
        for id_, label in (("far", "../shared/corpus"), ("unused", "data/u"))
    }
    # the figure's inputs name the outside corpus's files as the site does (Corpus.home)
    assert corpora["far"].files == ["data/corpora/far/metadata.csv"] and corpora["unused"].home == "data/u"
    files, config = data_files(root, corpora, ("data/corpora/far/metadata.csv", "data/corpora/far/texts/a.txt"))
    assert set(files) == {"data/site.yaml", "data/corpora/far/metadata.csv", "data/corpora/far/texts/a.txt"}
    assert files["data/corpora/far/texts/a.txt"] == shared / "texts/a.txt"
    assert yaml.safe_load(config) == {"corpora": [{"id": "far", "title": "Far", "path": "data/corpora/far"}]}


def test_the_data_walk_skips_the_named_folders_without_entering_them(tmp_path, monkeypatch):
    """A corpus under data/ holds thousands of files: data_files walks past its folder (and
    data/corpora/), it does not list it and throw each file away."""
    for name in ("a/keep.txt", "a/corpus/t1.txt", "a/corpus/deep/t2.txt", "b/__pycache__/x.pyc", "b/y.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    entered = []
    real_walk = os.walk

    def recording_walk(top, *args, **kwargs):
        for current, folders, names in real_walk(top, *args, **kwargs):
            entered.append(os.path.relpath(current, tmp_path))
            yield current, folders, names

    monkeypatch.setattr(os, "walk", recording_walk)
    listed = [relative for relative, _ in walk_files(str(tmp_path), skip={"a/corpus"})]
    assert listed == ["a/keep.txt", "b/y.txt"]
    assert not any(folder.startswith(("a/corpus", "b/__pycache__")) for folder in entered), entered


@pytest.fixture(scope="module")
def bundle_python(tmp_path_factory) -> Path:
    """A fresh virtual environment with one bundle's requirements.txt installed, the README's way."""
    venv = tmp_path_factory.mktemp("bundle-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", str(LOCK)], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    yield python
    discard(venv)


def test_one_bundle_of_each_kind_reproduces_its_version_byte_for_byte(
    built_project, built_site, bundle_python, tmp_path
):
    chosen = {}
    for path in bundles(built_site).values():
        chosen.setdefault(kind_of(built_project, path), path)
    assert set(chosen) >= {"policy-tools", "keywords", "timeline", "corpus"}, set(chosen)
    for kind, path in sorted(chosen.items()):
        empty = tmp_path / kind
        empty.mkdir()
        with zipfile.ZipFile(path) as archive:
            archive.extractall(empty)
        [folder] = list(empty.iterdir())
        assert (folder / "requirements.txt").read_bytes() == LOCK.read_bytes()  # what the venv has installed
        run = subprocess.run(
            [str(bundle_python), "reproduce.py"],
            cwd=folder,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        )  # nothing of the project's environment
        assert run.returncode == 0, (kind, run.stdout, run.stderr[-3000:])
        site_folder = path.parent
        for name in REPRODUCED:
            assert (folder / "reproduced" / name).read_bytes() == (site_folder / name).read_bytes(), (kind, name)
            assert f"{name}: identical" in run.stdout


def test_a_recorded_doi_leaves_other_bundles_as_they_were_and_its_own_reproduces(
    built_project, bundle_python, tmp_path
):
    """Recording a DOI, as the README says, once the version is deposited: the bundle of that
    version names it in its citation files and still reproduces on its own; no other bundle
    changes. Every bundle had carried data/dois.yaml, whose check needs the ledger and idutils,
    neither of which a bundle has: reproduce.py failed in all of them."""
    project = copy_built(built_project, tmp_path / "project")
    before = {f: sha256(p) for f, p in bundles(project / "_site").items()}
    figure = "return-migrant-tool-types"
    version = json.loads((project / "history/ledger.json").read_text(encoding="utf-8"))["figures"][figure][-1][
        "version"
    ]
    (project / "data/dois.yaml").write_text(
        f'dois:\n  {figure}:\n    "{version}": 10.5281/zenodo.1111111\n', encoding="utf-8"
    )
    run_build(project, traced=False)
    after = bundles(project / "_site")
    assert {f for f, p in after.items() if sha256(p) != before[f]} == {figure}
    folder = unpacked(after[figure], tmp_path / "with-doi")
    assert not (folder / "data/dois.yaml").exists()
    assert "10.5281/zenodo.1111111" in (folder / "citation/cite.bib").read_text(encoding="utf-8")
    run = reproduce(bundle_python, folder, tmp_path)
    assert run.returncode == 0, (run.stdout, run.stderr[-3000:])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unpacked(bundle: Path, into: Path) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
    [folder] = [p for p in into.iterdir() if p.is_dir()]
    return folder


def reproduce(python: Path, folder: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "reproduce.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )


def test_reproduce_reports_a_difference_and_bad_data(built_site, bundle_python, tmp_path):
    """An edited analysis does not pass as reproduced; edited data that no longer validate get
    the build's own error, naming the file and the line."""
    path = bundles(built_site)["return-migrant-tool-types"]
    folder = unpacked(path, tmp_path / "edited-code")
    analysis = folder / "analyses/policy_tools.py"
    analysis.write_text(
        analysis.read_text(encoding="utf-8").replace("ax.set_xlabel(xlabel)", "ax.set_xlabel(xlabel, fontsize=12)"),
        encoding="utf-8",
    )
    run = reproduce(bundle_python, folder, tmp_path)
    assert run.returncode == 1, (run.stdout, run.stderr[-2000:])
    assert "figure.svg: DIFFERS from published/figure.svg" in run.stdout
    assert "data.csv: identical to published/data.csv" in run.stdout

    folder = unpacked(path, tmp_path / "edited-data")
    table = folder / "data/reported/return-migrant-entrepreneurship/tool-types.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["share_pct"] = f"{float(rows[0]['share_pct']) + 0.01:.2f}"  # the quote now disagrees with the number
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    run = reproduce(bundle_python, folder, tmp_path)
    assert run.returncode == 2 and "tool-types.csv, line 2" in run.stdout, (run.stdout, run.stderr[-2000:])
    assert not (folder / "reproduced").exists()
