"""Corrections to a register: asking (the person) and deciding (the network's coordinators,
site staff, a workhub's leads). The rules are in corrections.py; these views only ask them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import corrections
from .correction_forms import CorrectionForm, DeclineForm
from .corrections import CorrectionsDesk


@login_required
def correction_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """ "I was there": tell the meeting's coordinators the person is missing from its register."""
    access = corrections.get_meeting_to_ask_about(request.user, pk)
    meeting = access.meeting
    waiting = corrections.waiting_correction(request.user, meeting)
    form = CorrectionForm(request.POST or None)
    if waiting is None and form.is_valid():
        try:
            corrections.ask_correction(
                meeting=meeting, person=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Thank you: the coordinators of {meeting.network.label} will check the "
                "register, and we will email you what they decide.",
            )
            return redirect(meeting)
    return render(
        request,
        "attendance/correction_ask.html",
        {"meeting": meeting, "network": meeting.network, "form": form, "waiting": waiting},
    )


def _desk_page(
    request: HttpRequest, desk: CorrectionsDesk, failed: DeclineForm | None = None
) -> HttpResponse:
    waiting = list(desk.waiting())
    for correction in waiting:
        correction.decline_form = (
            failed
            if failed is not None and failed.correction_pk == correction.pk
            else DeclineForm(correction_pk=correction.pk)
        )
    return render(
        request,
        "attendance/corrections.html",
        {
            "network": desk.network,
            "waiting": waiting,
            "decided": desk.decided(),
            "only_workhubs": desk.workhubs,
        },
        status=400 if failed is not None else 200,
    )


@login_required
def corrections_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The corrections waiting for the user to decide in the network, and the latest decided."""
    return _desk_page(request, corrections.get_corrections_desk(request.user, slug))


def _back(slug: str) -> HttpResponse:
    return redirect(reverse("attendance:corrections", args=[slug]))


@login_required
@require_POST
def correction_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _, correction = corrections.get_correction_to_decide(request.user, slug, pk)
    try:
        decided = corrections.confirm_correction(correction=correction, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(slug)
    if decided.state == decided.State.CONFIRMED and decided.decided_by_id == request.user.pk:
        messages.success(request, "Confirmed: they are on the register, and have been emailed.")
    else:
        messages.info(request, "Someone had already decided that one.")
    return _back(slug)


@login_required
@require_POST
def correction_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    desk, correction = corrections.get_correction_to_decide(request.user, slug, pk)
    form = DeclineForm(request.POST, correction_pk=correction.pk)
    if not form.is_valid():
        return _desk_page(request, desk, failed=form)
    decided = corrections.decline_correction(
        correction=correction, by=request.user, reason=form.cleaned_data["reason"]
    )
    if decided.state == decided.State.DECLINED and decided.decided_by_id == request.user.pk:
        messages.success(request, "Declined: they have been emailed your reason.")
    else:
        messages.info(request, "Someone had already decided that one.")
    return _back(slug)
