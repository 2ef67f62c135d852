"""seed_demo's collective voice (issue 25): OSSHTA's closed proposal with one vote per
member school and its decision, OPHN's open consultation, OPHN's representatives on two
county boards with a report back; and seeding again adds nothing."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from announcements.models import Announcement
from core.models import AuditEvent
from members.models import User
from networks.models import Membership
from voice.models import Ballot, BallotChoice, Decision, Poll, Report, Representative, VoteRecord

pytestmark = pytest.mark.django_db

VOICE_MODELS = [Poll, Ballot, BallotChoice, VoteRecord, Decision, Representative, Report]


def _seed():
    call_command("seed_demo", password="headnet-demo", force=True, stdout=io.StringIO())


@pytest.fixture
def demo(demo_seeded):
    """The demo, seeded once for the module (tests/devdata/conftest.py)."""


def test_osshta_s_member_schools_voted_once_each_on_a_closed_proposal_with_its_decision(demo):
    poll = Poll.objects.get(network__slug="osshta", kind=Poll.Kind.PROPOSAL)
    assert (poll.state, poll.voters, poll.secret) == ("closed", "schools", False)
    assert poll.closes_at < timezone.now()
    records = list(poll.vote_records.all())
    ballots = list(poll.ballots.all())
    assert len(records) == len(ballots) >= 3
    schools = [record.school_id for record in records]
    assert None not in schools and len(set(schools)) == len(schools)  # one vote per school
    # Each ballot names the head who cast it, for the school whose seat they hold.
    for ballot in ballots:
        assert (
            Membership.objects.active()
            .filter(network=poll.network, person=ballot.person, school=ballot.school)
            .exists()
        )
    assert {ballot.school_id for ballot in ballots} == set(schools)
    assert {ballot.position for ballot in ballots} >= {"agree", "disagree"}

    decision = poll.decision
    assert decision.network == poll.network
    assert decision.review_on > timezone.localdate()
    assert decision.recorded_by.email == "coordinator@example.org"
    assert "joint response" in decision.statement
    assert poll.opened_at < poll.closed_at < decision.recorded_at < timezone.now()

    # Made, opened, voted in, closed and decided through the services: all on the record.
    actions = list(
        AuditEvent.objects.filter(object_id=poll.pk, action__startswith="poll.").values_list(
            "action", flat=True
        )
    )
    assert sorted(set(actions)) == ["poll.closed", "poll.created", "poll.opened", "poll.voted"]
    assert actions.count("poll.voted") == len(ballots)
    assert AuditEvent.objects.filter(action="decision.recorded").count() == 1


def test_ophn_has_an_open_consultation_with_a_few_answers_from_its_members(demo):
    poll = Poll.objects.get(network__slug="oxfordshire-primary-heads", kind=Poll.Kind.QUESTION)
    assert poll.state == Poll.State.OPEN
    assert poll.closes_at > timezone.now()
    ballots = list(poll.ballots.select_related("person"))
    assert len(ballots) >= 2
    assert all(ballot.text and ballot.school_id is None for ballot in ballots)
    for ballot in ballots:
        assert poll.network.memberships.active().filter(person=ballot.person).exists()
    assert poll.vote_records.filter(school__isnull=True).count() == len(ballots)
    # The demo's own primary head has not answered yet: it is hers to try.
    assert not poll.vote_records.filter(person__email="primary.head@example.org").exists()


def test_ophn_is_represented_on_two_county_boards_and_a_report_came_back(demo, client):
    ophn = Representative.objects.filter(network__slug="oxfordshire-primary-heads")
    today = timezone.localdate()
    current = [rep for rep in ophn if rep.term_ends_on is None or rep.term_ends_on > today]
    assert len({rep.board for rep in current}) == 2
    assert all(rep.person is not None for rep in current)
    assert ophn.filter(term_ends_on__lt=today).exists()  # a past term too
    assert AuditEvent.objects.filter(action="representative.added").count() == ophn.count()

    report = Report.objects.get()
    assert report.representative in current
    announcement = report.announcement
    assert announcement.state == Announcement.State.SENT
    assert announcement.author == report.representative.person
    assert report.posted_at < timezone.now()
    assert timezone.localtime(report.posted_at).weekday() < 5

    page = client.get(reverse("networks:detail", args=["oxfordshire-primary-heads"]))
    assert "Who represents us" in page.content.decode()
    assert current[0].name in page.content.decode()
    client.force_login(User.objects.get(email="primary.head@example.org"))
    reports = client.get(reverse("voice:report_list", args=["oxfordshire-primary-heads"]))
    assert report.title in reports.content.decode()


def test_seeding_again_adds_nothing_and_emails_nobody(django_capture_on_commit_callbacks):
    # Closing the proposal emails nobody either: its starter closed it.
    with django_capture_on_commit_callbacks(execute=True):
        _seed()
    assert mail.outbox == []
    before = {model.__name__: model.objects.count() for model in VOICE_MODELS}
    events = AuditEvent.objects.filter(action__startswith="representative.").count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _seed()

    assert {model.__name__: model.objects.count() for model in VOICE_MODELS} == before
    assert AuditEvent.objects.filter(action__startswith="representative.").count() == events
    assert mail.outbox == []
