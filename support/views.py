from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from members.models import Post, User

from . import access, coaching, mentoring
from .forms import (
    CheckInReplyForm,
    MentorOfferForm,
    MentorRequestForm,
    NoteForm,
    SupportRequestForm,
    scheme_areas,
)
from .matching import rank_mentors
from .models import (
    CheckIn,
    CheckInReply,
    MentoringScheme,
    MentorOffer,
    MentorRequest,
    Pairing,
    SupportRequest,
)

# Coaching ----------------------------------------------------------------------------


def _refuse(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))


@login_required
def support_ask(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the network's coaches for help; the person's own requests there."""
    network = access.get_support_network(slug)
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support_request = coaching.ask_for_support(
                network=network, requester=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your request is with the coaches. Only they can read it.")
            return redirect("support:request", slug=network.slug, pk=support_request.pk)
    mine = SupportRequest.objects.filter(network=network, requester=request.user).order_by(
        "-created_at"
    )
    return render(
        request,
        "support/support_ask.html",
        {
            "network": network,
            "form": form,
            "mine": mine,
            "is_coach": access.is_coach(request.user, network),
        },
    )


@login_required
def support_coach(request: HttpRequest, slug: str) -> HttpResponse:
    """A coach's queue: requests waiting for the pool, and the ones they took."""
    network = access.get_support_network(slug)
    if not access.is_coach(request.user, network):
        raise Http404("No such page.")
    requests = network.support_requests.all()
    return render(
        request,
        "support/support_coach.html",
        {
            "network": network,
            "waiting": requests.waiting().exclude(requester=request.user),
            "mine": requests.filter(coach=request.user).order_by("-created_at"),
        },
    )


@login_required
def support_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One request, for its requester or a coach. Every opening by a coach is recorded."""
    network = access.get_support_network(slug)
    support_request, role = access.get_request_for_user(request.user, network, pk)
    if role == "coach":
        coaching.record_opening(support_request=support_request, by=request.user)
    is_holder = role == "coach" and support_request.coach_id == request.user.pk
    return render(
        request,
        "support/support_request.html",
        {
            "network": network,
            "support_request": support_request,
            "role": role,
            "is_holder": is_holder,
            "notes": support_request.notes.select_related("author") if is_holder else [],
            "openings": support_request.openings.select_related("opened_by")
            if role == "requester"
            else [],
            "note_form": NoteForm() if is_holder and support_request.is_open else None,
        },
    )


@login_required
def support_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a coaching email's link leads (it names no network): the requester to their
    request, a coach of its pool to the coaches' queue."""
    support_request, role = access.get_request_from_email(request.user, pk)
    slug = support_request.network.slug
    if role == "requester":
        return redirect("support:request", slug=slug, pk=support_request.pk)
    return redirect("support:coach", slug=slug)


def _act(request, slug, pk, *, roles, action, done: str):
    network = access.get_support_network(slug)
    support_request, role = access.get_request_for_user(request.user, network, pk)
    if role not in roles:
        raise Http404("No such request.")
    try:
        action(support_request)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, done)
    return redirect("support:request", slug=network.slug, pk=support_request.pk)


