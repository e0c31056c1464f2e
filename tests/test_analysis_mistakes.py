"""A researcher's own analysis, written wrong in the ways a first analysis is: each mistake is a
BuildError naming the analysis and, where there is one, its line; none is a traceback, a figure
published wrong, or a deposit bundle that cannot reproduce its figure."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from pilotsite.errors import BuildError
from pilotsite.figures.figure import Figure, discover_all
from pilotsite.figures.outputs import evaluate
from pilotsite.pipeline import load_catalog

TOOL_TYPES = "data/reported/return-migrant-entrepreneurship/tool-types.csv"
DECLARED = """
import pandas as pd
from pilotsite.api import Figure

def figures(catalog):
    return [Figure(id="mine", title="T", caption="C", kind="policy-tools", documents=(), inputs=("{input}",),
                   compute=compute, draw=draw, describe=lambda data: "alt")]

def compute(inputs):
    return inputs.reported("{input}")[["tool_type", "share_pct"]]

def draw(data, fig):
    fig.add_subplot().bar(data["tool_type"], data["share_pct"])
""".replace("{input}", TOOL_TYPES)


def problems(call) -> list[str]:
    with pytest.raises(BuildError) as info:
        call()
    return [str(p) for p in info.value.problems]


def add(root: Path, name: str, source: str, encoding: str = "utf-8") -> None:
    (root / "analyses" / name).write_text(textwrap.dedent(source), encoding=encoding)


def discovered(root: Path) -> list[Figure]:
    return discover_all(load_catalog(root, None, None, 1, ""))[0]


def test_an_analysis_importing_what_no_deposit_bundle_carries_is_refused_at_its_line(project_copy):
    """A helper module beside the analysis: its edits redrew nothing (a figure's key has the
    analysis's file alone) and the bundle failed with ModuleNotFoundError."""
    add(project_copy, "_shared_helpers.py", 'COLOUR = "#009E73"\n')
    add(project_copy, "mine.py", "from analyses._shared_helpers import COLOUR\n" + DECLARED)
    [said] = problems(lambda: discovered(project_copy))
    assert said.startswith("analyses/mine.py, line 1: imports analyses._shared_helpers, a module of the project")
    # a library of the project's lock that the bundle's lock lacks
    add(project_copy, "mine.py", "import datacite\n" + DECLARED)
    [said] = problems(lambda: discovered(project_copy))
    assert "line 1: imports datacite, of datacite, which a figure's deposit bundle does not install" in said
    assert "bundle_requirements.in" in said
    # the standard library, the bundle's libraries, the engine, and what the type checker alone reads
    add(
        project_copy,
        "mine.py",
        "import json\nimport numpy as np\nimport matplotlib.pyplot as plt\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import datacite\n" + DECLARED,
    )
    assert "mine" in [f.id for f in discovered(project_copy)]


@pytest.mark.parametrize(
    "body, expected",
    [
        ('    return catalog.documents["nope"]\n', "figures(catalog) failed: KeyError: 'nope' (at mine.py:5)"),
        ("    return None\n", "figures(catalog) failed: TypeError: 'NoneType' object is not iterable"),
        ('    return ["mine-a", 3]\n', "figures(catalog) returned str 'mine-a', expected Figure(...)"),
        (
            '    return [Figure(id="x", title="T", caption="C", kind="keywords", documents=(), inputs=(),\n'
            "                   compute=None, draw=None)]\n",
            "figures(catalog) failed: TypeError: Figure.__init__() missing 1 required positional argument: "
            "'describe' (at mine.py:5)",
        ),
    ],
)
def test_a_figures_function_that_fails_or_returns_no_figures_is_named_with_its_line(project_copy, body, expected):
    add(project_copy, "mine.py", "from pilotsite.api import Figure\n\n\ndef figures(catalog):\n" + body)
    [said] = problems(lambda: discovered(project_copy))
    assert said.startswith("analyses/mine.py: ") and expected in said, said


@pytest.mark.parametrize("figure_id", ["Xian K_1", "../../xian-escape", "x" * 151])
def test_a_figure_id_that_is_no_slug_is_refused(project_copy, figure_id):
    """An id names folders and is in every citation's URL: a space in it was published, and
    ../ wrote pages outside the site before the link check failed the build."""
    add(project_copy, "mine.py", DECLARED.replace('id="mine"', f"id={figure_id!r}"))
    [said] = problems(lambda: discovered(project_copy))
    assert f"figure id {figure_id!r} is not an id: lowercase letters" in said and "at most 150 characters" in said


def test_an_analysis_saved_with_a_bom_is_read_as_python_reads_it(project_copy):
    """Windows editors save UTF-8 with a BOM: Python imports it, and the build had failed parsing
    its imports (SyntaxError: invalid non-printable character U+FEFF)."""
    from pilotsite.state.fingerprint import ImportStatements

    add(project_copy, "mine.py", DECLARED, encoding="utf-8-sig")
    assert "mine" in [f.id for f in discovered(project_copy)]
    assert ["from", "pilotsite.api", 0, ["Figure"]] in ImportStatements().of(project_copy / "analyses/mine.py")[
        "runtime"
    ]


@pytest.fixture
def catalog(project_copy):
    return load_catalog(project_copy, None, None, 1, "")


def figure_of(**changes) -> Figure:
    def compute(inputs):
        return inputs.reported(TOOL_TYPES)[["tool_type", "share_pct"]]

    def draw(data, fig):
        fig.add_subplot().bar(data["tool_type"], data["share_pct"])

    made = Figure(
        id="mine",
        title="T",
        caption="C",
        kind="policy-tools",
        documents=(),
        inputs=(TOOL_TYPES,),
        compute=compute,
        draw=draw,
        describe=lambda data: "alt",
        analysis="analyses/mine.py",
    )
    return replace(made, **changes)


def read_then(data):
    def compute(inputs):
        inputs.reported(TOOL_TYPES)
        return data

    return compute


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"compute": read_then([{"a": 1, "b": 2}])}, "computed list, expected a pandas DataFrame"),
        ({"compute": read_then(None)}, "computed NoneType, expected a pandas DataFrame"),
        ({"compute": read_then(pd.DataFrame({0: ["x"], 1: [2]}))}, "has a data column named 0, not by a text"),
        (
            {"compute": read_then(pd.DataFrame([["x", 1, 2]], columns=["a", "b", "b"]))},
            "has two data columns named 'b'",
        ),
        ({"primary_key": ("zzz",)}, "declares primary_key 'zzz', which is none of its data's columns"),
        ({"describe": lambda data: None}, "describe returned None, expected a text"),
        ({"describe": lambda data: 42}, "describe returned 42, expected a text"),
        ({"headline": lambda data: " "}, "headline returned ' ', expected a text"),
    ],
)
def test_data_and_texts_a_figure_cannot_publish_are_named(catalog, changes, expected):
    [said] = problems(lambda: evaluate(figure_of(**changes), catalog))
    assert said.startswith("analyses/mine.py: figure 'mine'") and expected in said, said


