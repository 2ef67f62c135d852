import calendar as month_calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_POST

from core.csv_export import stream_csv
from core.pagecache import cached_for_visitors
from core.redirects import safe_next
from members.models import Post
from networks import access as network_access
from networks.models import MEMBERSHIPS_SCOPE, NETWORK_SCOPE, NETWORKS_SCOPE

from . import access, calendars, panels, schedule, services, signals
from .forms import (
    CancelForm,
    EditMeetingForm,
    MeetingForm,
    PaperForm,
    ReplacePaperForm,
    ScheduleFilterForm,
    SeriesForm,
    SeriesRuleForm,
    UrgentMeetingForm,
    WorkhubMeetingForm,
)
from .models import (
    CALENDAR_SCOPE,
    LONDON,
    MEETINGS_SCOPE,
    CalendarFeed,
    Meeting,
    Paper,
    Registration,
)
from .series import SeriesSpec

PAGE_SIZE = 20
PAST_PAGE_SIZE = 10


def _visible_meetings(user):
    """Published and cancelled meetings across networks that the user may see."""
    return Meeting.objects.listed().filter(access.visible_meetings_q(access.viewer_of(user)))


@cached_for_visitors(MEETINGS_SCOPE, NETWORKS_SCOPE)
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Meetings across networks, filtered by the query string; a list or a month grid."""
    form = ScheduleFilterForm(request.GET or None)
    meetings = _visible_meetings(request.user).for_lists()
    # A filter that does not parse (or a date out of range) is the asker's mistake: the
    # page says which, unfiltered, with a 400.
    valid = form.is_bound and form.is_valid()
    status = 400 if form.is_bound and not valid else 200
    if valid:
        meetings = form.filter(meetings)
    has_from = valid and bool(form.cleaned_data.get("from"))
    if request.GET.get("view") == "month":
        month = form.cleaned_data.get("month") if form.is_bound else None  # if it parsed
        return _month_view(request, form, meetings, month, status)
    meetings = meetings.order_by("starts_at", "pk")
    if not has_from:
        meetings = meetings.filter(ends_at__gte=timezone.now())
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "meetings/meeting_list.html", {"form": form, "page": page}, status=status
    )


def _month_view(request, form, meetings, first: datetime.date | None, status: int):
    today = timezone.localdate()
    first = first or today.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    starts = datetime.datetime.combine(first, datetime.time(), tzinfo=LONDON)
    ends = datetime.datetime.combine(following, datetime.time(), tzinfo=LONDON)
    by_day: dict[datetime.date, list[Meeting]] = {}
    for meeting in meetings.filter(starts_at__gte=starts, starts_at__lt=ends).order_by(
        "starts_at", "pk"
    ):
        by_day.setdefault(meeting.local_start.date(), []).append(meeting)
    weeks = [
        [(day, by_day.get(day, [])) if day.month == first.month else (None, []) for day in week]
        for week in month_calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    return render(
        request,
        "meetings/meeting_month.html",
        {
            "form": form,
            "month": first,
            "weeks": weeks,
            "previous": previous,
            "following": following,
            "count": sum(len(items) for items in by_day.values()),
            "today": today,
        },
        status=status,
    )


def _meeting_or_login(request, pk):
    """The meeting's access for the viewer; a visitor refused is sent to sign in."""
    try:
        return access.get_meeting_for_user(request.user, pk), None
    except PermissionDenied:
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        raise


