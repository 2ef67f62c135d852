"""Issue 21, item 3: a pairing's state reads the same everywhere and never contradicts
itself; both are emailed when it starts; "Ask for a mentor" gives way to the request's
status; the proposed mentor reads the new head's note and school before accepting."""

import pytest
from django.core import mail
from django.urls import reverse

from members.models import User
from support import mentoring
from support.models import Pairing
from tests import factories

pytestmark = pytest.mark.django_db

# A request waiting for a mentor, as pages show it (escaped).
WAITING = "Waiting for the scheme&#x27;s brokers to propose a mentor"

NOTE = "Budget setting and a falling roll"


def _with_posts(person):
    return User.objects.with_posts().get(pk=person.pk)


@pytest.fixture
def pairing(scheme, broker, new_head, mentor):
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head), note=NOTE)
    return mentoring.propose_pairing(request=request, offer=scheme.offers.get(), broker=broker)


def _page(client, person, pairing) -> str:
    client.force_login(person)
    return client.get(reverse("support:pairing", args=[pairing.pk])).content.decode()


def _accept(client, person, pairing):
    client.force_login(person)
    response = client.post(reverse("support:pairing_accept", args=[pairing.pk]), follow=True)
    return response.content.decode()


@pytest.mark.parametrize(
    ("mentor_accepted", "mentee_accepted", "state", "status"),
    [
        (False, False, "proposed", "Proposed: waiting for both to accept"),
        (True, False, "proposed", "Proposed: the mentor has accepted; waiting for the new head"),
        (False, True, "proposed", "Proposed: the new head has accepted; waiting for the mentor"),
        (True, True, "active", "Under way: both have accepted"),
        (True, False, "declined", "Declined"),
        (True, True, "ended", "Ended"),
    ],
)
def test_a_pairing_s_status_says_who_has_accepted(mentor_accepted, mentee_accepted, state, status):
    now = "2027-01-05T10:00Z"
    pairing = Pairing(
        state=state,
        mentor_accepted_at=now if mentor_accepted else None,
        mentee_accepted_at=now if mentee_accepted else None,
    )
    assert pairing.status == status


def test_after_the_mentor_accepts_every_page_says_it_waits_for_the_new_head(
    client, pairing, scheme, broker, new_head, mentor
):
    flash = _accept(client, mentor, pairing)

    waiting = "the mentor has accepted; waiting for the new head"
    assert waiting in flash and "You have accepted" in flash
    assert "waiting for both" not in flash and "once you both have" not in flash
    assert "Accept</button>" not in flash  # nothing more for the mentor to accept
    for person, url in [
        (mentor, reverse("support:mentoring")),
        (new_head, reverse("support:mentoring")),
        (new_head, reverse("support:pairing", args=[pairing.pk])),
        (broker, reverse("support:broker", args=[scheme.slug])),
    ]:
        client.force_login(person)
        page = client.get(url).content.decode()
        assert waiting in page, (person, url)
        assert "waiting for both" not in page, (person, url)
    assert "It waits for you to accept or decline" in _page(client, new_head, pairing)


def test_when_both_accept_it_says_it_has_started_and_both_are_emailed(
    client, pairing, new_head, mentor
):
    _accept(client, new_head, pairing)
    assert mail.outbox and not [m for m in mail.outbox if "started" in m.subject]
    mail.outbox.clear()

    flash = _accept(client, mentor, pairing)

    assert "You have both accepted: the pairing has started" in flash
    assert "once you both have" not in flash and "waiting for" not in flash
    assert "Under way: both have accepted" in flash
    started = {tuple(m.to): m for m in mail.outbox}
    assert set(started) == {(mentor.email,), (new_head.email,)}
    for message in started.values():
        assert message.subject == "[Headnet] Your mentoring pairing has started"
        assert reverse("support:pairing", args=[pairing.pk]) in message.body
        assert "Nia" not in message.body and "Meg" not in message.body


def test_ask_for_a_mentor_gives_way_to_the_request_s_status_once_asked(
    client, scheme, broker, new_head, mentor
):
    client.force_login(new_head)
    ask = reverse("support:mentor_ask", args=[scheme.slug])
    assert ask in client.get(reverse("support:mentoring")).content.decode()

    client.post(ask, {"note": NOTE})

    home = client.get(reverse("support:mentoring")).content.decode()
    assert ask not in home
    assert WAITING in home
    page = client.get(ask).content.decode()
    assert WAITING in page
    assert "<form" not in page.split("<main")[1]

    pairing = mentoring.propose_pairing(
        request=scheme.requests.get(), offer=scheme.offers.get(), broker=broker
    )
    home = client.get(reverse("support:mentoring")).content.decode()
    assert ask not in home
    assert reverse("support:pairing", args=[pairing.pk]) in home
    assert "Proposed: waiting for both to accept" in home
    assert "Proposed: waiting for both to accept" in client.get(ask).content.decode()

    # Declined: the request waits again, and the page says so (still no second ask).
    mentoring.end_pairing(pairing=pairing, person=mentor)
    home = client.get(reverse("support:mentoring")).content.decode()
    assert ask not in home and WAITING in home


def test_the_proposed_mentor_reads_the_new_head_s_note_and_school_before_accepting(
    client, pairing, new_head, mentor, broker, staff
):
    school = new_head.posts.get().school

    page = _page(client, mentor, pairing)

    assert NOTE in page and school.name in page
    assert "Accept</button>" in page
    assert NOTE in _page(client, broker, pairing)
    assert NOTE in _page(client, new_head, pairing)  # their own note
    # Site staff's audited view shows no note; nor does anyone else get in.
    client.force_login(staff)
    audited = client.get(reverse("support:pairing_audit", args=[pairing.pk])).content.decode()
    assert NOTE not in audited and school.name not in audited
    client.force_login(factories.make_head())
    assert client.get(reverse("support:pairing", args=[pairing.pk])).status_code == 404


def test_a_mentor_who_declined_no_longer_reads_the_note(client, pairing, mentor, broker):
    mentoring.end_pairing(pairing=pairing, person=mentor)

    page = _page(client, mentor, pairing)

    assert "Declined" in page and NOTE not in page
    assert NOTE in _page(client, broker, pairing)


def test_a_mentor_who_declined_no_longer_sees_the_new_heads_address(
    client, pairing, mentor, new_head
):
    proposed = _page(client, mentor, pairing)
    mentoring.end_pairing(pairing=pairing, person=mentor)

    declined = _page(client, mentor, pairing)

    assert new_head.email in proposed
    assert new_head.email not in declined
