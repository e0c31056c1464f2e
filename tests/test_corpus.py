"""Corpus reading, segmentation (parallel, cached, on Dask), keyness and coded policy tools."""

import csv
import math
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from pilotsite.analysis.keyness import keyness, log_likelihood, log_ratio
from pilotsite.analysis.textwork import TextWork
from pilotsite.errors import BuildError
from pilotsite.inputs.corpus import decode_text, load_corpora, split_sentences
from pilotsite.inputs.project import open_project
from pilotsite.inputs.schemas import CorpusEntry

USERDICT = (ROOT / "data/lexicon/userdict.txt").read_text(encoding="utf-8")


def sample_corpus():
    return load_corpora(open_project(ROOT))["cn-regulations"]


def work(folder: Path, **options) -> TextWork:
    return TextWork(folder / "tokens", folder / "coded", options.pop("user_dictionary", USERDICT), **options)


def test_log_likelihood_and_log_ratio_match_hand_computation():
    # a=10 of 1,000 words, b=5 of 2,000: E1 = 1000*15/3000 = 5, E2 = 10
    # G2 = 2 * (10 ln(10/5) + 5 ln(5/10)) = 2 * 5 ln 2 = 6.9315; log ratio = log2(0.01 / 0.0025) = 2
    assert log_likelihood(10, 5, 1000, 2000) == pytest.approx(10 * math.log(2), abs=1e-9)
    assert log_ratio(10, 5, 1000, 2000) == pytest.approx(2.0)
    # a=0, b=8 of 1,000 each: E = 4 and 4, G2 = 2 * 8 ln 2 = 11.09; 0 counts as 0.5: log2(0.5/8) = -4
    assert log_likelihood(0, 8, 1000, 1000) == pytest.approx(16 * math.log(2))
    assert log_ratio(0, 8, 1000, 1000) == pytest.approx(-4.0)


def test_keyness_table_orders_by_g2_and_drops_rare_words():
    from collections import Counter

    # totals 41 and 16. 改革 10/10: E = 14.386, 5.614, G2 = 2(10 ln(10/14.386) + 10 ln(10/5.614)) = 4.27 (B);
    # 试点 30/5: E = 25.175, 9.825, G2 = 2(30 ln(30/25.175) + 5 ln(5/9.825)) = 3.77 (A); 罕见 (2 in all) is dropped
    rows = keyness(
        Counter({"试点": 30, "改革": 10, "罕见": 1}), Counter({"试点": 5, "改革": 10, "罕见": 1}), min_count=5
    )
    assert [r["keyword"] for r in rows] == ["改革", "试点"]
    assert rows[0]["g2"] == pytest.approx(4.27, abs=0.005) and rows[1]["g2"] == pytest.approx(3.77, abs=0.005)
    assert rows[0]["log_ratio"] < 0 < rows[1]["log_ratio"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_texts_in_common_encodings_are_read(encoding):
    text = "第一条 为了推进返乡创业试点，制定本办法。\n"
    assert decode_text(text.encode(encoding), "x.md") == text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_crlf_and_classic_mac_line_ends_give_the_sentences_of_line_feeds(encoding):
    # with CR alone the text was one sentence, its heading's # kept: "河南省试点条例## 第一章 总则第一条 …"
    text = "# 河南省试点条例\n\n## 第一章 总则\n\n第一条 推进改革试点\n第二条 加强监督。\n"
    expected = ["河南省试点条例", "第一章 总则", "第一条 推进改革试点", "第二条 加强监督。"]
    for ends in ("\n", "\r\n", "\r"):
        decoded = decode_text(text.replace("\n", ends).encode(encoding), "t.md")
        assert decoded == text and split_sentences(decoded) == expected, repr(ends)


def test_bad_byte_in_utf8_file_names_the_line_and_offset():
    data = "第一条 试点。\n".encode() + b"\xff" + "第二条".encode()
    with pytest.raises(BuildError, match=r"x.md: invalid UTF-8 byte 0xff on line 2 \(byte offset 20\)"):
        decode_text(data, "x.md")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_text_in_utf16_is_named_as_such(encoding):
    # with its BOM, or without one: English alone had passed for UTF-8 with a NUL in every other byte
    for text in ("第一条 为了推进返乡创业试点，制定本办法。\n", "Article 1 This regulation applies.\n"):
        with pytest.raises(
            BuildError, match=r"^x\.md: neither UTF-8 nor GB18030 \(it looks like UTF-16: save it as UTF-8\)$"
        ):
            decode_text(text.encode(encoding), "x.md")


def test_undecodable_file_names_the_line_and_offset():
    with pytest.raises(
        BuildError, match=r"neither UTF-8 nor GB18030: undecodable byte 0xff on line 1 \(byte offset 3\)"
    ):
        decode_text(b"abc\xff\xfe", "x.md")


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gbk_text_that_starts_as_valid_utf8_is_read_as_gbk(encoding):
    # 农 is C5 A9 and 某 C4 B3 in GBK: valid UTF-8 (ũ, ĳ) before the first byte that is not
    text = "# 农村宅基地制度改革试点办法\n某省人民政府关于推进试点工作的通知。\n"
    data = text.encode(encoding)
    assert data.decode("utf-8", errors="replace").startswith("# ũ")
    assert decode_text(data, "x.md") == text


def test_every_text_of_the_sample_corpus_reads_back_from_gb18030():
    corpus = Path(__file__).resolve().parents[1] / "data/corpora/cn-regulations-sample/texts"
    texts = sorted(corpus.rglob("*.md"))
    assert len(texts) > 100
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert decode_text(text.encode("gb18030"), path.name) == text, path


def test_a_bom_does_not_shift_the_offset_of_a_bad_byte():
    data = b"\xef\xbb\xbf" + "第一条 试点。\n".encode() + b"\xff" + "第二条".encode()
    with pytest.raises(BuildError, match=r"invalid UTF-8 byte 0xff on line 2 \(byte offset 23\)"):
        decode_text(data, "x.md")
    assert data[23] == 0xFF


def test_a_bom_does_not_shift_the_offset_of_a_bad_byte_in_other_files_either(tmp_path):
    # utf-8-sig counts its error offsets after the BOM: the message had shown the BOM's 0xbf
    from pilotsite.inputs.reading import read_utf8

    path = tmp_path / "keywords.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\n1,a\xffb\n")
    with pytest.raises(BuildError, match=r"keywords.csv, line 2: not valid UTF-8: byte 0xff at byte offset 14$"):
        read_utf8(path, "keywords.csv")


