import pytest

from pilotsite.errors import BuildError
from pilotsite.inputs.tables import Column, read_table

COLUMNS = [Column("name"), Column("share_pct", "share"), Column("when", "partial-date", required=False)]


def write(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, text):
    with pytest.raises(BuildError) as info:
        read_table(write(tmp_path, text), "data/t.csv", COLUMNS)
    return [str(p) for p in info.value.problems]


def test_good_table_converts_numbers_and_keeps_line_numbers(tmp_path):
    frame = read_table(write(tmp_path, "name,share_pct,when\na,50.82,2006\nb,1.5,2008-09\n"), "data/t.csv", COLUMNS)
    assert list(frame["share_pct"]) == [50.82, 1.5]
    assert list(frame["line"]) == [2, 3]


def test_missing_column_named(tmp_path):
    [message] = problems(tmp_path, "name,shares,when\na,1,2000\n")
    assert "data/t.csv, line 1" in message and "missing column 'share_pct'" in message


@pytest.mark.parametrize(
    "value, expected", [("50,82", "plain number"), ("50%", "plain number"), ("120", "between 0 and 100")]
)
def test_bad_share_names_line_column_and_value(tmp_path, value, expected):
    [message] = problems(tmp_path, f'name,share_pct,when\na,"{value}",\n')
    assert "line 2" in message and "column 'share_pct'" in message and expected in message


def test_impossible_date_and_all_problems_reported_together(tmp_path):
    found = problems(tmp_path, "name,share_pct,when\na,1,2021-02-30\n,2,late 1990s\n")
    assert any("line 2" in p and "found '2021-02-30', expected a real date" in p for p in found)
    assert any("line 3" in p and "column 'name'" in p and "empty" in p for p in found)
    assert any("line 3" in p and "YYYY" in p for p in found)
