"""Demo collective voice: an OSSHTA proposal with one vote per
member school, closed, with the decision it led to; an open consultation question in
OPHN with a few answers; OPHN's representatives on two county boards, one of whom has
reported back.

Called by seed_demo (devdata.demo) with the networks it made, after the announcements
(a report back is sent to the members as an announcement). Idempotent: a poll already
there (by network and title), a representative (by network, board and name) and a
report (by representative and title) are left as they are.

Everything goes through the voice services, so it is on the record as it would be:
the polls are made and opened (voice.polls), voted in by those with a vote
(voice.voting: one vote per school for a poll of member schools, and per person
otherwise), the proposal closed by its starter, so nobody is emailed (voice.closing),
and its outcome recorded (voice.decisions). The services take votes only before a
poll's closing date, so the proposal runs now and is closed at once; each poll is then
dated as the story has it (opened a month ago and closed a fortnight ago, for the
proposal). The representatives and the report go through voice.representatives, and
the report through the announcements with notify=False: recorded as sent to OPHN's
members, each as they chose, and nobody emailed.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from announcements.models import Announcement, Delivery
from core.dates import academic_year_of
from members.models import User
from networks.models import Membership, Network
from voice import closing, decisions, polls, representatives, voting
from voice.models import Ballot, Decision, Poll, Report, Representative

OSSHTA, OPHN = "osshta", "oxfordshire-primary-heads"
Position = Ballot.Position

PROPOSAL_TITLE = "One joint response to the school places consultation"
PROPOSAL_TEXT = (
    "The county council's consultation on secondary school places closes at the end of "
    "term. We propose that OSSHTA sends **one joint response** for all its schools, "
    "drafted by the Coordinating Group from members' views and shared with every member "
    "school before it goes.\n\nOne vote per member school, cast by its head."
)
# The first member schools' votes, in seat order: a position and, for some, a reason.
SCHOOL_VOTES = [
    (Position.AGREE, "One voice carries further with the council than eleven."),
    (Position.AGREE, ""),
    (Position.AGREE, "As long as the draft comes to us first."),
    (Position.ABSTAIN, "Our trust responds centrally; we will follow its line."),
    (Position.DISAGREE, "Our area's numbers differ from the rest of the county."),
]
DECISION = (
    "OSSHTA will send one joint response to the school places consultation. The "
    "Coordinating Group drafts it from members' views and shares it with every member "
    "school a week before it goes; a school whose area differs may add its own response."
)

QUESTION_TITLE = "What should our representatives raise at the Schools Forum this term?"
QUESTION_TEXT = (
    "The Schools Forum meets next month. Tell our representatives what matters most to "
    "your school this term: they will take the network's view with them and report back."
)
ANSWERS = {
    "oxon.primary.head4@example.org": "The high needs block: top-up funding arrives "
    "terms late, and small schools carry the cost meanwhile.",
    "oxon.primary.head5@example.org": "Falling rolls in the city: what happens to "
    "schools that fall below a viable size.",
    "oxon.primary.head6@example.org": "Transport for pupils with SEND between our sites.",
}

REPORT_TITLE = "Schools Forum: the high needs budget"
REPORT_TEXT = (
    "The Forum met on Thursday. The main item was the **high needs budget**, which is "
    "forecast to overspend again this year.\n\n"
    "- The council proposes moving 0.5% of the schools block to high needs. I said that "
    "primary heads would want to see the evidence that it would reduce the overspend "
    "before agreeing to it.\n"
    "- Top-up funding for pupils with an EHC plan will be paid termly from January, "
    "rather than after the plan is finalised: what many of you asked for.\n\n"
    "The Forum votes on the transfer at its next meeting. Tell me your views through the "
    "network's contact form before then."
)
# When the demo report was posted: a weekday a few days ago, in the morning.
REPORT_DAYS_AGO = 4
REPORT_AT = datetime.time(11, 0)


def _person(email: str) -> User:
    return User.objects.get(email=email)


def _at(day: datetime.date, hour: int = 17) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def _weekday_before(day: datetime.date) -> datetime.date:
    """The day, or the Friday before it if it is a weekend."""
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def _osshta_proposal(osshta: Network) -> bool:
    """A proposal to OSSHTA's member schools, closed a fortnight ago, and its decision."""
    if osshta.polls.filter(title=PROPOSAL_TITLE).exists():
        return False
    coordinator = _person("coordinator@example.org")
    today = timezone.localdate()
    opened = _at(today - datetime.timedelta(days=30), 9)
    closed = _at(today - datetime.timedelta(days=14))
    # The services take votes only before the closing date: the poll runs now, for a
    # day, and is closed by its starter (who is not emailed about their own closing).
    poll = polls.create_poll(
        network=osshta,
        kind=Poll.Kind.PROPOSAL,
        by=coordinator,
        data=polls.PollInput(
            title=PROPOSAL_TITLE,
            description=PROPOSAL_TEXT,
            closes_at=timezone.now() + datetime.timedelta(days=1),
            voters=Poll.Voters.SCHOOLS,
            secret=False,
            results_shown=Poll.ResultsShown.AFTER_CLOSING,
        ),
    )
    poll = polls.open_poll(poll=poll, by=coordinator)
    seats = (
        Membership.objects.active()
        .filter(network=osshta, school__isnull=False)
        .select_related("person", "school")
        .order_by("pk")[: len(SCHOOL_VOTES)]
    )
    for seat, (position, reason) in zip(seats, SCHOOL_VOTES, strict=False):
        # An open poll of member schools: the ballot names the head and their school.
        voting.cast_ballot(
            poll=poll, person=seat.person, answers=voting.Answers(position=position, text=reason)
        )
    poll = closing.close_poll(poll=poll, by=coordinator, now=closed)
    decision = decisions.record_outcome(
        poll=poll,
        statement=DECISION,
        review_on=today + datetime.timedelta(days=90),
        by=coordinator,
    )
    # Then dated as the story has it: open for a fortnight from a month ago, closed at its
    # closing time, and its decision recorded the day after.
    Poll.objects.filter(pk=poll.pk).update(
        created_at=opened - datetime.timedelta(hours=1), opened_at=opened, closes_at=closed
    )
    Decision.objects.filter(pk=decision.pk).update(recorded_at=closed + datetime.timedelta(days=1))
    return True


