"""The Chinese words of each search bundle (words.txt, pilotsite/publishing/search.py), which the
search page splits a query typed without spaces into: read from the index the real Pagefind writes."""

from __future__ import annotations

from pathlib import Path

from pilotsite.publishing.search import WORDS_FILE, run_pagefind, write_index_words

PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main data-pagefind-body>{body}</main></body></html>
"""


def test_a_bundle_lists_the_chinese_words_of_its_pages_text_with_the_pages_that_have_each(tmp_path: Path):
    site = tmp_path / "site"
    pages = {
        "a": PAGE.format(
            title="通知", body="<h1>关于社会保障的通知</h1><p>各级人民政府应当加强社会保障。Pilot 2024, <b>x</b></p>"
        ),
        # metadata is not segmented: this phrase is one "word" of the index, the start of no typed query
        "b": PAGE.format(title="b", body='<p data-pagefind-meta="note:宅基地试点工作方案">县人民政府。</p>'),
    }
    for name, html in pages.items():
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(html, encoding="utf-8")
    run_pagefind(site, "pagefind", "**/*.html")
    write_index_words(site / "pagefind")

    lines = (site / "pagefind" / WORDS_FILE).read_text(encoding="utf-8").splitlines()
    listed = {word: int(count) for word, count in (line.split(" ") for line in lines)}
    assert lines == sorted(lines)
    # Pagefind's words, not the query's: it keeps 人民 | 政府 and 社会 | 保障 apart
    assert listed["人民"] == 2 and listed["政府"] == 2 and listed["社会"] == 1 and listed["保障"] == 1
    assert "人民政府" not in listed and "社会保障" not in listed
    assert not any("宅基地" in word for word in listed)  # only in metadata
    assert not any(word.lower() in ("pilot", "2024", "x") for word in listed)  # Han characters only


def test_the_search_pages_table_of_simplified_characters_is_opencc_s():
    """site/assets/simplified.txt is what scripts/export_simplified.py writes from the installed
    OpenCC: not edited by hand, and regenerated with OpenCC's version."""
    import sys

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "scripts"))
    from export_simplified import TABLE, simplified_forms, table_text

    forms = simplified_forms()
    assert TABLE.read_text(encoding="utf-8") == table_text(forms)
    # the forms a reader types: mainland-standard traditional, Taiwan's and Hong Kong's
    assert [forms.get(c) for c in "國務會為爲裡臺衞"] == list("国务会为为里台卫")
    assert "院" not in forms  # the same in both
    assert not set(forms) & set("么干着国")  # simplified characters stay
