"""Timeline and reported-number rows must quote their documents verbatim."""

import pytest

from pilotsite.errors import BuildError
from pilotsite.inputs.documents import load_documents
from pilotsite.inputs.project import EVENTS, open_project
from pilotsite.inputs.reported import load_reported
from pilotsite.inputs.timelines import load_events, load_stages


def load(root):
    project = open_project(root)
    documents = load_documents(project)
    return project, documents


def test_default_data_quotes_are_all_verbatim(project_copy):
    project, documents = load(project_copy)
    events = load_events(project, documents)
    stages = load_stages(project, documents)
    for frame in (events, stages):
        for doc_id, quote in zip(frame["document_id"], frame["quote"], strict=True):
            assert quote in documents[doc_id].text
    assert len(events) >= 5 and set(stages["process_id"]) >= {"m-county-pilot-trajectory"}
    reported = load_reported(project, documents)
    types = reported["data/reported/return-migrant-entrepreneurship/tool-types.csv"]
    assert sorted(types["share_pct"]) == [23.7, 25.47, 50.82]


def test_quote_not_in_text_fails_naming_file_and_line(project_copy):
    path = project_copy / EVENTS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("142", "143")  # a subtly wrong quote on line 3
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    project, documents = load(project_copy)
    with pytest.raises(BuildError) as info:
        load_events(project, documents)
    message = str(info.value)
    assert "data/timelines/events.csv, line 3, column 'quote'" in message
    assert "not found verbatim" in message


def test_event_for_unknown_document_is_refused(project_copy):
    path = project_copy / EVENTS
    text = path.read_text(encoding="utf-8").replace(",wenling-participatory-budgeting,", ",wenling-budget,", 1)
    path.write_text(text, encoding="utf-8")
    project, documents = load(project_copy)
    with pytest.raises(BuildError, match="unknown document 'wenling-budget'"):
        load_events(project, documents)


def test_reported_number_must_appear_in_its_quote(project_copy):
    path = project_copy / "data/reported/return-migrant-entrepreneurship/tool-types.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("supply,50.82", "supply,50.28"), encoding="utf-8")
    project, documents = load(project_copy)
    with pytest.raises(
        BuildError, match=r"tool-types.csv, line 2, column 'quote': the quote does not contain the number 50.28"
    ):
        load_reported(project, documents)
