"""pilotsite/pages/site.py: the words of a title that search ranks by."""

from __future__ import annotations

from conftest import ROOT
from pilotsite.analysis import words
from pilotsite.pages.site import search_words


def test_search_words_segment_chinese_titles_without_listing_a_words_own_beginning():
    tokenizer = words.chinese_tokenizer(words.load_lexicon(ROOT).user_dictionary.read_text(encoding="utf-8-sig"))
    found = search_words("从增长竞争到协同竞赛:地方政府行为的转型逻辑", tokenizer).split()
    # 协同竞赛 is found by a search for 协同 (Pagefind matches the start of a word) and for 竞赛;
    # 协同 on its own would make Pagefind count the title twice for 协同.
    assert "协同竞赛" in found and "竞赛" in found and "协同" not in found
    assert not [w for w in found if not w.strip() or w in ":——"]
    assert (
        search_words("Sub-tool shares (reported): within each type") == "Sub-tool shares (reported): within each type"
    )
    assert search_words("Shanxi: from competition", tokenizer).split() == ["Shanxi", "from", "competition"]
