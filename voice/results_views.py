"""A poll's results, closing it now, its outcome and meeting, and "What we decided".
Thin views: the rules are in voice.results and voice.decisions, the changes in
voice.closing and voice.decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import keyset

from . import closing, counting, decisions, results
from .models import Decision, Option, Poll
from .outcome_forms import OutcomeForm, SlotForm

DECISIONS_PAGE_SIZE = 20
DECISIONS_ORDER = ["-recorded_at", "-id"]


@login_required
def poll_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The count, for those the poll's rule lets see it now; what may be done next."""
    found = results.get_poll_results(request.user, slug, pk)
    poll, perms = found.poll, found.perms
    decision = Decision.objects.filter(poll=poll).first()
    tally = counting.tally(poll)
    can_make_meeting = decisions.may_make_meeting(poll, perms) and poll.meeting is None
    slot_form = None
    if can_make_meeting and isinstance(tally, counting.MeetingTimeTally):
        slot_form = SlotForm(slots=[slot.option for slot in tally.slots], best=tally.best)
    return render(
        request,
        "voice/poll_results.html",
        {
            "poll": poll,
            "network": perms.network,
            "tally": tally,
            "decision": decision,
            "can_close": decisions.may_close(poll, request.user, perms),
            "can_record_outcome": decisions.may_record_outcome(poll, perms),
            "slot_form": slot_form,
            "can_read_decisions": decisions.may_read_decisions(perms),
        },
    )


@require_POST
@login_required
def poll_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = decisions.get_poll_to_close(request.user, slug, pk)
    if found.poll.state == Poll.State.CLOSED:
        messages.info(request, "The poll has already closed.")
    else:
        closing.close_poll(poll=found.poll, by=request.user)
        messages.success(request, "The poll is closed. Record the outcome when it is decided.")
    return redirect("voice:poll_results", slug=found.poll.network.slug, pk=found.poll.pk)


@login_required
def poll_outcome(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What the closed poll decided, with a review date (a correction replaces it)."""
    found = decisions.get_poll_for_outcome(request.user, slug, pk)
    poll = found.poll
    decision = Decision.objects.filter(poll=poll).first()
    initial = {"statement": decision.statement, "review_on": decision.review_on} if decision else {}
    form = OutcomeForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            decisions.record_outcome(
                poll=poll,
                statement=form.cleaned_data["statement"],
                review_on=form.cleaned_data["review_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The outcome is recorded under “What we decided”.")
            return redirect("voice:decisions", slug=poll.network.slug)
    return render(
        request,
        "voice/poll_outcome.html",
        {
            "poll": poll,
            "network": found.perms.network,
            "form": form,
            "decision": decision,
            "tally": counting.tally(poll),
        },
    )


@require_POST
@login_required
def poll_meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Make the chosen slot (the best one unless another is picked) a draft meeting."""
    found = decisions.get_poll_for_meeting(request.user, slug, pk)
    poll = found.poll
    if poll.meeting is not None:
        return redirect("meetings:edit", pk=poll.meeting.pk)
    slot = None
    if request.POST.get("slot"):
        form = SlotForm(request.POST, slots=list(Option.objects.filter(poll=poll)), best=None)
        if not form.is_valid():
            messages.error(request, "Pick one of the poll's times.")
            return redirect("voice:poll_results", slug=poll.network.slug, pk=poll.pk)
        slot = form.cleaned_data["slot"]
    try:
        meeting = decisions.make_draft_meeting(poll=poll, slot=slot, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("voice:poll_results", slug=poll.network.slug, pk=poll.pk)
    messages.success(request, "A draft meeting is made: give it a venue, then publish it.")
    return redirect("meetings:edit", pk=meeting.pk)


@login_required
def decision_list(request: HttpRequest, slug: str) -> HttpResponse:
    """What we decided: the network's decisions, newest first, for its members."""
    perms = decisions.get_decisions(request.user, slug)
    page = keyset.paginate(
        decisions.decisions_of(perms), DECISIONS_ORDER, request.GET, DECISIONS_PAGE_SIZE
    )
    return render(request, "voice/decision_list.html", {"network": perms.network, "page": page})