def _ophn_consultation(ophn: Network) -> bool:
    """An open consultation question to OPHN's members, with a few answers so far."""
    if ophn.polls.filter(title=QUESTION_TITLE).exists():
        return False
    today = timezone.localdate()
    opened = _at(today - datetime.timedelta(days=3), 8)
    starter = _person("oxon.primary.head1@example.org")
    poll = polls.create_poll(
        network=ophn,
        kind=Poll.Kind.QUESTION,
        by=starter,
        data=polls.PollInput(
            title=QUESTION_TITLE,
            description=QUESTION_TEXT,
            closes_at=_at(today + datetime.timedelta(days=11)),
            voters=Poll.Voters.MEMBERS,
            secret=False,
            results_shown=Poll.ResultsShown.AFTER_VOTING,
        ),
    )
    poll = polls.open_poll(poll=poll, by=starter)
    for email, answer in ANSWERS.items():
        voting.cast_ballot(poll=poll, person=_person(email), answers=voting.Answers(text=answer))
    # Opened a few days ago, as the story has it.
    Poll.objects.filter(pk=poll.pk).update(
        created_at=opened - datetime.timedelta(hours=1), opened_at=opened
    )
    return True


def _representative(ophn: Network, by: User, board: str, **fields) -> Representative:
    name = fields["person"].get_full_name() if fields.get("person") else fields["name"]
    existing = ophn.representatives.filter(board=board, name=name).first()
    if existing is not None:
        return existing
    return representatives.add_representative(network=ophn, by=by, board=board, **fields)


def _date_report(report: Report) -> None:
    """Put a demo report posted just now, and its announcement, a few days back."""
    day = _weekday_before(timezone.localdate() - datetime.timedelta(days=REPORT_DAYS_AGO))
    when = datetime.datetime.combine(day, REPORT_AT, tzinfo=timezone.get_current_timezone())
    Report.objects.filter(pk=report.pk).update(posted_at=when)
    announcement = Announcement.objects.filter(pk=report.announcement_id)
    announcement.update(
        created_at=when - datetime.timedelta(minutes=5), sent_at=when, updated_at=when
    )
    announcement.filter(fanned_out_at__isnull=False).update(fanned_out_at=when)
    Delivery.objects.filter(announcement_id=report.announcement_id, sent_at__isnull=False).update(
        sent_at=when
    )


def _ophn_representatives(ophn: Network) -> bool:
    """OPHN on the Schools Forum (a term now, one before it) and on SACRE; a report back
    from the Forum. Returns whether the report was posted now."""
    year = academic_year_of(timezone.localdate())
    forum_head = _person("oxon.primary.head1@example.org")
    coordinator = _person("oxon.primary.head3@example.org")
    forum = "Oxfordshire Schools Forum"
    _representative(
        ophn,
        coordinator,
        forum,
        name="Margaret Ellis",
        term_starts_on=datetime.date(year - 3, 9, 1),
        term_ends_on=datetime.date(year - 1, 8, 31),
    )
    on_forum = _representative(
        ophn,
        coordinator,
        forum,
        person=forum_head,
        term_starts_on=datetime.date(year - 1, 9, 1),
        term_ends_on=datetime.date(year + 1, 8, 31),
    )
    _representative(
        ophn,
        coordinator,
        "Oxfordshire SACRE (Standing Advisory Council on Religious Education)",
        person=_person("oxon.primary.head2@example.org"),
        term_starts_on=datetime.date(year, 9, 1),
    )
    if on_forum.reports.filter(title=REPORT_TITLE).exists():
        return False
    report = representatives.post_report(
        representative=on_forum, by=forum_head, title=REPORT_TITLE, body=REPORT_TEXT, notify=False
    )
    _date_report(report)
    return True


@transaction.atomic
def seed_voice(networks: dict[str, Network], log=print) -> None:
    """OSSHTA's closed proposal and its decision, OPHN's open consultation, and OPHN's
    representatives with a report back."""
    made = [
        _osshta_proposal(networks[OSSHTA]),
        _ophn_consultation(networks[OPHN]),
        _ophn_representatives(networks[OPHN]),
    ]
    log(
        f"Collective voice ({sum(made)} of {len(made)} parts new): OSSHTA's proposal to its "
        "member schools "
        "(closed, with its decision), OPHN's open consultation, OPHN's representatives on "
        "the Schools Forum and SACRE with a report back"
    )
