"""The demo's OSSHTA member spreadsheet (devdata/samples/osshta-members.csv, README.md) does
what its README promises against the demo data: a typo in one school's name, one school the
register lacks, one person twice, two people already in OSSHTA, and the rest found."""

import io

import pytest
from django.core.management import call_command

from devdata.demo import OSSHTA_SPREADSHEET
from members.models import User
from networks import imports, services
from networks.models import Network
from office import spreadsheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked():
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())
    table = spreadsheets.read_upload(OSSHTA_SPREADSHEET.name, OSSHTA_SPREADSHEET.read_bytes())
    columns = spreadsheets.guess_columns(table.headers)
    assert "town" not in columns  # "Area": the administrator says it is the town
    columns["town"] = table.headers.index("Area")
    administrator = User.objects.get(email="administrator@example.org")
    batch = services.start_import(
        network=Network.objects.get(slug="osshta"), by=administrator, headers=table.headers,
        cells=table.rows, lines=table.lines, columns=columns, source_name="osshta-members.csv",
        description=table.description,
    )  # fmt: skip
    batch = services.set_columns(batch=batch, by=administrator, columns=columns)
    return {row["line"]: row for row in batch.rows}, table


def test_the_sample_spreadsheet_shows_every_case_its_readme_promises(checked):
    rows, table = checked

    assert table.description == "CSV, Windows-1252, columns separated by commas"
    assert len(rows) == 12
    assert rows[4]["how"] == "unsure"
    assert rows[4]["candidates"][0]["label"].startswith("Coppergate High School")
    assert rows[7]["how"] == "unknown"
    assert rows[9]["standing"] == ["The same email address as row 3."]
    assert rows[10]["school"]["label"].startswith("Ploverdale Girls’ School")
    assert rows[11]["role"] == "interim_head"
    assert rows[12]["standing"] == ["Already a member of OSSHTA."]
    assert "Has asked to join OSSHTA" in rows[13]["standing"][0]
    found = [line for line, row in rows.items() if row["school"] and not imports.is_refused(row)]
    assert found == [2, 3, 5, 6, 8, 10, 11]
    assert len(imports.invitable(rows.values())) == 8  # and row 4, once its school is chosen
