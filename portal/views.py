import json
import time
from urllib.parse import urlencode

from allauth.account import app_settings as allauth_settings
from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import selectors as articles_selectors
from articles.models import ARTICLES_SCOPE
from core.pagecache import cached_for_visitors
from core.redirects import safe_next
from core.sharedparts import shared_part
from discussions import preferences as discussion_preferences
from discussions.email_forms import DiscussionChoicesForm
from meetings import access as meeting_access
from meetings import schedule
from meetings.models import MEETINGS_SCOPE
from members import social, suppression
from members.adapters import SIGNED_IN_AT
from members.forms import CloseAccountForm, EndPostForm, PostForm, ProfileForm, SchoolSearchForm
from members.models import Designation, Post, School, User
from members.reauthentication import require_code_if_no_password
from networks import access
from networks import services as networks_services
from networks.forms import EmailPreferencesForm
from networks.models import NETWORKS_SCOPE, Membership, Network

from . import firstuse, services
from .mine import my_page

SEARCH_RESULTS = 25
DECIDING_AS = {
    Post.How.SCHOOL_HEAD: "as the school's head",
    Post.How.NETWORK_ADMINISTRATOR: "as an administrator of one of the school's networks",
    Post.How.SITE_STAFF: "as Headnet's staff",
}
HOME_NETWORKS = 6
HOME_MEETINGS = 5
HOME_ARTICLES = 3


def _needs_password_again(request: HttpRequest) -> bool:
    """True unless the person signed in, or confirmed their password, a few minutes ago."""
    signed_in_at = request.session.get(SIGNED_IN_AT, 0)
    return time.time() - signed_in_at > allauth_settings.REAUTHENTICATION_TIMEOUT


# "The password or a fresh sign-in": allauth asks for the password unless the
# sign-in was recent (its own check counts only the password page).
recent_sign_in_required = reauthentication_required(enabled=_needs_password_again)


