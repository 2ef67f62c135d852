"""The admin's date drill-down: a date that cannot be is a 400, never a server error."""

import datetime

import pytest
from django.urls import reverse

from core import audit
from meetings.models import LONDON
from tests import factories

pytestmark = pytest.mark.django_db

# Each admin with a date drill-down, and the field it drills into.
ADMINS = [
    ("admin:meetings_meeting_changelist", "starts_at"),
    ("admin:core_auditevent_changelist", "created_at"),
    ("admin:members_post_changelist", "started_on"),
]


@pytest.mark.parametrize(("url", "field"), ADMINS)
@pytest.mark.parametrize(
    "query",
    [
        "{f}__year=9999&{f}__month=12",  # no month after it: was a 500
        "{f}__year=9999",  # no year after it: was a 500
        "{f}__year=99999999999999999999",  # too big for a date: was a 500
        "{f}__year=2026&{f}__month=99999999999999999999",
        "{f}__year=2026&{f}__month=2&{f}__day=30",
        "{f}__year=twenty",
        "{f}__month=13",
    ],
)
def test_a_date_that_cannot_be_is_a_bad_request(client, staff, url, field, query):
    client.force_login(staff)
    response = client.get(f"{reverse(url)}?{query.format(f=field)}")
    assert response.status_code == 400


@pytest.mark.parametrize(("url", "field"), ADMINS)
def test_a_real_date_still_drills_down_to_its_rows(client, staff, network, url, field):
    then = datetime.datetime(2025, 3, 10, 10, tzinfo=LONDON)
    now = datetime.datetime(2026, 3, 10, 10, tzinfo=LONDON)
    for when, label in ((then, "Spring 2025"), (now, "Spring 2026")):
        factories.make_meeting(network=network, title=f"{label} meeting", starts_at=when)
        event = audit.record(obj=network, action="network.changed", summary=f"{label} change",
                             actor=None, network_id=network.pk, changes={})  # fmt: skip
        event.__class__.objects.filter(pk=event.pk).update(created_at=when)
        factories.make_post(person=factories.make_user(last_name=f"{label} head"),
                            school=factories.make_school(), started_on=when.date())  # fmt: skip
    client.force_login(staff)

    page = client.get(reverse(url), {f"{field}__year": "2026", f"{field}__month": "3"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Spring 2026" in text
    assert "Spring 2025" not in text
