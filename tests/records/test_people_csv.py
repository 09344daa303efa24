"""Class lists as spreadsheets export them: each problem named by row and column."""

from __future__ import annotations

from tpcourse.records.people_csv import MAX_BYTES, MAX_ROWS, SAMPLE, read_people_csv


def test_the_sample_reads_cleanly():
    parsed = read_people_csv(SAMPLE.encode())
    assert parsed.problems == [] and [r.row for r in parsed.rows] == [2, 3]
    assert parsed.rows[0].cohort == "Spring 2026" and parsed.columns == ("name", "email",
                                                                         "cohort", "course")


def test_excel_variants_bom_semicolons_crlf_and_windows_1252():
    text = "Full Name;E-mail;Cohort\r\nZoë Müller;ZOE@Example.org;Spring\r\n;;\r\nAna;a@example.org;\r\n"
    for data in ("\ufeff" + text).encode("utf-8"), text.encode("cp1252"):
        parsed = read_people_csv(data)
        assert parsed.problems == []
        assert [(r.row, r.name, r.email) for r in parsed.rows] == [
            (2, "Zoë Müller", "zoe@example.org"), (4, "Ana", "a@example.org")]
    assert "Windows-1252" in read_people_csv(text.encode("cp1252")).notes[0]


def test_problems_name_the_row_and_column():
    data = (b"name,email\nAna,ana@example.org\n,ben@example.org\nCara,not-an-email\n"
            b"Dan,ANA@example.org\nEve,\n")
    parsed = read_people_csv(data)
    assert [r.email for r in parsed.rows] == ["ana@example.org"]
    found = [(p.row, p.column) for p in parsed.problems]
    assert found == [(3, "name"), (4, "email"), (5, "email"), (6, "email")]
    assert "the same email as row 2" in parsed.problems[2].message
    assert str(parsed.problems[0]) == "row 3, name: the name is empty"


def test_a_header_without_the_needed_columns_is_refused():
    parsed = read_people_csv(b"first,last\nAna,Kim\n")
    assert parsed.rows == [] and "missing: name, email" in parsed.problems[0].message


def test_limits():
    assert "limited to 1 MB" in read_people_csv(b"x" * (MAX_BYTES + 1)).problems[0].message
    rows = "".join(f"P{n},p{n}@example.org\n" for n in range(MAX_ROWS + 1))
    parsed = read_people_csv(("name,email\n" + rows).encode())
    assert len(parsed.rows) == MAX_ROWS and f"limited to {MAX_ROWS} rows" in \
        parsed.problems[-1].message
    assert read_people_csv(b"").problems[0].message == "the file is empty"
    assert read_people_csv(b"\xff\xfe\x00\x81\x8d").problems  # not text at all