def test_only_a_file_that_reads_as_chinese_is_said_to_look_like_gbk(tmp_path):
    from pilotsite.inputs.reading import read_utf8

    path = tmp_path / "text.md"
    for text, encoding, hinted in (
        ("第一条 为了推进试点工作，制定本办法。\n", "gbk", True),
        ("第一條 為了推進試點工作，制定本辦法。\n", "big5", False),
    ):
        path.write_bytes(text.encode(encoding))
        with pytest.raises(BuildError) as caught:
            read_utf8(path, "text.md")
        assert ("it looks like GBK/GB18030" in str(caught.value)) is hinted, encoding


def test_a_short_gb18030_text_is_read_though_most_of_its_bytes_pass_for_utf8():
    # 税 is CB B0 and 率 C2 CA: read as UTF-8, more of its characters were valid than not, and the
    # file was refused as damaged UTF-8
    text = "# 印花税税目税率表\n\n印花税税目税率表\n"
    assert decode_text(text.encode("gb18030"), "x.md") == text


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("# 農村宅基地制度改革試點辦法\n\n第一條 為了推進試點工作，制定本辦法。\n".encode("big5"), "big5"),
        (
            "# 農村宅地制度改革試験弁法\n\n第一条 試験事業を推進するため、この弁法を定める。\n".encode("shift_jis"),
            "cp932",
        ),
        (b"Article 1. Caf\xe9s may open on Sundays.\n", "cp1250"),  # Latin-1: e9 73 is a GBK character
    ],
    ids=["big5", "shift-jis", "latin-1"],
)
def test_text_in_another_encoding_is_refused_not_published_garbled(data, encoding):
    assert data.decode("gb18030")  # it does decode: GB18030 takes nearly any bytes
    with pytest.raises(BuildError) as caught:
        decode_text(data, "texts/x.md")
    message = str(caught.value)
    assert "texts/x.md: not UTF-8, and read as GB18030 it is not Chinese text" in message
    assert f"charset-normalizer reads it as {encoding}" in message and "Save the file as UTF-8" in message


def test_a_gb18030_bom_is_not_part_of_the_text():
    # GB18030 writes U+FEFF as 84 31 95 33; kept, it counted as a rare character against a short text
    text = "第一条 试点。\n"
    data = "\ufeff".encode("gb18030") + text.encode("gb18030")
    assert data.startswith(b"\x84\x31\x95\x33")
    assert decode_text(data, "x.md") == text


def test_spaces_and_zero_width_characters_do_not_count_against_a_gb18030_text():
    # texts pasted from web pages hold no-break and zero-width spaces, which GB2312 has not
    text = "议通过\u00a0\u00a0\n\u200b\n第一章\n"
    assert decode_text(text.encode("gb18030"), "x.md") == text


def test_each_rare_character_counts_once_and_units_in_greek_do_not_count():
    from pilotsite.inputs.reading import is_rare, rare_characters

    # ά is outside GB2312 and Greek; Ђ outside GB2312 and Cyrillic: each had counted twice
    assert decode_text("试点ά中文\n".encode("gb18030"), "x.md") == "试点ά中文\n"
    assert rare_characters("Ђ\n") == (1, 1)
    for text in ("试点ヲ掉审ЂЖ╬ㄅ\ue000", "ヷヸヹヺ═╬", "细颗粒物浓度μg/m³"):
        found = rare_characters(text)
        assert (found[0] if found else 0) <= sum(map(is_rare, text))
        assert found is None or found[0] == sum(map(is_rare, text))
    assert decode_text("细颗粒物浓度μg/m³\n".encode("gb18030"), "x.md") == "细颗粒物浓度μg/m³\n"


