"""Confidential coaching: only the requester and the coaches (then only the one who took it)."""

import datetime
import io

import pytest
import time_machine
from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from networks.models import Membership
from portal import services as portal_services
from support import coaching
from support.models import (
    Coach,
    SupportNote,
    SupportRequest,
    SupportRequestOpening,
)
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "My chair of governors is bullying me"


def _ask(network, requester, **fields):
    return coaching.ask_for_support(
        network=network,
        requester=requester,
        help=fields.get("help", SupportRequest.Help.TREATMENT),
        contact_by=SupportRequest.ContactBy.PHONE,
        contact_details="07700 900123",
        contact_when="Evenings after seven",
        note=fields.get("note", SECRET),
    )


def _url(name, item):
    return reverse(f"support:{name}", args=[item.network.slug, item.pk])


def test_asking_through_the_form_reaches_every_coach_with_a_content_free_email(
    client, heads_up, coach, other_coach, requester
):
    client.force_login(requester)
    response = client.post(
        reverse("support:ask", args=[heads_up.slug]),
        {
            "help": "treatment",
            "contact_by": "phone",
            "contact_details": "07700 900123",
            "contact_when": "Evenings",
            "note": SECRET,
        },
        follow=True,
    )

    item = SupportRequest.objects.get()
    assert response.redirect_chain[-1][0] == _url("request", item)
    assert item.requester == requester and item.state == "waiting"
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [coach.email, other_coach.email]
    )
    for message in mail.outbox:
        assert message.subject == "[Headnet] A request is waiting for a coach"
        assert message.reply_to == []
        text = message.subject + message.body
        for detail in [SECRET, "07700", "Evenings", "Rhian", "Requester", requester.email,
                       "Heads Up", "heads-up", "treated", "support", "talk"]:  # fmt: skip
            assert detail.lower() not in text.lower(), detail


def test_no_detail_is_required_to_ask(client, heads_up, coach, requester):
    client.force_login(requester)
    client.post(
        reverse("support:ask", args=[heads_up.slug]), {"help": "talk", "contact_by": "email"}
    )
    assert SupportRequest.objects.get().note == ""


def test_a_network_without_coaches_offers_no_support_page(client, network, head):
    client.force_login(head)
    assert client.get(reverse("support:ask", args=[network.slug])).status_code == 404


def test_a_coach_opening_a_request_is_recorded_and_the_requester_sees_who_and_when(
    client, heads_up, coach, requester
):
    item = _ask(heads_up, requester)
    client.force_login(coach)
    page = client.get(_url("request", item)).content.decode()
    assert SECRET in page

    opening = SupportRequestOpening.objects.get()
    assert (opening.opened_by, opening.request, opening.network) == (coach, item, heads_up)
    client.force_login(requester)
    page = client.get(_url("request", item)).content.decode()
    assert "Cora Coach" in page
    assert SupportRequestOpening.objects.count() == 1  # the requester's own look is not


def test_once_a_coach_takes_a_request_the_other_coaches_no_longer_see_it(
    client, heads_up, coach, other_coach, requester
):
    item = _ask(heads_up, requester)
    mail.outbox.clear()
    client.force_login(coach)
    client.post(_url("take", item))

    item.refresh_from_db()
    assert (item.state, item.coach) == ("taken", coach)
    assert [message.to for message in mail.outbox] == [[requester.email]]
    assert SECRET not in mail.outbox[0].body and "Cora" not in mail.outbox[0].body
    client.force_login(other_coach)
    assert client.get(_url("request", item)).status_code == 404
    assert client.post(_url("take", item)).status_code == 404
    queue = client.get(reverse("support:coach", args=[heads_up.slug])).content.decode()
    assert _url("request", item) not in queue
    client.force_login(coach)
    queue = client.get(reverse("support:coach", args=[heads_up.slug])).content.decode()
    assert _url("request", item) in queue


def test_two_coaches_taking_at_once_leave_one_holder(heads_up, coach, other_coach, requester):
    item = _ask(heads_up, requester)
    coaching.take_request(support_request=item, coach=coach)
    with pytest.raises(coaching.ValidationError):
        coaching.take_request(support_request=item, coach=other_coach)
    item.refresh_from_db()
    assert item.coach == coach


@pytest.mark.parametrize(
    "who", ["member", "administrator", "coordinator", "staff", "outsider_administrator"]
)
def test_nobody_but_the_requester_and_the_coaches_can_open_a_request(
    client, heads_up, coach, requester, request, who
):
    person = request.getfixturevalue(who)
    if who != "staff" and not who.startswith("outsider"):
        # An administrator (or member) of the coaches' own network sees nothing either.
        role = {"member": "member"}.get(who, who)
        factories.make_membership(person=person, network=heads_up, role=role)
    item = _ask(heads_up, requester)
    client.force_login(person)
    for name in ["request", "take", "withdraw", "close", "note"]:
        method = client.get if name == "request" else client.post
        assert method(_url(name, item)).status_code == 404, name
    assert client.get(reverse("support:coach", args=[heads_up.slug])).status_code == 404
    assert not SupportRequestOpening.objects.exists()
    item.refresh_from_db()
    assert item.state == "waiting"


