"""Downloads for papers: each figure's vector PDF (fonts embedded, Chinese included, text that can
be extracted) and its 300 dpi PNG, read with pypdf, fontTools, PDFium and Pillow."""

import csv
import io
import re
from pathlib import Path

import pypdfium2
import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from pilotsite.figures.fonts import cjk_font

CJK = re.compile(r"[\u4e00-\u9fff]")
HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def figure_folders(site: Path) -> list[Path]:
    folders = sorted(p.parent for p in (site / "figures").glob("*/figure.pdf"))
    assert len(folders) >= 20
    return folders


def embedded_fonts(pdf: PdfReader) -> list[dict]:
    fonts = []
    for page in pdf.pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.append(ref.get_object())
    return fonts


def unicode_of_cids(to_unicode: bytes) -> dict[int, str]:
    """A ToUnicode CMap's code -> text: its bfchar lines (<code> <text>) and bfrange lines, which
    give either the first text of the range (<start> <end> <text>) or each one ([<text> …])."""
    found = {}
    for kind, section in re.findall(r"begin(bfrange|bfchar)(.*?)end\1", to_unicode.decode("latin-1"), re.S):
        for line in section.strip().splitlines():
            values = [int(v, 16) if kind == "bfrange" and i < 2 else v for i, v in enumerate(HEX.findall(line))]
            if kind == "bfchar":
                found[int(values[0], 16)] = bytes.fromhex(values[1]).decode("utf-16-be")
            elif "[" in line:
                for offset, text in enumerate(values[2:]):
                    found[values[0] + offset] = bytes.fromhex(text).decode("utf-16-be")
            else:
                first = ord(bytes.fromhex(values[2]).decode("utf-16-be"))
                for offset in range(values[1] - values[0] + 1):
                    found[values[0] + offset] = chr(first + offset)
    return found


def outline(font: TTFont, glyph_name: str) -> list:
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[glyph_name].draw(pen)
    return pen.value


def test_every_figure_has_a_pdf_with_its_fonts_embedded_and_its_text_extractable(built_site):
    for folder in figure_folders(built_site):
        pdf = PdfReader(io.BytesIO((folder / "figure.pdf").read_bytes()))
        fonts = embedded_fonts(pdf)
        assert fonts, folder
        for font in fonts:
            # TrueType/CID fonts with the font program inside the file, as journals require (no Type 3)
            assert font["/Subtype"] == "/Type0", (folder, font["/Subtype"])
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), folder
            assert "NotoSansCJKsc" in font["/BaseFont"], folder
        text = "".join(page.extract_text() for page in pdf.pages)
        with open(folder / "data.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        if CJK.search("".join(rows[0]) + "".join(CJK.findall(str(rows[1:])))):
            assert CJK.search(text), f"{folder.name}: no Chinese text can be extracted from its PDF"
    # a keyword figure's words are all there, as text
    folder = built_site / "figures" / "cn-regulations-keywords-by-level"
    text = "".join(page.extract_text() for page in PdfReader(folder / "figure.pdf").pages)
    with open(folder / "data.csv", encoding="utf-8", newline="") as handle:
        words = [row["keyword"] for row in csv.DictReader(handle)]
    assert words and all(word in text for word in words)


def test_the_embedded_glyphs_are_the_fonts_own(built_site):
    """matplotlib's font subsetting is done by harfbuzz (figures/pdf.py): every character the PDF
    draws must be drawn with that character's glyph of Noto Sans CJK SC."""
    original = TTFont(cjk_font(), lazy=True)
    cmap = original.getBestCmap()
    checked = 0
    for folder in figure_folders(built_site)[::3]:
        pdf = PdfReader(folder / "figure.pdf")
        for font in embedded_fonts(pdf):
            descendant = font["/DescendantFonts"][0].get_object()
            program = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            subset = TTFont(io.BytesIO(program))
            order = subset.getGlyphOrder()
            cid_to_gid = descendant["/CIDToGIDMap"].get_object().get_data()
            for cid, character in unicode_of_cids(font["/ToUnicode"].get_object().get_data()).items():
                if len(character) != 1 or ord(character) not in cmap:
                    continue
                gid = int.from_bytes(cid_to_gid[2 * cid : 2 * cid + 2], "big")
                assert outline(subset, order[gid]) == outline(original, cmap[ord(character)]), (folder.name, character)
                checked += 1
    assert checked > 200


def test_print_png_is_300_dpi_and_shows_what_the_pdf_prints(built_site):
    for folder in figure_folders(built_site)[::4]:
        with Image.open(folder / "figure-300dpi.png") as big, Image.open(folder / "figure.png") as screen:
            assert big.info["dpi"] == pytest.approx((300, 300), abs=0.01)
            # twice the pixels of the 150 dpi PNG each way (the crop may round by a few pixels)
            assert abs(big.width - 2 * screen.width) <= 6 and abs(big.height - 2 * screen.height) <= 6, folder.name
            document = pypdfium2.PdfDocument((folder / "figure.pdf").read_bytes())
            width, height = document[0].get_size()  # points: 1/72 inch
            assert abs(big.width - width * 300 / 72) <= 1 and abs(big.height - height * 300 / 72) <= 1
    page = (built_site / "figures" / "return-migrant-tool-types" / "index.html").read_text(encoding="utf-8")
    assert 'href="figure.pdf" download' in page and 'href="figure-300dpi.png" download' in page


def test_a_figure_drawn_twice_gives_the_same_pdf_and_print_png():
    import pandas as pd

    from pilotsite.figures import drawing

    def draw(data, fig):
        axes = fig.add_subplot()
        axes.barh(data["word"], data["count"])
        axes.set_title("返乡创业 policy pilots")

    data = pd.DataFrame({"word": ["试点", "政策", "工具"], "count": [3, 5, 2]})
    first, second = drawing.render(draw, data, (4, 3)), drawing.render(draw, data, (4, 3))
    assert first.pdf == second.pdf and first.print_png == second.print_png
    assert b"CreationDate" not in first.pdf and b"matplotlib" not in first.pdf.lower()
    assert "返乡创业" in PdfReader(io.BytesIO(first.pdf)).pages[0].extract_text()
