"""A class list as a spreadsheet exports it: name, email, and optionally cohort and course.

Read as Excel writes it too: a UTF-8 byte-order mark, semicolons or tabs instead of commas,
CRLF line ends, Windows-1252 text from older "CSV" exports. Rows are numbered as the
spreadsheet numbers them (the header is row 1), and every problem names its row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from ..i18n_markers import N_

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
COLUMNS = {
    "name": ("name", "full name", "full_name", "trainee", "trainee name", "student",
             "student name"),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "cohort": ("cohort", "class", "group"),
    "course": ("course", "course slug", "course title"),
}
SAMPLE = ("name,email,cohort,course\r\n"
          "Ana Kim,ana.kim@example.org,Spring 2026,trigger-point-foundations\r\n"
          "Ben Okafor,ben.okafor@example.org,Spring 2026,trigger-point-foundations\r\n")


@dataclass(frozen=True)
class PersonRow:
    """One person to enrol, as the file gives them."""

    row: int
    name: str
    email: str
    cohort: str = ""
    course: str = ""


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or the whole file, row 0) cannot be used: `template` (marked for
    translation) filled with `values`; a page shows `gettext(template) % values`."""

    row: int
    column: str
    template: str
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in English."""
        return self.template % self.values if self.values else self.template

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "the file"
        return f"{where}, {self.column}: {self.message}" if self.column else \
            f"{where}: {self.message}"


@dataclass
class PeopleFile:
    """The rows that can be used, the problems of the others, and notes about the file."""

    rows: list[PersonRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: tuple[str, ...] = ()


def _decode(data: bytes, result: PeopleFile) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        result.problems.append(RowProblem(0, "", N_("the file is not text: save it from your "
                                                    "spreadsheet as CSV (UTF-8)")))
        return None
    result.notes.append(N_("The file is not UTF-8; it was read as Windows-1252 (Excel's older "
                           "CSV). Check the accented names in the preview."))
    return text


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _header(cells: list[str]) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(cells):
        label = " ".join(cell.strip().lower().split())
        for column, names in COLUMNS.items():
            if label in names and column not in found:
                found[column] = index
    return found


def read_people_csv(data: bytes) -> PeopleFile:
    """Read a class list; never raises: what cannot be used becomes a RowProblem."""
    result = PeopleFile()
    if len(data) > MAX_BYTES:
        result.problems.append(RowProblem(0, "", N_("the file is %(size)s MB; class lists are "
                                                    "limited to 1 MB — split it"),
                                          {"size": f"{len(data) / 1_000_000:.1f}"}))
        return result
    text = _decode(data, result)
    if text is None:
        return result
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header: dict[str, int] | None = None
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header(cells)
                missing = [c for c in ("name", "email") if c not in header]
                if missing:
                    result.problems.append(RowProblem(
                        reader.line_num, "", N_("the first row must name the columns; missing: "
                                                "%(missing)s (e.g. %(example)s)"),
                        {"missing": ", ".join(missing), "example": SAMPLE.splitlines()[0]}))
                    return result
                result.columns = tuple(c for c in COLUMNS if c in header)
                continue
            if len(result.rows) + len(result.problems) >= MAX_ROWS:
                result.problems.append(RowProblem(
                    reader.line_num, "", N_("class lists are limited to %(rows)s rows: split "
                                            "the file"), {"rows": MAX_ROWS}))
                break
            _row(reader.line_num, cells, header, seen, result)
    except csv.Error as exc:
        result.problems.append(RowProblem(reader.line_num, "", N_("not readable as CSV "
                                                                  "(%(error)s)"),
                                          {"error": str(exc)}))
    if header is None:
        result.problems.append(RowProblem(0, "", N_("the file is empty")))
    return result


def _row(number: int, cells: list[str], header: dict[str, int], seen: dict[str, int],
         result: PeopleFile) -> None:
    def cell(column: str) -> str:
        index = header.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    name, email = " ".join(cell("name").split()), cell("email")
    problems = []
    if not name:
        problems.append(RowProblem(number, "name", N_("the name is empty")))
    elif len(name) > 200:
        problems.append(RowProblem(number, "name", N_("the name is longer than 200 characters")))
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        problems.append(RowProblem(number, "email", N_("'%(email)s' is not an email address "
                                                       "(%(error)s)"),
                                   {"email": email[:60], "error": str(exc)}) if email else
                        RowProblem(number, "email", N_("the email is empty")))
    else:
        if email in seen:
            problems.append(RowProblem(number, "email", N_("the same email as row %(row)s"),
                                       {"row": seen[email]}))
        else:
            seen[email] = number
    if problems:
        result.problems.extend(problems)
        return
    result.rows.append(PersonRow(number, name, email, cell("cohort"), cell("course")))
