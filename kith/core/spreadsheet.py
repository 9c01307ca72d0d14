"""Cells bound for a spreadsheet: text that a spreadsheet would run as a formula is made plain text.

A listing named `=HYPERLINK("http://evil", "Click")` or `+cmd|' /C calc'!A0` must reach the person who
opens the download as words, not as a formula (OWASP "CSV injection"). Every CSV and XLSX Kith writes
passes its cells through `safe_cell`, so one rule holds everywhere.
"""

import csv
import io
import re

# What spreadsheets read as the start of a formula or a DDE call.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-3.5", "+44") is data, and stays as it is.
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value):
    """The value, with a leading apostrophe if it is text a spreadsheet would treat as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_text(header: list[str], rows) -> str:
    """A CSV document of these rows (sequences), every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def xlsx_sheet_rows(sheet, rows) -> None:
    """Append rows to an openpyxl sheet, every cell made safe (openpyxl stores '=…' text as a formula)."""
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
