"""Mentoring workflows: ask, offer, propose, accept, end, check in; adding and removing a
scheme's brokers. No permission checks here (support.access does those); each rule that
must hold whatever the caller is here.

A broker reads every pairing of the scheme and the answers to its check-ins, so nobody
makes themselves one: someone else adds them, the audit trail records it, and the
scheme's brokers are told."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from members.models import NEW_HEAD_YEARS, LocalAuthority, Post, User

from . import access, matching
from .models import (
    CHECK_IN_MONTHS,
    Broker,
    CheckIn,
    CheckInReply,
    MentoringScheme,
    MentorOffer,
    MentorRequest,
    Pairing,
    PairingOpening,
)

MAX_SUGGESTIONS = 5


def _current_headship(person: User) -> Post | None:
    """The person's most recent current, verified headship (uses prefetched posts)."""
    posts = [post for post in person.current_posts() if post.is_headship and post.is_verified]
    return posts[0] if posts else None


def _serves(scheme: MentoringScheme, post: Post) -> bool:
    areas, sectors = scheme.area_ids(), scheme.sectors()
    return (not areas or post.school.local_authority_id in areas) and (
        not sectors or post.school.sector in sectors
    )


def why_cannot_ask(person: User, scheme: MentoringScheme) -> str:
    """Why the person may not ask the scheme for a mentor ("" if they may): a new head
    (first two years) with a verified headship at a school the scheme serves."""
    if not scheme.is_open:
        return "This scheme is not taking requests just now."
    return _why_not_a_new_head_it_serves(person, scheme)


def _why_not_a_new_head_it_serves(person: User, scheme: MentoringScheme) -> str:
    headship = _current_headship(person)
    if headship is None:
        return "Mentoring schemes are for heads whose headship has been confirmed."
    if not person.is_new_head():
        return "Mentoring schemes are for heads in their first two years of headship."
    if not _serves(scheme, headship):
        return "This scheme serves heads of other schools or areas."
    return ""


def asked_already(
    scheme: MentoringScheme,
    *,
    person: User,
    requests: Iterable[MentorRequest],
    pairings: Iterable[Pairing],
) -> MentorRequest | Pairing | None:
    """What stands in place of "Ask for a mentor" once the new head has asked the scheme:
    their live pairing there as new head, else their request still waiting (None: they
    have not asked). `requests` and `pairings`: the person's, already fetched."""
    for pairing in pairings:
        if pairing.scheme_id == scheme.pk and pairing.mentee_id == person.pk and pairing.is_live:
            return pairing
    for request in requests:
        if request.scheme_id == scheme.pk and request.state == MentorRequest.State.OPEN:
            return request
    return None


def why_cannot_offer(person: User, scheme: MentoringScheme) -> str:
    """Experienced heads offer: a verified current headship, past the first two years."""
    if not scheme.is_open:
        return "This scheme is not taking offers just now."
    if _current_headship(person) is None:
        return "Mentors are heads whose headship has been confirmed."
    if person.is_new_head():
        return "Mentors are experienced heads, past their first two years."
    return ""


def _email(template: str, people: Iterable[User], **context: object) -> None:
    """The same email to each person separately, linking to the page where the work is.
    Email is stored and forwarded where Headnet cannot see, so it never says who asked or
    what anyone wrote; a broker's or a mentor's may name the scheme, a new head's names
    neither the scheme nor the mentor."""
    for email in sorted({person.email for person in people}):
        queue_templated_email(f"support/email/{template}", to=[email], context=context)


def _brokers(scheme: MentoringScheme, *, besides: User | None = None) -> list[User]:
    brokers = scheme.brokers.filter(person__is_active=True).select_related("person")
    if besides is not None:
        brokers = brokers.exclude(person=besides)
    return [broker.person for broker in brokers]


