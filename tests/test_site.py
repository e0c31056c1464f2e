"""pilotsite/pages/site.py: the words of a title that search ranks by."""

from __future__ import annotations

from conftest import ROOT
from pilotsite.analysis import words
from pilotsite.pages.site import search_words


def test_search_words_segment_chinese_titles_with_the_words_inside_each():
    tokenizer = words.chinese_tokenizer(words.load_lexicon(ROOT).user_dictionary.read_text(encoding="utf-8-sig"))
    found = search_words("从增长竞争到协同竞赛:地方政府行为的转型逻辑", tokenizer).split()
    # 协同竞赛 is one word to jieba; the search page splits a query in the index's words (协同 竞赛),
    # each of which the title then has as a word of its own
    assert found.index("协同竞赛") < found.index("协同") and "竞赛" in found
    assert not [w for w in found if not w.strip() or w in ":——"]
    assert (
        search_words("Sub-tool shares (reported): within each type") == "Sub-tool shares (reported): within each type"
    )
    assert search_words("Shanxi: from competition", tokenizer).split() == ["Shanxi", "from", "competition"]
