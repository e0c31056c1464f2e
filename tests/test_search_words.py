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
    run_pagefind(site, "pagefind", [f"{name}/index.html" for name in pages])
    write_index_words(site / "pagefind")

    lines = (site / "pagefind" / WORDS_FILE).read_text(encoding="utf-8").splitlines()
    listed = {word: int(count) for word, count in (line.split(" ") for line in lines)}
    assert lines == sorted(lines)
    # Pagefind's words, not the query's: it keeps 人民 | 政府 and 社会 | 保障 apart
    assert listed["人民"] == 2 and listed["政府"] == 2 and listed["社会"] == 1 and listed["保障"] == 1
    assert "人民政府" not in listed and "社会保障" not in listed
    assert not any("宅基地" in word for word in listed)  # only in metadata
    assert not any(word.lower() in ("pilot", "2024", "x") for word in listed)  # Han characters only


def test_a_bundle_is_the_same_whatever_order_the_file_system_lists_its_pages_in(tmp_path: Path):
    """Pagefind numbers pages in the order it reads them, and its own walk of a folder reads them in
    the order the file system lists them: the same site built on ext4 and in tmpfs (which lists a
    folder in the order its files were made) got different index files. Pages written in two
    orders make the same bundle."""
    from conftest import tree_hashes

    pages = {
        f"p{n:02d}": PAGE.format(
            title=f"第{n}号",
            body=f"<p data-pagefind-filter='level'>{'中央地方'[n % 2 * 2 :][:2]}</p>"
            f"<p>试点{n}工作方案，各级人民政府{'应当' * n}加强社会保障。</p>",
        )
        for n in range(12)
    }
    bundles = []
    for order in (sorted(pages), sorted(pages, reverse=True)):
        site = tmp_path / f"site-{len(bundles)}"
        for name in order:
            (site / name).mkdir(parents=True)
            (site / name / "index.html").write_text(pages[name], encoding="utf-8")
        run_pagefind(site, "pagefind", [f"{name}/index.html" for name in order])
        bundles.append(tree_hashes(site / "pagefind"))
    assert bundles[0] == bundles[1]
    assert any(path.startswith("index/") for path in bundles[0]) and any(
        path.startswith("filter/") for path in bundles[0]
    )


def test_a_pagefind_that_fails_is_a_build_error_with_what_it_said(tmp_path: Path, monkeypatch):
    import pytest

    from pilotsite.errors import BuildError
    from pilotsite.publishing import search

    (tmp_path / "site/p").mkdir(parents=True)
    (tmp_path / "site/p/index.html").write_text(PAGE.format(title="t", body="<p>试点</p>"), encoding="utf-8")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'cannot start: no memory' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr(search, "executable", lambda: broken)
    with pytest.raises(BuildError, match=r"Pagefind failed to index the site: cannot start: no memory$"):
        search.run_pagefind(tmp_path / "site", "pagefind", ["p/index.html"])
    assert not (tmp_path / "site/pagefind").exists()


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


def test_the_search_page_and_the_build_agree_on_what_a_han_character_is():
    """One set of ranges (documents.HAN) decides a text's language, the runs marked in the other
    edition's script and the words of words.txt; the search page's script splits queries by the
    same ranges, written in JavaScript's notation."""
    import re

    from pilotsite.inputs.documents import HAN, language_of
    from pilotsite.pages.sources import runs_marked

    script = (Path(__file__).parents[1] / "site/assets/query-words.js").read_text(encoding="utf-8")
    written = re.search(r"var HAN = /\[(.*?)\]\+/gu;", script)
    assert written is not None
    as_python = re.sub(r"\\u\{([0-9a-f]+)\}", lambda m: chr(int(m.group(1), 16)), written.group(1))
    as_python = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), as_python)
    assert as_python == HAN
    # characters of extension B (U+20000 on) are Chinese everywhere, not only in search
    rare = "\U00020000\U0002a6d6\U00020001\U00020002"
    assert language_of(rare + " ok") == "zh"
    assert 'lang="zh"' in runs_marked(f"The county {rare} pilot", "en")