def test_big5_read_as_kana_is_refused():
    # Big5's commonest characters have lead bytes A4 to AF, which GB18030 reads as kana, Greek,
    # box drawing or private use: this excerpt reads as ヲ掉审疼よ…, which had passed as Chinese
    data = "仲裁机构方案\n\n<!-- INFO EN".encode("big5")
    assert data.decode("gb18030").startswith("ヲ掉审疼よ")
    expected = r"not Chinese text: 3 of its 6 non-ASCII characters .*first, U\+30F2, on line 1"
    with pytest.raises(BuildError, match=expected):
        decode_text(data, "x.md")


def test_chinese_text_reads_as_gb18030_and_other_encodings_do_not_at_any_length_from_20_characters():
    corpus = Path(__file__).resolve().parents[1] / "data/corpora/cn-regulations-sample/texts"
    excerpts = []
    for path in sorted(corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        excerpts += [text[start : start + 20] for start in range(0, len(text) - 20, max(20, len(text) // 8))]
        excerpts += [text[start : start + 50] for start in range(0, len(text) - 50, max(50, len(text) // 4))]
    assert len(excerpts) > 1000
    for excerpt in excerpts:
        assert decode_text(excerpt.encode("gb18030"), "x.md") == excerpt
        for encoding in ("big5", "shift_jis"):
            data = excerpt.encode(encoding, errors="ignore")
            if sum(c > "\x7f" for c in data.decode(encoding)) >= 2:  # one character cannot tell
                # refused: as not Chinese, or (a short one whose bytes are mostly valid UTF-8) as damaged UTF-8
                with pytest.raises(BuildError, match="it is not Chinese text|invalid UTF-8"):
                    decode_text(data, "x.md")


def test_sentences_split_on_chinese_punctuation_and_lines():
    assert split_sentences("# 标题\n第一条 甲。乙；丙！\n<!-- INFO END -->\n丁") == [
        "标题",
        "第一条 甲。",
        "乙；",
        "丙！",
        "丁",
    ]


def test_a_thematic_break_is_no_sentence_and_no_words_but_dashes_within_a_line_are():
    from pilotsite.analysis.segment import segment_sentences, segment_text

    text = "第一条 甲。\n---\n * * *\n乙 ___ 丙\n_ _ _\n***\n丁"
    assert split_sentences(text) == ["第一条 甲。", "乙 ___ 丙", "丁"]
    assert segment_text(text, USERDICT) == segment_sentences(split_sentences(text), USERDICT)
    assert not any("-" in word or "*" in word for sentence in segment_text(text, USERDICT) for word in sentence)


def test_a_line_of_zero_width_characters_alone_is_no_sentence():
    """A zero-width space alone on its line (one text of the shared corpus has one) was numbered as
    a sentence of its page: str.strip() keeps it."""
    from pilotsite.analysis.segment import segment_sentences, segment_text

    text = "第一条 甲。\n\u200b\n \u200b\u2060 \n乙\u200b丙。\n\ufeff\n丁"
    assert split_sentences(text) == ["第一条 甲。", "乙\u200b丙。", "丁"]
    assert segment_text(text, USERDICT) == segment_sentences(split_sentences(text), USERDICT)
    assert len(segment_text(text, USERDICT)) == 3
    assert split_sentences("\u200e\n甲。") == ["甲。"]  # a left-to-right mark alone too


def test_a_text_of_zero_width_characters_alone_is_empty(project_copy):
    make_corpus(
        project_copy,
        [row("a", "texts/a.md"), row("b", "texts/b.md")],
        {"texts/a.md": "第一条 试点。".encode(), "texts/b.md": "\u200b\n\ufeff\u200b\n".encode()},
    )
    with pytest.raises(BuildError) as empty:
        load_corpora(open_project(project_copy))
    assert "data/corpora/tiny/texts/b.md: the text is empty" in str(empty.value)


def make_corpus(root: Path, rows: list[dict], files: dict[str, bytes]) -> None:
    folder = root / "data/corpora/tiny"
    (folder / "texts").mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["id", "title", "date", "level", "province", "region", "issuer_tier", "file"]
        )
        writer.writeheader()
        writer.writerows(rows)
    (root / "data/corpora.yaml").write_text("corpora:\n  - id: tiny\n    path: data/corpora/tiny\n", encoding="utf-8")


def row(text_id, file, level="local", region="east", tier="provincial"):
    return {
        "id": text_id,
        "title": text_id,
        "date": "",
        "level": level,
        "province": "",
        "region": region,
        "issuer_tier": tier,
        "file": file,
    }


def test_corpus_problems_are_all_reported(project_copy):
    make_corpus(
        project_copy,
        [
            row("a", "texts/a.md"),
            row("a", "texts/b.md"),
            row("c", "texts/missing.md"),
            row("d", "texts/empty.md"),
            row("e", "texts/garbled.md"),
            row("f", "texts"),
            row("g", "texts/../metadata.csv"),
        ],
        {
            "texts/a.md": "第一条 试点。".encode(),
            "texts/garbled.md": b"abc\xff\xfe",
            "texts/b.md": "第二条。".encode(),
            "texts/empty.md": b"  \n",
            "texts/orphan.md": "孤立。".encode(),
        },
    )
    with pytest.raises(BuildError) as info:
        load_corpora(open_project(project_copy))
    message = str(info.value)
    assert "metadata.csv, line 3, column 'id': duplicate id 'a' (first on line 2)" in message
    assert "line 4, column 'file': text file data/corpora/tiny/texts/missing.md does not exist" in message
    assert "line 7, column 'file': text file data/corpora/tiny/texts is a folder, expected a text file" in message
    # the table itself was taken for a text: its lines were published as sentences and counted
    assert "line 8, column 'file': file 'texts/../metadata.csv' is this table itself, expected a text file" in message
    assert "data/corpora/tiny/texts/empty.md: the text is empty" in message
    assert "data/corpora/tiny/texts/orphan.md: text file has no row in metadata.csv" in message
    assert "data/corpora/tiny/texts/garbled.md: neither UTF-8 nor GB18030: undecodable byte 0xff" in message


def test_a_corpora_yaml_mistake_comes_first_then_each_corpus_files_problems_in_file_order(project_copy):
    # sorted by line alone, the second corpus's line-2 problem came between the first's lines 2 and 4
    make_corpus(
        project_copy,
        [
            row("a", "texts/a.md"),
            row("b", "texts/missing-b.md"),
            row("c", "texts/c.md"),
            row("d", "texts/missing-d.md"),
        ],
        {name: "第一条 试点。".encode() for name in ("texts/a.md", "texts/c.md")},
    )
    tiny = project_copy / "data/corpora/tiny"
    shutil.copytree(tiny, project_copy / "data/corpora/other")
    (project_copy / "data/corpora/other/texts/a.md").unlink()
    (project_copy / "data/corpora.yaml").write_text(
        "corpora:\n  - id: tiny\n    path: data/corpora/tiny\n"
        "  - id: other\n    path: data/corpora/other\n  - id: third\n    path: data/corpora/tiny\n    titel: T\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as info:
        load_corpora(open_project(project_copy))
    found = [(p.file, p.line) for p in info.value.problems]
    assert found == [
        ("data/corpora.yaml", 8),
        ("data/corpora/tiny/metadata.csv", 3),
        ("data/corpora/tiny/metadata.csv", 5),
        ("data/corpora/other/metadata.csv", 2),
        ("data/corpora/other/metadata.csv", 3),
        ("data/corpora/other/metadata.csv", 5),
    ], info.value.problems


def test_two_rows_naming_one_text_file_are_an_error_however_the_path_is_written(project_copy):
    # accepted, the text was counted twice in every group total of the corpus's figures
    make_corpus(
        project_copy,
        [row("a", "texts/a.md"), row("b", "texts/b.md"), row("c", "./texts//a.md"), row("d", "texts/b.md")],
        {"texts/a.md": "第一条 试点。".encode(), "texts/b.md": "第二条。".encode()},
    )
    with pytest.raises(BuildError) as info:
        load_corpora(open_project(project_copy))
    problems = [str(p) for p in info.value.problems]
    assert problems == [
        "data/corpora/tiny/metadata.csv, line 4, column 'file': file './texts//a.md' is the text of line 2 (id 'a') "
        "too: each text file has one row",
        "data/corpora/tiny/metadata.csv, line 5, column 'file': file 'texts/b.md' is the text of line 3 (id 'b') "
        "too: each text file has one row",
    ]


def test_a_bad_cell_does_not_hide_the_problems_of_its_rows_file(project_copy):
    """A bad date or a duplicate id was reported alone: that its row's file was missing, or was
    another row's text, came out only once the cell was mended, one run later."""
    make_corpus(
        project_copy,
        [row("a", "texts/a.md"), {**row("b", "texts/missing.md"), "date": "2020-13-45"}, row("a", "texts/a.md")],
        {"texts/a.md": "第一条 试点。".encode()},
    )
    with pytest.raises(BuildError) as info:
        load_corpora(open_project(project_copy))
    problems = sorted(str(p) for p in info.value.problems)
    assert problems == [
        "data/corpora/tiny/metadata.csv, line 3, column 'date': found '2020-13-45', expected a real date of the form "
        "YYYY, YYYY-MM or YYYY-MM-DD",
        "data/corpora/tiny/metadata.csv, line 3, column 'file': text file data/corpora/tiny/texts/missing.md "
        "does not exist",
        "data/corpora/tiny/metadata.csv, line 4, column 'file': file 'texts/a.md' is the text of line 2 (id 'a') "
        "too: each text file has one row",
        "data/corpora/tiny/metadata.csv, line 4, column 'id': duplicate id 'a' (first on line 2)",
    ]


def test_a_quote_a_csv_reader_cannot_read_does_not_hide_the_files_other_problems(project_copy):
    """A value opened by a double quote that does not end with one stopped the reading: the other
    rows' problems came out one run later, one quote at a time."""
    texts = {f"texts/{name}.md": "第一条 试点。".encode() for name in "abcd"}
    make_corpus(project_copy, [row(name, f"texts/{name}.md") for name in "abcd"], texts)
    metadata = project_copy / "data/corpora/tiny/metadata.csv"
    lines = metadata.read_text(encoding="utf-8").splitlines()
    # line 2: the quote, in a row whose province is a quoted value of two lines (2 and 3)
    lines[1] = lines[1].replace("a,a,,local,,", 'a,"十三五"规划条例,,local,"北\n京",', 1)
    lines[2] = lines[2] + ",extra"  # line 4: a field too many
    lines[3] = lines[3].replace("c,c,,", "c,c,2020-13-45,", 1)  # line 5: a date no calendar has
    metadata.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        load_corpora(open_project(project_copy))
    problems = [str(p) for p in info.value.problems]
    assert [re.search(r"line (\d+)", p).group(1) for p in problems] == ["2", "4", "5"], problems
    assert "double quote" in problems[0] and "has 9 fields" in problems[1] and "2020-13-45" in problems[2]
    assert not any("has no row" in p for p in problems)  # the rows the reader could not read name their texts


def test_a_column_named_like_one_the_studies_read_in_other_capitals_is_pointed_out(project_copy):
    # 'Date' was read as a column of its own: every text undated, the trend figures not drawn, no word why
    make_corpus(project_copy, [row("a", "texts/a.md")], {"texts/a.md": "第一条 试点。".encode()})
    metadata = project_copy / "data/corpora/tiny/metadata.csv"
    metadata.write_text(
        metadata.read_text(encoding="utf-8").replace(
            "id,title,date,level,province,", "id,title,Date,Level,Province,", 1
        ),
        encoding="utf-8",
    )
    corpus = load_corpora(open_project(project_copy))["tiny"]
    interface = open_project(project_copy).settings.interface
    said = [str(interface.resolve(note, "en")) for note in corpus.notes]
    assert "The column 'Date' is not the 'date' column the studies read: names are matched exactly, " in " ".join(said)
    assert any(s.startswith("The column 'Level' is not the 'level' column") for s in said), said
    # the text lists and the diffusion studies read 'province', which no default grouping does
    assert any(s.startswith("The column 'Province' is not the 'province' column") for s in said), said
    assert not corpus.dated


def test_texts_titled_in_traditional_characters_are_pointed_out_in_both_editions(project_copy):
    """jieba counts 規定 and 规定 as two words: a corpus mixing scripts had its frequencies split
    between them, with no word of it on the site or in the terminal."""
    text = {"texts/a.md": "第一条 试点。".encode()}
    titled = [row("a", "texts/a.md") | {"title": "上海市住宅物業管理規定"}, row("b", "texts/b.md")]
    make_corpus(project_copy, titled, {**text, "texts/b.md": "第二条 规定。".encode()})
    project = open_project(project_copy)
    [note] = [n for n in load_corpora(project)["tiny"].notes if "traditional" in n.key]
    assert str(project.settings.interface.resolve(note, "en")).startswith(
        "The text a has a title in traditional characters: its words are counted apart from the same words "
        "written in simplified characters (規定 is not 规定)"
    )
    assert str(project.settings.interface.resolve(note, "zh")).startswith("文本 a 的标题为繁体字")

    metadata = project_copy / "data/corpora/tiny/metadata.csv"
    rows = [row(i, f"texts/{i}.md") | {"title": f"{i} 條例"} for i in "cdefg"]
    shutil.rmtree(project_copy / "data/corpora/tiny")
    make_corpus(project_copy, rows, {f"texts/{i}.md": "第一条 试点。".encode() for i in "cdefg"})
    [note] = [n for n in load_corpora(open_project(project_copy))["tiny"].notes if "traditional" in n.key]
    said = str(project.settings.interface.resolve(note, "en"))
    assert said.startswith("5 texts have titles in traditional characters (c, d, e, …): "), said
    assert metadata.is_file()
    # simplified names with a character the table turns (乾县) are no traditional title
    shutil.rmtree(project_copy / "data/corpora/tiny")
    named = [row("h", "texts/h.md") | {"title": "乾县城市管理条例"}]
    make_corpus(project_copy, named, {"texts/h.md": "第一条。".encode()})
    assert not [n for n in load_corpora(open_project(project_copy))["tiny"].notes if "traditional" in n.key]
    # the shipped sample, all simplified, has no such note
    assert not [n for n in load_corpora(open_project(ROOT))["cn-regulations"].notes if "traditional" in n.key]


def test_a_corpus_outside_named_like_a_folder_inside_is_refused(project_copy):
    make_corpus(project_copy, [row("a", "texts/a.md")], {"texts/a.md": "第一条 试点。".encode()})
    outside = project_copy.parent / "elsewhere"
    shutil.copytree(project_copy / "data/corpora/tiny", outside)
    (project_copy / "data/corpora.yaml").write_text(
        f"corpora:\n  - {{id: tiny, path: {outside}}}\n  - {{id: inside, path: data/corpora/tiny}}\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as info:
        load_corpora(open_project(project_copy))
    assert (
        "data/corpora.yaml: corpus 'tiny' lies outside the project, so the site names its files under "
        "data/corpora/tiny/, which is the folder of corpus 'inside': change the id or move the folder"
    ) in str(info.value)


def test_a_corpus_folder_without_metadata_is_named(project_copy):
    make_corpus(project_copy, [row("a", "texts/a.md")], {"texts/a.md": "第一条 试点。".encode()})
    (project_copy / "data/corpora/tiny/metadata.csv").unlink()
    with pytest.raises(BuildError, match=r"data/corpora/tiny/metadata\.csv: not found \(a corpus folder holds"):
        load_corpora(open_project(project_copy))
    # a home folder written with ~ is taken as written, and the message says so, with its line
    (project_copy / "data/corpora.yaml").write_text("corpora:\n  - id: tiny\n    path: ~/corpora/tiny/\n")
    with pytest.raises(BuildError) as raised:
        load_corpora(open_project(project_copy))
    assert str(raised.value.problems[0]) == (
        "~/corpora/tiny/metadata.csv: not found (a corpus folder holds metadata.csv and the texts; "
        "data/corpora.yaml, line 3, names the folder as written: ~ is not expanded, write the whole path)"
    )


def test_two_corpora_of_one_folder_however_spelled_name_its_files_alike(project_copy):
    make_corpus(project_copy, [row("a", "texts/a.md")], {"texts/a.md": "第一条 试点。".encode()})
    (project_copy / "data/corpora.yaml").write_text(
        "corpora:\n  - {id: tiny, path: data/corpora/tiny}\n  - {id: again, path: ./data/corpora//tiny/}\n",
        encoding="utf-8",
    )
    corpora = load_corpora(open_project(project_copy))
    assert (
        corpora["tiny"].files
        == corpora["again"].files
        == ["data/corpora/tiny/metadata.csv", "data/corpora/tiny/texts/a.md"]
    )


def test_one_pass_segmentation_equals_segmenting_each_sentence():
    from pilotsite.analysis.segment import segment_sentences, segment_text

    corpus = sample_corpus()
    for text in corpus.texts[:40]:
        raw = corpus.read_text(text)
        assert segment_text(raw, USERDICT) == segment_sentences(split_sentences(raw), USERDICT), text.id


def test_parallel_segmentation_and_coding_equal_one_process(tmp_path):
    from pilotsite.inputs.codebook import load_codebook

    corpus = sample_corpus()
    tools = load_codebook(open_project(ROOT))
    texts = corpus.texts[:60]
    single, parallel = work(tmp_path / "one", tools=tools, jobs=1), work(tmp_path / "two", tools=tools, jobs=2)
    single.prepare(corpus, texts)
    parallel.prepare(corpus, texts)
    assert [single.tokens(t) for t in texts] == [parallel.tokens(t) for t in texts]
    assert [single.coded_units(t) for t in texts] == [parallel.coded_units(t) for t in texts]
    assert sum(len(s) for t in texts for s in single.tokens(t)) > 10000
    assert sum(len(single.coded_units(t)) for t in texts) > 50


def test_the_build_loads_jiebas_dictionary_once_for_the_processes_it_forks(tmp_path):
    """Each forked worker used to load the dictionary itself (half a second each, and again in
    every process forked later); the build's process now loads it before forking any."""
    from pilotsite.analysis.words import chinese_tokenizer

    corpus = sample_corpus()
    dictionary = USERDICT + "\n只在此测试 5 n\n"  # a dictionary no other test has loaded
    before = chinese_tokenizer.cache_info()
    work(tmp_path, user_dictionary=dictionary, jobs=2).prepare(corpus, corpus.texts[:60])
    loaded = chinese_tokenizer.cache_info()
    assert loaded.misses == before.misses + 1  # loaded here, in this process
    chinese_tokenizer(dictionary)
    assert chinese_tokenizer.cache_info().hits == loaded.hits + 1


def test_cache_reworks_only_changed_texts(tmp_path):
    import shutil as shell

    folder = tmp_path / "corpus"
    shell.copytree(ROOT / "data/corpora/cn-regulations-sample", folder)
    project = open_project(ROOT)
    entry = CorpusEntry(id="c", path=str(folder))  # every other field its default, as corpora.yaml leaves it
    from pilotsite.inputs.corpus import load_corpus

    corpus = load_corpus(project, entry)
    first = work(tmp_path / "cache", jobs=1)
    first.prepare(corpus, corpus.texts[:20])
    assert first.segmented == 20
    changed = corpus.texts[0]
    (folder / changed.file).write_text(
        corpus.read_text(changed) + "\n第九十九条 本办法自公布之日起施行。", encoding="utf-8"
    )
    corpus = load_corpus(project, entry)
    again = work(tmp_path / "cache", jobs=1)
    again.prepare(corpus, corpus.texts[:20])
    assert again.segmented == 1 and "施行" in again.tokens(corpus.texts[0])[-1]
    other_dictionary = work(tmp_path / "cache", jobs=1, user_dictionary=USERDICT + "新词语 3 n\n")
    other_dictionary.prepare(corpus, corpus.texts[:20])
    assert other_dictionary.segmented == 20


def test_text_summaries_are_kept_and_only_new_or_changed_texts_are_summarised(tmp_path):
    """What the trends and diffusion figures keep per text: a corpus that gains, changes or loses
    texts is summarised again only for the new or changed ones, and the result equals a fresh pass."""
    import shutil as shell

    from pilotsite.inputs.corpus import load_corpus

    folder = tmp_path / "corpus"
    shell.copytree(ROOT / "data/corpora/cn-regulations-sample", folder)
    project = open_project(ROOT)
    entry = CorpusEntry(id="c", path=str(folder))  # every other field its default, as corpora.yaml leaves it
    summarised = []

    def count_tokens(sentences):
        summarised.append(len(sentences))
        return sum(len(sentence) for sentence in sentences)

    def summaries(corpus, memo="trends"):
        textwork = work(tmp_path / "cache", jobs=1)
        texts = corpus.texts[:20]
        textwork.prepare(corpus, texts, code=False)
        return {text.id: value for text, value in textwork.summaries(texts, memo, count_tokens)}

    corpus = load_corpus(project, entry)
    first = summaries(corpus)
    assert len(summarised) == len(first) == 20 and all(first.values())
    summarised.clear()
    assert summaries(corpus) == first and summarised == []  # all read back
    changed = corpus.texts[0]
    (folder / changed.file).write_text(
        corpus.read_text(changed) + "\n第九十九条 本办法自公布之日起施行。", encoding="utf-8"
    )
    corpus = load_corpus(project, entry)
    again = summaries(corpus)
    assert len(summarised) == 1 and again[changed.id] > first[changed.id]
    assert {k: v for k, v in again.items() if k != changed.id} == {k: v for k, v in first.items() if k != changed.id}
    summarised.clear()
    assert summaries(corpus, memo="another figure") == again and len(summarised) == 20
    for cache in (tmp_path / "cache/summaries").rglob("*.pickle"):
        cache.write_bytes(b"damaged")  # a damaged cache file is a miss, never an error
    summarised.clear()
    assert summaries(corpus) == again and len(summarised) == 20


def test_dask_cluster_on_loopback_gives_the_same_tokens(tmp_path, monkeypatch):
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("dask.distributed")
    # workers import pilotsite: they need the project on their path
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    corpus = sample_corpus()
    texts = corpus.texts[:30]
    local = work(tmp_path / "local", jobs=1)
    local.prepare(corpus, texts)
    # its workers' files, not in the shared temporary folder's dask-scratch-space
    monkeypatch.setenv("DASK_TEMPORARY_DIRECTORY", str(tmp_path / "dask-scratch"))
    with (
        dask.config.set(temporary_directory=str(tmp_path / "dask-scratch")),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
    ):
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = work(tmp_path / "dask", scheduler=cluster.scheduler_address)
        remote.prepare(corpus, texts)
    assert [remote.tokens(t) for t in texts] == [local.tokens(t) for t in texts]


def test_invalid_codebook_pattern_stops_the_build(project_copy):
    import build as build_module

    path = project_copy / "data/codebook/policy-tools.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"电商"', '"电商("'), encoding="utf-8")
    with pytest.raises(
        BuildError,
        match=r"policy-tools.yaml, line \d+: field 'types.demand.sub_tools.e-commerce.patterns': "
        r"pattern '电商\(' is not a valid regular expression",
    ):
        build_module.build(project_copy, project_copy / "_site", renderer="embedded")


def test_evidence_pages_account_for_every_count(built_site):
    import html
    import re

    with open(built_site / "figures/cn-regulations-policy-sub-tools/data.csv", encoding="utf-8") as handle:
        subs = list(csv.DictReader(handle))
    units = {(r["grouping"], r["group"]): int(r["units"]) for r in subs if r["sub_tool"] == "financial-services"}
    page_link = re.search(
        r'<a href="([^"]+)">financial-services</a>',
        (built_site / "figures/cn-regulations-policy-sub-tools/index.html").read_text(encoding="utf-8"),
    )
    evidence = (built_site / "figures/cn-regulations-policy-sub-tools" / page_link.group(1)).resolve().parent
    with open(evidence / "evidence.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(1 for r in rows if r["level"] == "central") == units[("level", "central")]
    assert sum(1 for r in rows if r["level"] == "local") == units[("level", "local")]
    assert sum(1 for r in rows if r["level"] == "local" and r["region"] == "west") == units[("region", "local · west")]
    assert sum(1 for r in rows if r["issuer_tier"] == "municipal") == units[("tier", "municipal")]
    first = rows[0]
    text_page = html.unescape(
        (built_site / f"corpus/cn-regulations/texts/{first['text_id']}/index.html").read_text(encoding="utf-8")
    )
    assert f'id="s-{first["sentence_number"]}"' in text_page and first["sentence"] in text_page

    with open(built_site / "figures/cn-regulations-keywords-by-level/data.csv", encoding="utf-8") as handle:
        words = list(csv.DictReader(handle))
    top = next(r for r in words if r["group"] == "central" and r["rank"] == "1")
    page = (built_site / "figures/cn-regulations-keywords-by-level/index.html").read_text(encoding="utf-8")
    link = re.search(rf'<a href="([^"]+)">{top["keyword"]}</a>', page).group(1)
    keyword_evidence = (built_site / "figures/cn-regulations-keywords-by-level" / link).resolve().parent
    with open(keyword_evidence / "evidence.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(int(r["occurrences"]) for r in rows if r["level"] == "central") == int(top["count"])
    # Each edition says what was counted in its own words, around the Chinese word or sub-tool.
    folder = keyword_evidence.relative_to(built_site)
    english = (keyword_evidence / "index.html").read_text(encoding="utf-8")
    chinese = (built_site / "zh" / folder / "index.html").read_text(encoding="utf-8")
    assert f"Evidence: {top['keyword']} (keyword)" in english and "<h1>" in english  # not lang="zh" as a whole
    assert f"has the jieba token {top['keyword']}" in english
    assert f"证据：{top['keyword']}（关键词）" in chinese and "计入此关键词" in chinese
    zh_tool = (built_site / "zh" / evidence.relative_to(built_site) / "index.html").read_text(encoding="utf-8")
    assert "计入此子工具" in zh_tool and "匹配以下任一模式" in zh_tool
    # the sub-tool by its name in each edition: the codebook's label_zh in the Chinese one
    assert "Evidence: financial services (sub-tool)" in (evidence / "index.html").read_text(encoding="utf-8")
    # (its English label is only in the hidden field search ranks by, Page.search_aliases)
    assert "证据：金融服务（子工具）" in zh_tool and "financial services" not in re.sub(r"<[^>]+>", "", zh_tool)
    assert re.search(r'data-pagefind-meta="title_words\[data-words\]" data-words="[^"]*financial services', zh_tool)
    for page in (chinese, zh_tool):
        shown = re.sub(r"<[^>]+>", "", page.split("<main")[1])  # what a reader sees, not the addresses
        assert not re.search(r"keyword|sub-tool|has the jieba token|matches any of", shown)


def test_batches_of_texts_are_cut_by_content_so_an_added_text_changes_its_own_batch_only():
    from pilotsite.rendering.corpus_texts import BATCH_TEXTS, cut_batches

    ids = [f"text-{n:05d}" for n in range(3000)]
    before = cut_batches(ids, str)
    assert [i for batch in before for i in batch] == ids  # every text once, in order
    assert len(before) > 3000 // (2 * BATCH_TEXTS) and all(len(batch) <= 2 * BATCH_TEXTS for batch in before)
    added = ids[:1500] + ["text-01499a", "text-01499b"] + ids[1500:]
    after = cut_batches(added, str)
    changed = [batch for batch in after if batch not in before]
    assert len(changed) <= 2 and {"text-01499a", "text-01499b"} <= {i for batch in changed for i in batch}
    assert len(after) - len(changed) >= len(before) - 2


def test_a_short_gbk_text_with_dashes_and_middle_dots_is_read():
    # Python's gb2312 codec reads A1AA and A1A4 as U+2015 and U+30FB: they had counted as rare
    text = "# 目录\n\n第一章——总则\n第二章——试点·附则\n"
    assert decode_text(text.encode("gbk"), "x.md") == text


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_an_evidence_page_lists_the_figures_that_show_its_word_or_sub_tool(built_site, edition):
    """It listed every figure of the corpus: the page of a word only the keyness figure shows sent
    the reader to the policy-tool figures, which never name it."""
    import re

    from pilotsite.pages.corpus_pages import evidence_path

    showing: dict[str, set[str]] = {}  # evidence page -> the figures whose data name its item
    for data in sorted((built_site / "figures").glob("cn-regulations-*/data.csv")):
        with open(data, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for kind, column in (("word", "keyword"), ("tool", "sub_tool")):
                    if row.get(column):
                        page = evidence_path("cn-regulations", kind, row[column])
                        showing.setdefault(page, set()).add(data.parent.name)
    pages = sorted((built_site / edition / "corpus/cn-regulations/evidence").glob("*/index.html"))
    assert pages and len(pages) == len(showing)
    narrower = 0
    for page in pages:
        html_text = page.read_text(encoding="utf-8")
        listed = set(re.findall(r'<a href="(?:\.\./)+figures/([^/"]+)/index\.html">', html_text))
        expected = showing[page.relative_to(built_site / edition).as_posix()]
        assert listed == expected, page
        narrower += len(listed) < len({f for shown in showing.values() for f in shown})
    assert narrower  # some page lists fewer than every corpus figure
