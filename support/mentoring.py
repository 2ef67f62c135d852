"""Mentoring workflows: ask, offer, propose, accept, end, check in. No permission checks
here (support.access does those); each rule that must hold whatever the caller is here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.email import queue_templated_email
from members.models import Post, User

from . import matching
from .models import (
    CHECK_IN_MONTHS,
    CheckIn,
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
    headship = _current_headship(person)
    if headship is None:
        return "Mentoring schemes are for heads whose headship has been confirmed."
    if not person.is_new_head():
        return "Mentoring schemes are for heads in their first two years of headship."
    if not _serves(scheme, headship):
        return "This scheme serves heads of other schools or areas."
    return ""


def why_cannot_offer(person: User, scheme: MentoringScheme) -> str:
    """Experienced heads offer: a verified current headship, past the first two years."""
    if not scheme.is_open:
        return "This scheme is not taking offers just now."
    if _current_headship(person) is None:
        return "Mentors are heads whose headship has been confirmed."
    if person.is_new_head():
        return "Mentors are experienced heads, past their first two years."
    return ""


def _neutral_email(people: list[User]) -> None:
    for person in people:
        queue_templated_email("support/email/waiting", to=[person.email], context={})


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
    _neutral_email([broker.person for broker in scheme.brokers.select_related("person")])
    return request


@transaction.atomic
def withdraw_mentor_request(*, request: MentorRequest) -> MentorRequest:
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
    areas,
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


@transaction.atomic
def propose_pairing(*, request: MentorRequest, offer: MentorOffer, broker: User) -> Pairing:
    """A broker proposes the offer's mentor to the new head; both must accept."""
    request = MentorRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != MentorRequest.State.OPEN:
        raise ValidationError("This request is no longer waiting for a mentor.")
    if offer.scheme_id != request.scheme_id or not offer.is_active:
        raise ValidationError("That mentor is not offering in this scheme.")
    mentee = User.objects.with_posts().get(pk=request.mentee_id)
    candidate = next((c for c in candidates(request.scheme) if c.offer_id == offer.pk), None)
    if candidate is None or matching.excluded(mentee_profile(mentee), candidate):
        raise ValidationError("That mentor cannot mentor this head (same school, or full).")
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                scheme=request.scheme,
                request=request,
                mentor=offer.mentor,
                mentee=mentee,
                proposed_by=broker,
            )
    except IntegrityError:
        raise ValidationError("This head already has a mentor proposed in this scheme.") from None
    request.state = MentorRequest.State.PAIRED
    request.save(update_fields=["state"])
    _neutral_email([offer.mentor, mentee])
    return pairing


@transaction.atomic
def accept_pairing(*, pairing: Pairing, person: User) -> Pairing:
    """The mentor or the mentee accepts; the pairing starts once both have."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
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
    return pairing


@transaction.atomic
def end_pairing(*, pairing: Pairing, person: User) -> Pairing:
    """Either person declines a proposal (the request waits again) or ends a pairing."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise ValidationError("Only the mentor and the new head end a pairing.")
    if pairing.state == Pairing.State.PROPOSED:
        pairing.state = Pairing.State.DECLINED
        if pairing.request_id:
            MentorRequest.objects.filter(pk=pairing.request_id).update(
                state=MentorRequest.State.OPEN
            )
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
        due = [m for m in CHECK_IN_MONTHS if m not in done and pairing.check_in_due(m) <= today]
        claimed = [months for months in due if _claim_check_in(pairing, months)]
        if claimed and max(claimed) == max(due):
            months = max(claimed)
            for person in (pairing.mentor, pairing.mentee):
                queue_templated_email(
                    "support/email/check_in",
                    to=[person.email],
                    context={"months": months, "person": person},
                )
            sent += 1
    return sent
