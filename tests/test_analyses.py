"""Keyword and timeline analyses on a tiny project with known answers."""

import shutil

import pandas as pd
import yaml

from conftest import ROOT
from pilotsite.figures.figure import Catalog, discover, load_module
from pilotsite.figures.outputs import evaluate as run_figure
from pilotsite.inputs.documents import load_documents
from pilotsite.inputs.project import open_project
from pilotsite.inputs.reported import load_reported
from pilotsite.inputs.timelines import load_events, load_stages

case_timelines = load_module(ROOT / "analyses/case_timelines.py", ROOT)


def tiny_project(root):
    """Two tiny documents that share the word 'pilot', one bilingual."""
    for doc_id, text, langs in (
        ("doc-a", "Pilot pilot reform. The pilot county budget.\n", ["en"]),
        ("doc-b", "A pilot and a county.\n\n地方政府推动一群两区三圈协同。地方政府\n", ["en", "zh"]),
    ):
        folder = root / "data/documents" / doc_id
        folder.mkdir(parents=True)
        (folder / "text.md").write_text(text, encoding="utf-8")
        (folder / "document.yaml").write_text(
            yaml.safe_dump(
                {
                    "id": doc_id,
                    "title": doc_id.upper(),
                    "authors": [],
                    "kind": "test",
                    "languages": langs,
                    "source_file": "none",
                    "short_title": doc_id,
                    "summary": "tiny",
                }
            ),
            encoding="utf-8",
        )
    (root / "data/timelines").mkdir(parents=True)
    (root / "data/timelines/events.csv").write_text(
        "event_id,document_id,date_start,date_end,approximate,date_text,label,quote\n", encoding="utf-8"
    )
    (root / "data/timelines/stages.csv").write_text(
        "process_id,document_id,process_label,step,label,quote\n", encoding="utf-8"
    )
    shutil.copytree(ROOT / "data/lexicon", root / "data/lexicon")
    shutil.copy(ROOT / "data/site.yaml", root / "data/site.yaml")
    (root / "analyses").mkdir()
    shutil.copy(ROOT / "analyses/keyword_frequencies.py", root / "analyses")
    project = open_project(root)
    documents = load_documents(project)
    return Catalog(
        project,
        documents,
        load_events(project, documents),
        load_stages(project, documents),
        load_reported(project, documents),
    )


def test_keyword_figures_per_document_and_language(tmp_path):
    catalog = tiny_project(tmp_path)
    figures = {f.id: f for f in discover(catalog)}
    assert set(figures) == {"doc-a-keywords", "doc-b-keywords-en", "doc-b-keywords-zh", "keyword-overlap"}
    a = run_figure(figures["doc-a-keywords"], catalog).data
    assert a.iloc[0][["keyword", "count", "share_pct"]].tolist() == ["pilot", 3, 50.0]  # of 6 counted tokens
    zh = run_figure(figures["doc-b-keywords-zh"], catalog).data
    assert zh.iloc[0][["keyword", "count"]].tolist() == ["地方政府", 2]
    assert "一群两区三圈" in set(zh["keyword"])


def test_overlap_table_lists_shared_keywords(tmp_path):
    catalog = tiny_project(tmp_path)
    figure = next(f for f in discover(catalog) if f.id == "keyword-overlap")
    data = run_figure(figure, catalog).data
    assert data.to_dict("records") == [
        {"document_a": "doc-a", "document_b": "doc-b", "shared_count": 2, "shared_keywords": "county; pilot"}
    ]


def test_undeclared_input_is_refused(tmp_path):
    from dataclasses import replace

    import pytest

    from pilotsite.errors import BuildError

    catalog = tiny_project(tmp_path)
    figure = next(f for f in discover(catalog) if f.id == "doc-a-keywords")
    with pytest.raises(BuildError, match="does not list it in its inputs"):
        run_figure(replace(figure, inputs=figure.inputs[1:]), catalog)


def test_input_listed_but_never_read_is_refused(tmp_path):
    """Declared inputs are exact both ways: an unread one would redraw the figure for nothing."""
    from dataclasses import replace

    import pytest

    from pilotsite.errors import BuildError

    catalog = tiny_project(tmp_path)
    figure = next(f for f in discover(catalog) if f.id == "doc-a-keywords")
    with pytest.raises(BuildError, match="lists data/timelines/events.csv in its inputs but never reads it") as error:
        run_figure(replace(figure, inputs=(*figure.inputs, "data/timelines/events.csv")), catalog)
    assert error.value.problems[0].file == "analyses/keyword_frequencies.py"


def test_partial_dates_become_year_spans():
    assert case_timelines.year_fraction("1997", end=False) == 1997
    assert case_timelines.year_fraction("1999", end=True) == 2000
    assert case_timelines.year_fraction("2008-09", end=False) == 2008 + 8 / 12
    assert case_timelines.year_fraction("2017-12", end=True) == 2018


def test_stage_alt_text_keeps_order():
    data = pd.DataFrame({"step": [1, 2], "label": ["First", "Second"]})
    from pilotsite.inputs.interface import load_interface

    alt = case_timelines.describe_stages(data)
    assert load_interface(ROOT).resolve(alt).endswith("1. First 2. Second")
    assert load_interface(ROOT).resolve(alt, "zh") == "无日期的 2 个有序阶段：1. First 2. Second"