@transaction.atomic
def ask_for_mentor(*, scheme: MentoringScheme, mentee: User, note: str = "") -> MentorRequest:
    """A new head asks; the scheme's brokers are told (without detail). Asking twice is
    the same request."""
    reason = why_cannot_ask(mentee, scheme)
    if reason:
        raise ValidationError(reason)
    existing = MentorRequest.objects.filter(
        scheme=scheme, mentee=mentee, state=MentorRequest.State.OPEN
    ).first()
    if existing:
        return existing
    if Pairing.objects.live().filter(scheme=scheme, mentee=mentee).exists():
        raise ValidationError("You already have a mentor in this scheme.")
    try:
        with transaction.atomic():
            request = MentorRequest.objects.create(scheme=scheme, mentee=mentee, note=note.strip())
    except IntegrityError:  # a double click: the other click made it
        return MentorRequest.objects.get(
            scheme=scheme, mentee=mentee, state=MentorRequest.State.OPEN
        )
    _email("mentoring_asked", _brokers(scheme, besides=mentee), scheme=scheme)
    return request


@transaction.atomic
def withdraw_mentor_request(*, request: MentorRequest) -> MentorRequest:
    """The new head withdraws a request still waiting; brokers no longer see it."""
    # Locked as propose_pairing locks it: a broker's click and the withdrawal take turns.
    request = MentorRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != MentorRequest.State.OPEN:
        raise ValidationError("This request is no longer waiting.")
    request.state = MentorRequest.State.WITHDRAWN
    request.save(update_fields=["state"])
    return request


@transaction.atomic
def offer_to_mentor(
    *,
    scheme: MentoringScheme,
    mentor: User,
    sectors: list[str],
    areas: Iterable[LocalAuthority],
    capacity: int,
    note: str = "",
    is_active: bool = True,
) -> MentorOffer:
    """Make or change the person's offer in the scheme."""
    reason = why_cannot_offer(mentor, scheme)
    if reason:
        raise ValidationError(reason)
    if not 1 <= capacity <= 5:
        raise ValidationError("Between one and five mentees.")
    offer, _ = MentorOffer.objects.update_or_create(
        scheme=scheme,
        mentor=mentor,
        defaults={
            "sectors": list(sectors),
            "capacity": capacity,
            "note": note.strip(),
            "is_active": is_active,
        },
    )
    offer.areas.set(areas)
    return offer


# Suggestions ---------------------------------------------------------------------------


def mentee_profile(person: User) -> matching.Mentee:
    headship = _current_headship(person)
    school = headship.school if headship else None
    return matching.Mentee(
        person_id=person.pk,
        school_id=school.pk if school else None,
        sector=school.sector if school else "",
        la_code=school.local_authority.code if school else "",
    )


def candidates(scheme: MentoringScheme) -> list[matching.Candidate]:
    """The scheme's open offers as the ranking sees them, in a fixed number of queries."""
    offers = (
        scheme.offers.filter(is_active=True, mentor__is_active=True)
        .select_related("mentor")
        .prefetch_related(
            "areas",
            "mentor__designations",
            models.Prefetch(
                "mentor__posts", queryset=Post.objects.select_related("school__local_authority")
            ),
        )
        .annotate(
            load=models.Count(
                "mentor__pairings_as_mentor",
                filter=models.Q(mentor__pairings_as_mentor__state__in=Pairing.LIVE_STATES),
            )
        )
    )
    result = []
    for offer in offers:
        headship = _current_headship(offer.mentor)
        school = headship.school if headship else None
        result.append(
            matching.Candidate(
                offer_id=offer.pk,
                person_id=offer.mentor_id,
                school_id=school.pk if school else None,
                sector=school.sector if school else "",
                la_code=school.local_authority.code if school else "",
                capacity=offer.capacity,
                load=offer.load,
                offered_sectors=frozenset(offer.sectors),
                offered_areas=frozenset(area.code for area in offer.areas.all()),
                designations=frozenset(d.kind for d in offer.mentor.designations.all()),
                name=offer.mentor.get_full_name(),
            )
        )
    return result


# Pairings ------------------------------------------------------------------------------