@cached_for_visitors(MEETINGS_SCOPE, NETWORKS_SCOPE)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_access, refusal = _meeting_or_login(request, pk)
    if refusal:
        return refusal
    meeting = meeting_access.meeting
    papers = [paper for paper in meeting.papers.all() if meeting_access.can_see_paper(paper)]
    sessions = []
    place_elsewhere = None
    if meeting.series_id and meeting.series.rule == meeting.series.Rule.SESSIONS:
        sessions = list(
            meeting.series.meetings.listed()
            .filter(access.visible_meetings_q(meeting_access.viewer))
            .exclude(pk=meeting.pk)
            .select_related("venue_school")
        )
        if request.user.is_authenticated and sessions:
            # One place per briefing: registering here moves them from another session.
            mine = set(
                Registration.objects.live()
                .filter(person=request.user, meeting__in=sessions)
                .values_list("meeting_id", flat=True)
            )
            for session in sessions:
                session.is_mine = session.pk in mine
            place_elsewhere = next((session for session in sessions if session.is_mine), None)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "network": meeting.network,
            "registration": meeting_access.registration,
            "can_manage": meeting_access.can_manage,
            "can_register": meeting_access.can_register,
            "can_see_online_link": meeting_access.can_see_online_link,
            "papers": papers,
            "sessions": sessions,
            "place_elsewhere": place_elsewhere,
            "going": meeting.going_total(),
            "cancel_form": CancelForm() if meeting_access.can_manage else None,
            "panels": panels.panels_for(request, meeting_access),
        },
    )


def meeting_join(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Join the call": the meeting's online link, through Headnet, so that joining during
    the meeting counts as attending (attendance listens to signals.meeting_joined).

    A link people click, so a GET; it records nothing for anyone who may not see the
    link, and tells nothing of people who are not signed in."""
    meeting_access, refusal = _meeting_or_login(request, pk)
    if refusal:
        return refusal
    meeting = meeting_access.meeting
    if not (meeting.is_online and meeting.online_url):
        raise Http404("This meeting has no online link.")
    if not meeting_access.can_see_online_link:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(
            f"The link is for members of {meeting.network.label} and people with a place."
        )
    if request.user.is_authenticated:
        signals.meeting_joined.send(
            sender=Meeting, meeting=meeting, person=request.user, at=timezone.now()
        )
    response = redirect(meeting.online_url)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@login_required
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk).meeting
    try:
        registration = services.register(meeting=meeting, person=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(meeting)
    if registration.is_going:
        messages.success(
            request,
            f"You have a place at {meeting.title}. We have emailed you a confirmation "
            "with the meeting for your calendar.",
        )
    else:
        messages.info(
            request,
            f"{meeting.title} is full: you are on the waiting list. "
            "We will email you if a place comes free.",
        )
    return redirect(meeting)


@require_POST
@login_required
def meeting_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk).meeting
    try:
        services.cancel_registration(meeting=meeting, person=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You are no longer registered for {meeting.title}.")
    return redirect(meeting)


@cached_for_visitors(NETWORK_SCOPE)
def network_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's upcoming and past meetings; coordinators see drafts too."""
    perms = network_access.for_network(request.user, network_access.get_network(slug))
    network = perms.network
    meetings = network.meetings.filter(access.visible_meetings_q(access.viewer_in(perms)))
    meetings = meetings.for_lists()
    minutes = Paper.objects.filter(kind=Paper.Kind.MINUTES)
    upcoming = Paginator(meetings.upcoming(), PAGE_SIZE).get_page(request.GET.get("page"))
    past = list(
        meetings.past().prefetch_related(Prefetch("papers", queryset=minutes, to_attr="minutes"))[
            :PAST_PAGE_SIZE
        ]
    )
    return render(
        request,
        "meetings/network_schedule.html",
        {
            "network": network,
            "perms": perms,
            "page": upcoming,
            "past": past,
            "can_manage": perms.can_coordinate,
            "can_see_minutes": perms.is_member,
            "unseen": schedule.network_unseen(network, perms),
        },
    )


# Coordinators' pages


@login_required
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_access.get_network_to_coordinate(request.user, slug).network
    form = MeetingForm(request.POST or None, network=network)
    if form.is_valid():
        try:
            meeting = services.create_meeting(network=network, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Meeting saved as a draft. Publish it when it is ready.")
            return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "network": network, "meeting": None}
    )


