"""Starting polls: each kind with its options, a draft's edits, opening, and the list."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from tests import factories
from voice import polls
from voice.models import Poll
from voice.polls import OptionInput, PollInput

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.now() + datetime.timedelta(days=7)


def _data(**fields):
    fields.setdefault("title", "Which day suits the spring conference?")
    fields.setdefault("closes_at", NEXT_WEEK)
    return PollInput(**fields)


def _options(*labels):
    return [OptionInput(label=label) for label in labels]


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("proposal", []),
        ("single", _options("Monday", "Friday")),
        ("multiple", _options("Curriculum", "Finance", "SEND")),
        ("ranked", _options("Ann", "Ben", "Cat")),
        ("question", []),
    ],
)
def test_a_coordinator_starts_each_kind_of_poll_as_a_draft(network, coordinator, kind, options):
    poll = polls.create_poll(
        network=network, kind=kind, by=coordinator, data=_data(options=options)
    )

    assert poll.state == Poll.State.DRAFT and poll.kind == kind
    assert [option.label for option in poll.options.all()] == [o.label for o in options]
    event = AuditEvent.objects.get(action="poll.created")
    assert event.actor_id == coordinator.pk and event.network_id == network.pk


def test_a_meeting_time_poll_s_slots_keep_their_times_and_read_as_dates(network, coordinator):
    starts = datetime.datetime(2027, 2, 2, 16, 0, tzinfo=timezone.get_current_timezone())
    poll = polls.create_poll(
        network=network, kind="meeting_time", by=coordinator,
        data=_data(options=[OptionInput("", starts, starts + datetime.timedelta(minutes=90))]),
    )  # fmt: skip

    [slot] = poll.options.all()
    assert slot.starts_at == starts
    assert slot.label == "Tue 2 Feb 2027, 16:00 to 17:30"


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        ("single", {"options": _options("Only one")}, "options", "at least two"),
        ("ranked", {"options": _options("Ann", "ann")}, "options", "each option once"),
        ("question", {"options": _options("A", "B")}, "options", "no options"),
        ("proposal", {"options": _options("A", "B")}, "options", "no options"),
        ("meeting_time", {}, "options", "at least one date"),
        ("multiple", {"options": _options("A", "B"), "max_choices": 3}, "max_choices", "Between"),
        ("single", {"options": _options("A", "B"), "max_choices": 1}, "max_choices", "multiple"),
        ("question", {"voters": "schools"}, "voters", "people, not schools"),
        ("question", {"closes_at": timezone.now()}, "closes_at", "future"),
        ("question", {"title": "  "}, "title", "title"),
    ],
)
def test_a_poll_s_rules(network, coordinator, kind, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        polls.create_poll(network=network, kind=kind, by=coordinator, data=_data(**fields))
    assert message in " ".join(refused.value.message_dict[field])
    assert not Poll.objects.exists()


def test_one_vote_per_school_is_the_default_only_in_a_school_based_network(network):
    school_network = factories.make_network(basis="school")
    assert polls.default_voters(school_network) == Poll.Voters.SCHOOLS
    assert polls.default_voters(network) == Poll.Voters.MEMBERS


def test_a_draft_can_be_changed_and_made_secret_but_a_secret_one_never_made_open(
    network, coordinator
):
    poll = polls.create_poll(
        network=network, kind="single", by=coordinator, data=_data(options=_options("A", "B"))
    )
    polls.edit_poll(
        poll=poll, by=coordinator,
        data=_data(title="Renamed", secret=True, options=_options("A", "B", "C")),
    )  # fmt: skip
    poll.refresh_from_db()
    assert poll.title == "Renamed" and poll.secret
    assert poll.options.count() == 3
    edited = AuditEvent.objects.get(action="poll.edited")
    assert edited.changes["Title"] == ["Which day suits the spring conference?", "Renamed"]

    with pytest.raises(ValidationError, match="cannot be made open"):
        polls.edit_poll(poll=poll, by=coordinator, data=_data(options=_options("A", "B")))
    poll.refresh_from_db()
    assert poll.secret


def test_opening_fixes_the_poll(network, coordinator):
    poll = polls.create_poll(
        network=network, kind="single", by=coordinator, data=_data(options=_options("A", "B"))
    )
    polls.open_poll(poll=poll, by=coordinator)
    poll.refresh_from_db()

    assert poll.state == Poll.State.OPEN and poll.opened_at
    assert AuditEvent.objects.filter(action="poll.opened").exists()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        polls.edit_poll(
            poll=poll, by=coordinator,
            data=_data(results_shown="after_voting", options=_options("A", "B")),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="already open"):
        polls.open_poll(poll=poll, by=coordinator)
    poll.refresh_from_db()
    assert poll.results_shown == Poll.ResultsShown.AFTER_CLOSING


# Through the pages ----------------------------------------------------------------

FORM = {"title": "Do we back the county's plan?", "results_shown": "after_closing",
        "closes_at": f"{timezone.localtime(NEXT_WEEK):%Y-%m-%dT%H:%M}"}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "extra", "shown"),
    [
        ("proposal", {}, []),
        ("single", {"option_1": "Yes", "option_2": "No"}, ["Yes", "No"]),
        ("multiple", {"option_1": "A", "option_3": "C", "max_choices": "1"}, ["A", "C"]),
        ("ranked", {"option_1": "Ann", "option_2": "Ben"}, ["Ann", "Ben"]),
        (
            "meeting_time",
            {"slot_1_date": "2027-03-04", "slot_1_starts": "16:00", "slot_1_ends": "17:00"},
            ["Thu 4 Mar 2027, 16:00 to 17:00"],
        ),
        ("question", {}, []),
    ],
)
def test_a_coordinator_starts_and_opens_a_poll_through_the_forms(
    client, network, coordinator, kind, extra, shown
):
    client.force_login(coordinator)
    kinds = client.get(reverse("voice:poll_new", args=[network.slug])).content.decode()
    assert reverse("voice:poll_create", args=[network.slug, kind]) in kinds

    response = client.post(reverse("voice:poll_create", args=[network.slug, kind]), FORM | extra)

    poll = Poll.objects.get()
    assert response.url == reverse("voice:poll_detail", args=[network.slug, poll.pk])
    page = client.get(response.url).content.decode()
    assert "This is a draft" in page
    for label in shown:
        assert label in page
    client.post(reverse("voice:poll_open", args=[network.slug, poll.pk]))
    page = html.unescape(client.get(response.url).content.decode())
    assert "The poll is open" in page


def test_the_form_shows_a_rule_it_breaks_on_its_field(client, network, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("voice:poll_create", args=[network.slug, "single"]), FORM | {"option_1": "Alone"}
    )
    page = response.content.decode()
    assert "Please correct the errors" in page and "Give at least two options." in page
    assert not Poll.objects.exists()


def test_a_school_based_network_s_form_offers_one_vote_per_school_first(
    client, coordinator, network
):
    network.basis = "school"
    network.save()
    client.force_login(coordinator)
    page = client.get(reverse("voice:poll_create", args=[network.slug, "proposal"])).content
    assert re.search(rb'value="schools"[^>]*checked', page)


def test_a_person_based_network_s_form_does_not_ask_who_votes(client, network, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("voice:poll_create", args=[network.slug, "proposal"])).content
    assert b"Who votes?" not in page


def test_the_list_shows_open_polls_then_closed_ones_and_drafts_only_to_starters(
    client, network, member, coordinator
):
    factories.make_poll(network=network, title="Old question", state="closed")
    factories.make_poll(network=network, title="Live question")
    factories.make_poll(network=network, title="Unfinished question", state="draft")
    url = reverse("voice:poll_list", args=[network.slug])

    client.force_login(member)
    as_member = client.get(url).content.decode()
    client.force_login(coordinator)
    as_coordinator = client.get(url).content.decode()

    assert as_member.index("Live question") < as_member.index("Old question")
    assert "Unfinished question" not in as_member and "Start a poll" not in as_member
    assert as_coordinator.index("Unfinished question") < as_coordinator.index("Live question")


def test_an_open_poll_s_edit_page_sends_its_starter_back(client, network, coordinator):
    poll = factories.make_poll(network=network)
    client.force_login(coordinator)
    response = client.get(reverse("voice:poll_edit", args=[network.slug, poll.pk]), follow=True)
    assert "can no longer be changed" in response.content.decode()


def test_the_network_page_leads_its_members_to_the_polls(
    client, network, member, head, coordinator
):
    url = network.get_absolute_url()
    polls_url = reverse("voice:poll_list", args=[network.slug])

    client.force_login(member)
    as_member = client.get(url).content.decode()
    client.force_login(coordinator)
    as_coordinator = client.get(url).content.decode()
    client.force_login(head)
    as_outsider = client.get(url).content.decode()

    assert polls_url in as_member and "Start a poll" not in as_member
    assert reverse("voice:poll_new", args=[network.slug]) in as_coordinator
    assert polls_url not in as_outsider


def test_a_meeting_time_slot_needs_its_date_and_start_and_a_draft_keeps_its_slots(
    client, network, coordinator
):
    client.force_login(coordinator)
    url = reverse("voice:poll_create", args=[network.slug, "meeting_time"])
    refused = client.post(url, FORM | {"slot_1_starts": "16:00", "slot_2_date": "2027-03-05"})
    client.post(url, FORM | {"slot_1_date": "2027-03-04", "slot_1_starts": "16:00"})
    poll = Poll.objects.get()
    edit = client.get(reverse("voice:poll_edit", args=[network.slug, poll.pk])).content.decode()

    assert "Give the slot&#x27;s date." in refused.content.decode()
    assert "Give the time it starts." in refused.content.decode()
    assert 'value="2027-03-04"' in edit and 'value="16:00"' in edit


def test_a_secret_poll_cannot_show_its_results_after_each_vote(network, coordinator):
    with pytest.raises(ValidationError) as refused:
        polls.create_poll(
            network=network,
            kind="single",
            by=coordinator,
            data=_data(secret=True, results_shown="after_voting", options=_options("A", "B")),
        )

    assert "shows its results when it closes" in str(refused.value)
    assert not Poll.objects.exists()
