from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core.ratelimit import is_limited
from meetings import access as meeting_access
from meetings.models import Meeting
from members.models import User

from . import registers, rules, services
from .forms import CheckInForm

# A person checks in once or twice; the codes are six characters from 32, few enough to
# guess at when many meetings are on at once. After this many codes in CHECK_IN_PERIOD,
# the next waits (a coordinator can still mark them on the register).
CHECK_IN_TRIES = 10
CHECK_IN_PERIOD = 15 * 60


def _name(person: User) -> str:
    return person.get_full_name() or person.email


def _person_posted(request: HttpRequest, meeting: Meeting) -> User:
    """The person a marker's button names: a 404 for anything but the id of someone the
    register may name (registers.markable_people), so the reply names nobody else."""
    pk = request.POST.get("person", "")
    return get_object_or_404(registers.markable_people(meeting), pk=int(pk) if pk.isdigit() else 0)


def _back_to_register(meeting: Meeting, person_pk: int | None = None) -> HttpResponse:
    url = reverse("attendance:register", args=[meeting.pk])
    return redirect(f"{url}#person-{person_pk}" if person_pk else url)


@login_required
def attendance_register(request: HttpRequest, pk: int) -> HttpResponse:
    """The register on a phone: the going list with one button each, then a walk-in."""
    meeting = rules.get_meeting_to_mark(request.user, pk).meeting
    register = registers.register_of(meeting)
    search = request.GET.get("q", "").strip()[:100]
    candidates = list(registers.walk_in_candidates(meeting, search)) if search else []
    opens, _closes = rules.window(meeting)
    return render(
        request,
        "attendance/register.html",
        {
            "meeting": meeting,
            "register": register,
            "is_open": rules.register_is_open(meeting),
            "opens": opens,
            "search": search,
            "candidates": candidates,
            "shown_at_most": registers.WALK_IN_RESULTS,
        },
    )


@require_POST
@login_required
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: "Came" (came=1) or "Not here" (came=0) for one person."""
    meeting = rules.get_meeting_to_mark(request.user, pk).meeting
    person = _person_posted(request, meeting)
    try:
        if request.POST.get("came") == "1":
            services.mark_present(meeting=meeting, person=person, by=request.user)
            messages.success(request, f"{_name(person)}: came.")
        else:
            services.mark_absent(meeting=meeting, person=person, by=request.user)
            messages.success(request, f"{_name(person)}: not here.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_register(meeting, person.pk)


@require_POST
@login_required
def attendance_walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A member who came without a place, picked from the search on the register."""
    meeting = rules.get_meeting_to_mark(request.user, pk).meeting
    person = _person_posted(request, meeting)
    try:
        services.add_walk_in(meeting=meeting, person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_register(meeting)
    messages.success(request, f"{_name(person)} is on the register as a walk-in.")
    return _back_to_register(meeting, person.pk)


def _qr_svg(url: str) -> str:
    # segno writes the SVG from our own URL (letters of the code's alphabet only): there
    # is nothing of anyone's input in it to escape.
    svg = segno.make(url, error="m").svg_inline(
        scale=8, title="QR code for checking in", omitsize=True, svgclass="check-in-qr"
    )
    return mark_safe(svg)  # noqa: S308


@login_required
def attendance_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The code in large type and as a QR code, to show on a screen at the meeting."""
    meeting = rules.get_meeting_to_mark(request.user, pk).meeting
    code = services.code_for(meeting)
    check_in_url = request.build_absolute_uri(
        reverse("attendance:check_in") + "?" + urlencode({"code": code.code})
    )
    opens, closes = rules.window(meeting)
    return render(
        request,
        "attendance/code.html",
        {
            "meeting": meeting,
            "code": code.code,
            "check_in_url": check_in_url,
            "qr_svg": _qr_svg(check_in_url),
            "opens": opens,
            "closes": closes,
            "is_published": meeting.is_published,
        },
    )


def _meeting_checked_in_from(request: HttpRequest) -> Meeting | None:
    """The meeting whose page the code was typed on, if the person may see it."""
    pk = request.POST.get("meeting", "")
    if not pk.isdigit():
        return None
    try:
        return meeting_access.get_meeting_for_user(request.user, int(pk)).meeting
    except (Http404, PermissionDenied):
        return None


@login_required
def check_in(request: HttpRequest) -> HttpResponse:
    """A person checks themselves in with the code shown at the meeting (the QR code
    opens this page with it filled in)."""
    if request.method == "POST":
        form = CheckInForm(request.POST)
    else:
        form = CheckInForm(initial={"code": request.GET.get("code", "")[:20]})
    if form.is_bound and form.is_valid():
        if is_limited(
            "check-in", str(request.user.pk), limit=CHECK_IN_TRIES, period_seconds=CHECK_IN_PERIOD
        ):
            form.add_error(
                "code",
                "You have tried several codes in the last few minutes. Wait a quarter of an "
                "hour, or ask the coordinator to mark you on the register.",
            )
            return render(request, "attendance/check_in.html", {"form": form}, status=429)
        try:
            attendance = services.check_in(
                person=request.user,
                code=form.cleaned_data["code"],
                at=timezone.now(),
                meeting=_meeting_checked_in_from(request),
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            meeting = attendance.meeting
            messages.success(request, f"You are on the register of {meeting.title}.")
            return redirect(meeting)
    return render(request, "attendance/check_in.html", {"form": form})