def test_an_error_raised_inside_a_library_is_placed_at_the_analysis_line_that_called_it(catalog):
    def draw(data, fig):
        fig.add_subplot().bar([1, 2, 3], [1, 2])  # shapes that do not match: raised in matplotlib

    here = f"tests/{Path(__file__).name}"  # the "analysis" whose line is named: this file
    [said] = problems(lambda: evaluate(figure_of(draw=draw, analysis=here), catalog))
    line = draw.__code__.co_firstlineno + 1
    assert "failed: ValueError: shape mismatch" in said and f"(at {Path(__file__).name}:{line}, inside " in said


def test_a_file_read_around_the_declared_inputs_fails_the_figure(catalog, project_copy):
    """pd.read_csv("data/…") in compute: the figure was not redrawn when that file changed, and
    its deposit bundle, which carries the declared inputs alone, did not reproduce it."""
    extra = project_copy / "data/extra/budget.csv"
    extra.parent.mkdir()
    extra.write_text("year,amount\n2021,3\n", encoding="utf-8")

    def compute(inputs):
        inputs.reported(TOOL_TYPES)
        return pd.read_csv(extra).rename(columns={"year": "tool_type", "amount": "share_pct"})

    [said] = problems(lambda: evaluate(figure_of(compute=compute), catalog))
    assert said == (
        "analyses/mine.py: figure 'mine' reads data/extra/budget.csv but does not list it in its inputs "
        "(read each input through inputs: inputs.require(path) for a file of your own)"
    )

    def declared(inputs):  # the same file, declared and read through inputs: drawn
        return pd.read_csv(inputs.require("data/extra/budget.csv")).rename(
            columns={"year": "tool_type", "amount": "share_pct"}
        )

    done = evaluate(figure_of(compute=declared, inputs=("data/extra/budget.csv",)), catalog)
    assert list(done.data["share_pct"]) == [3]


