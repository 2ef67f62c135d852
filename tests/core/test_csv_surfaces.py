"""Every CSV the site makes is written by core.csv_export, so a value that a spreadsheet
would run as a formula (a name or an address such as =1+2@example.org) is neutralised
in every one of them (issue 19, finding 13)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from fees.models import FeeInvoice
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE_EMAIL = "=1+2@example.org"
HOSTILE_NAME = '=HYPERLINK("https://evil.example","Click")'


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def test_the_attendees_csv_neutralises_formulas(client, coordinator, network):
    meeting = factories.make_meeting(network=network)
    person = factories.make_head(email=HOSTILE_EMAIL, first_name="+SUM(1)", last_name="-2+3")
    factories.make_registration(meeting=meeting, person=person)
    client.force_login(coordinator)

    [row] = _rows(client.get(reverse("meetings:attendees_csv", args=[meeting.pk])))

    assert row["Email"] == f"'{HOSTILE_EMAIL}"
    assert (row["First name"], row["Last name"]) == ("'+SUM(1)", "'-2+3")
    assert row["Status"] == "Going"


def test_the_members_export_neutralises_an_address(client, administrator, network):
    # Shared with members: a network's administrators see no other address.
    person = factories.make_head(
        email="@cmd@example.org", first_name=HOSTILE_NAME, show_email_to_members=True
    )
    factories.make_membership(person=person, network=network)
    client.force_login(administrator)

    rows = _rows(client.get(reverse("admin:networks_membership_export")))

    [row] = [row for row in rows if "cmd" in row["Email"]]
    assert row["Email"] == "'@cmd@example.org"
    assert row["First name"] == f"'{HOSTILE_NAME}"


def test_the_invoice_export_neutralises_the_schools_and_the_banks_text(
    client, administrator, network
):
    school = factories.make_school(name=HOSTILE_NAME)
    FeeInvoice.objects.create(
        network=network, school=school, year=2026, year_kind="academic", amount_pence=45000,
        reference="OX-2026-1", state="paid", paid_on="2026-10-01",
        payment_reference="=1+2@example.org",
    )  # fmt: skip
    client.force_login(administrator)

    [row] = _rows(client.get(reverse("admin:fees_feeinvoice_export")))

    assert row["School"] == f"'{HOSTILE_NAME}"
    assert row["Payment reference"] == f"'{HOSTILE_EMAIL}"
    assert row["Reference"] == "OX-2026-1"


# Writing CSV anywhere else would skip the neutralising: the one writer is core.csv_export.
CSV_WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|text/csv|StreamingHttpResponse\(")
# Not a download: the synthetic register that seed_scale writes for import_schools to
# read back; an apostrophe before a value there would change the value imported.
NOT_DOWNLOADS = {"devdata/scale.py"}


def test_every_csv_is_written_by_the_one_helper():
    root = Path(settings.BASE_DIR)
    apps = ["core", "members", "networks", "meetings", "fees", "support", "articles",
            "leaders", "announcements", "office", "portal", "config", "devdata"]  # fmt: skip
    writers = {
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*.py")
        if CSV_WRITERS.search(path.read_text(encoding="utf-8"))
    }

    assert writers - NOT_DOWNLOADS == {"core/csv_export.py"}
