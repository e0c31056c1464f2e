"""Segmenting a corpus text with jieba, sentence by sentence, and the token files' format.

textwork.py runs this on every text, in batches, and caches the result per text.
"""

from __future__ import annotations

from functools import lru_cache

from pilotsite.analysis.words import chinese_tokenizer

CACHE_FORMAT = "sentences-v3"  # change when encode() or segment_text() changes


def segment_sentences(sentences: list[str], user_dictionary: str) -> list[list[str]]:
    """jieba tokens of each sentence, whitespace dropped (the reference segment_text must match)."""
    tokenizer = chinese_tokenizer(user_dictionary)
    return [[w for w in tokenizer.lcut(s) if w.strip()] for s in sentences]


# A block of at most this many characters is cut once per process and remembered: longer ones
# seldom come again. At most MEMO_MOST blocks are remembered (about 60 MB); then it starts again.
MEMO_LONGEST = 16
MEMO_MOST = 250_000


@lru_cache(maxsize=4)
def _cut_blocks(user_dictionary: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """The blocks cut so far with this dictionary, and their words, each kept once."""
    return {}, {}


def jieba_tokens(text: str, user_dictionary: str) -> list[str]:
    """jieba's lcut(text), token for token. jieba splits a text into blocks of Han characters,
    letters and digits and the runs between them (its re_han_default) and cuts each block by
    itself, so a block cut before is taken from a memo: regulations repeat their phrases (a
    quarter of the full corpus's characters are in blocks that came before), and the whole
    segmentation takes about 14 % less time."""
    import jieba

    tokenizer = chinese_tokenizer(user_dictionary)
    memo, words = _cut_blocks(user_dictionary)
    tokens: list[str] = []
    for block in jieba.re_han_default.split(text):
        if not block:
            continue
        cut = memo.get(block)
        if cut is None:
            cut = tuple(tokenizer.lcut(block))
            if len(block) <= MEMO_LONGEST:
                if len(memo) >= MEMO_MOST:
                    memo.clear()
                    words.clear()
                cut = memo[block] = tuple([words.setdefault(word, word) for word in cut])
        tokens.extend(cut)
    return tokens


TERMINATORS = frozenset("。！？；!?;")


def segment_text(text: str, user_dictionary: str) -> list[list[str]]:
    """The tokens of each sentence of corpus.split_sentences(text), from one jieba pass.

    One lcut over the whole text is much faster than one per sentence. It gives the same tokens:
    jieba never joins characters across punctuation or whitespace, and sentence ends are such
    characters, which jieba returns as tokens of their own; they are cut here by the same rule
    as split_sentences (after 。！？；!?; and at line breaks; blank sentences dropped)."""
    from pilotsite.inputs.corpus import MARKUP, is_blank

    sentences: list[list[str]] = []
    current: list[str] = []
    raw: list[str] = []

    def close() -> None:
        if not is_blank("".join(raw)):
            sentences.append(current.copy())
        current.clear()
        raw.clear()

    for token in jieba_tokens(MARKUP.sub("", text), user_dictionary):
        if "\n" in token:
            close()
            continue
        raw.append(token)
        if token.strip():
            current.append(token)
        if token in TERMINATORS:
            close()
    close()
    return sentences


def encode(tokens: list[list[str]]) -> bytes:
    """First line: the number of sentences; then one line of space-separated tokens per sentence."""
    return (f"{len(tokens)}\n" + "\n".join(" ".join(sentence) for sentence in tokens)).encode("utf-8")


def decode(data: bytes) -> list[list[str]]:
    count, _, body = data.decode("utf-8").partition("\n")
    lines = body.split("\n") if int(count) else []
    return [line.split(" ") if line else [] for line in lines]
