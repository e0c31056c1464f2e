#!/usr/bin/env python3
"""Segmentation speed, memory and scaling on a full corpus, measured in one run.

    python bench/corpus.py [--corpus ../shared/corpora/cn-regulations] [--jobs 0] [--runs 3]
    python bench/corpus.py --quick     # one round on the shipped sample's first 12 texts: checks the script runs

Prints, for the plain single-process baseline (jieba.lcut over every whole text, counted with a
collections.Counter), our cold run (sentence-level segmentation in --jobs processes, empty token
cache) and our warm run (cache filled): the median seconds of --runs rounds (baseline, cold and
warm interleaved in each round, so machine noise hits all three alike), MB/s, the ratio of the
medians to the baseline's, and whether the word counts are identical (same word filter on both
sides). Then our cold run on the first 25 % and 50 % of the texts (by id) to show how the cost
grows, and the peak resident memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pilotsite.analysis.keyness import content_counts, content_words  # noqa: E402  (the baseline counts per text)
from pilotsite.analysis.textwork import TextWork  # noqa: E402
from pilotsite.analysis.words import load_lexicon  # noqa: E402
from pilotsite.inputs.corpus import load_corpus  # noqa: E402
from pilotsite.inputs.lexicon import USER_DICTIONARY  # noqa: E402
from pilotsite.inputs.project import open_project  # noqa: E402
from pilotsite.inputs.schemas import CorpusEntry  # noqa: E402


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def baseline(corpus, user_dictionary: Path, stopwords) -> tuple[float, Counter]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(user_dictionary))
    tokenizer.initialize()
    texts = [corpus.read_text(text) for text in corpus.texts]  # read before the clock starts
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(content_words([tokenizer.lcut(text)], stopwords))
    return time.perf_counter() - started, counts


def ours(corpus, texts, cache: Path, user_dictionary: str, stopwords, jobs: int) -> tuple[float, Counter, int]:
    started = time.perf_counter()
    work = TextWork(cache / "tokens", cache / "coded", user_dictionary, jobs=jobs)
    work.prepare(corpus, texts, code=False)
    counts = content_counts(work.count_words(texts), stopwords)
    return time.perf_counter() - started, counts, work.segmented


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/cn-regulations")
    parser.add_argument("--jobs", type=int, default=0, help="processes for our runs (default: all cores)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of baseline, cold and warm (medians are reported)")
    parser.add_argument("--quick", action="store_true", help="one round on 12 texts of the shipped sample")
    args = parser.parse_args()
    project = open_project(ROOT)
    if args.quick:
        args.runs, args.corpus = 1, ROOT / "data/corpora/cn-regulations-sample"
    corpus = load_corpus(project, CorpusEntry(id="bench", path=str(args.corpus.resolve())))
    texts = list(corpus.texts)
    if args.quick:
        corpus = dataclasses.replace(corpus, texts=tuple(texts[:12]))
        texts = list(corpus.texts)
    mb = sum(t.size for t in texts) / 1e6
    stopwords = load_lexicon(ROOT).stopwords["zh"]
    user_dictionary = (ROOT / USER_DICTIONARY).read_text(encoding="utf-8")
    print(f"corpus: {args.corpus} — {len(texts)} texts, {mb:.1f} MB of UTF-8")

    base_times, cold_times, warm_times, identical = [], [], [], True
    for _ in range(args.runs):
        seconds, base_counts = baseline(corpus, ROOT / USER_DICTIONARY, stopwords)
        base_times.append(seconds)
        with tempfile.TemporaryDirectory() as scratch:
            cache = Path(scratch) / "tokens"
            seconds, cold_counts, segmented = ours(corpus, texts, cache, user_dictionary, stopwords, args.jobs)
            cold_times.append(seconds)
            seconds, warm_counts, _ = ours(corpus, texts, cache, user_dictionary, stopwords, args.jobs)
            warm_times.append(seconds)
        identical = identical and cold_counts == base_counts == warm_counts
    base_seconds, cold_seconds, warm_seconds = (statistics.median(t) for t in (base_times, cold_times, warm_times))
    runs = lambda times: ", ".join(f"{t:.1f}" for t in times)  # noqa: E731
    print(
        f"baseline (1 process, jieba.lcut + Counter): median {base_seconds:6.1f} s  {mb / base_seconds:6.2f} MB/s  "
        f"runs {runs(base_times)}"
    )
    print(
        f"ours, cold ({segmented} texts segmented):      median {cold_seconds:6.1f} s  {mb / cold_seconds:6.2f} MB/s  "
        f"{base_seconds / cold_seconds:5.2f}x baseline (target >= 1.7x)  runs {runs(cold_times)}"
    )
    print(
        f"ours, warm (cache filled):                 median {warm_seconds:6.1f} s  {mb / warm_seconds:6.2f} MB/s  "
        f"{base_seconds / warm_seconds:5.1f}x baseline (target >= 20x)  runs {runs(warm_times)}"
    )
    print(f"word counts identical to the baseline in every run: {identical}")
    for share in (0.25, 0.5):
        subset = texts[: int(len(texts) * share)]
        sub_mb = sum(t.size for t in subset) / 1e6
        with tempfile.TemporaryDirectory() as scratch:
            seconds, _, _ = ours(corpus, subset, Path(scratch), user_dictionary, stopwords, args.jobs)
        print(
            f"scaling: {int(share * 100):3d} % ({sub_mb:5.1f} MB) cold {seconds:6.1f} s = {seconds / sub_mb:.2f} s/MB"
        )
    print(f"scaling: 100 % ({mb:5.1f} MB) cold {cold_seconds:6.1f} s = {cold_seconds / mb:.2f} s/MB")
    print(f"peak RSS: {peak_mb():.0f} MB (target < 1,500 MB)")


if __name__ == "__main__":
    main()