@require_POST
@login_required
def support_take(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _act(
        request,
        slug,
        pk,
        roles={"coach"},
        action=lambda item: coaching.take_request(support_request=item, coach=request.user),
        done="You have taken this request. The other coaches no longer see it.",
    )


@require_POST
@login_required
def support_note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _act(
        request,
        slug,
        pk,
        roles={"coach"},
        action=lambda item: coaching.add_note(support_request=item, author=request.user, text=text),
        done="Note saved.",
    )


@require_POST
@login_required
def support_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _act(
        request,
        slug,
        pk,
        roles={"coach"},
        action=lambda item: coaching.close_request(support_request=item, coach=request.user),
        done="Request closed. It will be deleted after the retention time.",
    )


@require_POST
@login_required
def support_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _act(
        request,
        slug,
        pk,
        roles={"requester"},
        action=lambda item: coaching.withdraw_request(support_request=item),
        done="You have withdrawn your request.",
    )


# Mentoring ---------------------------------------------------------------------------


@login_required
def mentoring_home(request: HttpRequest) -> HttpResponse:
    """Mentoring for the signed-in person: schemes to ask or offer in, their requests (with a
    way to withdraw one still waiting), their pairings and check-ins to answer."""
    person = User.objects.with_posts().get(pk=request.user.pk)
    schemes = list(
        MentoringScheme.objects.filter(is_open=True)
        .select_related("network", "local_authority")
        .prefetch_related("network__areas")
    )
    offers = {offer.scheme_id: offer for offer in person.mentor_offers.all()}
    answered = CheckInReply.objects.filter(check_in=OuterRef("pk"), person=person)
    pairings = list(
        Pairing.objects.for_person(person)
        .select_related("scheme", "mentor", "mentee")
        .prefetch_related(
            Prefetch("check_ins", queryset=CheckIn.objects.annotate(answered=Exists(answered)))
        )
        .order_by("-proposed_at")
    )
    requests = list(person.mentor_requests.select_related("scheme").order_by("-created_at"))
    return render(
        request,
        "support/mentoring_home.html",
        {
            "schemes": [
                {
                    "scheme": scheme,
                    "asked": mentoring.asked_already(
                        scheme, person=person, requests=requests, pairings=pairings
                    ),
                    "can_ask": not mentoring.why_cannot_ask(person, scheme),
                    "can_offer": not mentoring.why_cannot_offer(person, scheme),
                    "offer": offers.get(scheme.pk),
                }
                for scheme in schemes
            ],
            "requests": requests,
            "pairings": [
                {
                    "pairing": pairing,
                    "waits": pairing.waits_for(person.pk),
                    "to_answer": _check_in_to_answer(pairing),
                }
                for pairing in pairings
            ],
            "brokered": MentoringScheme.objects.filter(brokers__person=person),
        },
    )


def _check_in_to_answer(pairing: Pairing) -> CheckIn | None:
    """The latest check-in of a pairing under way, if the person has not answered it."""
    check_ins = list(pairing.check_ins.all())
    if pairing.state != Pairing.State.ACTIVE or not check_ins or check_ins[-1].answered:
        return None
    return check_ins[-1]


@require_POST
@login_required
def mentor_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The new head withdraws their own request while it waits; 404 to everyone else."""
    item = access.get_own_mentor_request(request.user, pk)
    try:
        mentoring.withdraw_mentor_request(request=item)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, "You have withdrawn your request for a mentor.")
    return redirect("support:mentoring")


@login_required
def mentor_ask(request: HttpRequest, slug: str) -> HttpResponse:
    """A new head asks the scheme for a mentor."""
    scheme = access.get_scheme(slug)
    person = User.objects.with_posts().get(pk=request.user.pk)
    asked = mentoring.asked_already(
        scheme,
        person=person,
        requests=person.mentor_requests.filter(scheme=scheme),
        pairings=Pairing.objects.live().filter(scheme=scheme, mentee=person),
    )
    if asked is not None and request.method == "GET":
        # Asked already: the page says where the request stands instead of asking again.
        return render(request, "support/mentor_ask.html", {"scheme": scheme, "asked": asked})
    reason = mentoring.why_cannot_ask(person, scheme)
    form = MentorRequestForm(request.POST or None)
    if request.method == "POST" and not reason and form.is_valid():
        try:
            mentoring.ask_for_mentor(scheme=scheme, mentee=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your request is with the scheme's brokers.")
            return redirect("support:mentoring")
    return render(
        request, "support/mentor_ask.html", {"scheme": scheme, "form": form, "reason": reason}
    )


@login_required
def mentor_offer(request: HttpRequest, slug: str) -> HttpResponse:
    """An experienced head offers to mentor in the scheme (or changes their offer)."""
    scheme = access.get_scheme(slug)
    person = User.objects.with_posts().get(pk=request.user.pk)
    reason = mentoring.why_cannot_offer(person, scheme)
    offer = MentorOffer.objects.filter(scheme=scheme, mentor=person).first()
    form = MentorOfferForm(request.POST or None, instance=offer, area_choices=scheme_areas(scheme))
    if request.method == "POST" and not reason and form.is_valid():
        try:
            mentoring.offer_to_mentor(scheme=scheme, mentor=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your offer is saved. The scheme's brokers can see it.")
            return redirect("support:mentoring")
    return render(
        request,
        "support/mentor_offer.html",
        {"scheme": scheme, "form": form, "reason": reason, "offer": offer},
    )


def _scheme_pairings(scheme: MentoringScheme):
    """The scheme's pairings with their check-ins and the answers to them (three queries)."""
    return scheme.pairings.select_related("mentor", "mentee").prefetch_related(
        "check_ins",
        Prefetch("check_ins__replies", queryset=CheckInReply.objects.select_related("person")),
    )


def _latest_replies(user, pairing: Pairing) -> list[CheckInReply]:
    check_ins = list(pairing.check_ins.all())
    replies = check_ins[-1].replies.all() if check_ins else []
    return access.readable_replies(user, pairing, replies, as_broker=True)


@login_required
def broker_home(request: HttpRequest, slug: str) -> HttpResponse:
    """A broker's scheme: waiting requests with ranked suggestions, its pairings with the
    answers to their latest check-in (those asking the broker to get in touch first)."""
    scheme = access.get_scheme_to_broker(request.user, slug)
    candidates = mentoring.candidates(scheme)
    waiting = (
        scheme.requests.filter(state=MentorRequest.State.OPEN)
        .select_related("mentee")
        .prefetch_related(
            Prefetch(
                "mentee__posts", queryset=Post.objects.select_related("school__local_authority")
            )
        )
    )
    pairings = [
        {"pairing": pairing, "replies": _latest_replies(request.user, pairing)}
        for pairing in _scheme_pairings(scheme).order_by("-proposed_at")
    ]
    return render(
        request,
        "support/broker_home.html",
        {
            "scheme": scheme,
            "waiting": [
                {
                    "request": item,
                    "suggestions": rank_mentors(mentoring.mentee_profile(item.mentee), candidates)[
                        : mentoring.MAX_SUGGESTIONS
                    ],
                }
                for item in waiting
            ],
            "get_in_touch": [
                {"pairing": row["pairing"], "reply": reply}
                for row in pairings
                if row["pairing"].state == Pairing.State.ACTIVE
                for reply in row["replies"]
                if reply.wants_contact
            ],
            "pairings": pairings,
            "offers": candidates,
        },
    )


@login_required
def broker_new_heads(request: HttpRequest, slug: str) -> HttpResponse:
    """New heads the scheme serves who have not asked and have no pairing: a broker may
    propose a mentor to one of them."""
    scheme = access.get_scheme_to_broker(request.user, slug)
    people = mentoring.unasked_new_heads(scheme, broker=request.user)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "support/broker_new_heads.html", {"scheme": scheme, "page": page})


