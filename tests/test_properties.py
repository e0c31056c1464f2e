"""Property-based: random text, random Unicode and control characters included, never crashes
the text pipeline or the page writer, and always reaches the reader as text, never as markup."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from pilotsite.analysis.words import keyword_frequencies, load_lexicon, tokens
from pilotsite.inputs.corpus import split_sentences
from pilotsite.inputs.documents import parse_blocks
from pilotsite.pages.sources import CONTROL_CHARACTERS, html_text, markdown_text, sentence_paragraphs
from pilotsite.pages.webfont import cjk_characters
from pilotsite.rendering.embedded import markdown_to_html

LEXICON = load_lexicon(ROOT)
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"onmouseover=alert(1) x="',
        "[a](javascript:alert(1))",
        "`{=html}`",
        "```{=html}\n<b>x</b>\n```",
        "<!--",
        "-->",
        "{{< meta x >}}",
        "&amp;",
        "\\",
        "\x00",
        "\r",
    ]
)
TEXT = st.lists(
    st.one_of(
        st.text(max_size=40),
        HOSTILE,
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=20),
    ),
    max_size=6,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_text_pipeline_never_crashes(text):
    for lang in ("zh", "en"):
        words = tokens(text, lang, LEXICON)
        assert all(isinstance(w, str) and w.strip() == w and w for w in words)
        frame = keyword_frequencies(words, 5)
        assert len(frame) <= 5
    assert all(s.strip() for s in split_sentences(text))
    parse_blocks(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_page_writer_always_escapes(text):
    """Through the same escaping and the same pandoc run as every page: inline Markdown and a
    raw-HTML block; the reader sees the characters, and no tag or attribute comes from data."""
    visible = " ".join(text.translate(CONTROL_CHARACTERS).split())
    inline = f"before {markdown_text(text)} after"
    block = f'```{{=html}}\n<p class="x">{html_text(text)}</p>\n```'
    out_inline, out_block = markdown_to_html([inline, block])
    for out in (out_inline, out_block):
        assert "<script" not in out.lower()
        assert not re.search(r"<[^>]*\son\w+=", out), out  # no event-handler attribute
        assert not re.search(r'href="\s*javascript:', out, re.I), out
        tags = re.findall(r"<\s*([a-zA-Z][\w-]*)", out)
        assert set(tags) <= {"p", "code"}, (text, out)
    if visible:
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", out_block)).split())
        assert shown == visible, (text, out_block)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(TEXT, st.text(alphabet=st.characters(min_codepoint=0x2E70, max_codepoint=0x10FFFF)))))
def test_the_characters_a_web_font_must_have_are_every_cjk_character_once_in_order(texts):
    """cjk_characters marks code points in a numpy table, for speed: it must name exactly the
    characters at or above the CJK radicals block that the texts have and the CJK font maps,
    sorted, astral ones included, lone surrogates excluded (a text is not always valid UTF-8
    inside; the font has no glyph for one)."""
    mapped = font_cmap()
    expected = "".join(sorted({ch for text in texts for ch in text if ord(ch) >= 0x2E80 and ord(ch) in mapped}))
    assert cjk_characters(iter(texts)) == expected


@lru_cache(maxsize=1)
def font_cmap() -> frozenset[int]:
    """The code points the CJK font maps, read by fontTools (the build reads them with harfbuzz)."""
    from fontTools.ttLib import TTFont

    from pilotsite.figures.fonts import cjk_font

    return frozenset(TTFont(str(cjk_font()), lazy=True, fontNumber=0).getBestCmap())


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT.filter(lambda s: "\n" not in s), max_size=8))
def test_numbered_sentences_are_escaped_as_every_other_value(sentences):
    """The text pages' sentences (escaped in one pass, for speed) reach the reader escaped exactly
    as html_text escapes any value, each in its numbered paragraph."""
    numbered = list(enumerate(sentences, 1))
    expected = "".join(f'<p id="s-{n}"><span class="meta">{n}</span> {html_text(s)}</p>\n' for n, s in numbered)
    assert sentence_paragraphs(numbered) == expected


def test_text_md_blocks_follow_commonmark_where_lines_are_not_separated_by_blank_lines():
    from pilotsite.inputs.documents import Block

    text = (
        "# Top heading\n## Section one ##\nThe pilot began in 1999\nand spread.\n\n"
        "#1 priority was transparency.\n\nIntro to a list:\n- first item\n- a wrapped item\n  that continues\n"
        "and continues lazily\n### Sub heading\n试点工作\n"
    )
    assert [(b.kind, b.text) for b in parse_blocks(text)] == [
        ("heading", "Top heading"),
        ("heading", "Section one"),
        ("paragraph", "The pilot began in 1999 and spread."),
        ("paragraph", "#1 priority was transparency."),  # no space after #: no heading
        ("paragraph", "Intro to a list:"),
        ("item", "first item"),
        ("item", "a wrapped item that continues and continues lazily"),
        ("heading", "Sub heading"),
        ("paragraph", "试点工作"),
    ]
    assert parse_blocks("试点工作")[0] == Block("paragraph", "试点工作", "zh")


def test_a_run_of_letters_longer_than_any_word_is_not_counted():
    """Web-page residue (an address, encoded data) is no keyword: one of 3,000 letters had been
    drawn as a label 37,750 pixels wide, and one of 60,000 failed the figure's print PNG."""
    text = (
        "Pilot reform in Wenling. https://example.org/" + "x" * 3000 + " pneumonoultramicroscopicsilicovolcanoconiosis"
    )
    assert tokens(text, "en", LEXICON) == [
        "pilot",
        "reform",
        "wenling",
        "pneumonoultramicroscopicsilicovolcanoconiosis",
    ]
