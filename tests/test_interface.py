"""The interface's texts come from one catalogue per language (data/i18n/, read by
pilotsite/inputs/interface.py): checked against each other, escaped, and the pages follow them."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, run_build
from pilotsite.errors import BuildError
from pilotsite.inputs.interface import LANGUAGES, Interface, load_interface


def catalogue_of(interface: Interface, language: str) -> dict[str, str]:
    return dict(dict(interface.catalogues)[language])


def test_the_shipped_catalogues_have_the_same_keys_and_every_page_key_is_in_them():
    interface = load_interface(ROOT)
    english, chinese = (catalogue_of(interface, language) for language in LANGUAGES)
    assert set(english) == set(chinese) and len(english) >= 15
    assert chinese["nav.figures"] == "图表" and interface.text("nav.figures") == "Figures"
    assert interface.text("layout.edition", date="2026-11-30") == "edition 2026-11-30"
    assert interface.text("layout.edition", "zh", date="2026-11-30") == "2026-11-30 版"
    # every key a layout or template asks for (literally, or as one of two in a conditional)
    asked = set()
    for template in sorted((ROOT / "site").glob("*/*.j2")):
        source = template.read_text(encoding="utf-8")
        calls = re.findall(r"site\.t\(([^)]*)\)", source)
        asked |= {key for call in calls for key in re.findall(r'"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"', call)}
    assert len(asked) >= 100 and asked <= set(english), sorted(asked - set(english))


def write_catalogues(root, english: str, chinese: str) -> None:
    (root / "data/i18n").mkdir(parents=True, exist_ok=True)
    (root / "data/i18n/en.yaml").write_text(english, encoding="utf-8")
    (root / "data/i18n/zh.yaml").write_text(chinese, encoding="utf-8")


def test_a_missing_an_extra_and_a_mismatched_key_are_reported_with_file_key_and_line(tmp_path):
    write_catalogues(
        tmp_path,
        "nav.figures: Figures\nnav.data: Data\nlayout.edition: edition {date}\nnav.braced: 'Year {Date}'\n",
        "nav.figures: 图表\nlayout.edition: 版本\nnav.extra: 多余\nnav.empty: ''\nnav.braced: '{year}年'\n",
    )
    with pytest.raises(BuildError) as info:
        load_interface(tmp_path)
    message = str(info.value)
    assert "data/i18n/zh.yaml: no translation of 'nav.data' (data/i18n/en.yaml has 'Data')" in message
    assert re.search(r"data/i18n/zh\.yaml, line 3\b.*'nav\.extra' is not a key of data/i18n/en\.yaml", message), message
    assert re.search(r"data/i18n/zh\.yaml, line 2\b.*key 'layout\.edition': the placeholders", message), message
    assert re.search(r"data/i18n/zh\.yaml, line 4\b.*key 'nav\.empty': found '', expected a non-empty text", message), (
        message
    )
    # a brace that is not a {lowercase_name} would fail when the page is made: caught when read
    assert re.search(
        r"data/i18n/en\.yaml, line 4\b.*key 'nav\.braced': 'Year \{Date\}' has a brace that is not a placeholder",
        message,
    ), message


@pytest.mark.parametrize("placeholder", ["{corpus!r}", "{per:d}", "{corpus!s:>10}"])
def test_a_placeholder_with_a_conversion_or_a_format_is_refused_when_read(tmp_path, placeholder):
    # str.format would apply it: {per:d} had failed the build with a traceback, {corpus!r} put
    # Python's quotes around a corpus's name on the pages
    write_catalogues(tmp_path, "nav.figures: Figures of {corpus} {per}\n", f"nav.figures: 图表 {placeholder}\n")
    with pytest.raises(BuildError) as info:
        load_interface(tmp_path)
    assert re.search(
        r"data/i18n/zh\.yaml, line 1\b.*key 'nav\.figures': .* has a brace that is not a placeholder: write \{name\} "
        r"with a lowercase name \(no !r or :format after it\)",
        str(info.value),
    ), str(info.value)


def test_metadata_names_are_keyed_by_the_column_and_value_as_written_and_other_keys_are_lowercase(tmp_path):
    """A researcher's metadata may have a column "Funding Body" or a value 北京 or "Inner-Mongolia":
    the catalogues name them under the column and value as written; every other key is lowercase
    words joined by dots, and a key that is neither is named with its line."""
    from pilotsite.inputs.interface import corpus_value

    names = (
        "corpus.column.Funding Body: {}\n"
        "corpus.value.province.北京: {}\n"
        "'corpus.value.Funding Body.Inner-Mongolia Fund (2019)': {}\n"
    )
    write_catalogues(
        tmp_path, names.format("Funder", "Beijing", "IMF"), names.format("资助机构", "北京市", "内蒙古基金")
    )
    interface = load_interface(tmp_path)
    assert interface.has("corpus.column.Funding Body")
    assert interface.text("corpus.column.Funding Body", "zh") == "资助机构"
    assert interface.resolve(corpus_value(interface, "province", "北京")) == "Beijing"
    named = corpus_value(interface, "Funding Body", "Inner-Mongolia Fund (2019)")
    assert interface.text(named.key, "zh") == "内蒙古基金"
    assert corpus_value(interface, "province", "上海") == "上海"  # not named: as written
    # keys no lookup can make: capitals, a hyphen, a line break (YAML's \n, U+2028), no column
    wrong = (
        'Nav.Figures: x\nnav.data-page: x\n"corpus.column.Funder\\n": x\n"corpus.column.a\\u2028b": x\n'
        "corpus.value.北京市: x\n"
    )
    write_catalogues(tmp_path, wrong, wrong)
    with pytest.raises(BuildError) as info:
        load_interface(tmp_path)
    for line, key in (
        (1, "Nav.Figures"),
        (2, "nav.data-page"),
        (3, "corpus.column.Funder\n"),
        (4, "corpus.column.a\u2028b"),
        (5, "corpus.value.北京市"),
    ):
        assert re.search(
            rf"data/i18n/en\.yaml, line {line}\b.*key {re.escape(repr(key))}: expected lowercase words joined by dots, "
            r"such as nav\.figures, or corpus\.column\.<column> or corpus\.value\.<column>\.<value>",
            str(info.value),
        ), str(info.value)


def test_a_missing_catalogue_is_named(tmp_path):
    (tmp_path / "data/i18n").mkdir(parents=True)
    (tmp_path / "data/i18n/en.yaml").write_text("nav.figures: Figures\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"data/i18n/zh\.yaml: missing"):
        load_interface(tmp_path)


def test_a_catalogue_that_is_not_a_mapping_is_refused_and_empty_descriptions_are_none(tmp_path):
    write_catalogues(tmp_path, "- Figures\n- Data\n", "nav.figures: 图表\n")
    with pytest.raises(BuildError, match=r"data/i18n/en\.yaml: expected a mapping of keys \(such as nav\.figures\)"):
        load_interface(tmp_path)
    write_catalogues(tmp_path, "nav.figures: Figures\n", "nav.figures: 图表\n")
    (tmp_path / "data/i18n/analyses.zh.yaml").write_text("# none translated yet\n", encoding="utf-8")
    # no description: the methods page shows each analysis's docstring, marked as not translated
    assert load_interface(tmp_path).descriptions == (("zh", ()),)


def test_a_key_that_no_catalogue_has_fails_naming_it():
    interface = load_interface(ROOT)
    with pytest.raises(BuildError, match=r"data/i18n/en\.yaml: no text for the key 'nav\.nowhere'"):
        interface.text("nav.nowhere")


def test_a_build_with_an_untranslated_key_fails_naming_file_and_key(project_copy):
    path = project_copy / "data/i18n/zh.yaml"
    path.write_text(re.sub(r"(?m)^nav\.methods:.*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_build(project_copy, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "data/i18n/zh.yaml: no translation of 'nav.methods' (data/i18n/en.yaml has 'Methods')" in result.stderr
    assert not (project_copy / "_site").exists()


@pytest.mark.untraced
def test_every_page_follows_an_edited_catalogue_text_escaped(built_project, tmp_path):
    """Editing a text of the catalogue re-renders every page with it; the text is escaped like data."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(built_project, root, symlinks=True)
    path = root / "data/i18n/en.yaml"
    text = path.read_text(encoding="utf-8").replace("nav.figures: Figures", 'nav.figures: "Charts <b> 鼹"')
    # a template's heading, and texts the page builder writes (a group label, a page title)
    text = text.replace("figure.history: History", "figure.history: Earlier <versions>")
    text = text.replace("kind.keywords: Keyword frequencies", "kind.keywords: Word & counts")
    text = text.replace("page.timeline_title: Timeline of the cases", "page.timeline_title: Dated <cases>")
    path.write_text(text, encoding="utf-8")
    run_build(root)
    site = root / "_site"
    figure = (site / "figures/return-migrant-keywords/index.html").read_text(encoding="utf-8")
    assert '<h2 id="history">Earlier &lt;versions&gt;</h2>' in figure
    assert "Charts &lt;b&gt; 鼹</a></li>" in figure  # the breadcrumb too
    assert ">Word &amp; counts</h2>" in (site / "figures/index.html").read_text(encoding="utf-8")
    timeline = (site / "timeline/index.html").read_text(encoding="utf-8")
    assert "<title>Dated &lt;cases&gt; ·" in timeline and "<h1>Dated &lt;cases&gt;</h1>" in timeline
    # every page with the site's navigation (not redirects, not the chrome-less embedded views)
    pages = [
        p
        for p in (root / "_site").rglob("*.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8") and p.name != "embed.html"
    ]
    assert len(pages) > 200
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if page.relative_to(site).parts[0] == "zh":  # the Chinese edition shows zh.yaml
            assert "Charts" not in html and ">图表</a>" in html, page
        else:
            assert ">Charts &lt;b&gt; 鼹</a>" in html and "Charts <b>" not in html, page
    # A character only the catalogue has is in the web font (else readers without a CJK font see a box).
    css = (root / "_site/assets/fonts/cjk.css").read_text(encoding="utf-8")
    ranges = [part.strip()[2:] for line in re.findall(r"unicode-range: ([^;]+);", css) for part in line.split(",")]
    assert any(int(r.split("-")[0], 16) <= 0x9F39 <= int(r.split("-")[-1], 16) for r in ranges)


