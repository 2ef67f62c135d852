"""OSSHTA's administrator brings in the association's member spreadsheet (the demo's sample,
devdata/samples/osshta-members.csv) from the office, on a phone (each page checked at
desktop width too), with JavaScript and without: upload, put a column right, choose the
school of the row with a typo, confirm, and see the invitations (docs/rules.md, "Bringing
in a member spreadsheet")."""

import re

from django.conf import settings
from playwright.sync_api import expect

from networks.models import Invitation
from tests.e2e.conftest import VIEWPORTS, check_page
from tests.e2e.test_networks import demo, sign_in  # noqa: F401 (the demo fixture)

SAMPLE = settings.BASE_DIR / "devdata" / "samples" / "osshta-members.csv"


def _fits_the_phone(page) -> None:
    """Nothing makes the page wider than the phone's screen (measured with script)."""
    if page.javascript:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"], f"{page.url} is {width}px wide"


def test_the_osshta_administrator_brings_in_the_member_spreadsheet(page, demo):  # noqa: F811
    # Done on a phone; each page is also checked at desktop width (check_page).
    page.set_viewport_size(VIEWPORTS["phone"])
    sign_in(page, demo, "administrator@example.org")

    page.goto(demo.url + "/networks/osshta/office/invitations/")
    expect(page.get_by_role("heading", name="Invitations and imports", level=1)).to_be_visible()
    _fits_the_phone(page)
    check_page(page, "office-invitations-empty")

    page.get_by_role("link", name="Bring in a member spreadsheet").click()
    _fits_the_phone(page)
    check_page(page, "office-import-new")
    page.get_by_label("A spreadsheet file").set_input_files(SAMPLE)
    page.get_by_role("button", name="Read the spreadsheet").click()

    # The guess leaves "Area" out; it is the town.
    expect(page.get_by_role("heading", name="What the columns hold")).to_be_visible()
    expect(page.get_by_text("13 rows", exact=False)).to_have_count(0)  # 12 rows under the header
    expect(page.get_by_text(re.compile(r"12 rows \(CSV, Windows-1252"))).to_be_visible()
    area = page.get_by_label("Column 5: “Area”")
    expect(area).to_have_value("")
    _fits_the_phone(page)
    check_page(page, "office-import-columns")
    area.select_option(label="Town")
    page.get_by_role("button", name="Check every row").click()

    # Every row: the typo's school to choose, the unknown school, the repeat, the members.
    expect(page.get_by_role("heading", name="Check the rows of osshta-members.csv")).to_be_visible()
    expect(page.get_by_text("Ploverdale Girls’ School", exact=False).first).to_be_visible()
    expect(page.get_by_text("School not found in the register", exact=False)).to_be_visible()
    expect(page.get_by_text("The same email address as row 3.")).to_be_visible()
    expect(page.get_by_text("Already a member of OSSHTA.")).to_be_visible()
    _fits_the_phone(page)
    check_page(page, "office-import-preview")
    typo = page.get_by_role("group", name=re.compile("^Row 4: Rachel Natarajan"))
    typo.get_by_label(re.compile("^Coppergate High School")).check()
    page.get_by_role("button", name=re.compile("^Invite 8")).click()

    # The invitations, each with its school and role; the first ones sent already.
    expect(page.get_by_text("9 invitations made.", exact=False)).to_be_visible()
    expect(page.get_by_text("Headteacher, Coppergate High School")).to_be_visible()
    expect(page.get_by_text(re.compile(r"0 accepted · 9 waiting"))).to_be_visible()
    _fits_the_phone(page)
    check_page(page, "office-invitations")
    invitation = Invitation.objects.get(email="r.natarajan@coppergate.example")
    assert invitation.school.name == "Coppergate High School"
    assert invitation.sent_at is not None
    assert not Invitation.objects.filter(email="d.furlong@harrowmead.example", school__isnull=False)

    # The report of the spreadsheet, row by row.
    page.get_by_role("link", name="osshta-members.csv").click()
    expect(page.get_by_role("heading", name="Invitations from osshta-members.csv")).to_be_visible()
    _fits_the_phone(page)
    check_page(page, "office-import-report")