def unasked_new_heads(
    scheme: MentoringScheme,
    *,
    broker: User,
    only: int | None = None,
    on: datetime.date | None = None,
) -> list[User]:
    """New heads the scheme serves who have not asked it and have no live pairing in it
    (or just the one numbered `only`), by name, with their posts: two queries and the
    scheme's areas."""
    on = on or timezone.localdate()
    if scheme.network_id:  # read once here, not once for each person checked below
        models.prefetch_related_objects([scheme], "network__areas")
    # A cheap superset in the database (a current verified headship begun within about two
    # years at a school the scheme serves); the exact rule is then the one asking uses.
    since = on - datetime.timedelta(days=366 * NEW_HEAD_YEARS + 2)
    headships = Post.objects.current(on).headships().verified().filter(started_on__gt=since)
    areas, sectors = scheme.area_ids(), scheme.sectors()
    if areas:
        headships = headships.filter(school__local_authority_id__in=areas)
    if sectors:
        headships = headships.filter(school__sector__in=sectors)
    people = (
        User.objects.with_posts()
        .filter(is_active=True)
        .filter(models.Exists(headships.filter(person=models.OuterRef("pk"))))
        .exclude(
            models.Exists(
                Pairing.objects.live().filter(scheme=scheme, mentee=models.OuterRef("pk"))
            )
        )
        .exclude(
            models.Exists(
                MentorRequest.objects.filter(
                    scheme=scheme, mentee=models.OuterRef("pk"), state=MentorRequest.State.OPEN
                )
            )
        )
        .exclude(pk=broker.pk)
        .order_by("last_name", "first_name", "pk")
    )
    if only is not None:
        people = people.filter(pk=only)
    return [person for person in people if not _why_not_a_new_head_it_serves(person, scheme)]


def _propose(
    *,
    scheme: MentoringScheme,
    mentee: User,
    offer: MentorOffer,
    broker: User,
    request: MentorRequest | None,
) -> Pairing:
    if offer.scheme_id != scheme.pk or not offer.is_active:
        raise ValidationError("That mentor is not offering in this scheme.")
    candidate = next((c for c in candidates(scheme) if c.offer_id == offer.pk), None)
    if candidate is None or matching.excluded(mentee_profile(mentee), candidate):
        raise ValidationError("That mentor cannot mentor this head (same school, or full).")
    try:
        with transaction.atomic():
            return Pairing.objects.create(
                scheme=scheme,
                request=request,
                mentor=offer.mentor,
                mentee=mentee,
                proposed_by=broker,
            )
    except IntegrityError:
        raise ValidationError("This head already has a mentor proposed in this scheme.") from None


@transaction.atomic
def propose_pairing(*, request: MentorRequest, offer: MentorOffer, broker: User) -> Pairing:
    """A broker proposes the offer's mentor to the new head; both must accept."""
    request = MentorRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != MentorRequest.State.OPEN:
        raise ValidationError("This request is no longer waiting for a mentor.")
    mentee = User.objects.with_posts().get(pk=request.mentee_id)
    pairing = _propose(
        scheme=request.scheme, mentee=mentee, offer=offer, broker=broker, request=request
    )
    request.state = MentorRequest.State.PAIRED
    request.save(update_fields=["state"])
    _tell_proposed(pairing, asked=True)
    return pairing


def _tell_proposed(pairing: Pairing, *, asked: bool) -> None:
    """The mentor and the new head, each with a link to the proposal."""
    scheme = pairing.scheme
    _email("mentoring_proposed_mentor", [pairing.mentor], scheme=scheme, pairing=pairing)
    _email("mentoring_proposed_mentee", [pairing.mentee], pairing=pairing, asked=asked)


@transaction.atomic
def propose_unasked(
    *, scheme: MentoringScheme, mentee: User, offer: MentorOffer, broker: User
) -> Pairing:
    """A broker proposes a mentor to a new head who has not asked. As with a request, both
    must accept; the head may simply decline. The head's email says only that much."""
    mentee = User.objects.with_posts().get(pk=mentee.pk)
    if mentee.pk == broker.pk:
        raise ValidationError("A broker does not propose a mentor for themselves.")
    reason = _why_not_a_new_head_it_serves(mentee, scheme)
    if reason or not mentee.is_active:
        raise ValidationError(reason or "This person can no longer be proposed a mentor.")
    if MentorRequest.objects.filter(
        scheme=scheme, mentee=mentee, state=MentorRequest.State.OPEN
    ).exists():
        raise ValidationError("This head has asked for a mentor: propose one from their request.")
    pairing = _propose(scheme=scheme, mentee=mentee, offer=offer, broker=broker, request=None)
    _tell_proposed(pairing, asked=False)
    return pairing


