from conftest import ROOT
from pilotsite.analysis.words import chinese_tokens, english_tokens, keyword_frequencies, load_lexicon

LEXICON = load_lexicon(ROOT)


def test_frequencies_count_and_share_with_alphabetical_ties():
    table = keyword_frequencies(["b", "a", "b", "c", "a", "b"], top_n=2)
    assert list(table["keyword"]) == ["b", "a"]
    assert list(table["count"]) == [3, 2]
    assert list(table["share_pct"]) == [50.0, 33.33]
    assert set(table["total_tokens"]) == {6}


def test_user_dictionary_keeps_policy_terms_whole():
    words = chinese_tokens("本文以山西省“一群两区三圈”为案例,结合“行政发包制”与“政治锦标赛”理论", LEXICON)
    for term in ("一群两区三圈", "行政发包制", "政治锦标赛"):
        assert term in words
    assert "“" not in words and "," not in "".join(words)


def test_chinese_stopwords_and_single_characters_removed():
    words = chinese_tokens("我们的研究表明地方政府在试点中的行为", LEXICON)
    assert "的" not in words and "我们" not in words
    assert all(len(w) >= 2 for w in words)
    assert "地方政府" in words


def test_english_tokens_lowercased_without_stopwords_or_punctuation():
    words = english_tokens("The Pilot, the pilots: and 2024 reforms! Don't", LEXICON)
    assert words.count("pilot") == 1 and "pilots" in words and "reforms" in words
    assert "the" not in words and "and" not in words and "2024" not in words


def test_segmentation_with_remembered_blocks_gives_jieba_s_own_tokens(monkeypatch):
    """segment.jieba_tokens cuts each repeated block once per process: every text of the
    shipped sample, and hostile text, gives exactly jieba's lcut, also when the memo fills up
    and starts again, and a second pass (every block remembered) gives the same again."""
    from pilotsite.analysis import segment
    from pilotsite.analysis.words import chinese_tokenizer

    dictionary = LEXICON.user_dictionary.read_text(encoding="utf-8-sig")
    sample = ROOT / "data/corpora/cn-regulations-sample/texts"
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(sample.rglob("*.md"))[:60]]
    texts += ["", "\n\n", "<script>x</script> a1.5%b 试点试点。。 \r\n 𠀀𠀁 ABC-12 ", "试点" * 50]
    assert len(texts) > 40
    tokenizer = chinese_tokenizer(dictionary)
    monkeypatch.setattr(segment, "MEMO_MOST", 500)
    segment._cut_blocks.cache_clear()
    for _ in range(2):
        for text in texts:
            assert segment.jieba_tokens(text, dictionary) == tokenizer.lcut(text)
    memo, _ = segment._cut_blocks(dictionary)
    assert 0 < len(memo) <= 500
