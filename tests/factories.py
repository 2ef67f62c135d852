"""Small factory functions with keyword defaults: each makes one thing the test needs."""

import datetime
import itertools

from allauth.account.models import EmailAddress
from django.utils import timezone

from announcements.models import Announcement
from articles.models import Article, Story, StoryInbox, hash_story_token, new_story_token
from attendance.models import Attendance
from core.dates import academic_year_of
from discussions import services as discussion_services
from discussions.models import Thread
from meetings.models import Meeting, Registration
from members.models import LocalAuthority, Post, School, User
from networks.models import Membership, Network, Workhub
from voice.models import Ballot, BallotChoice, Option, Poll, Report, Representative, VoteRecord

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_user(
    *, email: str | None = None, password: str = PASSWORD, verified: bool = True, **fields
) -> User:
    """A person who can sign in (their address verified unless told otherwise)."""
    number = next(_sequence)
    email = email or f"person{number}@school.example"
    fields.setdefault("first_name", "Person")
    fields.setdefault("last_name", f"Number{number}")
    user = User.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def make_la(*, code: str = "931", name: str = "Oxfordshire") -> LocalAuthority:
    return LocalAuthority.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_school(
    *,
    name: str | None = None,
    la: LocalAuthority | None = None,
    sector: str = School.Sector.PRIMARY,
    phase: str | None = None,
    status: str = School.Status.OPEN,
    state_funded: bool = True,
    town: str = "Banbury",
    urn: int | None = None,
    website: str = "",
    head: User | None = None,
) -> School:
    """A school; `head`: the person whose headship its evidence verifies at once (see
    register_as_head)."""
    number = next(_sequence)
    school = School.objects.create(
        urn=urn or 100000 + number,
        name=name or f"School Number {number}",
        local_authority=la or make_la(),
        sector=sector,
        phase=phase or (sector if sector in School.Phase.values else School.Phase.NOT_APPLICABLE),
        type_name="Community school",
        status=status,
        state_funded=state_funded,
        town=town,
        website=website,
    )
    return register_as_head(school, head) if head else school


def _settled_start() -> datetime.date:
    """1 September three academic years ago: long enough not to be a new head.

    Never 29 February, so tests may move it to another year with date.replace().
    """
    return datetime.date(academic_year_of() - 3, 9, 1)


def name_in_register(school: School, person: User) -> School:
    """The register now names the person as the school's head (as after a change of head):
    evidence, not enough alone to verify their headship."""
    school.head_first_name, school.head_last_name = person.first_name, person.last_name
    school.save(update_fields=["head_first_name", "head_last_name"])
    return school


def register_as_head(school: School, person: User) -> School:
    """Both pieces of evidence that verify a headship at once where no verified head is in
    post: the register names the person as head, and they have a verified address at the
    school's own web domain (the school is given one if it has no website)."""
    if not school.website:
        school.website = f"https://www.school-{school.urn}.example"
        school.save(update_fields=["website"])
    name_in_register(school, person)
    domain = school.website.split("//")[-1].removeprefix("www.").split("/")[0]
    EmailAddress.objects.get_or_create(
        user=person, email=f"head.{person.pk}@{domain}", defaults={"verified": True}
    )
    return school


def make_post(
    *,
    person: User,
    school: School | None = None,
    role: str = Post.Role.HEADTEACHER,
    started_on: datetime.date | None = None,
    ended_on: datetime.date | None = None,
    verified: bool = True,
) -> Post:
    """A post, verified (by site staff) unless told otherwise: a claim nobody has decided."""
    return Post.objects.create(
        person=person,
        school=school or make_school(),
        role=role,
        started_on=started_on or _settled_start(),
        ended_on=ended_on,
        verification=Post.Verification.VERIFIED if verified else Post.Verification.UNVERIFIED,
        verified_how=Post.How.SITE_STAFF if verified else "",
    )


def make_head(*, school: School | None = None, verified: bool = True, **user_fields) -> User:
    """A person who is head of a school now (a primary in Oxfordshire unless told), their
    headship verified unless told otherwise."""
    person = make_user(**user_fields)
    make_post(person=person, school=school or make_school(), verified=verified)
    return person


def make_network(
    *,
    name: str | None = None,
    areas: list[LocalAuthority] | None = None,
    sectors: list[str] | None = None,
    roles: list[str] | None = None,
    **fields,
) -> Network:
    """An open, person-based network for heads of primary schools in Oxfordshire by default."""
    number = next(_sequence)
    fields.setdefault("kind", Network.Kind.PRIMARY)
    fields.setdefault("join_policy", Network.JoinPolicy.OPEN)
    network = Network.objects.create(
        name=name or f"Network Number {number}",
        slug=fields.pop("slug", f"network-{number}"),
        eligible_sectors=[School.Sector.PRIMARY] if sectors is None else sectors,
        eligible_roles=list(Post.HEAD_ROLES) if roles is None else roles,
        **fields,
    )
    network.areas.set([make_la()] if areas is None else areas)
    return network