@transaction.atomic
def accept_pairing(*, pairing: Pairing, person: User) -> Pairing:
    """The mentor or the mentee accepts; the pairing starts once both have, and both are
    told that it has."""
    pairing = (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("mentor", "mentee")
        .get(pk=pairing.pk)
    )
    if pairing.state != Pairing.State.PROPOSED:
        raise ValidationError("This pairing is not waiting for an answer.")
    now = timezone.now()
    if person.pk == pairing.mentor_id:
        pairing.mentor_accepted_at = pairing.mentor_accepted_at or now
    elif person.pk == pairing.mentee_id:
        pairing.mentee_accepted_at = pairing.mentee_accepted_at or now
    else:
        raise ValidationError("Only the mentor and the new head accept a pairing.")
    if pairing.mentor_accepted_at and pairing.mentee_accepted_at:
        pairing.state, pairing.started_at = Pairing.State.ACTIVE, now
    pairing.save()
    if pairing.state == Pairing.State.ACTIVE:
        for role, person in (("mentor", pairing.mentor), ("mentee", pairing.mentee)):
            _email("mentoring_started", [person], pairing=pairing, role=role)
    return pairing


@transaction.atomic
def end_pairing(*, pairing: Pairing, person: User) -> Pairing:
    """Either person declines a proposal (the request waits again) or ends a pairing."""
    pairing = (
        Pairing.objects.select_for_update(of=("self",)).select_related("scheme").get(pk=pairing.pk)
    )
    if person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise ValidationError("Only the mentor and the new head end a pairing.")
    if pairing.state == Pairing.State.PROPOSED:
        pairing.state = Pairing.State.DECLINED
        if pairing.request_id:
            MentorRequest.objects.filter(pk=pairing.request_id).update(
                state=MentorRequest.State.OPEN
            )
            # The request waits again: the brokers have work to do.
            _email("mentoring_declined", _brokers(pairing.scheme), scheme=pairing.scheme)
    elif pairing.state == Pairing.State.ACTIVE:
        pairing.state = Pairing.State.ENDED
    else:
        raise ValidationError("This pairing has already ended.")
    pairing.ended_at = timezone.now()
    pairing.save(update_fields=["state", "ended_at"])
    return pairing


def record_audit_opening(*, pairing: Pairing, by: User) -> PairingOpening:
    """Site staff opened the pairing: who, which and when."""
    return PairingOpening.objects.create(pairing=pairing, pairing_number=pairing.pk, opened_by=by)


# Check-ins -----------------------------------------------------------------------------


def _claim_check_in(pairing: Pairing, months: int) -> bool:
    """Record the check-in; False if it was already recorded (by this run or another)."""
    try:
        with transaction.atomic():
            CheckIn.objects.create(pairing=pairing, months=months)
    except IntegrityError:
        return False
    return True


def send_check_ins(*, today: datetime.date | None = None) -> int:
    """Prompt the two people of each pairing at three, six and twelve months: each point
    once, even if this runs twice (or twice at once). A point missed while the command
    did not run is recorded without a prompt once a later one is due."""
    today = today or timezone.localdate()
    sent = 0
    pairings = (
        Pairing.objects.filter(state=Pairing.State.ACTIVE)
        .select_related("mentor", "mentee")
        .prefetch_related("check_ins")
    )
    for pairing in pairings:
        done = {check_in.months for check_in in pairing.check_ins.all()}
        due = [
            months
            for months in CHECK_IN_MONTHS
            if months not in done
            and (due_on := pairing.check_in_due(months)) is not None
            and due_on <= today
        ]
        claimed = [months for months in due if _claim_check_in(pairing, months)]
        if claimed and max(claimed) == max(due):
            months = max(claimed)
            for person in (pairing.mentor, pairing.mentee):
                queue_templated_email(
                    "support/email/check_in",
                    to=[person.email],
                    context={"months": months, "person": person, "pairing": pairing},
                )
            sent += 1
    return sent