@login_required
def broker_new_head(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ranked mentors for one new head who has not asked; proposing one (POST)."""
    scheme = access.get_scheme_to_broker(request.user, slug)
    mentee = next(iter(mentoring.unasked_new_heads(scheme, broker=request.user, only=pk)), None)
    if request.method == "POST":
        offer = scheme.offers.filter(pk=request.POST.get("offer", "").strip() or 0).first()
        try:
            if mentee is None:
                raise ValidationError("This head can no longer be proposed a mentor here.")
            if offer is None:
                raise ValidationError("Choose a mentor from the suggestions.")
            pairing = mentoring.propose_unasked(
                scheme=scheme, mentee=mentee, offer=offer, broker=request.user
            )
        except ValidationError as error:
            _refuse(request, error)
            return redirect("support:new_heads", slug=scheme.slug)
        messages.success(
            request, "Mentor proposed. It starts once both have accepted; the head may decline."
        )
        return redirect("support:pairing", pk=pairing.pk)
    if mentee is None:
        raise Http404("No such new head.")
    suggestions = rank_mentors(mentoring.mentee_profile(mentee), mentoring.candidates(scheme))
    return render(
        request,
        "support/broker_new_head.html",
        {
            "scheme": scheme,
            "mentee": mentee,
            "suggestions": suggestions[: mentoring.MAX_SUGGESTIONS],
        },
    )


@require_POST
@login_required
def broker_propose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    scheme = access.get_scheme_to_broker(request.user, slug)
    item = get_object_or_404(scheme.requests.all(), pk=pk)
    offer = scheme.offers.filter(pk=request.POST.get("offer", "").strip() or 0).first()
    try:
        if offer is None:
            raise ValidationError("Choose a mentor from the suggestions.")
        pairing = mentoring.propose_pairing(request=item, offer=offer, broker=request.user)
    except ValidationError as error:
        _refuse(request, error)
        return redirect("support:broker", slug=scheme.slug)
    messages.success(request, "Pairing proposed. It starts once both have accepted.")
    return redirect("support:pairing", pk=pairing.pk)


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A pairing, for its mentor, its new head and the scheme's brokers only."""
    pairing, role = access.get_pairing_for_user(request.user, pk)
    return _pairing_page(request, pairing, role)


def _pairing_page(request, pairing, role):
    is_party = role in ("mentor", "mentee")
    # Where each of the two is head: the mentor reads it before accepting (one query).
    User.objects.load_posts([pairing.mentor, pairing.mentee])
    # Answers to check-ins: each person their own, the brokers the others' (not in a
    # pairing of their own), and site staff (the audited view) none.
    replies = access.readable_replies(
        request.user,
        pairing,
        CheckInReply.objects.filter(check_in__pairing=pairing).select_related("check_in", "person"),
        as_broker=role == "broker",
    )
    check_ins = pairing.check_ins.all()
    return render(
        request,
        "support/pairing_detail.html",
        {
            "pairing": pairing,
            "role": role,
            "is_party": is_party,
            "unasked": role == "mentee" and not pairing.was_asked_for,
            "may_accept": is_party and pairing.waits_for(request.user.pk),
            "reads_note": access.reads_new_head_note(role, pairing),
            "sees_address": access.sees_the_other_address(role, pairing),
            "check_ins": check_ins,
            "may_answer": is_party and pairing.state == Pairing.State.ACTIVE,
            "replies": replies,
        },
    )


def _pairing_action(request, pk, action, done):
    pairing, role = access.get_pairing_for_user(request.user, pk)
    if role not in ("mentor", "mentee"):
        raise Http404("No such pairing.")
    try:
        action(pairing)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, done)
    return redirect("support:pairing", pk=pairing.pk)