def make_membership(
    *,
    person: User,
    network: Network,
    role: str = Membership.Role.MEMBER,
    status: str = Membership.Status.ACTIVE,
    school: School | None = None,
) -> Membership:
    return Membership.objects.create(
        person=person,
        network=network,
        role=role,
        status=status,
        school=school,
        started_at=timezone.now() if status == Membership.Status.ACTIVE else None,
    )


def make_workhub(
    *, network: Network, name: str = "SEND", academic_year: int | None = None
) -> Workhub:
    """A workhub of the current academic year unless told: pages list only recent years."""
    if academic_year is None:
        academic_year = academic_year_of()
    return Workhub.objects.create(network=network, name=name, academic_year=academic_year)


def make_meeting(
    *,
    network: Network,
    title: str = "Network meeting",
    starts_at: datetime.datetime | None = None,
    minutes: int = 90,
    state: str = Meeting.State.PUBLISHED,
    **fields,
) -> Meeting:
    """A published in-person members' meeting a week from now unless told otherwise."""
    starts_at = starts_at or timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    fields.setdefault("venue_address", "County Hall, Oxford")
    return Meeting.objects.create(
        network=network,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        state=state,
        **fields,
    )


def make_registration(
    *, meeting: Meeting, person: User, status: str = Registration.Status.GOING
) -> Registration:
    return Registration.objects.create(meeting=meeting, person=person, status=status)


def make_article(
    *,
    network: Network,
    title: str = "What I have learned",
    state: str = Article.State.PUBLISHED,
    audience: str = Article.Audience.PUBLIC,
    authors: list[User] = (),
    **fields,
) -> Article:
    """A published public article unless told otherwise."""
    fields.setdefault("summary", "A short summary.")
    fields.setdefault("body", "Some *text*.")
    if state == Article.State.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    article = Article.objects.create(
        network=network, title=title, state=state, audience=audience, **fields
    )
    article.authors.set(authors)
    return article


def make_story(
    *,
    network: Network,
    title: str = "My first year",
    author: User | None = None,
    state: str = Story.State.SUBMITTED,
    token: str | None = None,
) -> Story:
    """An anonymous story waiting for moderation unless told otherwise; `token` is its
    private token (a fresh one when not given)."""
    StoryInbox.objects.get_or_create(network=network)
    token_hash = new_story_token()[1] if token is None else hash_story_token(token)
    return Story.objects.create(
        network=network,
        title=title,
        body="It was hard, and then it was better.",
        author=author,
        state=state,
        token_hash=token_hash,
        published_at=timezone.now() if state == Story.State.PUBLISHED else None,
    )


def make_announcement(
    *,
    network: Network,
    subject: str = "Spring term meeting dates",
    body: str = "The dates are **set**: see the calendar.",
    audience: str = Announcement.Audience.NETWORK,
    state: str = Announcement.State.DRAFT,
    author: User | None = None,
    **fields,
) -> Announcement:
    """A draft announcement to the whole network unless told otherwise (made directly, as a
    record: sending one is announcements.services' work); `fields` name the audience's
    sub-group, workhub or meeting, or mark it urgent."""
    if state in (Announcement.State.SENT, Announcement.State.SENDING):
        fields.setdefault("sent_at", timezone.now())
    if state == Announcement.State.SCHEDULED:
        fields.setdefault("send_at", timezone.now() + datetime.timedelta(days=1))
    return Announcement.objects.create(
        network=network, subject=subject, body=body, audience=audience, state=state,
        author=author, **fields,
    )  # fmt: skip


def make_sent_announcement(
    *, network: Network, subject: str = "Term dates for next year", **fields
) -> Announcement:
    """An announcement on the record as sent (or in the state given)."""
    fields.setdefault("state", Announcement.State.SENT)
    fields.setdefault("body", "The dates are *agreed*.")
    return make_announcement(network=network, subject=subject, **fields)


def make_meeting_now(*, network: Network, **fields) -> Meeting:
    """A published meeting that started ten minutes ago and lasts ninety: on now, its
    check-in window open."""
    fields.setdefault(
        "starts_at", timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=10)
    )
    return make_meeting(network=network, **fields)


def make_past_meeting(
    *, network: Network, days_ago: int = 2, minutes: int = 90, **fields
) -> Meeting:
    """A published meeting that ended `days_ago` days ago (90 minutes long unless told)."""
    starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)
    return make_meeting(network=network, starts_at=starts_at, minutes=minutes, **fields)


def make_attendance(
    *, meeting: Meeting, person: User, how: str = Attendance.How.MARKED, **fields
) -> Attendance:
    """That the person came to the meeting (made directly, as the register would record it),
    for the school of their current post unless told."""
    if "school" not in fields:
        fields["school"] = User.objects.with_posts().get(pk=person.pk).current_school
    return Attendance.objects.create(meeting=meeting, person=person, how=how, **fields)


