"""The pages of a network's representatives and their reports back (voice.representatives
says who may see and do what)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import representatives as reps_rules
from .representative_forms import EndTermForm, ReportForm, RepresentativeForm

REPORTS_PAGE_SIZE = 20


def representative_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Who represents the network now, and who did before: public, as the network page's
    section is."""
    reps = reps_rules.get_access(request.user, slug)
    network = reps.network
    current = [
        (representative, reps_rules.may_report_for(reps.perms, request.user, representative))
        for representative in reps_rules.current_of(network)
    ]
    return render(
        request,
        "voice/representative_list.html",
        {
            "network": network,
            "current": current,
            "shows_actions": reps.can_manage or any(may_report for _, may_report in current),
            "past": list(reps_rules.past_of(network)),
            "can_manage": reps.can_manage,
            "can_read_reports": reps.can_read_reports,
        },
    )


@login_required
def representative_add(request: HttpRequest, slug: str) -> HttpResponse:
    reps = reps_rules.get_access_to_manage(request.user, slug)
    network = reps.network
    form = RepresentativeForm(request.POST or None, members=reps_rules.members_to_choose(network))
    if form.is_valid():
        try:
            representative = reps_rules.add_representative(
                network=network, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{representative.name} is listed on {representative.board}.")
            return redirect("voice:representative_list", network.slug)
    return render(request, "voice/representative_form.html", {"form": form, "network": network})


@login_required
def representative_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask for the last day, then end the term."""
    representative, reps = reps_rules.get_representative_to_manage(request.user, slug, pk)
    if not reps_rules.is_current(representative):
        messages.info(request, f"{representative.name}'s term on {representative.board} has ended.")
        return redirect("voice:representative_list", reps.network.slug)
    form = EndTermForm(request.POST or None)
    if form.is_valid():
        try:
            reps_rules.end_term(
                representative=representative,
                by=request.user,
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{representative.name}'s term on {representative.board} is ended."
            )
            return redirect("voice:representative_list", reps.network.slug)
    return render(
        request,
        "voice/representative_end.html",
        {"form": form, "network": reps.network, "representative": representative},
    )


@login_required
def report_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    representative, reps = reps_rules.get_representative_to_report_for(request.user, slug, pk)
    form = ReportForm(request.POST or None)
    if form.is_valid():
        try:
            report = reps_rules.post_report(
                representative=representative, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "The report is posted. It is on its way to the members by email, as each "
                "of them chose.",
            )
            return redirect("voice:report_detail", reps.network.slug, report.pk)
    return render(
        request,
        "voice/report_form.html",
        {"form": form, "network": reps.network, "representative": representative},
    )


@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's reports back, newest first, for its members."""
    reps = reps_rules.get_access_to_reports(request.user, slug)
    page = Paginator(reps_rules.reports_of(reps.network), REPORTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "voice/report_list.html", {"network": reps.network, "page": page})


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    report, reps = reps_rules.get_report_for_user(request.user, slug, pk)
    return render(request, "voice/report_detail.html", {"network": reps.network, "report": report})
