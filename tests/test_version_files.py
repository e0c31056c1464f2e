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