def _prove_again_without_password(request: HttpRequest) -> None:
    """allauth counts an account without a password as always just signed in: unless it
    signed in a few minutes ago, it proves itself with an emailed code instead."""
    if _needs_password_again(request):
        require_code_if_no_password(request)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own profile: name, email setting, posts and designations."""
    person = request.user
    form = ProfileForm(request.POST or None, instance=person)
    if form.is_valid():
        form.save()
        messages.success(request, "Your profile has been saved.")
        if not person.posts.exists():
            return redirect("portal:post_add")
        return redirect("portal:profile")
    posts = person.posts.select_related("school__local_authority").with_account_evidence()
    return render(
        request,
        "portal/profile.html",
        {
            "suggestions": _suggestions_for(person),
            "form": form,
            "posts": posts,
            "designations": person.designations.all(),
            "is_new_head": person.is_new_head(),
            "profile_complete": person.has_complete_profile,
            "school_accounts_offered": social.school_accounts_offered(request),
        },
    )


def _suggestions_for(user) -> list[Network]:
    person = User.objects.with_posts().get(pk=user.pk)
    return firstuse.suggested_networks(
        person, list(Membership.objects.live().filter(person=person))
    )


@login_required
def post_add(request: HttpRequest) -> HttpResponse:
    """Add a post: find the school (server-side search), then give role and dates."""
    school = None
    if urn := request.GET.get("school") or request.POST.get("school"):
        # A URN is a number; anything else (a mistyped link) matches no school.
        if urn.isascii() and urn.isdigit():
            school = School.objects.open().select_related("local_authority").filter(urn=urn).first()
        if school is None:
            messages.error(request, "That school is not in the register, or it has closed.")
            return redirect("portal:post_add")
    if school is None:
        search = SchoolSearchForm(request.GET if "q" in request.GET else None)
        results = None
        if search.is_valid():
            results = list(
                School.objects.open()
                .search(search.cleaned_data["q"])
                .select_related("local_authority")[: SEARCH_RESULTS + 1]
            )
        return render(
            request,
            "portal/post_search.html",
            {
                "search": search,
                "results": results[:SEARCH_RESULTS] if results is not None else None,
                "more_results": results is not None and len(results) > SEARCH_RESULTS,
            },
        )

    form = PostForm(request.POST or None)
    if form.is_valid():
        since = timezone.now()
        try:
            post = services.add_post(person=request.user, school=school, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your post at {school.name} has been added.")
            for line in firstuse.post_outcome(request.user, post, since=since).messages(post):
                messages.info(request, line)
            return redirect("portal:profile")
    return render(request, "portal/post_form.html", {"form": form, "school": school})


@login_required
def post_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that one of the person's own posts has ended."""
    post = get_object_or_404(
        request.user.posts.select_related("school"), pk=pk, ended_on__isnull=True
    )
    form = EndPostForm(request.POST or None, post=post)
    if form.is_valid():
        services.end_post(post=post, ended_on=form.cleaned_data["ended_on"])
        messages.success(request, f"Your post at {post.school.name} is recorded as ended.")
        return redirect("portal:profile")
    return render(request, "portal/post_end.html", {"form": form, "post": post})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's professional profile, for people who share a network with them."""
    person = get_object_or_404(
        User.objects.with_posts()
        .filter(is_active=True)
        .prefetch_related(
            # Others see a designation only once it is confirmed: a claim is not a fact.
            Prefetch("designations", queryset=Designation.objects.confirmed())
        ),
        pk=pk,
    )
    if not access.can_see_person(request.user, person):
        raise Http404("No such person.")  # the same answer as for nobody, so nothing leaks
    return render(
        request,
        "portal/person_detail.html",
        {
            "person": person,
            "current_posts": person.current_posts(),
            "designations": person.designations.all(),
            "is_new_head": person.is_new_head(),
            "show_email": access.can_see_email(request.user, person),
        },
    )


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A post waiting for the user's decision: a claim to confirm or reject, a verified
    headship waiting for the school's seats, or a headship verified automatically that
    they may revoke. 404 for everyone else."""
    decisions = access.decisions_on(request.user, pk)
    post = decisions.post
    other_heads = [
        other
        for other in post.school.posts.current().headships().select_related("person")
        if other.pk != post.pk
    ]
    seated = (
        Membership.objects.live()
        .filter(school=post.school, network__basis=Network.Basis.SCHOOL)
        .select_related("network", "person")
        .order_by("network__name")
    )
    return render(
        request,
        "portal/claim_detail.html",
        {
            "post": post,
            "evidence": post.account_evidence(),
            "decisions": decisions,
            "capacity": DECIDING_AS.get(decisions.decide_as or decisions.revoke_as, ""),
            "other_heads": other_heads,
            "seats": list(seated),
            "next": safe_next(request, request.GET.get("next"), reverse("me")),
        },
    )


@require_POST
@login_required
def claim_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    post, how = access.get_claim_to_decide(request.user, pk)
    post = networks_services.confirm_claim(post=post, how=how, by=request.user)
    messages.success(
        request,
        f"Confirmed: {post.person} is {post.get_role_display().lower()} at {post.school.name}.",
    )
    if post.awaits_seat_decision:
        # The school's verified head is in post: its seats stay until someone decides.
        messages.info(
            request,
            f"{post.school.name}'s seats stay with its sitting head until they, or an "
            "administrator of one of its networks, pass them on below.",
        )
        back = urlencode({"next": request.POST.get("next", "")})
        return redirect(f"{reverse('portal:claim', args=[post.pk])}?{back}")
    return redirect(safe_next(request, request.POST.get("next"), reverse("me")))


@require_POST
@login_required
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    post, how = access.get_claim_to_decide(request.user, pk)
    networks_services.reject_claim(post=post, how=how, by=request.user)
    messages.success(
        request,
        f"Rejected: {post.person}'s post at {post.school.name} has been removed. "
        "They have been emailed.",
    )
    return redirect(safe_next(request, request.POST.get("next"), reverse("me")))


@require_POST
@login_required
def claim_seats(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide whether a school's seats pass from its sitting head to a second verified head."""
    post, how = access.get_seat_question_to_decide(request.user, pk)
    decision = request.POST.get("decision")
    if decision == "pass":
        networks_services.pass_school_seats(post=post, how=how, by=request.user)
        messages.success(
            request,
            f"{post.school.name}'s seats have passed to {post.person}. Both heads have been "
            "emailed.",
        )
    elif decision == "keep":
        networks_services.keep_school_seats(post=post, how=how, by=request.user)
        messages.success(
            request,
            f"{post.school.name}'s seats stay with its sitting head. {post.person} has been "
            "emailed: they pass to them when the sitting head's post ends.",
        )
    else:
        messages.error(request, "Choose whether the seats pass or stay.")
        return redirect("portal:claim", post.pk)
    return redirect(safe_next(request, request.POST.get("next"), reverse("me")))


@require_POST
@login_required
def claim_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a headship verified automatically: it ends, and any seat it took passes on."""
    post, how = access.get_headship_to_revoke(request.user, pk)
    networks_services.revoke_headship(post=post, how=how, by=request.user)
    messages.success(
        request,
        f"Revoked: {post.person}'s post at {post.school.name} has been removed. "
        "They have been emailed.",
    )
    return redirect(safe_next(request, request.POST.get("next"), reverse("me")))


@login_required
@recent_sign_in_required
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything Headnet holds about the person, as a JSON file (UK GDPR)."""
    _prove_again_without_password(request)
    data = services.personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    filename = f"headnet-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@recent_sign_in_required