@require_POST
@login_required
def pairing_accept(request: HttpRequest, pk: int) -> HttpResponse:
    pairing, role = access.get_pairing_for_user(request.user, pk)
    if role not in ("mentor", "mentee"):
        raise Http404("No such pairing.")
    try:
        pairing = mentoring.accept_pairing(pairing=pairing, person=request.user)
    except ValidationError as error:
        _refuse(request, error)
    else:
        if pairing.state == Pairing.State.ACTIVE:
            done = "You have both accepted: the pairing has started. You have each been emailed."
        else:
            done = f"You have accepted. {pairing.status}."
        messages.success(request, done)
    return redirect("support:pairing", pk=pairing.pk)


@require_POST
@login_required
def pairing_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _pairing_action(
        request,
        pk,
        lambda pairing: mentoring.end_pairing(pairing=pairing, person=request.user),
        "Done. The scheme's brokers can see that it has ended.",
    )


@login_required
def check_in_reply(request: HttpRequest, pk: int, months: int) -> HttpResponse:
    """The mentor or the new head tells the scheme's brokers how the pairing is going."""
    check_in, role = access.get_check_in_for_party(request.user, pk, months)
    pairing = check_in.pairing
    mine = check_in.replies.filter(person=request.user).first()
    form = CheckInReplyForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        try:
            mentoring.reply_to_check_in(check_in=check_in, person=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you. The scheme's brokers can see your answer.")
            return redirect("support:pairing", pk=pairing.pk)
    other = pairing.mentee if role == "mentor" else pairing.mentor
    return render(
        request,
        "support/check_in_reply.html",
        {
            "pairing": pairing,
            "check_in": check_in,
            "form": form,
            "other": other,
            "may_answer": pairing.state == Pairing.State.ACTIVE,
        },
    )


@login_required
def pairing_audit_list(request: HttpRequest) -> HttpResponse:
    """Site staff: pairings by number, scheme and state only (no names)."""
    if not request.user.is_superuser:
        raise Http404("No such page.")
    pairings = Pairing.objects.select_related("scheme").order_by("-proposed_at")
    page = Paginator(pairings, 50).get_page(request.GET.get("page"))
    return render(request, "support/pairing_audit_list.html", {"page": page})


@login_required
def pairing_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Site staff's audited way in to one pairing: the opening is recorded first."""
    pairing = access.get_pairing_for_audit(request.user, pk)
    mentoring.record_audit_opening(pairing=pairing, by=request.user)
    return _pairing_page(request, pairing, "staff")