def test_a_request_is_a_404_under_another_network_s_address(
    client, heads_up, network, coach, requester
):
    Coach.objects.create(network=network, person=coach)
    item = _ask(heads_up, requester)
    client.force_login(coach)
    assert client.get(reverse("support:request", args=[network.slug, item.pk])).status_code == 404


def test_the_requester_sees_its_state_and_can_withdraw_it(client, heads_up, coach, requester):
    item = _ask(heads_up, requester)
    client.force_login(requester)
    assert "Waiting for a coach" in client.get(_url("request", item)).content.decode()
    client.post(_url("withdraw", item))
    item.refresh_from_db()
    assert item.state == "withdrawn" and item.closed_at is not None
    client.force_login(coach)
    assert client.get(_url("request", item)).status_code == 404


def test_the_coach_who_took_it_keeps_notes_and_closes_it(client, heads_up, coach, requester):
    item = _ask(heads_up, requester)
    coaching.take_request(support_request=item, coach=coach)
    client.force_login(coach)
    client.post(_url("note", item), {"text": "Called on Tuesday"})
    client.post(_url("close", item))
    item.refresh_from_db()
    assert item.state == "closed"
    assert list(item.notes.values_list("text", flat=True)) == ["Called on Tuesday"]
    client.force_login(requester)
    assert "Called on Tuesday" not in client.get(_url("request", item)).content.decode()


def test_closed_requests_and_their_notes_go_after_the_retention_time_the_openings_stay(
    heads_up, coach, requester, settings
):
    settings.SUPPORT_REQUEST_RETENTION_DAYS = 90
    with time_machine.travel(timezone.now() - datetime.timedelta(days=100)):
        old = _ask(heads_up, requester)
        coaching.take_request(support_request=old, coach=coach)
        coaching.record_opening(support_request=old, by=coach)
        coaching.add_note(support_request=old, author=coach, text="Private")
        coaching.close_request(support_request=old, coach=coach)
    recent = _ask(heads_up, requester, note="Recent")
    coaching.withdraw_request(support_request=recent)
    still_open = _ask(heads_up, requester, note="Open")
    Membership.objects.all()  # nothing else is touched

    call_command("delete_closed_support_requests", stdout=io.StringIO())

    assert set(SupportRequest.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not SupportNote.objects.exists()
    opening = SupportRequestOpening.objects.get()
    assert (opening.request, opening.request_number, opening.opened_by) == (None, old.pk, coach)
    assert {field.name for field in SupportRequestOpening._meta.concrete_fields} == {
        "id", "request", "request_number", "network", "opened_by", "opened_at",
    }  # fmt: skip


def test_requests_are_not_in_the_django_admin_at_all():
    registered = {model.__name__ for model in admin_site._registry}
    assert not registered & {
        "SupportRequest", "SupportNote", "SupportRequestOpening", "MentorOffer",
        "MentorRequest", "Pairing", "CheckIn", "PairingOpening",
    }  # fmt: skip


def test_nothing_of_a_request_shows_on_anyone_else_s_pages(
    client, heads_up, coach, requester, staff
):
    item = _ask(heads_up, requester)
    coaching.take_request(support_request=item, coach=coach)
    coaching.add_note(support_request=item, author=coach, text="Spoke at length")
    client.force_login(staff)
    pages = [
        reverse("portal:person", args=[requester.pk]),
        reverse("admin:members_user_change", args=[requester.pk]),
        reverse("admin:members_user_change", args=[coach.pk]),
        reverse("admin:index"),
        reverse("admin:support_coach_changelist"),
        reverse("networks:detail", args=[heads_up.slug]),
        reverse("networks:members", args=[heads_up.slug]),
        reverse("me"),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        for detail in [SECRET, "Spoke at length", "07700", "Evenings after seven"]:
            assert detail not in page, (url, detail)
    client.force_login(coach)
    for url in [reverse("portal:person", args=[requester.pk]), reverse("me")]:
        page = client.get(url).content.decode()
        assert SECRET not in page, url


def test_closing_the_requester_s_account_deletes_their_requests(heads_up, coach, requester):
    item = _ask(heads_up, requester)
    coaching.take_request(support_request=item, coach=coach)
    coaching.record_opening(support_request=item, by=coach)
    coaching.add_note(support_request=item, author=coach, text="Private")

    portal_services.close_account(person=requester)

    assert not SupportRequest.objects.exists() and not SupportNote.objects.exists()
    assert SupportRequestOpening.objects.get().opened_by == coach


def test_a_coach_leaving_returns_their_requests_to_the_pool(heads_up, coach, requester):
    item = _ask(heads_up, requester)
    coaching.take_request(support_request=item, coach=coach)
    portal_services.close_account(person=coach)
    item.refresh_from_db()
    assert (item.state, item.coach) == ("waiting", None)


@pytest.mark.parametrize("count", [1, 12])
def test_the_coach_queue_takes_a_fixed_number_of_queries(
    client, heads_up, coach, count, django_assert_max_num_queries
):
    for _ in range(count):
        _ask(heads_up, factories.make_head())
    for item in SupportRequest.objects.all()[: count // 2]:
        coaching.take_request(support_request=item, coach=coach)
    client.force_login(coach)
    # The viewer, the network, whether it has coaches and the viewer is one, the waiting
    # requests and the viewer's own (the same for one request or twelve).
    with django_assert_max_num_queries(6):
        assert client.get(reverse("support:coach", args=[heads_up.slug])).status_code == 200
