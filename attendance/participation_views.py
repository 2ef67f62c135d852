"""Participation per school, as a page and as CSV: for the network's coordinators and
administrators, and site staff (networks.access: 403 to anyone else, 404 for a network
that does not exist)."""

from operator import itemgetter

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from core.csv_export import stream_csv
from networks import access

from .participation import Participation, participation


@require_GET
@login_required
def participation_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The member schools × this year's meetings, the schools not seen first."""
    perms = access.get_network_to_coordinate(request.user, slug)
    report = participation(perms.network)
    return render(
        request,
        "attendance/participation.html",
        {"network": perms.network, "perms": perms, "report": report},
    )


def _day(report: Participation, index: int) -> str:
    return date_format(timezone.localtime(report.columns[index].starts_at), "Y-m-d")


@require_GET
@login_required
def participation_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The same grid as CSV: a row per school, a column per meeting (1 if it came)."""
    perms = access.get_network_to_coordinate(request.user, slug)
    report = participation(perms.network)
    header = [
        "School",
        "URN",
        *(f"{_day(report, index)} {column.title}" for index, column in enumerate(report.columns)),
        "Meetings attended",
    ]
    lines: list[list[object]] = [
        [row.name, row.urn, *(int(came) for came in row.present), row.total] for row in report.rows
    ]
    lines.append(["Member schools present", "", *report.totals, ""])
    return stream_csv(
        f"{perms.network.slug}-participation-{report.year_label.replace('/', '-')}.csv",
        header,
        lines,
        [itemgetter(index) for index in range(len(header))],
    )
