"""Reports back from a network's representatives (voice.representatives): posted by the
representative or a coordinator, read by members only, and sent to the members as an
announcement, so each gets it as they chose."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from announcements.models import Announcement, Delivery
from core.models import AuditEvent
from members import suppression
from networks.models import EmailPreference
from networks.services.preferences import set_preference
from tests import factories
from voice import representatives
from voice.models import Report

pytestmark = pytest.mark.django_db

Choice = EmailPreference.Choice
Status = Delivery.Status


@pytest.fixture
def representative(network, member):
    """The member, on the Schools Forum for the network."""
    return factories.make_representative(network=network, person=member)


def _report_url(representative):
    return reverse("voice:report_add", args=[representative.network.slug, representative.pk])


def _post(client, representative, capture, title="Schools Forum: December", body="We met."):
    """Post through the page, letting the transaction commit (the test backend then sends
    the announcement's copies at once)."""
    with capture(execute=True):
        return client.post(_report_url(representative), {"title": title, "body": body}, follow=True)


def _people_by_choice(network):
    people = {}
    for choice in Choice.values:
        person = factories.make_user(email=f"{choice}@school.example")
        factories.make_membership(person=person, network=network)
        set_preference(person=person, network=network, choice=choice)
        people[choice] = person
    return people


# Posting -----------------------------------------------------------------------


def test_the_representative_posts_a_report_that_members_read(
    client, representative, member, django_capture_on_commit_callbacks
):
    client.force_login(member)

    response = _post(
        client, representative, django_capture_on_commit_callbacks, body="The **budget** passed."
    )

    page = response.content.decode()
    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "voice:report_detail", args=[representative.network.slug, report.pk]
    )
    assert "The report is posted." in page
    assert "<h1>Schools Forum: December</h1>" in page
    assert "The <strong>budget</strong> passed." in page
    assert f"{member.get_full_name()}, who represents" in page


def test_posting_sends_it_to_each_member_as_they_chose(
    client, network, representative, member, django_capture_on_commit_callbacks
):
    people = _people_by_choice(network)
    stopped = factories.make_user(email="stopped@school.example")
    factories.make_membership(person=stopped, network=network)
    suppression.record_complaint(stopped.email)
    outsider = factories.make_user(email="elsewhere@school.example")
    client.force_login(member)

    _post(client, representative, django_capture_on_commit_callbacks)

    announcement = Report.objects.get().announcement
    assert announcement.author == member
    assert announcement.subject == "Schools Forum: December"
    assert announcement.audience == Announcement.Audience.NETWORK
    assert announcement.state == Announcement.State.SENT
    rows = dict(announcement.deliveries.values_list("person__email", "status"))
    assert rows[people[Choice.EVERY].email] == Status.SENT
    assert rows[people[Choice.DIGEST].email] == Status.DIGEST
    assert rows[stopped.email] == Status.SUPPRESSED
    assert people[Choice.NONE].email not in rows
    assert outsider.email not in rows
    # The email: what a member who wants every announcement gets, with the way to the report.
    to_every = [m for m in mail.outbox if m.to == [people[Choice.EVERY].email]]
    assert len(to_every) == 1
    assert to_every[0].subject.endswith("Schools Forum: December")
    text = to_every[0].body
    assert f"A report back from {member.get_full_name()}" in text
    assert reverse("voice:report_detail", args=[network.slug, Report.objects.get().pk]) in text
    addressed = {address for message in mail.outbox for address in message.to}
    assert {people[Choice.NONE].email, stopped.email, outsider.email}.isdisjoint(addressed)


def test_a_coordinator_posts_on_behalf_of_someone_outside_headnet(
    client, network, coordinator, django_capture_on_commit_callbacks
):
    outside = factories.make_representative(network=network, name="Pat Governor", board="SACRE")
    client.force_login(coordinator)

    _post(client, outside, django_capture_on_commit_callbacks, title="SACRE: the syllabus")

    report = Report.objects.get()
    assert report.representative == outside
    assert report.announcement.author == coordinator
    event = AuditEvent.objects.get(action="representative.report_posted")
    assert event.actor == coordinator
    assert event.network_id == network.pk
    assert "SACRE: the syllabus" in event.summary


