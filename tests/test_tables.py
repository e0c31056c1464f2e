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


def test_a_yes_or_no_column_reads_true_and_false_in_any_case_as_published_data_writes_them(tmp_path):
    # a timeline's `approximate` is published as True/False (pandas): pasted back, it still reads
    columns = [Column("name"), Column("approximate", "boolean")]
    text = "name,approximate\na,true\nb,True\nc,FALSE\nd,false\n"
    frame = read_table(write(tmp_path, text), "data/t.csv", columns)
    assert list(frame["approximate"]) == [True, True, False, False]
    with pytest.raises(BuildError) as info:
        read_table(write(tmp_path, "name,approximate\na,yes\n"), "data/t.csv", columns)
    [message] = [str(p) for p in info.value.problems]
    assert "line 2" in message and "found 'yes', expected true or false" in message


def test_a_value_with_a_line_break_is_shown_on_its_problems_line(tmp_path):
    [message] = problems(tmp_path, 'name,share_pct,when\na,"50\n82",\n')
    assert "line 2" in message and "found '50\\n82', expected" in message and "\n" not in message


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


def test_line_ends_of_every_kind_and_long_cells_are_read(tmp_path):
    # CR alone is how Excel's "CSV (Macintosh)" ends lines; a pasted text can be longer than the
    # csv module's default cell limit (128 KB)
    long = "长" * 140_000
    for ends in ("\n", "\r\n", "\r"):
        text = ends.join(["name,share_pct,when", "a,50.82,2006", f'"{long}",1.5,2008-09', ""])
        path = tmp_path / "t.csv"
        path.write_bytes(text.encode("utf-8"))
        frame = read_table(path, "data/t.csv", COLUMNS)
        assert list(frame["name"]) == ["a", long] and list(frame["line"]) == [2, 3], repr(ends)


def test_a_control_character_is_named_with_its_line_and_column(tmp_path):
    # a form feed, as text copied from a PDF carries: the feeds' XML would refuse it after the figures were drawn
    [message] = problems(tmp_path, "name,share_pct,when\na,1,2000\nb\x0cc,2,2001\n")
    assert message.startswith("data/t.csv, line 3, column 'name': contains a control character (U+000C)")


def test_what_the_csv_module_cannot_read_is_named_with_its_line(tmp_path):
    import csv

    limit = csv.field_size_limit(10)
    try:
        [message] = problems(tmp_path, "name,share_pct,when\nabcdefghijklmnop,1,2000\n")
    finally:
        csv.field_size_limit(limit)
    assert message == "data/t.csv, line 2: cannot be read as CSV: field larger than field limit (10)"


def test_a_value_opening_with_a_quote_it_does_not_close_before_the_comma_is_an_error_not_a_lost_quote(tmp_path):
    # read leniently, '"十三五"规划' became 十三五规划: the title a page showed was not the one written
    [message] = problems(tmp_path, 'name,share_pct,when\na,1,2000\n"十三五"规划,2,2001\n')
    assert message.startswith("data/t.csv, line 3: a value that starts with a double quote must end with one")
    assert '"""十三五""规划"' in message
    # written as spreadsheets write it, the quotes are kept; a quote inside an unquoted value is a character
    quoted = 'name,share_pct,when\n"""十三五""规划",1,2000\n北京市"信访"条例,2,2001\n'
    frame = read_table(write(tmp_path, quoted), "data/t.csv", COLUMNS)
    assert list(frame["name"]) == ['"十三五"规划', '北京市"信访"条例']


def test_an_unclosed_quote_is_named_where_it_opens_and_no_later_row_is_blamed(tmp_path):
    # it swallowed every later row into one value: their texts were then reported as having no row
    [message] = problems(tmp_path, 'name,share_pct,when\na,1,2000\n"b,2,2001\nc,3,2002\nd,4,2003\n')
    assert message.startswith("data/t.csv, line 3: a double quote opens a value on this line that is never closed")


def test_a_table_separated_by_semicolons_or_tabs_is_said_to_be(tmp_path):
    for separator, word in ((";", "semicolons"), ("\t", "tabs")):
        header = separator.join(["name", "share_pct", "when"])
        found = problems(tmp_path, f"{header}\na{separator}1{separator}2000\n")
        assert found and all(f"the values are separated by {word}: save it with commas" in m for m in found), found
