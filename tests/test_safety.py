"""Data can contain markup: it must reach readers as text, never as HTML or script."""
import re

import yaml

import build as build_module
from pilotsite.sources import markdown_text

HOSTILE = '<script>alert(1)</script> [x](javascript:alert(2)) "onmouseover=alert(3) `{=html}` {{< meta x >}}'


def test_markdown_escaping_neutralises_syntax():
    escaped = markdown_text(HOSTILE)
    assert "<" not in escaped.replace("\\<", "")
    assert "\\[x\\]\\(javascript\\:alert\\(2\\)\\)" in escaped


def test_hostile_metadata_and_text_are_escaped_in_every_page(project_copy, tmp_path):
    meta_path = project_copy / "data/documents/wenling-participatory-budgeting/document.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta.update(title=HOSTILE, short_title=HOSTILE, summary=HOSTILE)
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    text_path = project_copy / "data/documents/wenling-participatory-budgeting/text.md"
    text_path.write_text(text_path.read_text(encoding="utf-8") + "\n" + HOSTILE + "\n", encoding="utf-8")
    out = tmp_path / "site"
    build_module.build(project_copy, out, renderer="embedded")
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<script[^>]*>", html):  # only our own: JSON-LD data and the site's scripts
            assert tag == '<script type="application/ld+json">' or re.fullmatch(r'<script src="(\.\./)+[\w/.-]+\.js">', tag), (page, tag)
        assert "<script>alert" not in html, page
        assert not re.search(r"<[^>]+\sonmouseover=", html), page
        assert 'href="javascript:' not in html, page
    doc = (out / "documents/wenling-participatory-budgeting/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert 'rel="noopener noreferrer"' in (out / "documents/return-migrant-entrepreneurship/index.html").read_text(encoding="utf-8")