def test_a_cache_file_removed_under_a_figure_is_a_fault_of_the_machine_not_of_the_analysis(catalog, tmp_path):
    """.build/ removed during a cold build: the token files a corpus figure read had been blamed on
    its analysis (exit 2); a file of the analysis's own making that is missing still is."""
    assert catalog.cache_dir is not None
    gone = catalog.cache_dir / "tokens/09/0956.txt"

    def reads_a_vanished_cache(inputs):
        inputs.reported(TOOL_TYPES)
        return pd.read_csv(gone)

    with pytest.raises(FileNotFoundError) as raised:  # faults.plain_error: "a file vanished …", exit 3
        evaluate(figure_of(compute=reads_a_vanished_cache), catalog)
    assert raised.value.filename == str(gone)

    def reads_its_own_mistake(inputs):
        inputs.reported(TOOL_TYPES)
        return pd.read_csv(tmp_path / "no-such.csv")

    [said] = problems(lambda: evaluate(figure_of(compute=reads_its_own_mistake), catalog))
    assert "figure 'mine' failed: FileNotFoundError" in said


def test_a_note_written_over_several_lines_is_one_note_everywhere(project_copy):
    """A note with a line break (a YAML block, a triple-quoted string) was one paragraph on the
    figure's page but two on its version's, which keeps a version's notes one per line; its line
    breaks are now spaces, as a page shows them, and a note without one is kept as written."""
    note = "Counts exclude texts\n   without a date;\r\nsee the methods page.  "
    notes = f"notes=({note!r}, ' \\n  ', 'Kept  as  written. '), describe="  # and a blank one, left out
    add(project_copy, "mine.py", DECLARED.replace("describe=", notes))
    [mine] = [f for f in discovered(project_copy) if f.id == "mine"]
    assert mine.notes == ("Counts exclude texts without a date; see the methods page.", "Kept  as  written. ")


def test_a_figure_of_another_kind_may_not_take_over_a_published_figures_id(project_copy):
    """A figure id is never reused: a retired figure's id (its analysis deleted) taken by a figure
    of another kind had continued the retired figure's history, its new versions cited as versions
    of the old figure. The same kind may continue it (an analysis moved to another file)."""
    from pilotsite.figures.figure import kinds_taken

    [overlap] = [f for f in discovered(project_copy) if f.id == "keyword-overlap"]
    assert kinds_taken(project_copy, [overlap]) == []
    moved = replace(overlap, analysis="analyses/moved.py")
    assert kinds_taken(project_copy, [moved]) == []
    [said] = [str(p) for p in kinds_taken(project_copy, [replace(moved, kind="policy-tools")])]
    assert said == (
        "analyses/moved.py: figure id 'keyword-overlap' names a keywords figure that analyses/keyword_frequencies.py "
        "published (4 versions, whose pages stay): a policy-tools figure may not take it over, as its versions "
        "would continue that figure's history and citations; give it an id of its own"
    )
    # as the analyses are read: the figure retired (its analysis deleted), its id taken
    (project_copy / "analyses/keyword_frequencies.py").unlink()
    add(project_copy, "mine.py", DECLARED.replace('id="mine"', 'id="keyword-overlap"'))
    assert problems(lambda: discovered(project_copy)) == [said.replace("analyses/moved.py", "analyses/mine.py")]
    # an unreadable history is left to the build's own reading of it
    (project_copy / "history/ledger.json").write_text("{", encoding="utf-8")
    assert kinds_taken(project_copy, [replace(moved, kind="policy-tools")]) == []


def test_whether_a_figure_no_longer_made_was_published_is_told_by_its_versions_folders(project_copy):
    """The build says of a figure no longer made whether its published versions stay; with the
    ledger unreadable (reported at step 4), it had said "it was never published" of every one."""
    from pilotsite.state.ledger import has_published

    (project_copy / "history/ledger.json").write_text("{", encoding="utf-8")
    assert has_published(project_copy, "keyword-overlap")
    assert not has_published(project_copy, "no-such-figure")
    shutil.rmtree(project_copy / "history/figures/keyword-overlap")
    assert not has_published(project_copy, "keyword-overlap")