def account_close(request: HttpRequest) -> HttpResponse:
    """Close the account: confirm, then remove the person's data (UK GDPR)."""
    _prove_again_without_password(request)
    # Bound on every POST: an unticked box sends nothing, and an empty POST is falsy.
    form = CloseAccountForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.close_account(person=request.user)
        logout(request)
        messages.success(request, "Your account has been closed and your personal data removed.")
        return redirect("home")
    return render(request, "portal/account_close.html", {"form": form})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Explains the download and the closing of an account."""
    return render(request, "portal/my_data.html")


@cached_for_visitors(NETWORKS_SCOPE, MEETINGS_SCOPE, ARTICLES_SCOPE)
def home(request: HttpRequest) -> HttpResponse:
    """What Headnet is, the next public meetings, and a first few networks to look at."""
    mine = firstuse.home_for(request.user) if request.user.is_authenticated else None
    # The meetings they may see (for a visitor, the public ones), after their own; and
    # that networks meet whose next meeting is not one they may see.
    if mine:
        viewer = meeting_access.viewer_with(request.user, mine.memberships + mine.pending)
        # Which network's next meeting someone signed in may not see is the same for
        # everyone; the schedule takes the person's own networks out.
        own = mine.schedule.keys
        upcoming = schedule.kept_upcoming_list(
            viewer,
            limit=HOME_MEETINGS,
            excluding=own,
            hidden_from_signed_in=lambda: shared_part(
                request, "home:hidden", schedule.hidden_from_signed_in, MEETINGS_SCOPE
            ),
        )
    else:
        viewer = meeting_access.viewer_of(request.user)
        upcoming = schedule.upcoming_list(
            *schedule.next_meetings_and_unseen(viewer, limit=HOME_MEETINGS)
        )
    return render(
        request,
        "portal/home.html",
        {
            "mine": mine,
            # A first few networks for visitors only: a signed-in head has their own.
            "networks": None
            if mine
            else Network.objects.for_directory().filter(parent=None)[:HOME_NETWORKS],
            "network_count": None if mine else Network.objects.count(),
            "upcoming": upcoming,
            # Public articles, the same for everyone.
            "articles": shared_part(
                request, "home:articles", _home_articles, ARTICLES_SCOPE, NETWORKS_SCOPE
            ),
        },
    )


def _home_articles() -> str:
    return render_to_string(
        "articles/_home_articles.html",
        {"latest_articles": articles_selectors.latest_public_articles(HOME_ARTICLES)},
    )


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The person's networks, their pending requests, and networks they could join."""
    kept = my_page(request.user)
    return render(
        request,
        "portal/me.html",
        {
            "mine": kept,
            "suppression": kept.suppression,
            "invitations": kept.invitations,
            "profile_complete": kept.profile_complete,
            "profile_url": reverse("portal:profile"),
            "work": kept.work,
            "feed_url": request.build_absolute_uri(kept.feed.get_absolute_url()),
        },
    )


@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    """Which announcements and which discussion emails each of the person's networks
    sends them (announcements: every one, a weekly digest, urgent only, none; discussions:
    every new thread, every post, the weekly digest, none); linked from /me/ and from
    every announcement and discussion email."""
    person = request.user
    networks = [
        membership.network
        for membership in Membership.objects.active()
        .filter(person=person)
        .select_related("network")
        .order_by("network__name")
    ]
    form = EmailPreferencesForm(
        request.POST or None,
        networks=networks,
        chosen=networks_services.choices_of(person, networks),
    )
    discussions_form = DiscussionChoicesForm(
        request.POST or None,
        networks=networks,
        chosen=discussion_preferences.choices_of(person, networks),
    )
    if form.is_valid() and discussions_form.is_valid():
        with transaction.atomic():
            networks_services.set_preferences(
                person=person, choices=form.choices(), how="preferences page"
            )
            discussion_preferences.set_network_choices(
                person=person, choices=discussions_form.choices(), how="preferences page"
            )
        messages.success(request, "Your email choices have been saved.")
        return redirect("portal:email_preferences")
    return render(
        request,
        "portal/email_preferences.html",
        {
            "form": form,
            "rows": [
                (network, field, discussions_form.field_for(network))
                for network, field in form.rows()
            ],
            "suppression": suppression.suppression_of(person.email),
        },
    )


@require_POST
@login_required
def email_resume(request: HttpRequest) -> HttpResponse:
    """The person says their mailbox works again: announcements and digests resume."""
    if suppression.resume_bulk_mail(person=request.user):
        messages.success(
            request,
            f"Announcements and digests will be sent to {request.user.email} again.",
        )
    else:
        messages.info(request, f"Nothing had stopped: email to {request.user.email} goes.")
    return redirect(safe_next(request, request.POST.get("next"), reverse("me")))