def test_a_timeline_of_one_event_or_stage_and_a_term_in_one_province_are_said_in_the_singular():
    """They read "1 dated events, from 2001 to 2001", "A process in 1 stages", "1 provinces"."""
    from pilotsite.inputs.interface import load_interface

    interface = load_interface(ROOT)
    diffusion = load_module(ROOT / "analyses/corpus_diffusion.py", ROOT)
    stage = pd.DataFrame({"step": [1], "label": ["Only"]})
    event = pd.DataFrame({"date_text": ["2001"], "label": ["Founded"]})
    said = [
        interface.resolve(case_timelines.headline_stages(stage)),
        interface.resolve(case_timelines.describe_stages(stage)),
        interface.resolve(case_timelines.headline_events(event)),
        interface.resolve(case_timelines.describe_events(event)),
    ]
    assert said == [
        "A process in 1 stage, “Only”.",
        "Process of 1 stage, without a date: 1. Only",
        "1 dated event, 2001, quoted from the text.",
        "Timeline of 1 dated event: 2001: Founded.",
    ]
    adopted = pd.DataFrame({"term": ["河长制"], "level": ["local"], "first_year": [2018]})
    assert interface.resolve(diffusion.headline_adoption(adopted)) == "河长制 spread furthest: 1 province, in 2018."
    assert interface.resolve(diffusion.headline_adoption(adopted), "zh") == "河长制扩散最广：1 个省份，在 2018 年。"


def test_a_figure_is_drawn_again_only_when_what_its_drawing_reads_changed(tmp_path, monkeypatch):
    """A stale figure is computed again, but its earlier images are reused where its data frame,
    size and drawing context (code, parameters, libraries, drawn texts) are the same."""
    from dataclasses import replace

    from pilotsite.figures import drawing
    from pilotsite.figures.outputs import DRAWING_KEY, EarlierDrawing, compute_figure

    drawings = []

    def counted(*args, **kwargs):
        drawings.append(args[1])
        return real_render(*args, **kwargs)

    real_render = drawing.render
    monkeypatch.setattr(drawing, "render", counted)
    catalog = tiny_project(tmp_path / "project")
    figure = next(f for f in discover(catalog) if f.id == "doc-b-keywords-zh")

    first = compute_figure(figure, catalog, EarlierDrawing("context"))
    assert len(drawings) == 1 and DRAWING_KEY in first
    entry = tmp_path / "entry"
    entry.mkdir()
    for name, content in first.items():
        (entry / name).write_bytes(content)

    assert compute_figure(figure, catalog, EarlierDrawing("context", entry)) == first
    assert len(drawings) == 1  # the same data and context: the earlier images, not drawn

    compute_figure(figure, catalog, EarlierDrawing("the code changed", entry))
    assert len(drawings) == 2

    text = tmp_path / "project/data/documents/doc-b/text.md"
    text.write_text(text.read_text(encoding="utf-8") + "地方政府\n", encoding="utf-8")
    edited = replace(catalog, documents=load_documents(open_project(tmp_path / "project")))
    changed = compute_figure(figure, edited, EarlierDrawing("context", entry))
    assert len(drawings) == 3  # new data: drawn anew
    assert changed["figure.svg"] != first["figure.svg"] and changed[DRAWING_KEY] != first[DRAWING_KEY]

    (entry / DRAWING_KEY).write_text("an entry drawn from something else", encoding="utf-8")
    assert compute_figure(figure, catalog, EarlierDrawing("context", entry)) == first
    assert len(drawings) == 4


def test_a_keyword_headline_singles_out_no_word_where_the_top_count_is_tied():
    """A text whose words each occur once had its headline call the first of them, by the
    table's order, the most frequent word; a tie at the top is said as a tie, in both editions."""
    from pilotsite.inputs.interface import load_interface

    module = load_module(ROOT / "analyses/keyword_frequencies.py", ROOT)
    interface = load_interface(ROOT)

    def table(counts: list[int]) -> pd.DataFrame:
        total = sum(counts)
        return pd.DataFrame(
            {
                "keyword": [f"w{n}" for n in range(len(counts))],
                "count": counts,
                "share_pct": [round(100 * c / total, 2) for c in counts],
                "total_tokens": total,
            }
        )

    assert interface.resolve(module.headline_keywords(table([3, 2, 1]))) == (
        "Most frequent word: w0 (50 % of 6 counted tokens)."
    )
    assert interface.resolve(module.headline_keywords(table([2, 2, 1]))) == (
        "No single most frequent word: w0, w1 each make 40 % of 5 counted tokens."
    )
    assert interface.resolve(module.headline_keywords(table([1] * 10)), "zh") == (
        "没有唯一的最高频词：w0、w1、w2、w3、w4、… 各占 10 个计数词元的 10%。"
    )
    # the table stops at its top words: a tie down to its last row may go on beyond it
    assert interface.resolve(module.headline_keywords(table([2, 2, 2]))).startswith(
        "No single most frequent word: w0, w1, w2, … each"
    )
