"""The weekly digest across a person's networks, and the meeting emails that respect the
same email preferences (announcements.digest, meetings.services)."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from announcements import digest, tokens
from announcements.models import Announcement, Delivery, DigestSent
from articles.models import Article
from core.scheduler import Job, jobs
from meetings import services as meeting_services
from meetings.models import LONDON, Meeting
from members.suppression import record_complaint
from networks.models import EmailPreference, Membership
from networks.services import set_preference
from tests import factories

pytestmark = pytest.mark.django_db

Choice = EmailPreference.Choice
# The week of Monday 23 November 2026 (GMT); its digest goes on Monday 30 November.
MONDAY = datetime.date(2026, 11, 23)
WEDNESDAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
NEXT_MONDAY_MORNING = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=LONDON)
MEETING_DAY = datetime.datetime(2026, 12, 10, 16, 0, tzinfo=LONDON)


def _held_announcement(
    *, network, people, subject="Budget briefing moved", sent_at=WEDNESDAY, urgent=False
):
    """A sent announcement of the network, with a delivery row for each person: held for
    their digest, or (urgent) sent at once."""
    announcement = Announcement.objects.create(
        network=network,
        subject=subject,
        body=f"**{subject}**: details inside.",
        is_urgent=urgent,
        state=Announcement.State.SENT,
        sent_at=sent_at,
    )
    status = Delivery.Status.SENT if urgent else Delivery.Status.DIGEST
    for person in people:
        Delivery.objects.create(
            announcement=announcement,
            person=person,
            status=status,
            sent_at=sent_at if urgent else None,
        )
    return announcement


def _digest_reader(*networks, status=Membership.Status.ACTIVE, **fields):
    """A head in each network (active unless told) who chose the weekly digest for it."""
    person = factories.make_head(**fields)
    for network in networks:
        factories.make_membership(person=person, network=network, status=status)
        set_preference(person=person, network=network, choice=Choice.DIGEST)
    return person


def _published_meeting(network, *, published_at=WEDNESDAY, **fields):
    fields.setdefault("starts_at", MEETING_DAY)
    meeting = factories.make_meeting(network=network, **fields)
    Meeting.objects.filter(pk=meeting.pk).update(published_at=published_at)
    meeting.refresh_from_db()
    return meeting


def _send(week_of=MONDAY) -> str:
    output = io.StringIO()
    call_command("send_weekly_digest", f"--week-of={week_of.isoformat()}", stdout=output)
    return output.getvalue()


def _digests_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def _html(message) -> str:
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


# What a digest holds ------------------------------------------------------------------


def test_one_digest_gathers_the_week_of_each_network_chosen(settings, network, other_network):
    settings.SITE_URL = "https://headnet.example"
    reader = _digest_reader(network, other_network)
    first = _held_announcement(network=network, people=[reader], subject="Budget briefing")
    second = _held_announcement(network=other_network, people=[reader], subject="New chair")
    article = factories.make_article(
        network=network, title="Our SEND audit", published_at=WEDNESDAY
    )
    meeting = _published_meeting(other_network, title="Spring conference")

    said = _send()

    (message,) = mail.outbox
    assert message.to == [reader.email]
    assert "Oxfordshire Primary Heads and Somewhere Else Heads" in message.subject
    text, html = message.body, _html(message)
    for expected in (
        "OXFORDSHIRE PRIMARY HEADS",
        "SOMEWHERE ELSE HEADS",
        "Budget briefing",
        "**Budget briefing**: details inside.",
        "New chair",
        "Our SEND audit",
        f"https://headnet.example{article.get_absolute_url()}",
        "Spring conference",
        "Thursday 10 December 2026, 16:00",
        f"https://headnet.example{meeting.get_absolute_url()}",
        "https://headnet.example/me/email/",
        "https://headnet.example/email/unsubscribe/",
    ):
        assert expected in text, expected
    # The HTML part says the same, the announcement as its own (sanitised) HTML.
    assert "<strong>Budget briefing</strong>: details inside." in html
    assert f'href="https://headnet.example{meeting.get_absolute_url()}"' in html
    assert '<html lang="en-GB">' in html and "<h1" in html
    assert "1 digests queued" in said
    # Its held copies are sent now, and the week is marked done for the person.
    assert set(Delivery.objects.values_list("announcement", "status")) == {
        (first.pk, Delivery.Status.SENT),
        (second.pk, Delivery.Status.SENT),
    }
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
    assert list(DigestSent.objects.values_list("person", "week_of")) == [(reader.pk, MONDAY)]


def test_a_digest_of_several_networks_is_a_list_of_its_own(settings, network, other_network):
    settings.SITE_URL = "https://headnet.example"
    reader = _digest_reader(network, other_network)
    _held_announcement(network=network, people=[reader])
    _held_announcement(network=other_network, people=[reader])

    _send()

    headers = mail.outbox[0].message()
    assert headers["List-Id"] == "Headnet weekly digest <weekly-digest.headnet.example>"
    # One one-click link cannot stop two networks: the header offers the choices instead,
    # and each network's part of the body has its own unsubscribe link.
    assert headers["List-Unsubscribe"] == "<https://headnet.example/me/email/>"
    assert headers["List-Unsubscribe-Post"] is None
    assert mail.outbox[0].body.count("/email/unsubscribe/") == 2


def test_a_digest_of_one_network_unsubscribes_in_one_click(settings, network):
    settings.SITE_URL = "https://headnet.example"
    settings.ANNOUNCEMENTS_FROM_EMAIL = "Headnet networks <networks@headnet.example>"
    reader = _digest_reader(network)
    _held_announcement(network=network, people=[reader])

    _send()

    message = mail.outbox[0]
    headers = message.message()
    link = headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://headnet.example/email/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link is bound to this person and this network.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert tokens.read_unsubscribe_token(token) == (reader, network)
    assert link in message.body
    # On the wire too it is one link, not folded into encoded words (RFC 2047).
    assert f"List-Unsubscribe: <{link}>".encode() in message.message().as_bytes()
    # Bulk mail comes from the announcements' sender, apart from account mail.
    assert message.from_email == "Headnet networks <networks@headnet.example>"


def test_a_week_with_nothing_new_sends_no_digest(network, other_network):
    quiet = _digest_reader(network)
    # News of another week, and of a network the person did not choose the digest for.
    _held_announcement(network=network, people=[quiet], sent_at=WEDNESDAY + datetime.timedelta(7))
    factories.make_membership(person=quiet, network=other_network)
    factories.make_article(network=other_network, published_at=WEDNESDAY)

    said = _send()

    assert mail.outbox == []
    assert not DigestSent.objects.exists()
    assert "0 digests queued" in said and "1 had nothing new" in said
    assert Delivery.objects.get().status == Delivery.Status.DIGEST  # kept for its own week


def test_running_twice_sends_each_person_one_digest(network):
    readers = [_digest_reader(network) for _ in range(3)]
    _held_announcement(network=network, people=readers)

    _send()
    said = _send()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in readers)
    assert DigestSent.objects.count() == 3
    assert "0 digests queued" in said


def test_a_digest_sent_at_the_same_moment_by_another_run_is_not_sent_again(network):
    """Two runs at once: the second to write the week's row for the person queues nothing,
    and leaves its held copies to the first."""
    reader = _digest_reader(network)
    announcement = _held_announcement(network=network, people=[reader])
    delivery = Delivery.objects.get()
    section = digest.Section(network=network, announcements=[(announcement, "/")])
    week_digest = digest.Digest(reader, digest.Week(MONDAY), [section], [delivery.pk])
    DigestSent.objects.create(person=reader, week_of=MONDAY)  # the other run's

    assert digest.send_digest(week_digest) is False

    assert mail.outbox == []
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DIGEST


def test_an_urgent_announcement_went_at_once_and_is_not_in_the_digest(network):
    reader = _digest_reader(network)
    _held_announcement(network=network, people=[reader], subject="Budget briefing")
    _held_announcement(network=network, people=[reader], subject="Site closed", urgent=True)

    _send()

    (message,) = mail.outbox
    assert "Budget briefing" in message.body
    assert "Site closed" not in message.body


def test_a_person_who_wants_every_announcement_gets_no_digest(network):
    everything = factories.make_head()
    factories.make_membership(person=everything, network=network)
    set_preference(person=everything, network=network, choice=Choice.EVERY)
    no_choice = factories.make_head()
    factories.make_membership(person=no_choice, network=network)
    factories.make_article(network=network, published_at=WEDNESDAY)
    _published_meeting(network)

    _send()

    assert mail.outbox == []


def test_only_the_announcements_a_person_was_sent_are_in_their_digest(network):
    """The held rows are the person's own: an announcement to an audience they were not in
    is not in their digest."""
    reader = _digest_reader(network)
    other_reader = _digest_reader(network)
    _held_announcement(network=network, people=[reader, other_reader], subject="To everyone")
    _held_announcement(network=network, people=[other_reader], subject="To the SEND workhub")

    _send()

    (to_reader,) = _digests_to(reader)
    assert "To everyone" in to_reader.body and "To the SEND workhub" not in to_reader.body
    assert "To the SEND workhub" in _digests_to(other_reader)[0].body


def test_a_members_article_is_in_the_digest_of_members_only(network):
    member = _digest_reader(network)
    pending = _digest_reader(network, status=Membership.Status.PENDING)
    factories.make_article(network=network, title="Open letter", published_at=WEDNESDAY)
    factories.make_article(
        network=network,
        title="Governors' briefing pack",
        audience=Article.Audience.MEMBERS,
        published_at=WEDNESDAY,
    )
    factories.make_article(network=network, title="Draft", state=Article.State.DRAFT)

    _send()

    (to_member,) = _digests_to(member)
    (to_pending,) = _digests_to(pending)
    assert "Open letter" in to_member.body and "Governors' briefing pack" in to_member.body
    assert "Open letter" in to_pending.body and "briefing pack" not in to_pending.body
    assert "briefing pack" not in _html(to_pending)
    assert "Draft" not in to_member.body


def test_a_meeting_a_person_may_not_see_is_not_listed(network):
    member = _digest_reader(network)
    pending = _digest_reader(network, status=Membership.Status.PENDING)
    _published_meeting(network, title="Members' forum", audience=Meeting.Audience.MEMBERS)
    _published_meeting(network, title="Open briefing", audience=Meeting.Audience.SIGNED_IN)
    factories.make_meeting(network=network, title="Still a draft", state=Meeting.State.DRAFT)
    _published_meeting(  # over before the digest goes
        network, title="Tuesday call", starts_at=WEDNESDAY - datetime.timedelta(days=1)
    )

    _send()

    (to_member,) = _digests_to(member)
    (to_pending,) = _digests_to(pending)
    assert "Members' forum" in to_member.body and "Open briefing" in to_member.body
    assert "Open briefing" in to_pending.body and "Members' forum" not in to_pending.body
    for message in (to_member, to_pending):
        assert "Still a draft" not in message.body and "Tuesday call" not in message.body


def test_leaving_a_network_ends_its_articles_and_meetings_in_the_digest(network):
    gone = _digest_reader(network)
    Membership.objects.filter(person=gone).update(status=Membership.Status.LEFT)
    factories.make_article(network=network, published_at=WEDNESDAY)
    _published_meeting(network, audience=Meeting.Audience.SIGNED_IN)

    _send()

    assert mail.outbox == []


def test_the_week_runs_monday_to_monday_in_london_time(network):
    """In summer London is an hour ahead of UTC: Sunday 23:30 is in the week, and Monday
    00:30 (Sunday 23:30 in UTC) starts the next one."""
    reader = _digest_reader(network)
    monday = datetime.date(2026, 6, 29)
    at = {
        "Monday 00:30": datetime.datetime(2026, 6, 29, 0, 30, tzinfo=LONDON),
        "Sunday 23:30": datetime.datetime(2026, 7, 5, 23, 30, tzinfo=LONDON),
        "Next Monday 00:30": datetime.datetime(2026, 7, 6, 0, 30, tzinfo=LONDON),
        "Sunday before 23:30": datetime.datetime(2026, 6, 28, 23, 30, tzinfo=LONDON),
    }
    for subject, sent_at in at.items():
        _held_announcement(network=network, people=[reader], subject=subject, sent_at=sent_at)

    _send(week_of=datetime.date(2026, 7, 2))  # any day of the week names it

    (message,) = mail.outbox
    assert "Monday 00:30" in message.body and "Sunday 23:30" in message.body
    assert "Next Monday" not in message.body and "Sunday before" not in message.body
    assert DigestSent.objects.get().week_of == monday


@time_machine.travel(NEXT_MONDAY_MORNING, tick=False)
def test_on_monday_morning_the_digest_is_of_the_week_just_ended(network):
    reader = _digest_reader(network)
    _held_announcement(network=network, people=[reader], subject="Last week's news")
    _held_announcement(
        network=network,
        people=[reader],
        subject="This morning's news",
        sent_at=NEXT_MONDAY_MORNING - datetime.timedelta(hours=1),
    )

    call_command("send_weekly_digest", stdout=io.StringIO())

    (message,) = mail.outbox
    assert "Last week's news" in message.body and "This morning's news" not in message.body
    assert "23 November to 29 November 2026" in message.subject


def test_the_digest_is_scheduled_for_monday_morning():
    (job,) = [job for job in jobs() if job.command == "send_weekly_digest"]

    assert job == Job("send_weekly_digest", daily_at=datetime.time(7, 0), weekday=0)
    # Queued on Monday at 07:00, London time, once for the week.
    assert job.slot(NEXT_MONDAY_MORNING + datetime.timedelta(days=3)) == NEXT_MONDAY_MORNING


# Who gets none --------------------------------------------------------------------------


def test_an_address_that_gets_no_bulk_mail_gets_no_digest(network):
    complained = _digest_reader(network)
    fine = _digest_reader(network)
    record_complaint(complained.email)
    _held_announcement(network=network, people=[complained, fine])

    said = _send()

    assert [message.to for message in mail.outbox] == [[fine.email]]
    assert Delivery.objects.get(person=complained).status == Delivery.Status.SUPPRESSED
    assert "1 go to addresses that get no bulk mail" in said


def test_an_inactive_account_gets_no_digest(network):
    closed = _digest_reader(network, is_active=False)
    _held_announcement(network=network, people=[closed])

    _send()

    assert mail.outbox == []
    assert not DigestSent.objects.exists()


# Cost -----------------------------------------------------------------------------------


def _queries_to_send(django_assert_max_num_queries, readers: int) -> int:
    network = factories.make_network()
    people = [_digest_reader(network) for _ in range(readers)]
    _held_announcement(network=network, people=people)
    factories.make_article(network=network, published_at=WEDNESDAY)
    _published_meeting(network)
    mail.outbox.clear()
    with django_assert_max_num_queries(1000) as captured:
        run = digest.send_weekly_digests(week=digest.Week(MONDAY), chunk_size=4)
    assert run.sent == readers
    return len(captured.captured_queries)


def test_reading_for_the_digest_does_not_grow_with_the_people(django_assert_max_num_queries):
    """Each chunk of people is read in a fixed number of queries; what grows per person is
    only the writing of their digest (its row, their held copies, the email and its task)."""
    four = _queries_to_send(django_assert_max_num_queries, 4)
    twelve = _queries_to_send(django_assert_max_num_queries, 12)

    # In a test's transaction, with tasks run at once: three savepoints and their releases,
    # the week's row, the held copies, the email stored, read, sent and forgotten.
    writes_per_person = 11
    # The people (one query, with the next chunk's), their addresses' suppression,
    # preferences, their discussion preferences (the discussions' part: nobody here chose
    # it, so no more), networks, memberships and held copies.
    reads_per_chunk = 7
    assert twelve - four == 8 * writes_per_person + 2 * reads_per_chunk


# Meetings published: the same preferences ------------------------------------------------


def _choosing(network, choice):
    person = factories.make_head()
    factories.make_membership(person=person, network=network)
    if choice is not None:
        set_preference(person=person, network=network, choice=choice)
    return person


def test_publishing_a_meeting_emails_only_those_who_want_each_announcement(network):
    people = {choice: _choosing(network, choice) for choice in [None, *Choice.values]}
    meeting = factories.make_meeting(network=network, title="Spring conference", state="draft")

    meeting_services.publish_meeting(meeting=meeting)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [people[None].email, people[Choice.EVERY].email]
    )


def test_a_meeting_published_to_a_digest_reader_comes_in_their_digest(network):
    reader = _choosing(network, Choice.DIGEST)
    meeting = factories.make_meeting(
        network=network, title="Spring conference", state="draft", starts_at=MEETING_DAY
    )
    with time_machine.travel(WEDNESDAY, tick=False):
        meeting_services.publish_meeting(meeting=meeting)
    assert mail.outbox == []

    _send()

    assert [message.to for message in mail.outbox] == [[reader.email]]
    assert "Spring conference" in mail.outbox[0].body


def test_an_urgent_meeting_reaches_everyone_who_wants_urgent_news_at_once(network):
    people = {choice: _choosing(network, choice) for choice in Choice.values}

    meeting_services.create_urgent_meeting(
        network=network,
        by=None,
        title="WAYDAY call",
        starts_at=datetime.datetime.now(LONDON) + datetime.timedelta(hours=2),
        minutes=30,
        online_url="https://meet.example/wayday",
    )

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        people[choice].email for choice in (Choice.EVERY, Choice.DIGEST, Choice.URGENT_ONLY)
    )


def test_a_cancellation_reaches_members_whatever_they_chose(network):
    """A meeting change is not an announcement: it goes to all who may see the meeting."""
    people = [_choosing(network, choice) for choice in Choice.values]
    meeting = factories.make_meeting(network=network)

    meeting_services.cancel_meeting(meeting=meeting, reason="Snow")

    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