def make_poll(
    *,
    network: Network,
    kind: str = "single",
    title: str = "Which day suits the spring conference?",
    state: str = "open",
    options: list[str] | None = None,
    **fields,
) -> Poll:
    """A poll (open unless told) made directly, as a record: starting and opening one is
    voice.polls' work. A single choice between three days unless told; a meeting-time poll
    gets three slots a day apart, a proposal and a question no options."""
    fields.setdefault("closes_at", timezone.now() + datetime.timedelta(days=7))
    if state != Poll.State.DRAFT:
        fields.setdefault("opened_at", timezone.now())
    poll = Poll.objects.create(network=network, kind=kind, title=title, state=state, **fields)
    if kind in (Poll.Kind.PROPOSAL, Poll.Kind.QUESTION):
        return poll
    if kind == Poll.Kind.MEETING_TIME:
        first = timezone.now().replace(hour=16, minute=0, second=0, microsecond=0)
        for number in range(3):
            starts = first + datetime.timedelta(days=10 + number)
            Option.objects.create(
                poll=poll, position=number, label=f"Slot {number + 1}", starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=1),
            )  # fmt: skip
        return poll
    for number, label in enumerate(options or ["Monday", "Wednesday", "Friday"]):
        Option.objects.create(poll=poll, position=number, label=label)
    return poll


def make_poll_record(
    *,
    network: Network,
    kind: str = "proposal",
    title: str = "Shall we meet monthly?",
    options: list[str] | None = None,
    state: str = "open",
    closes_at: datetime.datetime | None = None,
    **fields,
) -> Poll:
    """A poll of the network (open, closing in a week, unless told), with its options in
    order (made directly, as records: starting a poll is voice's services' work)."""
    if state != "draft":
        fields.setdefault("opened_at", timezone.now())
    if state == "closed":
        fields.setdefault("closed_at", timezone.now())
    poll = Poll.objects.create(
        network=network, kind=kind, title=title, state=state,
        closes_at=closes_at or timezone.now() + datetime.timedelta(days=7), **fields,
    )  # fmt: skip
    for position, label in enumerate(options or []):
        Option.objects.create(poll=poll, position=position, label=label)
    return poll


def cast_ballot(
    poll: Poll,
    *,
    person: User | None = None,
    school: School | None = None,
    position: str = "",
    text: str = "",
    chosen: list[str] | None = None,
    ranked: list[str] | None = None,
    answers: dict[str, str] | None = None,
) -> Ballot:
    """A ballot and the vote record beside it, as a vote leaves them (a secret poll's
    ballot without its voter); options named by label."""
    by_label = {option.label: option for option in poll.options.all()}
    ballot = Ballot.objects.create(
        poll=poll,
        person=None if poll.secret else person,
        school=None if poll.secret else school,
        position=position,
        text=text,
    )
    for label in chosen or []:
        BallotChoice.objects.create(ballot=ballot, option=by_label[label])
    for rank, label in enumerate(ranked or [], start=1):
        BallotChoice.objects.create(ballot=ballot, option=by_label[label], rank=rank)
    for label, answer in (answers or {}).items():
        BallotChoice.objects.create(ballot=ballot, option=by_label[label], answer=answer)
    if person is not None or school is not None:
        VoteRecord.objects.create(poll=poll, person=person, school=school)
    return ballot


# Voice: representatives and their reports (voice.representatives) ------------------


def make_representative(
    *,
    network: Network,
    person: User | None = None,
    name: str = "",
    board: str = "the Schools Forum",
    term_starts_on: datetime.date | None = None,
    term_ends_on: datetime.date | None = None,
) -> Representative:
    """A representative of the network on a board, their term begun a year ago and still
    running unless told (made directly, as a record: adding one is the service's work)."""
    return Representative.objects.create(
        network=network,
        person=person,
        name=name or (person.get_full_name() if person else "Pat Outside"),
        board=board,
        term_starts_on=term_starts_on or timezone.localdate() - datetime.timedelta(days=365),
        term_ends_on=term_ends_on,
    )


def make_report(
    *, representative: Representative, title: str = "Schools Forum: the budget", **fields
) -> Report:
    """A report back on the record (without the announcement that posting one sends)."""
    fields.setdefault("body", "The forum agreed the *budget*.")
    fields.setdefault("body_html", "<p>The forum agreed the <em>budget</em>.</p>")
    return Report.objects.create(representative=representative, title=title, **fields)


def make_thread(
    *,
    network: Network,
    author: User | None = None,
    title: str = "Supply cover this term",
    body: str = "How are you all covering *supply* this term?",
    replies: int = 0,
    workhub: Workhub | None = None,
) -> Thread:
    """A thread started through the service (its first post by `author`, a new member of
    the network unless told), with `replies` more posts by the same author."""
    if author is None:
        author = make_head()
        make_membership(person=author, network=network)
    thread = discussion_services.start_thread(
        network=network, author=author, title=title, body=body, workhub=workhub
    )
    for number in range(replies):
        discussion_services.add_post(thread=thread, author=author, body=f"Reply {number + 1}")
    thread.refresh_from_db()
    return thread
