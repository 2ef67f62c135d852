"""Outcomes and decisions: recording what a closed poll decided, "What we decided" on its
page and the network's, and a meeting-time poll's draft meeting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from meetings.models import Meeting
from tests import factories
from voice import decisions
from voice.models import Decision, Option

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)


def _outcome_url(poll):
    return reverse("voice:poll_outcome", args=[poll.network.slug, poll.pk])


def _decisions_url(network):
    return reverse("voice:decisions", args=[network.slug])


@pytest.fixture
def closed(network, coordinator):
    return factories.make_poll_record(
        network=network, created_by=coordinator, title="Meet monthly", state="closed"
    )


# Recording the outcome -------------------------------------------------------------------


def test_a_coordinator_records_the_outcome_and_members_read_it(client, closed, coordinator, member):
    client.force_login(coordinator)
    form = client.get(_outcome_url(closed)).content.decode()
    assert "Record the outcome of “Meet monthly”" in form

    response = client.post(
        _outcome_url(closed),
        {"statement": "We meet on the first Tuesday of each month.", "review_on": NEXT_YEAR},
        follow=True,
    )

    assert "The outcome is recorded" in response.content.decode()
    decision = Decision.objects.get(poll=closed)
    assert decision.network == closed.network and decision.recorded_by == coordinator
    event = AuditEvent.objects.get(action="decision.recorded")
    assert event.changes["Decision"] == ["", "We meet on the first Tuesday of each month."]
    assert event.actor_id == coordinator.pk

    client.force_login(member)
    page = client.get(_decisions_url(closed.network)).content.decode()
    assert "Meet monthly" in page
    assert "We meet on the first Tuesday of each month." in page
    assert f"to be reviewed on {NEXT_YEAR:%-d %B %Y}" in page


def test_correcting_an_outcome_replaces_it_and_keeps_the_change_in_the_history(
    client, closed, administrator
):
    decisions.record_outcome(poll=closed, statement="Monthly.", review_on=None, by=None)
    client.force_login(administrator)
    client.post(_outcome_url(closed), {"statement": "Termly.", "review_on": NEXT_YEAR})
    assert Decision.objects.get().statement == "Termly."
    event = AuditEvent.objects.get(action="decision.corrected")
    assert event.changes["Decision"] == ["Monthly.", "Termly."]


def test_an_outcome_needs_a_statement_and_a_review_date_not_in_the_past(client, closed, staff):
    client.force_login(staff)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = client.post(_outcome_url(closed), {"statement": "", "review_on": yesterday})
    text = page.content.decode()
    assert "Please correct the errors below." in text
    assert "The review date cannot be in the past." in text
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["member", "head", "outsider_coordinator"])
def test_only_coordinators_and_staff_record_an_outcome(client, request, closed, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_outcome_url(closed)).status_code == 403
    posted = client.post(_outcome_url(closed), {"statement": "No.", "review_on": NEXT_YEAR})
    assert posted.status_code == 403
    assert not Decision.objects.exists()


def test_an_open_poll_has_no_outcome_yet(client, network, coordinator):
    poll = factories.make_poll_record(network=network, created_by=coordinator)
    client.force_login(coordinator)
    assert client.get(_outcome_url(poll)).status_code == 403
    with pytest.raises(ValidationError):
        decisions.record_outcome(poll=poll, statement="Yes.", review_on=None, by=coordinator)


# What we decided ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 200), ("staff", 200), ("head", 403), ("outsider_member", 403)],
)
def test_what_we_decided_is_for_members_and_staff(client, request, network, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_decisions_url(network)).status_code == status


def test_decisions_are_listed_newest_first_in_flat_queries(client, network, member):
    def decide(title, days_ago):
        poll = factories.make_poll_record(network=network, title=title, state="closed")
        decision = decisions.record_outcome(poll=poll, statement=f"{title}: yes.", review_on=None,
                                            by=None)  # fmt: skip
        Decision.objects.filter(pk=decision.pk).update(
            recorded_at=timezone.now() - datetime.timedelta(days=days_ago)
        )

    decide("Older", 10)
    decide("Newer", 1)
    client.force_login(member)
    with CaptureQueriesContext(connection) as few:
        page = client.get(_decisions_url(network)).content.decode()
    assert page.index("Newer: yes.") < page.index("Older: yes.")
    for number in range(15):
        decide(f"Poll {number}", 20 + number)
    with CaptureQueriesContext(connection) as many:
        client.get(_decisions_url(network))
    assert len(many) == len(few) <= 12


def test_the_network_page_shows_members_the_latest_three_decisions(
    client, network, member, outsider_member
):
    detail = reverse("networks:detail", args=[network.slug])
    client.force_login(member)
    assert "What we decided" not in client.get(detail).content.decode()
    for number in range(4):
        poll = factories.make_poll_record(network=network, title=f"Poll {number}", state="closed")
        decisions.record_outcome(poll=poll, statement=f"Decision {number}.", review_on=None,
                                 by=None)  # fmt: skip
    page = client.get(detail).content.decode()
    assert "What we decided" in page
    assert "Decision 3." in page and "Decision 1." in page and "Decision 0." not in page
    assert _decisions_url(network) in page
    client.force_login(outsider_member)
    assert "Decision 3." not in client.get(detail).content.decode()


# A meeting from a meeting-time poll ---------------------------------------------------------


@pytest.fixture
def slots_poll(network, coordinator):
    poll = factories.make_poll_record(
        network=network, kind="meeting_time", title="Summer term meeting", state="closed",
        created_by=coordinator, options=["Mon 16:00", "Tue 16:00"],
    )  # fmt: skip
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    for number, option in enumerate(poll.options.all()):
        option.starts_at = start + datetime.timedelta(days=number)
        option.ends_at = option.starts_at + datetime.timedelta(hours=2)
        option.save()
    factories.cast_ballot(
        poll, person=factories.make_user(), answers={"Mon 16:00": "no", "Tue 16:00": "yes"}
    )
    return poll


def _meeting_url(poll):
    return reverse("voice:poll_meeting", args=[poll.network.slug, poll.pk])


def test_the_best_slot_becomes_a_draft_meeting(client, slots_poll, coordinator):
    client.force_login(coordinator)
    results = reverse("voice:poll_results", args=[slots_poll.network.slug, slots_poll.pk])
    assert "Tue 16:00 (the most yes answers)" in client.get(results).content.decode()

    response = client.post(_meeting_url(slots_poll))

    meeting = Meeting.objects.get()
    tuesday = Option.objects.get(label="Tue 16:00")
    assert response.url == reverse("meetings:edit", args=[meeting.pk])
    assert meeting.state == Meeting.State.DRAFT and meeting.title == "Summer term meeting"
    assert (meeting.starts_at, meeting.ends_at) == (tuesday.starts_at, tuesday.ends_at)
    assert meeting.network == slots_poll.network
    slots_poll.refresh_from_db()
    assert slots_poll.meeting == meeting
    # A second click goes to the same draft.
    assert client.post(_meeting_url(slots_poll)).url == response.url
    assert Meeting.objects.count() == 1


def test_the_coordinator_may_pick_another_slot(client, slots_poll, coordinator):
    monday = Option.objects.get(label="Mon 16:00")
    client.force_login(coordinator)
    client.post(_meeting_url(slots_poll), {"slot": monday.pk})
    assert Meeting.objects.get().starts_at == monday.starts_at


def test_another_poll_s_slot_is_not_taken(client, slots_poll, coordinator, network):
    other = factories.make_poll_record(network=network, kind="meeting_time", options=["Wed"])
    client.force_login(coordinator)
    response = client.post(_meeting_url(slots_poll), {"slot": other.options.get().pk}, follow=True)
    assert "Pick one of the poll&#x27;s times." in response.content.decode()
    assert not Meeting.objects.exists()


def test_members_may_not_make_the_meeting_and_other_kinds_have_none(
    client, slots_poll, member, coordinator, closed
):
    client.force_login(member)
    assert client.post(_meeting_url(slots_poll)).status_code == 403
    client.force_login(coordinator)
    assert client.post(_meeting_url(closed)).status_code == 404
    assert client.get(_meeting_url(slots_poll)).status_code == 405
    assert not Meeting.objects.exists()


def test_the_outcome_page_s_queries_do_not_grow_with_the_ballots(client, closed, coordinator):
    factories.cast_ballot(closed, person=factories.make_user(), position="agree", text="Yes")
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as few:
        client.get(_outcome_url(closed))
    for _ in range(15):
        factories.cast_ballot(closed, person=factories.make_user(), position="block", text="No")
    with CaptureQueriesContext(connection) as many:
        client.get(_outcome_url(closed))
    assert len(many) == len(few) <= 12
