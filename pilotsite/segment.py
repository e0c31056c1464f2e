"""Segmenting corpus texts with jieba: sentence by sentence, cached per text, in parallel.

A text's tokens are cached under a key made of the text's hash, the user dictionary's hash and
the jieba version, so a rebuild segments only new or changed texts. Segmentation runs in worker
processes (--jobs) or on a Dask cluster (--scheduler tcp://host:port); results are identical to
one process because jieba is deterministic and texts are independent.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .fingerprint import package_version, write_atomic
from .text import chinese_tokenizer

BATCH_CHARACTERS = 200_000  # texts are sent to workers in batches of about this size
CACHE_FORMAT = "sentences-v3"  # change when encode() or segment_text() changes


def segment_sentences(sentences: list[str], user_dictionary: str) -> list[list[str]]:
    """jieba tokens of each sentence, whitespace dropped (the reference segment_text must match)."""
    tokenizer = chinese_tokenizer(user_dictionary)
    return [[w for w in tokenizer.lcut(s) if w.strip()] for s in sentences]


TERMINATORS = frozenset("。！？；!?;")


def segment_text(text: str, user_dictionary: str) -> list[list[str]]:
    """The tokens of each sentence of corpus.split_sentences(text), from one jieba pass.

    One lcut over the whole text is much faster than one per sentence. It gives the same tokens:
    jieba never joins characters across punctuation or whitespace, and sentence ends are such
    characters, which jieba returns as tokens of their own; they are cut here by the same rule
    as split_sentences (after 。！？；!?; and at line breaks; blank sentences dropped)."""
    from .corpus import MARKUP

    sentences: list[list[str]] = []
    current: list[str] = []
    raw: list[str] = []

    def close() -> None:
        if "".join(raw).strip():
            sentences.append(current.copy())
        current.clear()
        raw.clear()

    for token in chinese_tokenizer(user_dictionary).lcut(MARKUP.sub("", text)):
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


def segment_batch(batch: list[tuple[str, str]], user_dictionary: str) -> list[tuple[str, list[list[str]]]]:
    """Worker entry point (a top-level function, so processes and Dask workers can import it)."""
    return [(key, segment_text(text, user_dictionary)) for key, text in batch]


def segment_to_cache(batch: list[tuple[str, str]], user_dictionary: str, cache_dir: str) -> list[str]:
    """Local worker entry point: segments and writes the cache files itself, so the parent does
    not have to unpickle millions of tokens while the workers still compete for the CPU."""
    done = []
    for key, tokens in segment_batch(batch, user_dictionary):
        write_atomic(Path(cache_dir) / key[:2] / f"{key}.txt", encode(tokens))
        done.append(key)
    return done


def encode(tokens: list[list[str]]) -> bytes:
    """First line: the number of sentences; then one line of space-separated tokens per sentence."""
    return (f"{len(tokens)}\n" + "\n".join(" ".join(sentence) for sentence in tokens)).encode("utf-8")


def decode(data: bytes) -> list[list[str]]:
    count, _, body = data.decode("utf-8").partition("\n")
    lines = body.split("\n") if int(count) else []
    return [line.split(" ") if line else [] for line in lines]


@dataclass
class Segmenter:
    cache_dir: Path
    user_dictionary: str  # the text of data/lexicon/userdict.txt
    jobs: int = 0  # 0: all cores
    scheduler: str = ""  # a Dask scheduler address, or "" for local processes
    segmented: int = 0  # texts segmented by this build (not from the cache)

    def key(self, text: str) -> str:
        """The text, the user dictionary, the jieba version, and how texts become sentences."""
        from .corpus import MARKUP, SENTENCE_END

        parts = "\n".join((hashlib.sha256(text.encode("utf-8")).hexdigest(),
                           hashlib.sha256(self.user_dictionary.encode("utf-8")).hexdigest(),
                           package_version("jieba"), SENTENCE_END.pattern, MARKUP.pattern, CACHE_FORMAT))
        return hashlib.sha256(parts.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.txt"

    def tokens(self, texts: dict[str, str]) -> dict[str, list[list[str]]]:
        """texts: id -> full text. Returns id -> tokens of each sentence (see corpus.split_sentences)."""
        keys = self.tokens_missing(texts)
        return {i: decode(self.path(keys[i]).read_bytes()) for i in texts}

    def count_together(self, texts: dict[str, str]) -> Counter:
        """How often each token occurs in all the given texts together.

        The cached files are joined and counted in one C-level pass: several times faster than
        building per-sentence token lists (use tokens() when sentences matter)."""
        keys = self.tokens_missing(texts)
        bodies = [self.path(keys[i]).read_bytes().partition(b"\n")[2] for i in sorted(texts)]
        return Counter(b"\n".join(bodies).decode("utf-8").split())

    def tokens_missing(self, texts: dict[str, str]) -> dict[str, str]:
        """Segment into the cache every text that is not there yet; returns id -> cache key."""
        keys = {text_id: self.key(texts[text_id]) for text_id in sorted(texts)}
        missing = {keys[i]: texts[i] for i in keys if not self.path(keys[i]).is_file()}
        if missing:
            self._run(list(missing.items()))
            self.segmented += len(missing)
        return keys

    def _batches(self, items):
        batch, size = [], 0
        for key, text in items:
            batch.append((key, text))
            size += len(text)
            if size >= BATCH_CHARACTERS:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    def _run(self, items) -> None:
        """Segment items into the cache: on the Dask cluster, in worker processes, or here."""
        batches = list(self._batches(items))
        if self.scheduler:
            from dask.distributed import Client, as_completed

            # Remote workers may not share this disk: they return tokens and this process writes.
            with Client(self.scheduler) as client:
                futures = client.map(segment_batch, batches, user_dictionary=self.user_dictionary, pure=False)
                for future in as_completed(futures):
                    for key, tokens in future.result():
                        write_atomic(self.path(key), encode(tokens))
            return
        jobs = self.jobs or os.cpu_count() or 1
        if jobs == 1 or len(batches) == 1:
            for batch in batches:
                segment_to_cache(batch, self.user_dictionary, str(self.cache_dir))
            return
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(segment_to_cache, batches, [self.user_dictionary] * len(batches),
                          [str(self.cache_dir)] * len(batches)))
