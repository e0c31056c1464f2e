"""Per-text work on corpus texts, cached by content and run in batches: jieba segmentation and
codebook coding. Batches run in local worker processes (--jobs) or on a Dask cluster
(--scheduler, see cluster.py); results are identical wherever they ran, since both steps are
deterministic and texts are independent.

Each text's results are files keyed by the SHA-256 of the text file and of what shapes them,
so a rebuild works only on new or changed texts, and nothing is held in memory for long:
  tokens/<k[:2]>/<k>.txt  jieba tokens of each sentence (segment.encode)
  coded/<k[:2]>/<k>.txt   the coded units: one line "sentence-number sub-tool-id" each
and, per figure that summarises every text, one file of those summaries by token key:
  summaries/<m[:2]>/<m>.pickle   (m: the hash of what shapes the summaries besides the text)
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pilotsite.analysis.segment import CACHE_FORMAT, decode, encode, segment_text
from pilotsite.analysis.words import chinese_tokenizer
from pilotsite.inputs.corpus import (
    INVISIBLE,
    MARKUP,
    SENTENCE_END,
    Corpus,
    CorpusText,
    decode_text,
    split_sentences,
)
from pilotsite.state.fingerprint import package_version, write_atomic
from pilotsite.state.progress import OFF

if TYPE_CHECKING:
    from pilotsite.inputs.codebook import SubTool

Summary = TypeVar("Summary")

BATCH_BYTES = 600_000  # texts go to workers in batches of about this many bytes
CODING_FORMAT = "coded-v1"  # change when the coded file's format or the coding rule changes


def shard(folder: Path, key: str, suffix: str = ".txt") -> Path:
    return folder / key[:2] / f"{key}{suffix}"


def code_sentences(tools: Sequence[SubTool], sentences: list[str]) -> bytes:
    from pilotsite.inputs.codebook import coded_sentences

    return "".join(f"{number} {tool.id}\n" for number, tool in coded_sentences(tools, sentences)).encode("utf-8")


def work_on(
    text: str, user_dictionary: str, tools: Sequence[SubTool], segment: bool, code: bool
) -> tuple[bytes | None, bytes | None]:
    """The cache files of one text: its tokens, its coded units (each only when asked for)."""
    tokens = encode(segment_text(text, user_dictionary)) if segment else None
    coded = code_sentences(tools, split_sentences(text)) if code else None
    return tokens, coded


def work_on_texts(
    batch: list[tuple[str, str, str, str]], user_dictionary: str, tools: Sequence[SubTool]
) -> list[tuple[str, bytes | None, str, bytes | None]]:
    """Batch entry point: (text or file path, label, token key or '', coded key or '') for each
    text; a text given by path is read here (a local worker shares the disk). The results go
    back to the build, which writes the cache files."""
    results = []
    for source, label, token_key, coded_key in batch:
        text = decode_text(Path(source).read_bytes(), label) if label else source
        tokens, coded = work_on(text, user_dictionary, tools, bool(token_key), bool(coded_key))
        results.append((token_key, tokens, coded_key, coded))
    return results


class TextWork:
    """The per-text caches of every corpus, filled in batches and read one text at a time."""

    def __init__(
        self,
        token_dir: Path,
        coded_dir: Path,
        user_dictionary: str,
        tools: Iterable[SubTool] = (),
        codebook_digest: str = "",
        jobs: int = 0,
        scheduler: str = "",
    ):
        self.token_dir = token_dir
        self.coded_dir = coded_dir
        self.user_dictionary = user_dictionary  # the text of data/lexicon/userdict.txt
        self.tools = tuple(tools)  # the codebook's sub-tools
        self.jobs = jobs  # 0: all cores
        self.scheduler = scheduler  # a Dask scheduler address, or "" for local processes
        self.segmented = 0  # texts segmented by this build (not from the cache)
        self.progress = OFF  # the build's (pipeline.find_analyses), for its bar or lines
        self.coded = 0
        rules = "\n".join((SENTENCE_END.pattern, MARKUP.pattern, INVISIBLE))  # how a text is cut in sentences
        self._token_salt = "\n".join(
            (hashlib.sha256(user_dictionary.encode("utf-8")).hexdigest(), package_version("jieba"), rules, CACHE_FORMAT)
        )
        self._coded_salt = "\n".join((codebook_digest, rules, CODING_FORMAT))

    def token_key(self, text: CorpusText) -> str:
        """The text file, the user dictionary, the jieba version, and how texts become sentences."""
        return hashlib.sha256(f"{text.digest}\n{self._token_salt}".encode()).hexdigest()

    def coded_key(self, text: CorpusText) -> str:
        """The text file, the codebook (its file and the code that applies it), the sentence rule."""
        return hashlib.sha256(f"{text.digest}\n{self._coded_salt}".encode()).hexdigest()

    def prepare(self, corpus: Corpus, texts: Iterable[CorpusText] | None = None, code: bool = True) -> None:
        """Segment (and code) every text whose results are not cached yet."""
        todo = []
        for text in corpus.texts if texts is None else texts:
            token_key = self.token_key(text)
            coded_key = self.coded_key(text) if code and self.tools else ""
            missing_tokens = not shard(self.token_dir, token_key).is_file()
            missing_coded = bool(coded_key) and not shard(self.coded_dir, coded_key).is_file()
            if missing_tokens or missing_coded:
                todo.append((text, token_key if missing_tokens else "", coded_key if missing_coded else ""))
        if not todo:
            return
        self.segmented += sum(1 for _, t, _ in todo if t)
        self.coded += sum(1 for _, _, c in todo if c)
        self._run(corpus, todo)

    def _batches(
        self, corpus: Corpus, todo: list[tuple[CorpusText, str, str]]
    ) -> Iterator[list[tuple[str, str, str, str]]]:
        """Batches of about BATCH_BYTES; a cluster's workers get the texts, local ones the paths."""
        batch: list[tuple[str, str, str, str]] = []
        size = 0
        for text, token_key, coded_key in todo:
            path = corpus.folder / text.file
            batch.append(
                (corpus.read_text(text), "", token_key, coded_key)
                if self.scheduler
                else (str(path), f"{corpus.label}/{text.file}", token_key, coded_key)
            )
            size += path.stat().st_size
            if size >= BATCH_BYTES:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    def _run(self, corpus: Corpus, todo: list[tuple[CorpusText, str, str]]) -> None:
        from pilotsite.analysis.cluster import run_batches

        segmenting, coding = any(t for _, t, _ in todo), any(c for _, _, c in todo)
        doing = " and ".join(word for word, needed in (("segmenting", segmenting), ("coding", coding)) if needed)
        if segmenting and not self.scheduler:
            # jieba's dictionary loaded once, here (half a second): the workers forked below share
            # it, as do the processes the build forks later to draw figures and make pages
            chinese_tokenizer(self.user_dictionary)
        results: list[tuple[str, bytes | None, str, bytes | None]]  # what work_on_texts returns
        with self.progress.task(f"{doing} {corpus.id}", len(todo), "texts") as advance:
            for results in run_batches(
                "pilotsite.analysis.textwork:work_on_texts",
                self._batches(corpus, todo),
                (self.user_dictionary, self.tools),
                self.jobs,
                self.scheduler,
            ):
                for token_key, tokens, coded_key, coded in results:
                    if tokens is not None:
                        write_atomic(shard(self.token_dir, token_key), tokens)
                    if coded is not None:
                        write_atomic(shard(self.coded_dir, coded_key), coded)
                advance(len(results))

    # Reading, one text at a time (prepare() first).

    def token_path(self, text: CorpusText) -> Path:
        return shard(self.token_dir, self.token_key(text))

    def coded_path(self, text: CorpusText) -> Path:
        return shard(self.coded_dir, self.coded_key(text))

    def tokens(self, text: CorpusText) -> list[list[str]]:
        """jieba tokens of each sentence of the text (see corpus.split_sentences)."""
        return decode(shard(self.token_dir, self.token_key(text)).read_bytes())

    def coded_units(self, text: CorpusText) -> list[tuple[int, str]]:
        """(sentence number from 1, sub-tool id) for every coded unit of the text."""
        lines = shard(self.coded_dir, self.coded_key(text)).read_text(encoding="utf-8").splitlines()
        return [(int(number), tool) for number, tool in (line.split(" ", 1) for line in lines)]

    def count_words(self, texts: Iterable[CorpusText], memo: str = "") -> Counter[str]:
        """How often each token occurs in the given texts together, streamed text by text (the
        counting itself runs in C: Counter.update of a list).

        With memo (a name for this group of texts, e.g. corpus/grouping/group), the counts are
        kept in counts/ with the token keys of the texts they cover, and the next count of the
        group starts from them: counts are sums, so adding the new texts' counts and taking away
        the removed texts' gives exactly a full count, for a fraction of the reading."""
        keys = {self.token_key(text) for text in texts}
        path = (
            shard(self.coded_dir.parent / "counts", hashlib.sha256(memo.encode()).hexdigest(), ".json")
            if memo
            else None
        )
        counts: Counter[str] = Counter()
        todo = keys
        remove: set[str] = set()
        if path is not None and path.is_file():
            saved = json.loads(path.read_text(encoding="utf-8"))
            covered = set(saved["texts"])
            added, removed = keys - covered, covered - keys
            if len(added) + len(removed) < len(keys) // 2 and all(shard(self.token_dir, k).is_file() for k in removed):
                counts, todo, remove = Counter(saved["counts"]), added, removed
        for key, sign in [(k, 1) for k in sorted(todo)] + [(k, -1) for k in sorted(remove)]:
            words = shard(self.token_dir, key).read_bytes().partition(b"\n")[2].decode("utf-8").split()
            if sign > 0:
                counts.update(words)
            else:
                counts.subtract(words)
        if remove:
            counts = +counts  # drop the words no text has any more
        if path is not None and (todo or remove or not path.is_file()):
            write_atomic(
                path, json.dumps({"texts": sorted(keys), "counts": counts}, ensure_ascii=False).encode("utf-8")
            )
        return counts

    def summaries(
        self, texts: Iterable[CorpusText], memo: str, summarize: Callable[[list[list[str]]], Summary]
    ) -> Iterator[tuple[CorpusText, Summary]]:
        """(text, summarize(its tokens of each sentence)) for each text, in order.

        memo names everything besides the text that shapes a summary (the figure, its code, its
        parameters and word lists): the summaries are kept under that name by token key, so the
        next build summarises only new or changed texts and reads the rest from one file. They
        are saved once every text is summarised, for exactly these texts."""
        path = shard(self.coded_dir.parent / "summaries", hashlib.sha256(memo.encode("utf-8")).hexdigest(), ".pickle")
        try:
            saved = pickle.loads(path.read_bytes()) if path.is_file() else {}
        except Exception:  # a damaged cache file is only a cache miss
            saved = {}
        kept: dict[str, Summary] = {}
        for text in texts:
            key = self.token_key(text)
            kept[key] = saved[key] if key in saved else summarize(self.tokens(text))
            yield text, kept[key]
        if kept.keys() != saved.keys():
            write_atomic(path, pickle.dumps(kept, protocol=5))
