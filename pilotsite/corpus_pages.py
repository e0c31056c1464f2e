"""Pages for the corpus studies: an overview, a page per corpus text, and keyword-in-context
evidence pages for every coded sub-tool and every top keyword, so each count can be audited."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from .codebook import load_codebook
from .pages import Link, Page, SiteModel, figure_href

SHOWN = 100  # sentences listed on an evidence page; evidence.csv has them all


@dataclass(frozen=True)
class EvidenceRow:
    text: Link
    level: str
    region: str
    sentence: str
    occurrences: int


@dataclass(frozen=True)
class EvidenceContext:
    corpus_title: str
    what: str  # "sub-tool" | "keyword"
    rule: str  # the patterns, or "jieba token equals …"
    total_units: int
    by_level: tuple[tuple[str, int], ...]
    rows: tuple[EvidenceRow, ...]
    shown: int
    figures: tuple[Link, ...]


@dataclass(frozen=True)
class CorpusTextContext:
    text: object  # corpus.CorpusText
    corpus_title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class CorpusIndexContext:
    corpora: tuple[dict, ...]


def slug(kind: str, value: str) -> str:
    return f"{kind}-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:10]}"


def evidence_path(corpus_id: str, kind: str, value: str) -> str:
    return f"corpus/{corpus_id}/evidence/{slug(kind, value)}/index.html"


def text_path(corpus_id: str, text_id: str) -> str:
    return f"corpus/{corpus_id}/texts/{text_id}/index.html"


def evidence_links(model: SiteModel, catalog) -> dict[tuple[str, str], str]:
    """(column, value) -> evidence page, for linking figure tables to their evidence."""
    links = {}
    for corpus in catalog.corpora.values():
        for tool in load_codebook(catalog.project):
            links[("sub_tool", tool.id)] = evidence_path(corpus.id, "tool", tool.id)
        for word in top_keywords(model, corpus.id):
            links[("keyword", word)] = evidence_path(corpus.id, "word", word)
    return links


def top_keywords(model: SiteModel, corpus_id: str) -> list[str]:
    """Every keyword in the top lists of the corpus keyword figures (level, region, tier)."""
    words = set()
    for suffix in ("level", "region", "tier"):
        result = model.results.get(f"{corpus_id}-keywords-by-{suffix}")
        if result is not None:
            words |= set(result.data["keyword"])
    return sorted(words)


def to_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["text_id", "title", "level", "region", "sentence_number", "occurrences", "sentence"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def find_evidence(corpus, tokens: dict, items: list) -> dict[str, list[dict]]:
    """For each item (kind-value key, counting function), every sentence it counts."""
    found = {key: [] for key, _ in items}
    for text in corpus.texts:
        if len(tokens[text.id]) != len(text.sentences):  # zip() below would silently drop sentences
            raise RuntimeError(f"{text.id}: {len(tokens[text.id])} segmented sentences for {len(text.sentences)} sentences")
        for number, (sentence, words) in enumerate(zip(text.sentences, tokens[text.id]), 1):
            for key, count in items:
                n = count(sentence, words)
                if n:
                    found[key].append({"text_id": text.id, "title": text.title, "level": text.level, "region": text.region,
                                       "sentence_number": number, "occurrences": n, "sentence": sentence})
    return found


def evidence_key(corpus, catalog, items: list) -> str:
    """What the evidence depends on: the texts, the segmentation, the codebook, the item list and this code."""
    from pathlib import Path

    digest = hashlib.sha256()
    for text in corpus.texts:  # the rows carry each text's metadata too
        digest.update(json.dumps([text.id, text.title, text.level, text.region, catalog.segmenter.key(text.text)],
                                 ensure_ascii=False).encode("utf-8"))
    for path in (catalog.project.root / "data/codebook/policy-tools.yaml", Path(__file__)):
        digest.update(path.read_bytes())
    digest.update(json.dumps([key for key, _ in items], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def cached_evidence(corpus, catalog, items: list) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """find_evidence and each item's evidence.csv, kept in .build/cache/evidence/ by
    evidence_key: most rebuilds reuse both."""
    from .fingerprint import write_atomic

    path = catalog.segmenter.cache_dir.parent / "evidence" / f"{evidence_key(corpus, catalog, items)}.json"
    if path.is_file():
        cached = json.loads(path.read_text(encoding="utf-8"))
        return cached["rows"], cached["csv"]
    tokens = catalog.segmenter.tokens({t.id: t.text for t in corpus.texts})
    found = find_evidence(corpus, tokens, items)
    tables = {key: to_csv(rows).decode("utf-8") for key, rows in found.items()}
    write_atomic(path, json.dumps({"rows": found, "csv": tables}, ensure_ascii=False).encode("utf-8"))
    return found, tables


def corpus_pages(model: SiteModel, catalog) -> list[Page]:
    pages, overview = [], []
    for corpus in catalog.corpora.values():
        tools = load_codebook(catalog.project)
        figures = tuple(Link(r.figure.title, r.figure.id) for r in sorted(model.results.values(), key=lambda r: r.figure.id)
                        if r.figure.kind == "corpus" and r.figure.params.get("corpus") == corpus.id)
        items = [("tool", t.id, t.label, "sub-tool", "matches any of: " + " | ".join(t.patterns),
                  lambda sentence, words, tool=t: int(tool.matches(sentence))) for t in tools]
        items += [("word", w, w, "keyword", f"jieba token equal to {w}", lambda sentence, words, word=w: words.count(word))
                  for w in top_keywords(model, corpus.id)]
        evidence, tables = cached_evidence(corpus, catalog, [(f"{kind}:{value}", count) for kind, value, _, _, _, count in items])
        listing = []
        for kind, value, label, what, rule, count in items:
            found = evidence[f"{kind}:{value}"]
            path = evidence_path(corpus.id, kind, value)[: -len("/index.html")]
            root = "../" * path.count("/") + "../"
            rows = tuple(EvidenceRow(Link(r["title"], f"{root}{text_path(corpus.id, r['text_id'])}#s-{r['sentence_number']}"),
                                     r["level"], r["region"], r["sentence"], r["occurrences"]) for r in found[:SHOWN])
            by_level = tuple((level, sum(r["occurrences"] for r in found if r["level"] == level)) for level in ("central", "local"))
            pages.append(Page(
                f"{path}/index", "evidence.qmd.j2", f"Evidence: {label} ({what})", "zh" if kind == "word" else "en",
                f"Every sentence of {corpus.title} counted for the {what} {label}.",
                (Link("Home", root + "index.html"), Link("Corpus studies", root + "corpus/index.html"), Link(label, "")),
                EvidenceContext(corpus.title, what, rule, sum(r["occurrences"] for r in found), by_level, rows, len(rows),
                                tuple(Link(f.label, figure_href(root, f.href)) for f in figures)),
                files=(("evidence.csv", tables[f"{kind}:{value}"].encode("utf-8")),),
                search_kind="evidence",
            ))
            listing.append({"kind": what, "label": label, "href": evidence_path(corpus.id, kind, value)[len("corpus/"):],
                            "units": sum(r["occurrences"] for r in found)})
        for text in corpus.texts:
            root = "../../../../"
            pages.append(Page(
                text_path(corpus.id, text.id)[: -len(".html")], "corpus_text.qmd.j2", text.title, "zh",
                f"{text.title}: a text of {corpus.title}",
                (Link("Home", root + "index.html"), Link("Corpus studies", root + "corpus/index.html"), Link(text.id, "")),
                CorpusTextContext(text, corpus.title, tuple(text.sentences)),
                search_kind="corpus text",
                search_filters=tuple((name, value) for name, value in (("level", text.level), ("region", text.region)) if value),
            ))
        counts = {}
        for text in corpus.texts:
            key = f"{text.level} · {text.region or '—'} · {text.issuer_tier}"
            counts[key] = counts.get(key, 0) + 1
        overview.append({"id": corpus.id, "title": corpus.title, "path": corpus.label, "texts": len(corpus.texts),
                         "strata": sorted(counts.items()), "figures": [Link(f.label, figure_href("../", f.href)) for f in figures],
                         "evidence": listing,
                         "text_links": [Link(f"{t.id} {t.title}", text_path(corpus.id, t.id)[len("corpus/"):]) for t in corpus.texts]})
    if overview:
        pages.append(Page("corpus/index", "corpus.qmd.j2", "Corpus studies", "en",
                          "Central and local keywords, keyness and coded policy tools over a corpus of Chinese regulations.",
                          (Link("Home", "../index.html"), Link("Corpus studies", "")), CorpusIndexContext(tuple(overview))))
    return pages