@pytest.mark.untraced
def test_corpus_text_pages_follow_an_edited_catalogue_text(built_project, tmp_path):
    """Text pages are made in batches and cached by their text: a catalogue edit that changes no
    navigation label (which every page's key has) must still reach them."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(built_project, root, symlinks=True)
    path = root / "data/i18n/en.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("corpus_text.corpus: Corpus", "corpus_text.corpus: Body of <texts>").replace(
            "layout.skip_to_content: Skip to content", "layout.skip_to_content: Skip <ahead>"
        ),
        encoding="utf-8",
    )
    run_build(root)
    text_pages = sorted((root / "_site/corpus").glob("*/texts/*/index.html"))
    assert len(text_pages) >= 10
    for page in text_pages:
        html = page.read_text(encoding="utf-8")
        assert "<dt>Body of &lt;texts&gt;</dt>" in html and ">Skip &lt;ahead&gt;</a>" in html, page


def test_a_project_without_catalogues_shows_the_shipped_ones(tmp_path):
    """A project made before data/i18n/ existed, or a small one made by hand, still builds."""
    from pilotsite.state.workspace import input_files

    assert not (tmp_path / "data/i18n").exists()
    assert load_interface(tmp_path) == load_interface(ROOT)
    # ... and those catalogues are inputs of its build: editing them is not "Nothing changed"
    shown = input_files(tmp_path)
    assert shown["checkout/data/i18n/zh.yaml"] == str(ROOT / "data/i18n/zh.yaml")
    assert not any(label.startswith("checkout/") for label in input_files(ROOT))
