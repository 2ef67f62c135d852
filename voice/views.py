"""A network's polls: the list, starting one, the poll's page and voting.

Each view resolves the poll through voice.access (another network's poll is a 404, a
draft a 404 to all but its starters) and changes nothing except through voice.polls and
voice.voting. No message after a vote repeats what was chosen.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import access, decisions, polls, voting
from .access import PollAccess
from .forms import PollForm, VoteForm, initial_for, initial_for_new, initial_from_ballot
from .models import Poll

KIND_HELP = {
    Poll.Kind.PROPOSAL: "Members agree, abstain, disagree or block, with a reason to block.",
    Poll.Kind.SINGLE: "Members choose one of the options you give.",
    Poll.Kind.MULTIPLE: "Members choose any of the options you give, up to a most you set.",
    Poll.Kind.RANKED: "Members number the options in order of preference.",
    Poll.Kind.MEETING_TIME: "Members answer yes, if need be or no for each date and time.",
    Poll.Kind.QUESTION: "Members answer a question in their own words.",
}


@login_required
def poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's polls for its members: open ones first, then closed ones; drafts above
    them for the people who may open them."""
    viewer = access.get_polls(request.user, slug)
    return render(
        request,
        "voice/poll_list.html",
        {
            "network": viewer.network,
            "can_start": viewer.can_start,
            "drafts": list(polls.polls_in(viewer, Poll.State.DRAFT)),
            "open_polls": list(polls.polls_in(viewer, Poll.State.OPEN)),
            "closed_polls": list(polls.polls_in(viewer, Poll.State.CLOSED)[: polls.CLOSED_SHOWN]),
        },
    )


@login_required
def poll_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the kind of poll to start."""
    starter = access.get_access_to_start(request.user, slug)
    kinds = [(value, label, KIND_HELP[Poll.Kind(value)]) for value, label in Poll.Kind.choices]
    return render(request, "voice/poll_new.html", {"network": starter.network, "kinds": kinds})


@login_required
def poll_create(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    starter = access.get_access_to_start(request.user, slug)
    if kind not in Poll.Kind.values:
        raise Http404("No such kind of poll.")
    form = PollForm(
        request.POST or None,
        kind=kind,
        network=starter.network,
        initial=initial_for_new(starter.network),
    )
    if form.is_valid():
        try:
            poll = polls.create_poll(
                network=starter.network, kind=kind, by=request.user, data=form.values()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The poll is saved as a draft. Check it, then open it.")
            return redirect("voice:poll_detail", starter.network.slug, poll.pk)
    return render(
        request,
        "voice/poll_form.html",
        {"form": form, "network": starter.network, "kind": Poll.Kind(kind)},
    )


@login_required
def poll_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    poll, starter = access.get_poll_to_start(request.user, slug, pk)
    if poll.state != Poll.State.DRAFT:
        messages.info(request, "Voting has started: the poll can no longer be changed.")
        return redirect("voice:poll_detail", starter.network.slug, poll.pk)
    form = PollForm(
        request.POST or None,
        kind=poll.kind,
        network=starter.network,
        initial=initial_for(poll, list(poll.options.all())),
    )
    if form.is_valid():
        try:
            polls.edit_poll(poll=poll, by=request.user, data=form.values())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The draft is saved.")
            return redirect("voice:poll_detail", starter.network.slug, poll.pk)
    return render(
        request,
        "voice/poll_form.html",
        {"form": form, "network": starter.network, "kind": Poll.Kind(poll.kind), "poll": poll},
    )


@require_POST
@login_required
def poll_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    poll, starter = access.get_poll_to_start(request.user, slug, pk)
    try:
        polls.open_poll(poll=poll, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The poll is open: members can vote until it closes.")
    return redirect("voice:poll_detail", starter.network.slug, poll.pk)


def _detail_context(
    request: HttpRequest, poll: Poll, viewer: PollAccess, form: VoteForm | None = None
) -> dict:
    """The poll, the viewer's right and vote, and the voting form if they may vote now."""
    options = list(poll.options.all())
    right = access.right_of(request.user, poll, viewer)
    voted = (
        right.may_vote
        and poll.state != Poll.State.DRAFT
        and voting.has_voted(poll, request.user, right.school, viewer.perms.membership)
    )
    ballot = voting.ballot_of(poll, request.user, right.school) if voted else None
    closed_why = voting.refusal(poll)
    # A secret vote is final; an open one can be changed until the poll closes.
    may_vote_now = right.may_vote and not closed_why and not (voted and poll.secret)
    if form is None and may_vote_now:
        form = VoteForm(poll=poll, options=options, initial=initial_from_ballot(poll, ballot))
    return {
        "poll": poll,
        "written": access.written_parts(poll),
        "network": viewer.network,
        "can_start": viewer.can_start,
        "right": right,
        "voted": voted,
        "ballot": ballot,
        "closed_why": closed_why,
        "form": form if may_vote_now else None,
        "show_results": access.may_see_results(poll, viewer, voted),
        "can_close": decisions.may_close(poll, request.user, viewer.perms),
        "can_record_outcome": decisions.may_record_outcome(poll, viewer.perms),
    }


@login_required
def poll_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    poll, viewer = access.get_poll_for_user(request.user, slug, pk)
    return render(request, "voice/poll_detail.html", _detail_context(request, poll, viewer))


@require_POST
@login_required
def vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Cast a vote, or change an open one. Refused (403) to anyone without a vote in the
    poll, and while it is not open."""
    poll, viewer = access.get_poll_for_user(request.user, slug, pk)
    right = access.right_of(request.user, poll, viewer)
    if not right.may_vote:
        raise PermissionDenied(right.refusal)
    if why := voting.refusal(poll):
        raise PermissionDenied(why)
    form = VoteForm(request.POST, poll=poll, options=list(poll.options.all()))
    if form.is_valid():
        try:
            voting.cast_ballot(poll=poll, person=request.user, answers=form.answers())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_service_error(error)
            else:  # the poll closed, the seat passed on, or the secret vote was cast already
                messages.error(request, " ".join(error.messages))
                return redirect("voice:poll_detail", viewer.network.slug, poll.pk)
        else:
            messages.success(request, _thanks(poll, right.school is not None))
            return redirect("voice:poll_detail", viewer.network.slug, poll.pk)
    return render(
        request, "voice/poll_detail.html", _detail_context(request, poll, viewer, form), status=200
    )


def _thanks(poll: Poll, for_school: bool) -> str:
    """The message after a vote: that it counted, never what it was."""
    whose = "Your school's vote" if for_school else "Your vote"
    if poll.secret:
        return f"{whose} is counted. It is secret: nothing links it to you."
    return f"{whose} is counted. You can change it until the poll closes."
