"""How a corpus's texts are cut into search bundles (pilotsite/publishing/search.py): bounded in
size, and stable when texts are added, so a rebuild re-indexes only the shards that changed."""

from __future__ import annotations

from pilotsite.publishing.search import SHARD_MAX, bundles, corpus_bundle, text_shards


def corpus_of(count: int, weight: float = 1.0, prefix: str = "t") -> list[tuple[str, float]]:
    return [(f"{prefix}{n:05d}", weight) for n in range(count)]


def test_a_large_corpus_is_cut_into_shards_that_hold_every_text_once_in_order():
    texts = corpus_of(3000)
    shards = text_shards(texts)
    assert len(shards) > 1
    assert [text_id for shard in shards for text_id in shard] == [text_id for text_id, _ in texts]


def test_no_shard_outgrows_its_maximum_even_when_every_text_is_heavy():
    weight = 7.5  # a text with its full search characters indexed
    shards = text_shards(corpus_of(4000, weight))
    assert len(shards) > 1
    assert all(len(shard) * weight <= SHARD_MAX for shard in shards)


def test_added_texts_change_only_the_shards_they_fall_into():
    texts = corpus_of(3000)
    added = [(f"t{n:05d}a", 1.0) for n in range(1000, 1020)]  # 20 new texts next to each other
    before = {tuple(shard) for shard in text_shards(texts)}
    after = text_shards(sorted(texts + added))
    new_ids = {text_id for text_id, _ in added}
    untouched = [tuple(shard) for shard in after if not new_ids & set(shard)]
    assert untouched and all(shard in before for shard in untouched)
    assert len(after) - len(untouched) <= 2  # the shard they fall into, perhaps cut in two


def test_each_text_page_is_indexed_in_its_shards_bundle_and_other_pages_in_their_editions():
    shards = text_shards(corpus_of(1200))
    own = [(corpus_bundle("c", "evidence"), [])] + [(corpus_bundle("c", f"texts-{s[0]}"), s) for s in shards]
    pages = [f"corpus/c/texts/{text_id}/index.html" for shard in shards for text_id in shard]
    pages += ["corpus/c/evidence/policy/index.html", "figures/a/index.html", "zh/figures/a/index.html"]
    found = dict(bundles(pages, {"c": own}))
    assert found["pagefind"] == ["figures/a/index.html"]
    assert found["zh/pagefind"] == ["zh/figures/a/index.html"]
    assert found[corpus_bundle("c", "evidence")] == ["corpus/c/evidence/policy/index.html"]
    for shard in shards:
        assert found[corpus_bundle("c", f"texts-{shard[0]}")] == [f"corpus/c/texts/{t}/index.html" for t in shard]