def test_the_body_is_sanitised(network, representative, member):
    report = representatives.post_report(
        representative=representative,
        by=member,
        title="Forum",
        body="Fine <script>alert(1)</script> [link](javascript:alert(1))",
    )

    assert "<script" not in report.body_html
    assert "javascript:" not in report.body_html
    assert "Fine" in report.body_html


@pytest.mark.parametrize("who", ["another_member", "head", "outsider_coordinator"])
def test_only_the_representative_or_a_coordinator_may_post_a_report(
    client, network, representative, who, request, django_capture_on_commit_callbacks
):
    if who == "another_member":
        person = factories.make_head()
        factories.make_membership(person=person, network=network)
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)

    response = _post(client, representative, django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not Report.objects.exists()
    assert not Announcement.objects.exists()
    assert mail.outbox == []


def test_a_representative_whose_term_has_ended_or_who_left_may_no_longer_post(
    client, network, member, django_capture_on_commit_callbacks
):
    past = factories.make_representative(
        network=network, person=member, term_ends_on=timezone.localdate()
    )
    client.force_login(member)
    assert _post(client, past, django_capture_on_commit_callbacks).status_code == 403

    current = factories.make_representative(network=network, person=member, board="SACRE")
    member.memberships.update(status="left")
    assert _post(client, current, django_capture_on_commit_callbacks).status_code == 403
    assert not Report.objects.exists()


def test_a_report_whose_email_would_pass_the_network_s_daily_limit_is_not_posted(
    client, network, representative, member, settings, django_capture_on_commit_callbacks
):
    settings.ANNOUNCEMENTS_PER_NETWORK_PER_DAY = 1
    factories.make_sent_announcement(network=network)
    client.force_login(member)

    response = _post(client, representative, django_capture_on_commit_callbacks)

    page = response.content.decode()
    assert "The report is not posted, as its email to the members cannot go" in page
    assert "the most a network may send in a day" in page
    assert not Report.objects.exists()
    assert Announcement.objects.count() == 1
    assert not AuditEvent.objects.filter(action="representative.report_posted").exists()


def test_a_title_and_a_body_are_needed(representative, member):
    with pytest.raises(ValidationError) as refused:
        representatives.post_report(representative=representative, by=member, title=" ", body="")
    assert set(refused.value.message_dict) == {"title", "body"}


# Reading -----------------------------------------------------------------------


def test_reports_are_for_members_only(client, network, representative, head, outsider_member):
    report = factories.make_report(representative=representative, title="Forum: the budget")
    urls = [
        reverse("voice:report_list", args=[network.slug]),
        reverse("voice:report_detail", args=[network.slug, report.pk]),
    ]
    for url in urls:
        visitor = client.get(url)
        assert visitor.status_code == 302
        assert reverse("account_login") in visitor["Location"]
    for person in (head, outsider_member):
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403
            assert "Forum: the budget" not in response.content.decode()
    client.logout()
    for page in (
        client.get(network.get_absolute_url()),
        client.get(reverse("voice:representative_list", args=[network.slug])),
    ):
        assert "Forum: the budget" not in page.content.decode()


def test_a_member_reads_the_reports_newest_first(client, network, representative, member):
    now = timezone.now()
    factories.make_report(
        representative=representative, title="Older", posted_at=now - datetime.timedelta(days=9)
    )
    factories.make_report(representative=representative, title="Newer", posted_at=now)
    other = factories.make_report(
        representative=factories.make_representative(network=factories.make_network()),
        title="Another network's",
    )
    client.force_login(member)

    page = client.get(reverse("voice:report_list", args=[network.slug])).content.decode()

    assert page.index("Newer") < page.index("Older")
    assert "Another network&#x27;s" not in page
    crossed = client.get(reverse("voice:report_detail", args=[network.slug, other.pk]))
    assert crossed.status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_report_list_takes_as_many_queries_for_many_reports(
    client, network, member, django_assert_max_num_queries
):
    def add(count):
        for number in range(count):
            factories.make_report(
                representative=factories.make_representative(
                    network=network, board=f"Board {number}"
                )
            )

    client.force_login(member)
    url = reverse("voice:report_list", args=[network.slug])
    add(3)
    few = _queries(client, url)

    add(40)  # two pages

    with django_assert_max_num_queries(6):
        many = _queries(client, url)
    assert many == few