@login_required
def workhub_meeting_create(request: HttpRequest, slug: str, workhub_slug: str) -> HttpResponse:
    """A workhub's lead (or a coordinator) plans a meeting of the workhub: published at
    once."""
    workhub, perms = access.get_workhub_to_plan(request.user, slug, workhub_slug)
    network = perms.network
    form = WorkhubMeetingForm(request.POST or None, network=network)
    if form.is_valid():
        try:
            meeting = services.plan_workhub_meeting(
                workhub=workhub, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Meeting published; the members who may see it are emailed.")
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "network": network, "meeting": None, "workhub": workhub},
    )


@login_required
def series_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Two steps, without JavaScript: how often (?rule=...), then only what that needs."""
    network = network_access.get_network_to_coordinate(request.user, slug).network
    chosen = SeriesRuleForm(request.POST if request.method == "POST" else request.GET or None)
    if not chosen.is_valid():
        return render(request, "meetings/series_rule.html", {"form": chosen, "network": network})
    rule = chosen.cleaned_data["rule"]
    form = SeriesForm(
        request.POST if request.method == "POST" else None,
        network=network,
        rule=rule,
        initial={"skip_holidays": True},
    )
    if form.is_valid():
        data = form.cleaned_data
        spec = SeriesSpec(
            rule=rule,
            first_date=data["first_date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            until=data["until"],
            interval=data.get("interval") or 1,
            nth=data.get("nth") or 1,
            per_year=data.get("per_year") or 6,
            skip_holidays=data.get("skip_holidays", True),
            venues=list(data["venues"]),
        )
        shared = {key: data[key] for key in form.Meta.fields}
        try:
            meetings = services.create_series(network=network, by=request.user, spec=spec, **shared)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{len(meetings)} meetings saved as drafts. Check them, then publish the series.",
            )
            return redirect(meetings[0])
    return render(request, "meetings/series_form.html", {"form": form, "network": network})


@login_required
def urgent_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_access.get_network_to_coordinate(request.user, slug).network
    form = UrgentMeetingForm(request.POST or None)
    if form.is_valid():
        try:
            meeting = services.create_urgent_meeting(
                network=network, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Urgent meeting published and emailed to every member.")
            return redirect(meeting)
    return render(request, "meetings/urgent_form.html", {"form": form, "network": network})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    form = EditMeetingForm(
        request.POST or None,
        instance=Meeting.objects.select_related("network").get(pk=meeting.pk),
        network=meeting.network,
    )
    if form.is_valid():
        changes = {key: form.cleaned_data[key] for key in MeetingForm.Meta.fields}
        following = form.cleaned_data.get("scope") == "following"
        try:
            updated = services.update_meeting(
                meeting=meeting, changes=changes, following=following, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(updated)
            messages.success(
                request,
                f"{count} meetings updated." if count > 1 else "Meeting updated."
                if count else "Nothing changed.",
            )  # fmt: skip
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "network": meeting.network, "meeting": meeting},
    )


@require_POST
@login_required
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    try:
        published = services.publish_meeting(
            meeting=meeting, whole_series=request.POST.get("whole_series") == "1", by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = len(published)
        messages.success(
            request,
            f"{count} meeting{'s' if count != 1 else ''} published; members have been emailed.",
        )
    return redirect(meeting)


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    if meeting.is_draft and request.method == "GET":
        return redirect("meetings:discard", meeting.pk)  # a draft is discarded, not cancelled
    if meeting.is_past and request.method == "GET":
        messages.error(request, "This meeting has taken place: it can no longer be cancelled.")
        return redirect(meeting)
    form = CancelForm(request.POST or None)
    if form.is_valid():
        try:
            services.cancel_meeting(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Meeting cancelled; the members and the people registered have been told."
            )
            return redirect(meeting)
    return render(request, "meetings/meeting_cancel.html", {"form": form, "meeting": meeting})


@login_required
def meeting_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a draft (or its series' drafts); a published meeting is cancelled."""
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    if request.method == "POST":
        try:
            count = services.discard_draft(
                meeting=meeting,
                whole_series=request.POST.get("whole_series") == "1",
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(meeting)
        messages.success(request, f"{count} draft{'s' if count != 1 else ''} discarded.")
        return redirect("meetings:network_schedule", meeting.network.slug)
    if not meeting.is_draft:
        return redirect("meetings:cancel", meeting.pk)
    series_drafts = (
        meeting.series.meetings.filter(state=Meeting.State.DRAFT).count()
        if meeting.series_id
        else 1
    )
    return render(
        request,
        "meetings/meeting_discard.html",
        {"meeting": meeting, "series_drafts": series_drafts},
    )


@require_POST
@login_required
def meeting_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    copy = services.duplicate_meeting(
        meeting=meeting, by=request.user, as_session=request.POST.get("as_session") == "1"
    )
    messages.success(request, "A draft copy one week later: change what differs, then publish.")
    return redirect("meetings:edit", copy.pk)


def _attendees(meeting):
    """The people registered, going before waiting, each with the school of their most
    recent current post (a subquery: no query per person)."""
    school = Post.objects.current().filter(person=OuterRef("person_id")).values("school__name")
    return (
        meeting.registrations.live()
        .select_related("person")
        .annotate(school_name=Subquery(school[:1]))
        .order_by("status", "created_at", "pk")  # going before waiting
    )


@login_required
def meeting_attendees(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    registrations = list(_attendees(meeting))
    going = [r for r in registrations if r.is_going]
    waiting = [r for r in registrations if r.is_waiting]
    of = f" of {meeting.capacity}" if meeting.capacity else ""
    return render(
        request,
        "meetings/meeting_attendees.html",
        {
            "meeting": meeting,
            "going": going,
            "waiting": waiting,
            "going_caption": f"Going ({len(going)}{of})",
            "waiting_caption": f"Waiting list ({len(waiting)}), in order",
        },
    )


ATTENDEE_COLUMNS = [
    ("First name", lambda registration: registration.person.first_name),
    ("Last name", lambda registration: registration.person.last_name),
    ("Email", lambda registration: registration.person.email),
    ("School", lambda registration: registration.school_name or ""),
    ("Status", lambda registration: registration.get_status_display()),
    ("Registered at", lambda r: r.created_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")),
]


@login_required
def meeting_attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is coming, for a spreadsheet: written by the one formula-safe CSV writer."""
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    return stream_csv(
        f"meeting-{meeting.pk}-attendees.csv",
        [header for header, _column in ATTENDEE_COLUMNS],
        _attendees(meeting),
        [column for _header, column in ATTENDEE_COLUMNS],
    )


@login_required
def paper_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_to_manage(request.user, pk).meeting
    form = PaperForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            services.add_paper(meeting=meeting, by=request.user, upload=form.cleaned_data["file"],
                               title=form.cleaned_data["title"], kind=form.cleaned_data["kind"],
                               visibility=form.cleaned_data["visibility"])  # fmt: skip
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, "Paper added.")
            return redirect(meeting)
    return render(request, "meetings/paper_form.html", {"form": form, "meeting": meeting})


@login_required
def paper_replace(request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
    meeting_access, paper = access.get_paper_to_manage(request.user, pk, paper_id)
    form = ReplacePaperForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            services.replace_paper(paper=paper, by=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"{paper.title}: new file saved.")
            return redirect(meeting_access.meeting)
    return render(
        request,
        "meetings/paper_replace.html",
        {"form": form, "meeting": meeting_access.meeting, "paper": paper},
    )


@login_required
def paper_remove(request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
    """Ask, then take the paper off the meeting."""
    meeting_access, paper = access.get_paper_to_manage(request.user, pk, paper_id)
    if request.method == "POST":
        services.remove_paper(paper=paper, by=request.user)
        messages.success(request, f"{paper.title} removed.")
        return redirect(meeting_access.meeting)
    return render(
        request, "meetings/paper_remove.html", {"meeting": meeting_access.meeting, "paper": paper}
    )


@login_required
def paper_download(request: HttpRequest, pk: int, paper_id: int) -> FileResponse:
    """Papers only ever leave through here, after the permission check."""
    paper = access.get_paper_for_user(request.user, pk, paper_id)
    response = FileResponse(
        paper.file.open("rb"),
        as_attachment=True,
        filename=paper.original_name,
        content_type=paper.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Calendars


def _ics_response(
    request, meetings, *, name, show_link, filename, private, extra=(), disposition="inline"
):
    etag, newest = calendars.version_of(meetings, *extra)
    last_modified = int(newest.timestamp()) if newest else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return not_modified
    body = calendars.build_calendar(meetings, name=name, show_link=show_link)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    # One of the two, set: patch_cache_control writes a False one as "public=False".
    patch_cache_control(response, max_age=300, **{"private" if private else "public": True})
    return response


@cached_for_visitors(MEETINGS_SCOPE, NETWORKS_SCOPE)
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_access, refusal = _meeting_or_login(request, pk)
    if refusal:
        return refusal
    link = meeting_access.can_see_online_link
    return _ics_response(
        request,
        Meeting.objects.filter(pk=pk).select_related("network", "venue_school"),
        name=meeting_access.meeting.title,
        show_link=lambda meeting: link,
        filename=f"meeting-{pk}.ics",
        disposition="attachment",  # "Add to my calendar": a file to open
        private=link or meeting_access.meeting.audience != Meeting.Audience.PUBLIC,
        extra=(link,),
    )


@cached_for_visitors(NETWORK_SCOPE)
def network_feed(request: HttpRequest, slug: str) -> HttpResponse:
    perms = network_access.for_network(request.user, network_access.get_network(slug))
    network = perms.network
    meetings = network.meetings.listed().filter(access.visible_meetings_q(access.viewer_in(perms)))
    link = perms.is_member
    return _ics_response(
        request,
        calendars.feed_meetings(meetings),
        name=network.label,
        show_link=lambda meeting: link,
        filename=f"{network.slug}.ics",
        private=request.user.is_authenticated,
        extra=(link, request.user.is_authenticated),
    )


@cached_for_visitors(CALENDAR_SCOPE, MEETINGS_SCOPE, NETWORKS_SCOPE, MEMBERSHIPS_SCOPE)
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's own feed at a secret address: no session, so calendar apps can poll it.

    A switched-off account's feed is an empty calendar rather than an error: calendar
    apps keep their last copy of a feed that fails (online links and all) but empty
    their copy of one without events, and the holder of the address learns nothing."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("person"), token=token)
    person = feed.person
    member_of = set(access.viewer_of(person).member_of)
    going = set(
        Registration.objects.filter(person=person, status=Registration.Status.GOING).values_list(
            "meeting_id", flat=True
        )
    )
    meetings = calendars.feed_meetings(schedule.personal_meetings(person))
    return _ics_response(
        request,
        meetings,
        name="My Headnet meetings",
        show_link=lambda meeting: meeting.network_id in member_of or meeting.pk in going,
        filename="headnet.ics",
        private=True,
        extra=(sorted(member_of), sorted(going)),
    )


@login_required
def my_schedule(request: HttpRequest) -> HttpResponse:
    """My upcoming meetings and my calendar feed (the /me/ page shows the same partial)."""
    feed = services.calendar_feed_for(request.user)
    return render(
        request,
        "meetings/my_schedule.html",
        {
            "schedule_list": schedule.my_schedule_list(request.user).html,
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()),
        },
    )


@require_POST
@login_required
def feed_reset(request: HttpRequest) -> HttpResponse:
    services.reset_calendar_token(person=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address. Calendars using the old one will stop updating: "
        "subscribe again with the new one.",
    )
    return redirect(safe_next(request, request.POST.get("next"), reverse("meetings:my_schedule")))