@transaction.atomic
def reply_to_check_in(
    *, check_in: CheckIn, person: User, answer: str, note: str = ""
) -> CheckInReply:
    """The mentor or the new head answers a check-in (answering again changes the answer).
    Asking the broker to get in touch sends the scheme's brokers a neutral email."""
    pairing = Pairing.objects.select_for_update().get(pk=check_in.pairing_id)
    if person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise ValidationError("Only the mentor and the new head answer a check-in.")
    if pairing.state != Pairing.State.ACTIVE:
        raise ValidationError("This pairing is no longer under way.")
    if answer not in CheckInReply.Answer.values:
        raise ValidationError("Choose how it is going.")
    before = CheckInReply.objects.filter(check_in=check_in, person=person).first()
    reply, _ = CheckInReply.objects.update_or_create(
        check_in=check_in,
        person=person,
        defaults={"answer": answer, "note": note.strip(), "replied_at": timezone.now()},
    )
    if reply.wants_contact and not (before and before.wants_contact):
        _email("mentoring_get_in_touch", access.brokers_to_tell(pairing), scheme=pairing.scheme)
    return reply


# Brokers -------------------------------------------------------------------------------


def why_cannot_add_broker(*, scheme: MentoringScheme, person: User, by: User) -> str:
    """Why `by` may not make `person` a broker of the scheme ("" if they may)."""
    if person.pk == by.pk:
        return (
            "Nobody makes themselves a broker: brokers read the scheme's pairings and "
            "check-ins, so someone else adds you."
        )
    if not person.is_active:
        return "That account is closed."
    if Broker.objects.filter(scheme=scheme, person=person).exists():
        return "They are already a broker of this scheme."
    return ""


def _name(person: User) -> str:
    return person.get_full_name() or person.email


def _tell_brokers(*, scheme: MentoringScheme, person: User, by: User, added: bool) -> None:
    """The scheme's brokers and the person, each separately: who joined or left, and who
    did it. Nothing about any pairing."""
    brokers = scheme.brokers.filter(person__is_active=True).values_list("person__email", flat=True)
    context = {
        "pool": f"the brokers of {scheme.name}",
        "person_name": _name(person),
        "by_name": _name(by),
        "added": added,
    }
    for email in sorted({*brokers, person.email}):
        queue_templated_email("support/email/pool_changed", to=[email], context=context)


def _record_broker(broker: Broker, *, action: str, summary: str, by: User) -> None:
    audit.record(
        obj=broker,
        action=action,
        summary=summary,
        actor=by,
        subject=broker.person,
        network_id=broker.scheme.network_id,
        object_repr=f"Brokers of {broker.scheme.name}",
    )


@transaction.atomic
def add_broker(*, scheme: MentoringScheme, person: User, by: User) -> Broker:
    """Make someone (never oneself) a broker of the scheme: recorded in the audit trail,
    and the scheme's brokers, the new one included, are told who added whom."""
    reason = why_cannot_add_broker(scheme=scheme, person=person, by=by)
    if reason:
        raise ValidationError(reason)
    try:
        with transaction.atomic():
            broker = Broker.objects.create(scheme=scheme, person=person, added_by=by)
    except IntegrityError:  # added by someone else at the same moment
        raise ValidationError("They are already a broker of this scheme.") from None
    _record_broker(broker, action="support.broker_added", summary="Made a broker", by=by)
    _tell_brokers(scheme=scheme, person=person, by=by, added=True)
    return broker


@transaction.atomic
def remove_broker(*, broker: Broker, by: User) -> None:
    """Take someone off the scheme's brokers; they and the others are told who did it."""
    broker = Broker.objects.select_related("scheme", "person").get(pk=broker.pk)
    _record_broker(broker, action="support.broker_removed", summary="No longer a broker", by=by)
    broker.delete()
    _tell_brokers(scheme=broker.scheme, person=broker.person, by=by, added=False)
