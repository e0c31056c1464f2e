"""Files every build writes for every figure version, kept by content under .build/cache/: the
thumbnail and embed image scaled from a version's PNG, and the DataCite XML of its record. A kept
file is what making it again gives, and one that is kept is not made again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from pilotsite.pages import charts, deposit
from pilotsite.pages.embeds import embed_files, png_size

PNG = sorted((ROOT / "history/figures").glob("*/*/figure.png"))[0].read_bytes()


def test_scaled_images_are_named_at_once_made_together_and_kept_by_the_pngs_digest(tmp_path, monkeypatch):
    scaled = charts.ScaledImages(tmp_path)
    named = embed_files(PNG, scaled)
    assert all(isinstance(path, Path) and not path.exists() for _, path in named)  # named, not made yet
    scaled.make_missing()
    made = tuple((name, path.read_bytes()) for name, path in named)
    assert made == embed_files(PNG)  # the bytes made without a cache
    assert len(list(tmp_path.iterdir())) == 2  # the thumbnail and the embed image
    monkeypatch.setattr(charts, "scaled_pngs", lambda png: pytest.fail("scaled again"))
    later = charts.ScaledImages(tmp_path)  # a later build
    assert embed_files(PNG, later) == named
    later.make_missing()
    assert tuple((name, path.read_bytes()) for name, path in named) == made


def test_an_older_versions_print_png_is_made_once_from_its_pdf_and_kept(tmp_path, monkeypatch):
    """An older version's 300 dpi PNG is rasterised from its kept PDF; every build made it again
    (a sixth of a one-edit rebuild of a project whose figures all had newer versions)."""
    from pilotsite.figures import pdf as printing

    pdf = sorted((ROOT / "history/figures").glob("*/*/figure.pdf"))[0].read_bytes()
    kept = charts.ScaledImages(tmp_path)
    path = kept.printed(pdf)
    assert isinstance(path, Path) and not path.exists()  # named, not made yet
    kept.make_missing()
    assert path.read_bytes() == printing.print_png(pdf) == charts.ScaledImages().printed(pdf)  # as without a cache
    assert png_size(path.read_bytes())[0] > 2000  # print resolution
    monkeypatch.setattr(printing, "print_png", lambda pdf: pytest.fail("rasterised again"))
    later = charts.ScaledImages(tmp_path)  # a later build
    assert later.printed(pdf) == path
    later.make_missing()


def test_the_embed_views_stated_size_is_that_of_its_image():
    embedded = dict(embed_files(PNG))[charts.EMBED_IMAGE]
    assert png_size(embedded) == charts.scaled_size(*png_size(PNG), charts.EMBED_WIDTH)


def test_datacite_xml_is_kept_by_its_record_and_read_back(built_site, tmp_path, monkeypatch):
    record = json.loads(next(built_site.glob("figures/*/v/*/datacite.json")).read_text(encoding="utf-8"))
    made = deposit.datacite_xml(record, "a version", tmp_path)
    assert made == deposit.datacite_xml(record, "a version")  # the XML made without a cache
    assert [p.suffix for p in tmp_path.iterdir()] == [".xml"]
    import datacite.schema45

    monkeypatch.setattr(datacite.schema45, "tostring", lambda record: pytest.fail("converted again"))
    assert deposit.datacite_xml(record, "a version", tmp_path) == made
    edited = {**record, "publicationYear": "1999"}  # another record is another file
    with pytest.raises(pytest.fail.Exception, match="converted again"):
        deposit.datacite_xml(edited, "a version", tmp_path)


def test_citation_cff_is_kept_by_its_record_and_read_back(built_site, tmp_path, monkeypatch):
    from pilotsite.pages import citation

    text = next(built_site.glob("figures/*/v/*/CITATION.cff")).read_text(encoding="utf-8")
    record = yaml.safe_load(text)
    kept = citation.RenderedReferences(tmp_path / "references.json")
    assert kept.cff(record) == text == citation.dumped_cff(record)  # as written without the cache
    kept.save()
    monkeypatch.setattr(citation, "dumped_cff", lambda record: pytest.fail("written again"))
    later = citation.RenderedReferences(tmp_path / "references.json")  # a later build
    assert later.cff(record) == text
    with pytest.raises(pytest.fail.Exception, match="written again"):
        later.cff({**record, "version": "99"})  # another record is written


def test_apa_references_with_remembered_macros_are_citeprocs_own(built_site, monkeypatch):
    """citation.remember_macros looks each macro of the style up once; the references must be
    those citeproc-py renders with its own lookup, in both editions (Chinese names and titles)."""
    from citeproc import model

    from pilotsite.pages import citation

    items = [
        json.loads(path.read_text(encoding="utf-8"))[0]
        for path in sorted(built_site.glob("figures/*/v/*/cite.json"))[:12]
        + sorted(built_site.glob("zh/figures/*/v/*/cite.json"))[:12]
    ]
    assert len(items) == 24
    citation.apa_style()  # the style loaded: the lookup is remembered from here on
    remembering = model.CitationStylesElement.get_macro
    assert hasattr(remembering, "looked_up")
    fast = [citation.RenderedReferences().apa(item) for item in items]
    monkeypatch.setattr(model.CitationStylesElement, "get_macro", remembering.looked_up)
    assert [citation.RenderedReferences().apa(item) for item in items] == fast
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in reference) for reference in fast)


def test_two_processes_share_the_scaled_images_from_either_end(tmp_path, monkeypatch):
    pngs = sorted({p.read_bytes() for p in (ROOT / "history/figures").glob("*/*/figure.png")})[:4]
    assert len(pngs) == 4
    first, last = charts.ScaledImages(tmp_path), charts.ScaledImages(tmp_path)
    named = [first.files(png) for png in pngs]
    assert [last.files(png) for png in pngs] == named
    made: list[bytes] = []
    scale = charts.scaled_pngs.__wrapped__
    monkeypatch.setattr(charts, "scaled_pngs", lambda png: made.append(png) or scale(png))
    last.make_missing(from_last=True)
    assert made == pngs[::-1]  # from the last
    for path in named[0]:
        path.unlink()  # as if the other process had not come to the first yet
    made.clear()
    first.make_missing()
    assert made == pngs[:1]  # the others were made by the other process
    assert all(
        path.read_bytes() == data
        for paths, png in zip(named, pngs, strict=True)
        for path, data in zip(paths, scale(png), strict=True)
    )


@pytest.mark.untraced
def test_datacite_xml_is_made_without_datacites_http_clients(built_site):
    """The build imports datacite's schema module alone (deposit.datacite_schema): its XML is the
    one the package imported whole writes, and requests is never loaded."""
    import subprocess
    import sys

    from datacite import schema45  # the package imported whole, here

    record_file = next(built_site.glob("figures/*/v/*/datacite.json"))
    script = (
        "import json, sys\n"
        "from pilotsite.pages import deposit\n"
        f"record = json.loads(open({str(record_file)!r}, encoding='utf-8').read())\n"
        "sys.stdout.write(deposit.datacite_xml(record, 'a version'))\n"
        "assert 'requests' not in sys.modules and 'idutils' not in sys.modules, 'HTTP clients imported'\n"
    )
    made = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout
    assert made == schema45.tostring(json.loads(record_file.read_text(encoding="utf-8")))
    assert "<resource" in made
