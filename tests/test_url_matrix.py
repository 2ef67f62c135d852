"""Every URL of the site, as every persona: nothing leaks and nothing changes that should not.

The URLs come from the URL configuration itself, so a new URL is covered the day
it is added: one without a rule below fails `test_every_url_has_a_rule`. Each
rule says what each persona gets (a login redirect, 403, 404, 405 or 200). A
refusal must also leave every table of ours exactly as it was. And every page
answered 200 stays within the query budget (at the end of this file).
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from announcements.tokens import unsubscribe_token
from articles.models import StoryInbox
from core import audit
from discussions import tokens as discussion_tokens
from fees.models import FeeInvoice, FeeScheme
from leaders import services as leader_services
from meetings import services as meeting_services
from meetings.models import Meeting
from members.models import Designation, Post
from networks.models import ContactMessage, Invitation, Membership, Network, WorkhubMembership
from tests import factories
from tests import personas as persona_makers
from tests.attendance.scene import attendance_scene, participation_scene, records_scene
from tests.discussions.email.scene_email import discussion_email_scene
from tests.discussions.scene import discussions_scene
from tests.logs import access_line_of, site_log
from tests.made_once import as_made, made_once
from tests.office.scene import import_scene
from tests.support.scene import support_scene
from tests.voice.scene import polls_scene
from tests.voice.scene_reps import representatives_scene
from tests.voice.scene_results import results_scene

pytestmark = pytest.mark.django_db

PERSONAS = [
    "visitor",
    "head",
    "member",
    "coordinator",
    "administrator",
    "outsider_member",
    "outsider_coordinator",
    "outsider_administrator",
    "staff",
]
OURS = {
    "members", "networks", "meetings", "portal", "fees", "support", "articles", "leaders",
    "announcements", "office", "attendance", "voice", "discussions",
}  # fmt: skip
LOGIN = "login"
REAUTH = "reauthenticate"
REDIRECT = "redirect"  # elsewhere on the site: a page's own post/redirect/get
ANY = "any"  # pages with nothing of anyone's in them: whatever they answer but an error
REFUSALS = {LOGIN, 403, 404, 405}


def _outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"]
        if reverse("account_login") in location or reverse("admin:login") in location:
            return LOGIN
        if reverse("account_reauthenticate") in location:
            return REAUTH
        return REDIRECT
    return response.status_code


def _everyone(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def _signed_in(outcome, visitor=LOGIN):
    return {**_everyone(outcome), "visitor": visitor}


def _only(allowed: set[str], yes, no, visitor=LOGIN):
    """`yes` for the allowed personas (and staff), `no` for the other signed-in ones."""
    return {
        persona: visitor if persona == "visitor" else yes if persona in allowed else no
        for persona in PERSONAS
    }


MEMBERS = {"member", "coordinator", "administrator", "staff"}
COORDINATORS = {"coordinator", "administrator", "staff"}
ADMINISTRATORS = {"administrator", "staff"}
OUTSIDERS = {"outsider_member", "outsider_coordinator", "outsider_administrator"}
ADMIN_SITE = {"administrator", "outsider_administrator", "staff"}


@dataclass
class Case:
    """One request: how to build its arguments from the scene, and what each persona gets."""

    args: object  # a function of the scene giving the URL's arguments
    expect: dict
    method: str = "get"
    data: dict | Callable = field(default_factory=dict)  # or a function of the scene
    label: str = ""


def build_scene(network, other_network):
    """This network's objects, and another network's, for every rule to reach for."""
    colleague = factories.make_head(email="colleague@school.example")
    factories.make_membership(person=colleague, network=network)
    applicant = factories.make_head(email="applicant@school.example")
    factories.make_membership(person=applicant, network=network, status="pending")
    workhub = factories.make_workhub(network=network)
    other_workhub = factories.make_workhub(network=other_network, name="Finance")
    WorkhubMembership.objects.create(workhub=workhub, person=colleague, is_lead=True)
    Invitation.objects.create(network=network, email="invited@school.example")
    ContactMessage.objects.create(
        network=network, sender_name="Ann", sender_email="ann@school.example",
        subject="Hello", message="A question",
    )  # fmt: skip
    # School-based, so a claim to head the colleague's school, which holds a seat here,
    # is this network's administrators' to decide.
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()
    school = colleague.posts.get().school
    Membership.objects.filter(person=colleague, network=network).update(school=school)
    claimant = factories.make_user(email="claimant@school.example")
    # Site staff read contact messages to a network without coordinators.
    factories.make_user(email="reader@headnet.example", is_superuser=True)
    claim = factories.make_post(person=claimant, school=school, verified=False)
    # A second verified head of the school waits for its seat; the colleague's headship was
    # verified by its evidence alone, so this network's administrators may revoke it.
    seat_question = factories.make_post(
        person=factories.make_user(email="newcomer@school.example"), school=school
    )
    Post.objects.filter(pk=seat_question.pk).update(seat_question=Post.SeatQuestion.ASKED)
    Post.objects.filter(person=colleague).update(
        verified_how=Post.How.REGISTER_AND_DOMAIN, decided_at=timezone.now()
    )
    meeting = factories.make_meeting(network=network, capacity=10)
    other_meeting = factories.make_meeting(network=other_network, capacity=10)
    scheme = FeeScheme.objects.create(network=network, flat_amount_pence=45000,
                                      reference_prefix="THIS")  # fmt: skip
    invoice = FeeInvoice.objects.create(network=network, school=school, year=2026,
                                        year_kind="academic", amount_pence=45000,
                                        reference="THIS-2026-1")  # fmt: skip
    other_invoice = FeeInvoice.objects.create(
        network=other_network, school=factories.make_school(), year=2026, year_kind="academic",
        amount_pence=100, reference="OTHER-2026-1",
    )  # fmt: skip
    minutes = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    StoryInbox.objects.create(network=network)
    # A designation the colleague claims: this network's administrators decide it, as
    # their network covers the colleague's area; the other network covers another area.
    other_network.areas.set([factories.make_la(code="881", name="Essex")])
    designation = leader_services.claim_designation(
        person=colleague, kind="nle", evidence="On the DfE's list"
    )
    # Two listings in the leaders directory: one shown (a confirmed designation), one
    # not (its designation is only claimed). Neither is a persona's.
    listed = factories.make_head(email="listed.leader@school.example")
    Designation.objects.create(person=listed, kind="interim_head", evidence="Roster",
                               state=Designation.State.CONFIRMED)  # fmt: skip
    unconfirmed = factories.make_head(email="unconfirmed.leader@school.example")
    Designation.objects.create(person=unconfirmed, kind="interim_head", evidence="Roster")
    leaders = {
        "listing": leader_services.list_person(person=listed, availability="available"),
        "unconfirmed_listing": leader_services.list_person(
            person=unconfirmed, availability="available"
        ),
    }
    voice = {
        "article": factories.make_article(network=network, title="Open letter"),
        "members_article": factories.make_article(network=network, audience="members"),
        "draft_article": factories.make_article(network=network, title="Draft", state="draft"),
        "other_article": factories.make_article(network=other_network, title="Elsewhere"),
        "story": factories.make_story(network=network, token="story-token"),
        "other_story": factories.make_story(network=other_network, token="other-token"),
        "published_story": factories.make_story(network=network, state="published"),
        "designation": designation,
    }
    announcements = {
        "announcement": factories.make_sent_announcement(network=network),
        "draft_announcement": factories.make_announcement(
            network=network, subject="Not yet", state="draft"
        ),
        "scheduled_announcement": factories.make_announcement(
            network=network, subject="Later", state="scheduled"
        ),
        "other_announcement": factories.make_sent_announcement(network=other_network),
        # A time to schedule one for, as the form takes it (UK time).
        "announcement_time": SimpleNamespace(
            text=f"{timezone.localtime() + datetime.timedelta(days=2):%Y-%m-%dT%H:%M}"
        ),
    }
    return _disjoint(
        voice,
        leaders,
        announcements,
        {
            "network": network,
            "other_network": other_network,
            "claim": claim,
            "seat_question": seat_question,
            "meeting": meeting,
            "draft": factories.make_meeting(network=network, state=Meeting.State.DRAFT),
            "other_meeting": other_meeting,
            "paper": meeting_services.add_paper(meeting=meeting, by=None, upload=minutes),
            "feed": meeting_services.calendar_feed_for(colleague),
            "colleague": colleague,
            "colleague_post": colleague.posts.get(),
            "applicant_membership": Membership.objects.get(person=applicant),
            "colleague_membership": Membership.objects.get(person=colleague, network=network),
            "workhub": workhub,
            "other_workhub": other_workhub,
            "fee_scheme": scheme,
            "invoice": invoice,
            "other_invoice": other_invoice,
        },
        support_scene(network, other_network, colleague),
        attendance_scene(network, meeting),
        results_scene(network, other_network, colleague),
        records_scene(network, other_network, colleague),
        import_scene(network, other_network),
        polls_scene(network, other_network),
        discussions_scene(network, other_network, colleague, workhub),
        representatives_scene(network, other_network, colleague),
        participation_scene(network, other_network, colleague),
        discussion_email_scene(network, other_network, colleague),
    )


def _disjoint(*parts: dict) -> dict:
    """The scene's parts as one: a name two parts use would let the later hide the
    earlier, and a rule reach for the wrong object (whose id may match by chance)."""
    scene: dict = {}
    for part in parts:
        shared = scene.keys() & part.keys()
        assert not shared, f"two parts of the scene call something {sorted(shared)}"
        scene |= part
    return scene


def _no_args(scene):
    return []


def _network(scene):
    return [scene["network"].slug]


def _workhub(scene):
    return [scene["network"].slug, scene["workhub"].slug]


def _seated_school(scene):
    return [scene["invoice"].school.urn]


def _office_invoice(scene):
    return [scene["network"].slug, scene["invoice"].pk]


def _office_other_invoice(scene):
    return [scene["network"].slug, scene["other_invoice"].pk]


def _claim(scene):
    return [scene["claim"].pk]


def _seat_question(scene):
    return [scene["seat_question"].pk]


def _revocable(scene):
    return [scene["colleague_post"].pk]


def _meeting(scene):
    return [scene["meeting"].pk]


def _draft(scene):
    return [scene["draft"].pk]


def _paper(scene):
    return [scene["meeting"].pk, scene["paper"].pk]


def _crossed_paper(scene):
    """This network's paper under another network's meeting."""
    return [scene["other_meeting"].pk, scene["paper"].pk]


def _crossed_workhub(scene):
    """Another network's workhub under this network's address."""
    return [scene["network"].slug, scene["other_workhub"].slug]


def _article(key):
    return lambda scene: [scene["network"].slug, scene[key].slug]


def _story(key):
    return lambda scene: [scene["network"].slug, scene[key].pk]


def _announcement(key):
    return lambda scene: [scene["network"].slug, scene[key].pk]


def _crossed_announcement(scene):
    """Another network's announcement under this network's address."""
    return [scene["network"].slug, scene["other_announcement"].pk]


def _member(key):
    return lambda scene: [scene["network"].slug, scene[key].pk]


def _crossed_member(scene):
    """Another network's membership under this network's office."""
    other = Membership.objects.filter(network=scene["other_network"]).order_by("pk").first()
    return [scene["network"].slug, other.pk]


def _crossed_pk(scene):
    return _crossed_member(scene)[1]


def _action(button, pk_of, role=None):
    """The member list's form as sent by pressing `button` on a membership's row."""

    def data(scene):
        pk = pk_of(scene)
        return {button: pk} if role is None else {button: pk, f"role-{pk}": role}

    return data


def _representative(key):
    """A representative (or report) of the scene, under this network's address."""
    return lambda scene: [scene["network"].slug, scene[key].pk]


def _listing(key):
    return lambda scene: [scene[key].pk]


# The administrators here hold no post, so the leaders directory is not for them.
NO_POST_ADMINS = {"administrator": 403, "outsider_administrator": 403}


def _import(key):
    return lambda scene: [scene["network"].slug, scene[key].pk]


def _invitation(scene):
    return [scene["network"].slug, scene["open_invitation"].pk]


def _crossed_invitation(scene):
    """Another network's invitation under this network's address."""
    return [scene["network"].slug, scene["other_invitation"].pk]


# The office's import pages: administrators (and staff) see them; another network's
# batch under this network's address is not found, even by them.
OFFICE = _only(ADMINISTRATORS, 200, 403)
OFFICE_POST = _only(ADMINISTRATORS, REDIRECT, 403)
OFFICE_CROSSED = _only(ADMINISTRATORS, 404, 403)


def _token(token):
    return lambda scene: [scene["network"].slug, token]


ROUTES: dict[str, list[Case]] = {
    "home": [Case(_no_args, _everyone(200))],
    "healthz": [Case(_no_args, _everyone(200))],
    "me": [Case(_no_args, _signed_in(200))],
    "networks:directory": [Case(_no_args, _everyone(200))],
    "networks:detail": [Case(_network, _everyone(200))],
    "networks:contact": [
        Case(_network, _everyone(200)),
        Case(
            _network,
            _everyone(REDIRECT),
            "post",
            {
                "subject": "Hi",
                "message": "Hello",
                "name": "A visitor",
                "email": "visitor@example.org",
            },
            "send",
        ),
    ],  # fmt: skip
    "networks:members": [Case(_network, _only(MEMBERS, 200, 403))],
    "networks:requests": [
        Case(_network, _only(ADMINISTRATORS, 200, 403)),
        Case(
            _network,
            _only(ADMINISTRATORS, REDIRECT, 403),
            "post",
            {"decision": "approve", "membership": "{applicant_membership.pk}"},
            "decide",
        ),
    ],
    "networks:invite": [
        Case(
            _network,
            _only(ADMINISTRATORS, REDIRECT, 403),
            "post",
            {"email": "someone.new@school.example"},
        ),
        Case(_network, _everyone(405), "get"),
    ],  # fmt: skip
    # Only the invited address has an invitation to accept; no persona is invited here.
    "networks:accept": [
        Case(_network, _signed_in(404)),
        Case(
            _network, _signed_in(404), "post", {"role": "headteacher", "started_on": "2024-09-01"}
        ),
    ],
    "office:invitations": [Case(_network, OFFICE)],
    "office:invitation_revoke": [
        # Gone once the administrator (the first of them asked) has withdrawn it.
        Case(_invitation, {**OFFICE_POST, "staff": 404}, "post"),
        Case(_crossed_invitation, OFFICE_CROSSED, "post", label="crossed"),
        Case(_invitation, _everyone(405)),
    ],
    "office:import_new": [
        Case(_network, OFFICE),
        Case(_network, OFFICE_POST, "post", {"text": "Name,Email\nAnn,ann@school.example"}),
    ],
    "office:import_columns": [
        Case(_import("draft_import"), OFFICE),
        Case(
            _import("draft_import"), OFFICE_POST, "post", {"column_0": "name", "column_1": "email"}
        ),
        # Confirmed: the rows are settled, and the page sends them to the report.
        Case(_import("confirmed_import"), _only(ADMINISTRATORS, REDIRECT, 403), label="done"),
        Case(_import("other_import"), OFFICE_CROSSED, label="crossed"),
    ],
    "office:import_preview": [
        Case(_import("draft_import"), OFFICE),
        Case(_import("confirmed_import"), OFFICE, label="report"),
        Case(_import("draft_import"), OFFICE_POST, "post", {"school-2": "0"}),
        Case(_import("other_import"), OFFICE_CROSSED, label="crossed"),
    ],
    "office:import_confirm": [
        # The administrator confirms; staff, asked next, are told it is done already.
        Case(_import("draft_import"), OFFICE_POST, "post"),
        Case(_import("other_import"), OFFICE_CROSSED, "post", label="crossed"),
        Case(_import("draft_import"), _everyone(405)),
    ],
    "office:import_withdraw": [
        Case(_import("confirmed_import"), OFFICE_POST, "post"),
        Case(_import("other_import"), OFFICE_CROSSED, "post", label="crossed"),
        Case(_import("confirmed_import"), _everyone(405)),
    ],
    "networks:join": [
        Case(_network, _signed_in(REDIRECT), "post"),
        Case(_network, _signed_in(405, visitor=405), "get"),
    ],
    "networks:leave": [
        Case(_network, _signed_in(REDIRECT), "post"),
        Case(_network, _signed_in(405, visitor=405), "get"),
    ],
    "networks:workhubs": [Case(_network, _everyone(200))],
    "networks:workhub": [
        Case(_workhub, _everyone(200)),
        Case(_crossed_workhub, _everyone(404), label="crossed"),
    ],
    "networks:workhub_join": [
        # Workhubs are for the network's members: site staff are not members.
        Case(_workhub, _only(MEMBERS - {"staff"}, REDIRECT, 403), "post"),
        Case(_crossed_workhub, _signed_in(404), "post", label="crossed"),
    ],
    "networks:workhub_leave": [
        Case(_workhub, _signed_in(REDIRECT), "post"),
        Case(_crossed_workhub, _signed_in(404), "post", label="crossed"),
    ],
    # Help from Headnet's staff: anyone may write (the scene has a superuser to read it).
    "portal:contact": [
        Case(_no_args, _everyone(200)),
        Case(
            _no_args,
            _everyone(REDIRECT),
            "post",
            {
                "subject": "No email",
                "message": "It never came",
                "name": "Jo",
                "email": "jo@example.org",
            },
            "send",
        ),
    ],  # fmt: skip
    "portal:profile": [Case(_no_args, _signed_in(200))],
    "portal:post_add": [Case(_no_args, _signed_in(200))],
    "portal:post_end": [
        Case(lambda scene: [scene["colleague_post"].pk], _signed_in(404)),
        Case(
            lambda scene: [scene["colleague_post"].pk],
            _signed_in(404),
            "post",
            {"ended_on": "2020-01-01"},
        ),
    ],
    # Email choices: each person's own, for the networks they are in (a crafted field for
    # another network is ignored: tests/portal/test_email_preferences.py). A bound form
    # with no choices re-shows the page to a member, and is nothing to save for the rest.
    "portal:email_preferences": [
        Case(_no_args, _signed_in(200)),
        Case(
            _no_args,
            {**_only(MEMBERS | OUTSIDERS, 200, REDIRECT), "staff": REDIRECT},
            "post",
            {"anything": "1"},
        ),
    ],
    # Lifting the stop on bulk mail to one's own address: only ever one's own.
    "portal:email_resume": [
        Case(_no_args, _signed_in(REDIRECT), "post"),
        Case(_no_args, _everyone(405)),
    ],
    "portal:my_data": [Case(_no_args, _signed_in(200))],
    "portal:data_download": [Case(_no_args, _signed_in(REAUTH))],
    "portal:account_close": [
        Case(_no_args, _signed_in(REAUTH)),
        Case(_no_args, _signed_in(REAUTH), "post", {"confirm": "on"}),
    ],
    "portal:person": [
        Case(lambda scene: [scene["colleague"].pk], _only(MEMBERS, 200, 404)),
    ],
    # Claims of a post: the network's administrators (the school holds a seat) and staff.
    "networks:claims": [Case(_network, _only(ADMINISTRATORS, 200, 403))],
    "networks:history": [Case(_network, _only(ADMINISTRATORS, 200, 403))],
    # The network office: coordinators see its home (their stories); the rest, and every
    # action on a member, is its administrators'. A membership is fetched through the
    # network, so another network's is a 404 even to an administrator.
    "office:home": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(_network, _everyone(405), "post"),
    ],
    "office:members": [
        Case(_network, _only(ADMINISTRATORS, 200, 403)),
        Case(
            _network, _only(ADMINISTRATORS, 200, 403), data={"status": "pending"}, label="filtered"
        ),
    ],
    "office:members_export": [Case(_network, _only(ADMINISTRATORS, 200, 403))],
    # The member list's one form: each button names the action and the membership.
    "office:member_action": [
        Case(
            _network,
            _only(ADMINISTRATORS, REDIRECT, 403),
            "post",
            _action("approve", lambda scene: scene["applicant_membership"].pk),
            "approve",
        ),
        Case(
            _network,
            _only(ADMINISTRATORS, REDIRECT, 403),
            "post",
            _action(
                "change_role", lambda scene: scene["colleague_membership"].pk, role="coordinator"
            ),
            "change role",
        ),
        Case(
            _network,
            _only(ADMINISTRATORS, 404, 403),
            "post",
            _action("approve", _crossed_pk),
            "crossed approve",
        ),
        Case(
            _network,
            _only(ADMINISTRATORS, 404, 403),
            "post",
            _action("change_role", _crossed_pk, role="coordinator"),
            "crossed change role",
        ),
        Case(_network, _everyone(405)),
    ],  # fmt: skip
    "office:member_decline": [
        Case(_member("applicant_membership"), _only(ADMINISTRATORS, 200, 403)),
        Case(
            _member("applicant_membership"),
            _only(ADMINISTRATORS, REDIRECT, 403),
            "post",
            {"reason": "Not eligible"},
        ),
        Case(_crossed_member, _only(ADMINISTRATORS, 404, 403), "post", label="crossed"),
    ],  # fmt: skip
    "office:member_remove": [
        Case(_member("colleague_membership"), _only(ADMINISTRATORS, 200, 403)),
        Case(_member("colleague_membership"), _only(ADMINISTRATORS, REDIRECT, 403), "post"),
        Case(_crossed_member, _only(ADMINISTRATORS, 404, 403), "post", label="crossed"),
    ],
    "office:history": [Case(_network, _only(ADMINISTRATORS, 200, 403))],
    # An invoice: the network's administrators, staff and the school's head (colleague).
    "fees:invoice": [
        Case(lambda scene: [scene["invoice"].pk], _only(ADMINISTRATORS, 200, 404)),
        Case(
            lambda scene: [scene["other_invoice"].pk],
            _only({"outsider_administrator", "staff"}, 200, 404),
            label="other",
        ),
    ],
    "fees:invoice_pdf": [
        Case(lambda scene: [scene["invoice"].pk], _only(ADMINISTRATORS, 200, 404)),
        Case(
            lambda scene: [scene["other_invoice"].pk],
            _only({"outsider_administrator", "staff"}, 200, 404),
            label="other",
        ),
    ],
    # Who receives a school's invoices: its head, the administrators of a network it holds a
    # seat in (the scene's school, the colleague's, is seated here) and staff.
    "fees:finance_contact": [
        Case(_seated_school, _only(ADMINISTRATORS, 200, 404)),
        Case(
            _seated_school,
            _only(ADMINISTRATORS, REDIRECT, 404),
            "post",
            {"email": "bursar@school.example"},
        ),
        # Another network's invoiced school, with no seat there now: only staff.
        Case(
            lambda scene: [scene["other_invoice"].school.urn],
            _only({"staff"}, 200, 404),
            label="other",
        ),  # fmt: skip
    ],
    # The office's fees: the network's administrators and site staff; another network's
    # invoice under this network's address is no invoice (404), whoever asks.
    "office:fees": [Case(_network, _only(ADMINISTRATORS, 200, 403))],
    "office:fee_scheme": [
        Case(_network, _only(ADMINISTRATORS, 200, 403)),
        # Not a whole scheme: shown again with what is missing.
        Case(_network, _only(ADMINISTRATORS, 200, 403), "post", {"basis": "flat"}),
    ],
    "office:fee_invoices_raise": [
        Case(_network, _only(ADMINISTRATORS, REDIRECT, 403), "post"),
        Case(_network, _everyone(405)),
    ],
    "office:fee_reminders": [
        Case(_network, _only(ADMINISTRATORS, REDIRECT, 403), "post"),
        Case(_network, _everyone(405)),
    ],
    "office:bank_statement": [
        Case(_network, _only(ADMINISTRATORS, 200, 403)),
        # Confirming with no statement previewed: back to the upload, nothing done.
        Case(_network, _only(ADMINISTRATORS, REDIRECT, 403), "post", {"confirm": "yes"}),
    ],
    "office:fee_invoice": [
        Case(_office_invoice, _only(ADMINISTRATORS, 200, 403)),
        Case(_office_other_invoice, _only(ADMINISTRATORS, 404, 403), label="other"),
    ],
    "office:fee_invoice_pdf": [
        Case(_office_invoice, _only(ADMINISTRATORS, 200, 403)),
        Case(_office_other_invoice, _only(ADMINISTRATORS, 404, 403), label="other"),
    ],
    # The first administrator to post records the payment (or waives, or reissues); for the
    # next the invoice is no longer due, and the page says so: ANY.
    "office:fee_payment": [
        Case(
            _office_invoice,
            _only(ADMINISTRATORS, ANY, 403),
            "post",
            {
                "payment-paid_on": "2026-01-05",
                "payment-amount_pence": "450.00",
                "payment-reference": "BACS",
            },
        ),  # fmt: skip
        Case(_office_other_invoice, _only(ADMINISTRATORS, 404, 403), "post", label="other"),
        Case(_office_invoice, _everyone(405)),
    ],
    "office:fee_waive": [
        Case(
            _office_invoice, _only(ADMINISTRATORS, ANY, 403), "post", {"waive-reason": "Hardship"}
        ),  # fmt: skip
        Case(_office_other_invoice, _only(ADMINISTRATORS, 404, 403), "post", label="other"),
        Case(_office_invoice, _everyone(405)),
    ],
    "office:fee_reissue": [
        Case(
            _office_invoice,
            _only(ADMINISTRATORS, ANY, 403),
            "post",
            {"reissue-amount_pence": "400", "reissue-reason": "Fewer pupils"},
        ),  # fmt: skip
        Case(_office_other_invoice, _only(ADMINISTRATORS, 404, 403), "post", label="other"),
        Case(_office_invoice, _everyone(405)),
    ],
    "portal:claim": [
        Case(_claim, _only(ADMINISTRATORS, 200, 404)),
        Case(_seat_question, _only(ADMINISTRATORS, 200, 404), label="seats"),
        Case(_revocable, _only(ADMINISTRATORS, 200, 404), label="revocable"),
    ],
    "portal:claim_seats": [
        Case(_seat_question, _only(ADMINISTRATORS, ANY, 404), "post", {"decision": "keep"}),
        Case(_seat_question, _everyone(405)),
    ],
    "portal:claim_revoke": [
        Case(_revocable, _only(ADMINISTRATORS, ANY, 404), "post"),
        Case(_revocable, _everyone(405)),
    ],
    "portal:claim_confirm": [
        Case(_claim, _only(ADMINISTRATORS, ANY, 404), "post"),
        Case(_claim, _everyone(405)),
    ],
    "portal:claim_reject": [
        Case(_claim, _only(ADMINISTRATORS, ANY, 404), "post"),
        Case(_claim, _everyone(405)),
    ],
    # Meetings: members' meetings by default; drafts only for the network's coordinators.
    "meetings:list": [Case(_no_args, _everyone(200))],
    "meetings:detail": [
        Case(_meeting, _only(MEMBERS, 200, 403)),
        Case(_draft, {**_only(COORDINATORS, 200, 404), "visitor": 404}, label="draft"),
    ],
    "meetings:ics": [Case(_meeting, _only(MEMBERS, 200, 403))],
    "meetings:register": [
        Case(_meeting, _only(MEMBERS, REDIRECT, 403), "post"),
        Case(_meeting, _everyone(405)),
    ],
    "meetings:unregister": [
        Case(_meeting, _only(MEMBERS, REDIRECT, 403), "post"),
        Case(_meeting, _everyone(405)),
    ],
    "meetings:edit": [
        Case(_meeting, _only(COORDINATORS, 200, 403)),
        Case(_meeting, _only(COORDINATORS, ANY, 403), "post", {"title": "Changed"}),
    ],
    "meetings:publish": [
        Case(_draft, _only(COORDINATORS, REDIRECT, 403), "post"),
        Case(_draft, _everyone(405)),
    ],
    "meetings:cancel": [
        Case(_meeting, _only(COORDINATORS, 200, 403)),
        # The first coordinator cancels it; the others then see it already cancelled.
        Case(_meeting, _only(COORDINATORS, ANY, 403), "post", {"reason": "Snow"}),
    ],
    "meetings:discard": [
        Case(_draft, _only(COORDINATORS, 200, 403)),
        # A published meeting is cancelled, never discarded: the service refuses it.
        Case(_meeting, _only(COORDINATORS, REDIRECT, 403), "post", label="published"),
        # The network's first coordinator discards the draft; after that it is gone.
        Case(
            _draft,
            {
                **_only(COORDINATORS, 404, 403),
                "coordinator": REDIRECT,
                **dict.fromkeys(OUTSIDERS, 404),
            },
            "post",
            label="draft",
        ),
    ],
    "meetings:duplicate": [
        Case(_meeting, _only(COORDINATORS, REDIRECT, 403), "post"),
        Case(_meeting, _everyone(405)),
    ],
    "meetings:attendees": [Case(_meeting, _only(COORDINATORS, 200, 403))],
    "meetings:attendees_csv": [Case(_meeting, _only(COORDINATORS, 200, 403))],
    "meetings:paper_upload": [
        Case(_meeting, _only(COORDINATORS, 200, 403)),
        Case(_meeting, _only(COORDINATORS, ANY, 403), "post", {"kind": "minutes"}),
    ],
    # Replaced or removed by the network's coordinators only; the first coordinator
    # removes it, and after that it is gone.
    "meetings:paper_replace": [
        Case(_paper, _only(COORDINATORS, 200, 403)),
        Case(_paper, _only(COORDINATORS, ANY, 403), "post"),
        Case(
            _crossed_paper,
            _only({"outsider_coordinator", "outsider_administrator", "staff"}, 404, 403),
            label="crossed",
        ),
    ],
    "meetings:paper_remove": [
        Case(_paper, _only(COORDINATORS, 200, 403)),
        Case(_paper, _only(COORDINATORS, ANY, 403), "post"),
    ],
    "meetings:paper": [
        Case(_paper, _only(MEMBERS, 200, 403)),
        # Refused at the other network's meeting (403), or, for those who may see that
        # meeting, not found there (404): never this network's paper.
        Case(
            _crossed_paper,
            {**_only(OUTSIDERS | {"staff"}, 404, 403)},
            label="crossed",
        ),
    ],
    "meetings:network_schedule": [Case(_network, _everyone(200))],
    "meetings:network_feed": [Case(_network, _everyone(200))],
    "meetings:create": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(_network, _only(COORDINATORS, ANY, 403), "post", {"title": "New"}),
    ],
    "meetings:series_create": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(_network, _only(COORDINATORS, ANY, 403), "post", {"title": "New"}),
    ],
    "meetings:urgent_create": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(_network, _only(COORDINATORS, ANY, 403), "post", {"title": "New"}),
    ],
    # A workhub's leads may too (the scene's colleague: tests/meetings/test_workhubs.py).
    "meetings:workhub_create": [
        Case(_workhub, _only(COORDINATORS, 200, 403)),
        Case(_workhub, _only(COORDINATORS, ANY, 403), "post", {"title": "New"}),
    ],
    "meetings:my_schedule": [Case(_no_args, _signed_in(200))],
    "meetings:feed_reset": [
        Case(_no_args, _signed_in(REDIRECT), "post"),
        Case(_no_args, _everyone(405)),
    ],
    # The secret token is the key: anyone holding it reads that person's feed.
    "meetings:personal_feed": [
        Case(lambda scene: [scene["feed"].token], _everyone(200)),
        Case(lambda scene: ["a-guess"], _everyone(404), label="guessed"),
    ],
    # Articles: public ones for all, members' ones for members, drafts for their writers.
    "articles:list": [Case(_network, _everyone(200))],
    "articles:feed": [Case(_network, _everyone(200))],
    "articles:detail": [
        Case(_article("article"), _everyone(200)),
        Case(_article("members_article"), _only(MEMBERS, 200, 403), label="members"),
        Case(
            _article("draft_article"),
            {**_only(COORDINATORS, 200, 404), "visitor": 404},
            label="draft",
        ),
        Case(_article("other_article"), _everyone(404), label="crossed"),
    ],  # fmt: skip
    "articles:create": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(_network, _only(COORDINATORS, ANY, 403), "post", {"title": "New"}),
    ],
    "articles:edit": [
        Case(_article("article"), _only(COORDINATORS, 200, 403)),
        Case(_article("draft_article"), _only(COORDINATORS, 200, 404), label="draft"),
        Case(_article("article"), _only(COORDINATORS, ANY, 403), "post", {"title": "Changed"}),
        Case(_article("other_article"), _signed_in(404), label="crossed"),
    ],
    "articles:publish": [
        Case(_article("draft_article"), _only(COORDINATORS, REDIRECT, 403), "post"),
        Case(_article("draft_article"), _everyone(405)),
    ],
    "articles:unpublish": [
        Case(_article("article"), _only(COORDINATORS, REDIRECT, 403), "post"),
        Case(_article("article"), _everyone(405)),
    ],
    # Stories: published ones for all; nothing else is anyone's but the coordinators'
    # and the token holder's.
    "articles:stories": [Case(_network, _everyone(200))],
    "articles:story": [
        Case(_story("published_story"), _everyone(200)),
        Case(_story("story"), _everyone(404), label="unpublished"),
        Case(_story("other_story"), _everyone(404), label="crossed"),
    ],
    "articles:story_new": [
        Case(_network, _signed_in(200)),
        Case(
            _network,
            _signed_in(REDIRECT),
            "post",
            {"title": "My year", "body": "It was hard.", "shown_as": "anonymous"},
        ),
    ],  # fmt: skip
    # Shows a story's private link once, from the cookie the form set: nobody else's.
    "articles:story_sent": [Case(_network, _everyone(200))],
    "articles:story_private": [
        Case(_token("story-token"), _everyone(200)),
        Case(_token("other-token"), _everyone(404), label="crossed"),
        Case(_token("a-guess"), _everyone(404), label="guessed"),
    ],
    "articles:story_withdraw": [
        Case(_token("a-guess"), _everyone(404), "post", label="guessed"),
        Case(_token("other-token"), _everyone(404), "post", label="crossed"),
        Case(_token("story-token"), _everyone(405)),
        # The first to hold the token withdraws it; it is gone for the rest.
        Case(_token("story-token"), _everyone(ANY), "post"),
    ],
    "articles:moderation": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(_network, _only(COORDINATORS, REDIRECT, 403), "post", {"is_open": "on"}),
    ],
    "articles:story_moderate": [
        Case(_story("story"), _only(COORDINATORS, 200, 403)),
        Case(_story("story"), _only(COORDINATORS, ANY, 403), "post", {"decision": "reject"}),
        Case(_story("other_story"), _only(COORDINATORS, 404, 403), label="crossed"),
    ],
    # The leaders directory: heads with a confirmed post (the administrators here have none).
    "leaders:directory": [
        Case(_no_args, {**_signed_in(200), "administrator": 403, "outsider_administrator": 403})
    ],
    # Writing to a listed leader: the directory's readers, to a listing it shows.
    "leaders:contact": [
        Case(_listing("listing"), {**_signed_in(200), **NO_POST_ADMINS}),
        Case(
            _listing("listing"),
            {**_signed_in(REDIRECT), **NO_POST_ADMINS},
            "post",
            {"subject": "Interim headship", "message": "Could we talk?"},
            "send",
        ),
        Case(
            _listing("unconfirmed_listing"), {**_signed_in(404), **NO_POST_ADMINS}, label="unlisted"
        ),
        Case(
            _listing("unconfirmed_listing"),
            {**_signed_in(404), **NO_POST_ADMINS},
            "post",
            {"subject": "Interim headship", "message": "Could we talk?"},
            "unlisted-send",
        ),
    ],
    "leaders:mine": [Case(_no_args, _signed_in(200))],
    "leaders:designation_add": [
        Case(_no_args, _signed_in(REDIRECT), "post", {"kind": "mentor", "evidence": "Letter"}),
        Case(_no_args, _everyone(405)),
    ],
    "leaders:listing_save": [
        Case(_no_args, _signed_in(REDIRECT), "post", {"availability": "available"}),
        Case(_no_args, _everyone(405)),
    ],
    "leaders:listing_withdraw": [
        Case(_no_args, _signed_in(REDIRECT), "post"),
        Case(_no_args, _everyone(405)),
    ],
    "leaders:confirmations": [Case(_no_args, _signed_in(200))],
    "leaders:confirmation": [
        Case(lambda scene: [scene["designation"].pk], _only(ADMINISTRATORS, 200, 404)),
        # The first administrator confirms it; it is no longer a claim for the next.
        Case(
            lambda scene: [scene["designation"].pk],
            _only(ADMINISTRATORS, ANY, 404),
            "post",
            {"decision": "confirm"},
        ),
    ],
    # The admin site's own pages (its per-model pages have a test of their own below).
    "admin:index": [Case(_no_args, _only(ADMIN_SITE, 200, LOGIN))],
    "admin:app_list": [Case(lambda scene: ["networks"], _only(ADMIN_SITE, 200, LOGIN))],
    # The admin's sign-in goes through allauth's (with its limits): same path, two names.
    "admin_login": [Case(_no_args, _only(ADMIN_SITE, REDIRECT, 403))],
    "admin:login": [Case(_no_args, _only(ADMIN_SITE, REDIRECT, 403))],
    "admin:logout": [Case(_no_args, _everyone(ANY))],
    "admin:jsi18n": [Case(_no_args, _only(ADMIN_SITE, 200, LOGIN))],
    # Exports: each administrator gets their own networks' rows (tests/admin/test_exports.py).
    "admin:networks_membership_export": [Case(_no_args, _only(ADMIN_SITE, 200, LOGIN))],
    "admin:fees_feeinvoice_export": [Case(_no_args, _only(ADMIN_SITE, 200, LOGIN))],
    "admin:autocomplete": [Case(_no_args, _only(ADMIN_SITE, ANY, LOGIN))],
    "admin:password_change": [Case(_no_args, _only(ADMIN_SITE, 200, LOGIN))],
    "admin:password_change_done": [Case(_no_args, _only(ADMIN_SITE, 200, LOGIN))],
    "admin:auth_user_password_change": [
        Case(
            lambda scene: [scene["colleague"].pk],
            {**_only({"staff"}, 200, LOGIN), "administrator": 403, "outsider_administrator": 403},
        ),
        Case(
            lambda scene: [scene["colleague"].pk],
            {**_only({"staff"}, ANY, LOGIN), "administrator": 403, "outsider_administrator": 403},
            "post",
            {"password1": "a-new-long-password-1", "password2": "a-new-long-password-1"},
        ),
    ],
    "admin:view_on_site": [
        Case(
            lambda scene: [
                ContentType.objects.get_for_model(get_user_model()).pk,
                scene["colleague"].pk,
            ],
            _only(ADMIN_SITE, REDIRECT, LOGIN),
        )
    ],
}


# The unsubscribe link of an announcement's email: its signed token is the only key, so
# whoever holds it (signed in or not) may use it; a token altered or guessed is a 404 and
# changes nothing.
def _unsubscribe(scene):
    return [unsubscribe_token(scene["colleague"], scene["network"])]


def _crossed_unsubscribe(scene):
    """The colleague's token with the other network's id put in, its signature kept."""
    signature = _unsubscribe(scene)[0].rsplit(":", 1)[1]
    ids = [scene["colleague"].pk, scene["other_network"].pk]
    return [f"{signing.b64_encode(signing.JSONSerializer().dumps(ids)).decode()}:{signature}"]


ROUTES |= {
    "email:unsubscribe": [
        Case(_unsubscribe, _everyone(200)),
        Case(_crossed_unsubscribe, _everyone(404), label="crossed"),
        Case(_crossed_unsubscribe, _everyone(404), "post", label="crossed"),
        Case(lambda scene: ["a-guess"], _everyone(404), "post", label="guessed"),
        Case(_unsubscribe, _everyone(200), "post"),
    ],
}


# Coaching: the requester and the network's coaches only; no persona is either, so every
# request is a 404 to all (site staff included). Another network's under this address: 404.
def _support_request(scene):
    return [scene["network"].slug, scene["support_request"].pk]


def _crossed_support_request(scene):
    return [scene["network"].slug, scene["other_support_request"].pk]


ROUTES |= {
    "support:ask": [
        Case(_network, _signed_in(200)),
        Case(_network, _signed_in(REDIRECT), "post", {"help": "talk", "contact_by": "email"}),
    ],
    "support:coach": [Case(_network, _signed_in(404))],
    # The link in coaching emails: the requester's and the pool's only (they are sent on).
    "support:link": [Case(lambda scene: [scene["support_request"].pk], _signed_in(404))],
    "support:request": [
        Case(_support_request, _signed_in(404)),
        Case(_crossed_support_request, _signed_in(404), label="crossed"),
    ],
    **{
        f"support:{action}": [
            Case(_support_request, _signed_in(404), "post", {"text": "A note"}),
            Case(_crossed_support_request, _signed_in(404), "post", label="crossed"),
            Case(_support_request, _everyone(405)),
        ]
        for action in ["take", "note", "close", "withdraw"]
    },
}


# Mentoring: a pairing is its two people's and its scheme's brokers'; no persona is any
# of them. Site staff open one only through the audited action. The personas who head a
# school may offer to mentor (they are not new heads, so none may ask for a mentor).
def _scheme(scene):
    return [scene["scheme"].slug]


def _pairing(scene):
    return [scene["pairing"].pk]


def _scheme_mentee(scene):
    """A head with no request in the scheme: the personas may not propose them a mentor."""
    return [scene["scheme"].slug, scene["pairing"].mentee.pk]


HEADS = {"head", "member", "coordinator", "outsider_member", "outsider_coordinator"}
ROUTES |= {
    "support:mentoring": [Case(_no_args, _signed_in(200))],
    "support:mentor_ask": [
        Case(_scheme, _signed_in(200)),
        Case(_scheme, _signed_in(200), "post", {"note": "Please"}, "refused"),
    ],
    "support:mentor_offer": [
        Case(_scheme, _signed_in(200)),
        Case(
            _scheme,
            {**_only(HEADS, REDIRECT, 200), "staff": 200},
            "post",
            {"sectors": ["primary"], "capacity": "1"},
        ),
    ],
    "support:broker": [Case(_scheme, _signed_in(404))],
    "support:propose": [
        Case(
            lambda scene: [scene["scheme"].slug, scene["mentor_request"].pk],
            _signed_in(404),
            "post",
            {"offer": "{mentor_offer.pk}"},
        ),
        Case(
            lambda scene: [scene["scheme"].slug, scene["other_mentor_request"].pk],
            _signed_in(404),
            "post",
            {"offer": "{mentor_offer.pk}"},
            "crossed",
        ),
        Case(lambda scene: [scene["scheme"].slug, scene["mentor_request"].pk], _everyone(405)),
    ],
    "support:pairing": [Case(_pairing, _signed_in(404))],
    "support:pairing_accept": [
        Case(_pairing, _signed_in(404), "post"),
        Case(_pairing, _everyone(405)),
    ],
    "support:pairing_end": [
        Case(_pairing, _signed_in(404), "post"),
        Case(_pairing, _everyone(405)),
    ],
    # The scheme's new heads who have not asked, and proposing a mentor to one: its
    # brokers' only (404 to network administrators and staff too).
    "support:new_heads": [Case(_scheme, _signed_in(404))],
    "support:new_head": [
        Case(_scheme_mentee, _signed_in(404)),
        Case(_scheme_mentee, _signed_in(404), "post", {"offer": "{mentor_offer.pk}"}),
    ],
    # Withdrawing a request: the requester's only.
    "support:mentor_request_withdraw": [
        Case(lambda scene: [scene["mentor_request"].pk], _signed_in(404), "post"),
        Case(lambda scene: [scene["mentor_request"].pk], _everyone(405)),
    ],
    # Answering a check-in: the pairing's two people only.
    "support:check_in": [
        Case(lambda scene: [scene["pairing"].pk, 3], _signed_in(404)),
        Case(
            lambda scene: [scene["pairing"].pk, 3],
            _signed_in(404),
            "post",
            {"answer": "get_in_touch"},
        ),
    ],
    "support:audit": [Case(_no_args, _only({"staff"}, 200, 404))],
    # Announcements: members read the sent ones; coordinators write, send and see drafts,
    # which are a 404 to everyone else (docs/permissions.md).
    "announcements:archive": [Case(_network, _only(MEMBERS, 200, 403))],
    "announcements:create": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(
            _network,
            _only(COORDINATORS, REDIRECT, 403),
            "post",
            {"audience": "network", "subject": "Hello", "body": "All well", "then": "save"},
        ),
    ],
    "announcements:detail": [
        Case(_announcement("announcement"), _only(MEMBERS, 200, 403)),
        Case(_announcement("draft_announcement"), _only(COORDINATORS, 200, 404), label="draft"),
        Case(
            _announcement("scheduled_announcement"),
            _only(COORDINATORS, 200, 404),
            label="scheduled",
        ),
        Case(_crossed_announcement, _signed_in(404), label="crossed"),
    ],
    "announcements:edit": [
        Case(_announcement("draft_announcement"), _only(COORDINATORS, 200, 404)),
        Case(
            _announcement("draft_announcement"),
            _only(COORDINATORS, REDIRECT, 404),
            "post",
            {"audience": "network", "subject": "Changed", "body": "All well", "then": "save"},
        ),
        # A sent one is on record: its writers are sent back to it, members refused.
        Case(
            _announcement("announcement"),
            {**_only(COORDINATORS, REDIRECT, 403), "member": 403},
            label="sent",
        ),
        Case(_crossed_announcement, _signed_in(404), label="crossed"),
    ],
    "announcements:send": [
        # Scheduled, not sent: it stays a draft's secret, a 404 to the personas after.
        Case(
            _announcement("draft_announcement"),
            _only(COORDINATORS, REDIRECT, 404),
            "post",
            {"when": "later", "send_at": "{announcement_time.text}"},
        ),
        Case(
            _announcement("announcement"),
            _only(COORDINATORS, REDIRECT, 403),
            "post",
            {"when": "now"},
            "sent",
        ),  # fmt: skip
        Case(_crossed_announcement, _signed_in(404), "post", {"when": "now"}, "crossed"),
        Case(_announcement("draft_announcement"), _everyone(405)),
    ],
    "announcements:cancel": [
        Case(_announcement("scheduled_announcement"), _only(COORDINATORS, REDIRECT, 404), "post"),
        Case(_crossed_announcement, _signed_in(404), "post", label="crossed"),
        Case(_announcement("scheduled_announcement"), _everyone(405)),
    ],
    "announcements:discard": [
        # Gone once the coordinator (the first of them asked) has discarded it.
        Case(
            _announcement("draft_announcement"),
            {**_only(COORDINATORS, REDIRECT, 404), "administrator": 404, "staff": 404},
            "post",
        ),
        Case(_crossed_announcement, _signed_in(404), "post", label="crossed"),
        Case(_announcement("draft_announcement"), _everyone(405)),
    ],
    "support:pairing_audit": [Case(_pairing, _only({"staff"}, 200, 404))],
    # Attendance: recording who came (the register, its code, self check-in, and joining
    # the call through Headnet). The scene's meetings are next week: the register is not
    # open yet and the code is not valid, so a permitted POST is refused in words.
    "attendance:register": [Case(_meeting, _only(COORDINATORS, 200, 403))],
    "attendance:mark": [
        Case(
            _meeting,
            _only(COORDINATORS, REDIRECT, 403),
            "post",
            {"person": "{colleague.pk}", "came": "1"},
        ),
        Case(_meeting, _everyone(405)),
    ],
    "attendance:walk_in": [
        Case(_meeting, _only(COORDINATORS, REDIRECT, 403), "post", {"person": "{colleague.pk}"}),
        Case(_meeting, _everyone(405)),
    ],
    "attendance:code": [Case(_meeting, _only(COORDINATORS, 200, 403))],
    "attendance:check_in": [
        Case(_no_args, _signed_in(200)),
        Case(_no_args, _signed_in(200), "post", {"code": "{meeting_code.code}"}, "not on now"),
    ],
    "meetings:join": [
        Case(lambda scene: [scene["online_meeting"].pk], _only(MEMBERS, REDIRECT, 403)),
        # An in-person meeting has no call: not found, to those who may see the meeting.
        Case(_meeting, _only(MEMBERS, 404, 403), label="in person"),
    ],
}


# Polls (voice: starting them and voting). Members see open and closed polls; coordinators
# start, edit and open them; a draft is a 404 to everyone else. In a poll of every member
# each active member votes (site staff see but never vote); in the scene's secret poll of
# one vote per school only the colleague holds a seat, so every persona is refused.
def _poll(name):
    return lambda scene: [scene["network"].slug, scene[name].pk]


def _crossed_poll(scene):
    return [scene["network"].slug, scene["other_poll"].pk]


def _poll_kind(kind):
    return lambda scene: [scene["network"].slug, kind]


POLL_FORM = {
    "title": "Which day suits?", "voters": "members", "results_shown": "after_closing",
    "closes_at": "{announcement_time.text}", "option_1": "Monday", "option_2": "Friday",
}  # fmt: skip
VOTERS = {"member", "coordinator", "administrator"}

ROUTES |= {
    "voice:poll_list": [Case(_network, _only(MEMBERS, 200, 403))],
    "voice:poll_new": [Case(_network, _only(COORDINATORS, 200, 403))],
    "voice:poll_create": [
        Case(_poll_kind("single"), _only(COORDINATORS, 200, 403)),
        Case(_poll_kind("meeting_time"), _only(COORDINATORS, 200, 403), label="meeting_time"),
        Case(_poll_kind("single"), _only(COORDINATORS, REDIRECT, 403), "post", POLL_FORM),
        Case(_poll_kind("nonsense"), _only(COORDINATORS, 404, 403), label="unknown"),
    ],
    "voice:poll_detail": [
        Case(_poll("members_poll"), _only(MEMBERS, 200, 403)),
        Case(_poll("school_poll"), _only(MEMBERS, 200, 403), label="schools"),
        Case(_poll("closed_poll"), _only(MEMBERS, 200, 403), label="closed"),
        Case(_poll("draft_poll"), _only(COORDINATORS, 200, 404), label="draft"),
        Case(_crossed_poll, _signed_in(404), label="crossed"),
    ],
    "voice:poll_edit": [
        Case(_poll("draft_poll"), _only(COORDINATORS, 200, 404)),
        Case(_poll("draft_poll"), _only(COORDINATORS, REDIRECT, 404), "post", POLL_FORM),
        # An open poll is fixed: its starters are sent back to it.
        Case(_poll("members_poll"), _only(COORDINATORS, REDIRECT, 403), label="open"),
        Case(_crossed_poll, _signed_in(404), label="crossed"),
    ],
    "voice:poll_open": [
        # Open once the coordinator (the first of them asked) has opened it: from then on
        # members see it (403: not theirs to open), and so do outsiders' refusals.
        Case(
            _poll("draft_poll"),
            {**_only(COORDINATORS, REDIRECT, 404), **dict.fromkeys(OUTSIDERS, 403)},
            "post",
        ),
        Case(_crossed_poll, _signed_in(404), "post", label="crossed"),
        Case(_poll("draft_poll"), _everyone(405)),
    ],
    "voice:vote": [
        Case(
            _poll("members_poll"),
            _only(VOTERS, REDIRECT, 403),
            "post",
            {"chosen": "{members_poll_option.pk}"},
        ),
        Case(_poll("school_poll"), _signed_in(403), "post", {"position": "agree"}, "schools"),
        Case(_poll("closed_poll"), _signed_in(403), "post", label="closed"),
        Case(_poll("draft_poll"), _only(COORDINATORS, 403, 404), "post", label="draft"),
        Case(_crossed_poll, _signed_in(404), "post", label="crossed"),
        Case(_poll("members_poll"), _everyone(405)),
    ],
}


# A poll's results, closing, outcome and meeting, and "What we decided" (voice-results):
# results are refused to everyone until the poll's rule allows (docs/permissions.md,
# "Polls: results, outcomes and decisions"); no persona has voted in the scene's polls.


def _results_crossed_poll(scene):
    """Another network's poll, asked for through this network's address."""
    return [scene["network"].slug, scene["results_other_poll"].pk]


OUTCOME = {"statement": "We agreed.", "review_on": "{review_date.text}"}

ROUTES |= {
    "voice:poll_results": [
        Case(_poll("results_open_poll"), _signed_in(403), label="open"),
        Case(_poll("results_voted_poll"), _signed_in(403), label="after-voting"),
        Case(_poll("results_closed_poll"), _only(MEMBERS, 200, 403), label="closed"),
        Case(_poll("results_draft_poll"), _signed_in(404), label="draft"),
        Case(_results_crossed_poll, _signed_in(404), label="crossed"),
    ],
    # Closed by the first coordinator asked; after that a member is told it has closed.
    "voice:poll_close": [
        Case(
            _poll("results_open_poll"),
            {**_only(COORDINATORS, REDIRECT, 403), "staff": REDIRECT},
            "post",
        ),
        Case(_results_crossed_poll, _signed_in(404), "post", label="crossed"),
        Case(_poll("results_open_poll"), _everyone(405)),
    ],
    "voice:poll_outcome": [
        Case(_poll("results_closed_poll"), _only(COORDINATORS, 200, 403)),
        Case(_poll("results_open_poll"), _signed_in(403), label="open"),
        Case(_poll("results_closed_poll"), _only(COORDINATORS, REDIRECT, 403), "post", OUTCOME),
        Case(_results_crossed_poll, _signed_in(404), "post", OUTCOME, "crossed"),
    ],
    # The first coordinator makes the draft meeting; the others are sent to it.
    "voice:poll_meeting": [
        Case(_poll("results_slots_poll"), _only(COORDINATORS, REDIRECT, 403), "post"),
        Case(
            _poll("results_closed_poll"), _only(COORDINATORS, 404, 403), "post", label="not-slots"
        ),
        Case(_results_crossed_poll, _signed_in(404), "post", label="crossed"),
        Case(_poll("results_slots_poll"), _everyone(405)),
    ],
    "voice:decisions": [Case(_network, _only(MEMBERS, 200, 403))],
    # Voice: the network's representatives (public) and their reports back (members);
    # coordinators add representatives and end terms; a report is posted by the
    # representative (the colleague, none of the personas) or a coordinator. Another
    # network's representative or report under this network's address is not found.
    "voice:representative_list": [Case(_network, _everyone(200))],
    "voice:representative_add": [
        Case(_network, _only(COORDINATORS, 200, 403)),
        Case(
            _network,
            _only(COORDINATORS, REDIRECT, 403),
            "post",
            {"name": "Sam Outside", "board": "Schools Forum", "term_starts_on": "2026-09-01"},
        ),
    ],
    "voice:representative_end": [
        Case(_representative("representative"), _only(COORDINATORS, 200, 403)),
        # The first coordinator ends it; the others are told it has ended.
        Case(
            _representative("representative"),
            _only(COORDINATORS, REDIRECT, 403),
            "post",
            {"ends_on": "{today.text}"},
        ),
        Case(
            _representative("past_representative"), _only(COORDINATORS, REDIRECT, 403), label="past"
        ),
        Case(
            _representative("other_representative"), _only(COORDINATORS, 404, 403), label="crossed"
        ),
    ],
    "voice:report_add": [
        Case(_representative("representative"), _only(COORDINATORS, 200, 403)),
        Case(
            _representative("representative"),
            _only(COORDINATORS, REDIRECT, 403),
            "post",
            {"title": "Forum news", "body": "The forum met."},
        ),
        Case(_representative("other_representative"), _signed_in(404), label="crossed"),
    ],
    "voice:report_list": [Case(_network, _only(MEMBERS, 200, 403))],
    "voice:report_detail": [
        Case(_representative("report"), _only(MEMBERS, 200, 403)),
        Case(_representative("other_report"), _only(MEMBERS, 404, 403), label="crossed"),
    ],
}


# Attendance records (corrections, certificates, the CPD record): asking needs a meeting
# that has started and could be theirs (members of its network; site staff are members
# everywhere); deciding is the network's coordinators'. A certificate is the attendee's
# only (the scene's colleague, none of the personas): a 404 to everyone else, staff too.
def _past_meeting(scene):
    return [scene["past_meeting"].pk]


def _correction(key):
    return lambda scene: [scene["network"].slug, scene[key].pk]


ROUTES |= {
    "attendance:correction_ask": [
        Case(_past_meeting, _only(MEMBERS, 200, 403)),
        Case(_past_meeting, _only(MEMBERS, REDIRECT, 403), "post", {"note": "At the back"}),
    ],
    "attendance:corrections": [Case(_network, _only(COORDINATORS, 200, 403))],
    **{
        f"attendance:correction_{action}": [
            Case(_correction("correction"), _only(COORDINATORS, REDIRECT, 403), "post", data),
            Case(
                _correction("other_correction"),
                _only(COORDINATORS, 404, 403),
                "post",
                data,
                "crossed",
            ),
            Case(_correction("correction"), _signed_in(405)),
        ]
        for action, data in [("confirm", {}), ("decline", {"reason": "Not on the sheet"})]
    },
    "attendance:certificate": [
        Case(_past_meeting, _signed_in(404)),
        Case(_meeting, _signed_in(404), label="not over"),
    ],
    "attendance:cpd": [Case(_no_args, _signed_in(200))],
    "attendance:cpd_csv": [Case(_no_args, _signed_in(200))],
    "attendance:cpd_pdf": [Case(_no_args, _signed_in(200))],
}

# Participation per school (attendance): the network's coordinators and administrators,
# and site staff; its members and everyone else's coordinators are refused.
ROUTES |= {
    "attendance:participation": [Case(_network, _only(COORDINATORS, 200, 403))],
    "attendance:participation_csv": [Case(_network, _only(COORDINATORS, 200, 403))],
}


# The emails of the discussions. A thread's follow / mute form (POST only): the people its
# emails may reach, the network's active members (site staff who are not members get no
# discussion emails, so none to choose); another network's thread under this address is
# a 404. The unsubscribe link: its signed token is the only key, as the announcements'.
def _email_thread(key):
    return lambda scene: [scene["network"].slug, scene[key].pk]


def _discussion_unsubscribe(scene):
    return [discussion_tokens.unsubscribe_token(scene["colleague"].pk, scene["network"].pk)]


def _crossed_discussion_unsubscribe(scene):
    """The colleague's token with the other network's id put in, its signature kept."""
    signature = _discussion_unsubscribe(scene)[0].rsplit(":", 1)[1]
    ids = [scene["colleague"].pk, scene["other_network"].pk]
    return [f"{signing.b64_encode(signing.JSONSerializer().dumps(ids)).decode()}:{signature}"]


ROUTES |= {
    "discussions_thread_email:choice": [
        Case(
            _email_thread("email_thread"),
            _only({"member", "coordinator", "administrator"}, REDIRECT, 403),
            "post",
            {"choice": "mute"},
        ),
        Case(
            _email_thread("other_email_thread"),
            _signed_in(404),
            "post",
            {"choice": "mute"},
            "crossed",
        ),
        Case(_email_thread("email_thread"), _everyone(405)),
    ],
    "discussions_email:unsubscribe": [
        Case(_discussion_unsubscribe, _everyone(200)),
        Case(_crossed_discussion_unsubscribe, _everyone(404), "post", label="crossed"),
        Case(lambda scene: ["a-guess"], _everyone(404), "post", label="guessed"),
        Case(_discussion_unsubscribe, _everyone(200), "post"),
    ],
}


# Signing in with a school's account (allauth's social accounts). The matrix runs with no
# provider configured, as Headnet starts: each provider's start and callback are then a
# 404 to everyone, by GET or POST (tests/signin/ runs them configured, against faked
# providers). The connections page is the signed-in person's own; the error pages say
# nothing about anyone.
def _dfe(scene):
    return ["dfe"]


ROUTES |= {
    **{
        name: [Case(args, _everyone(404)), Case(args, _everyone(404), "post")]
        for name, args in [
            ("microsoft_login", _no_args),
            ("microsoft_callback", _no_args),
            ("google_login", _no_args),
            ("google_callback", _no_args),
            ("openid_connect_login", _dfe),
            ("openid_connect_callback", _dfe),
        ]
    },
    "socialaccount_connections": [
        Case(_no_args, _signed_in(200)),
        # Someone else's account id (or none) is no choice of theirs: the form refuses it.
        Case(_no_args, _signed_in(200), "post", {"account": "1"}),
    ],
    # Without a sign-in with a provider under way there is nothing to finish: back to
    # the sign-in page.
    "socialaccount_signup": [Case(_no_args, _everyone(LOGIN))],
    "socialaccount_login_cancelled": [Case(_no_args, _everyone(200))],
    # "Signing in did not work", with its status.
    "socialaccount_login_error": [Case(_no_args, _everyone(401))],
}


# Discussions: a network's threads are its members' (coordinators, administrators and site
# staff moderate); a workhub's are its people's (the colleague) and the coordinators'; a
# locked thread takes posts only from moderators. No persona wrote a post in the scene, so
# editing and removing are refused to all of them (their allowed side is in
# tests/discussions/test_views.py). Another network's thread or report is a 404.
def _thread(name):
    return lambda scene: [scene["network"].slug, scene[name].pk]


def _crossed_thread(scene):
    return [scene["network"].slug, scene["other_thread"].pk]


def _post(name, number):
    return lambda scene: [scene["network"].slug, scene[name].pk, number]


def _discussion_report(name):
    return lambda scene: [scene["network"].slug, scene[name].pk]


THREAD_FORM = {"title": "Cover for training days", "body": "How do you manage?"}
REPLY = {"body": "We share a supply pool."}

ROUTES |= {
    "discussions:thread_list": [Case(_network, _only(MEMBERS, 200, 403))],
    "discussions:thread_new": [
        Case(_network, _only(MEMBERS, 200, 403)),
        Case(_network, _only(MEMBERS, REDIRECT, 403), "post", THREAD_FORM),
        Case(_network, _only(MEMBERS, 200, 403), "post", label="empty"),
    ],
    "discussions:workhub_threads": [
        Case(_workhub, _only(COORDINATORS, 200, 403)),
        Case(_crossed_workhub, _signed_in(404), label="crossed"),
    ],
    "discussions:workhub_thread_new": [
        Case(_workhub, _only(COORDINATORS, 200, 403)),
        Case(_workhub, _only(COORDINATORS, REDIRECT, 403), "post", THREAD_FORM),
    ],
    "discussions:thread": [
        Case(_thread("thread"), _only(MEMBERS, 200, 403)),
        Case(_thread("locked_thread"), _only(MEMBERS, 200, 403), label="locked"),
        Case(_thread("workhub_thread"), _only(COORDINATORS, 200, 403), label="workhub"),
        Case(_crossed_thread, _signed_in(404), label="crossed"),
    ],
    "discussions:reply": [
        Case(_thread("thread"), _only(MEMBERS, REDIRECT, 403), "post", REPLY),
        Case(_thread("locked_thread"), _only(COORDINATORS, REDIRECT, 403), "post", REPLY, "locked"),
        Case(
            _thread("workhub_thread"), _only(COORDINATORS, REDIRECT, 403), "post", REPLY, "workhub"
        ),
        Case(_crossed_thread, _signed_in(404), "post", REPLY, label="crossed"),
        Case(_thread("thread"), _everyone(405)),
    ],
    **{
        name: [
            Case(_thread(thread), _only(COORDINATORS, REDIRECT, 403), "post"),
            Case(_crossed_thread, _signed_in(404), "post", label="crossed"),
            Case(_thread(thread), _everyone(405)),
        ]
        for name, thread in [
            ("discussions:lock", "thread"),
            ("discussions:unlock", "locked_thread"),
        ]
    },
    "discussions:post_edit": [
        Case(_post("thread", 2), _only(MEMBERS, 403, 403)),
        Case(_post("thread", 2), _only(MEMBERS, 403, 403), "post", REPLY),
        Case(_post("thread", 9), _only(MEMBERS, 404, 403), label="missing"),
        Case(_post("other_thread", 1), _signed_in(404), label="crossed"),
    ],
    "discussions:post_delete": [
        Case(_post("thread", 2), _only(MEMBERS, 403, 403)),
        Case(_post("thread", 2), _only(MEMBERS, 403, 403), "post"),
        Case(_post("other_thread", 1), _signed_in(404), label="crossed"),
    ],
    "discussions:post_report": [
        Case(_post("thread", 2), _only(MEMBERS, 200, 403)),
        Case(_post("thread", 2), _only(MEMBERS, REDIRECT, 403), "post", {"reason": "Unkind"}),
        Case(_post("workhub_thread", 1), _only(COORDINATORS, 200, 403), label="workhub"),
        Case(_post("other_thread", 1), _signed_in(404), label="crossed"),
    ],
    "discussions:post_hide": [
        Case(_post("thread", 2), _only(COORDINATORS, 200, 403)),
        Case(_post("thread", 2), _only(COORDINATORS, REDIRECT, 403), "post", {"reason": "Rude"}),
        Case(_post("other_thread", 1), _signed_in(404), label="crossed"),
    ],
    "discussions:post_unhide": [
        Case(_post("thread", 2), _only(COORDINATORS, REDIRECT, 403), "post"),
        Case(_post("other_thread", 1), _signed_in(404), "post", label="crossed"),
        Case(_post("thread", 2), _everyone(405)),
    ],
    "discussions:reports": [Case(_network, _only(COORDINATORS, 200, 403))],
    "discussions:report_resolve": [
        Case(_discussion_report("post_report"), _only(COORDINATORS, REDIRECT, 403), "post"),
        Case(
            _discussion_report("other_post_report"),
            _only(COORDINATORS, 404, 403),
            "post",
            label="crossed",
        ),
        Case(_discussion_report("post_report"), _everyone(405)),
    ],
    "my_discussions:remove_posts": [
        Case(_no_args, _signed_in(200)),
        Case(_no_args, _signed_in(REDIRECT), "post"),
    ],
}

# allauth's pages are about the signed-in person's own account, or public forms.
# They may show a form, redirect or refuse, but never fail.
ACCOUNT_PAGES = "account_"


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _site_url_names() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_url_has_a_rule():
    per_model = {name for _model, _action, name in (case.values for case in _admin_cases())}
    missing = [
        name
        for name in _site_url_names()
        if name not in ROUTES and name not in per_model and not name.startswith(ACCOUNT_PAGES)
    ]
    assert missing == [], f"URLs without a row in the permission matrix: {missing}"


def _unnamed(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _unnamed(pattern.url_patterns, prefix + str(pattern.pattern))
        elif not pattern.name:
            yield prefix + str(pattern.pattern)


def test_every_url_of_ours_has_a_name_so_the_matrix_sees_it():
    # The admin's unnamed patterns only redirect to its named ones, and so do allauth's
    # old addresses of its social account pages (accounts/social/...).
    unnamed = [
        path
        for path in _unnamed(get_resolver().url_patterns)
        if not path.startswith(("admin/", "accounts/social/"))
    ]
    assert unnamed == []


@functools.cache
def _snapshot_queries() -> tuple[str, ...]:
    """For each model of ours, its table's every column (sign-in times aside), by pk."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_models():
        if model._meta.app_label in OURS:
            columns = ", ".join(
                quote(field.column)
                for field in model._meta.concrete_fields
                if field.name != "last_login"
            )
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            queries.append(f"SELECT {columns} FROM {table} ORDER BY {pk}")  # noqa: S608
    return tuple(queries)


def _snapshot():
    """Every row of every table of ours (sign-in times aside), as the database holds it.
    (Read without the ORM, which took seventeen times as long: two for each refusal.)"""
    rows = {}
    with connection.cursor() as cursor:
        for query in _snapshot_queries():
            cursor.execute(query)
            rows[query] = cursor.fetchall()
    return rows


def _fill(data, scene: dict) -> dict:
    """Form data with {object.attr} placeholders filled from the scene (or made from the
    scene, when the data is a function of it)."""
    if callable(data):
        return data(scene)
    filled = {}
    for key, value in data.items():
        if isinstance(value, str) and value.startswith("{"):
            name, attribute = value.strip("{}").split(".")
            value = str(getattr(scene[name], attribute))
        filled[key] = value
    return filled


def _cases():
    for name, cases in ROUTES.items():
        for number, case in enumerate(cases):
            yield pytest.param(name, case, id=f"{name}-{case.method}-{case.label or number}")


@pytest.fixture(scope="module")
def scene_made_once(django_db_setup, django_db_blocker):
    """The personas and the scene, made once for the module's tests (about a second each
    time, for over seven hundred tests); each test starts from them as they were made,
    and its writes are rolled back after it (tests/made_once.py)."""

    def make():
        people = persona_makers.make_everyone()
        return people, build_scene(people["network"], people["other_network"])

    with made_once(django_db_blocker, "scene_made_once", make) as made:
        yield made


@pytest.fixture
def _people_and_scene(db, scene_made_once):
    with as_made(scene_made_once) as people_and_scene:
        yield people_and_scene


@pytest.fixture
def personas(_people_and_scene):
    """Every persona (the visitor is None)."""
    people, _ = _people_and_scene
    return {persona: None if persona == "visitor" else people[persona] for persona in PERSONAS}


@pytest.fixture
def scene(_people_and_scene):
    """The objects of build_scene, for every rule to reach for."""
    _, made_scene = _people_and_scene
    return made_scene


def _made_persona(name):
    """tests/conftest.py's fixture of the name, here the module's own (made once)."""

    @pytest.fixture(name=name)
    def made_persona(_people_and_scene):
        people, _ = _people_and_scene
        return people[name]

    return made_persona


# A test here asking for a persona (or network) by name gets the one the scene was made
# around, not a second one (which would clash with it).
network, other_network, head, member, coordinator, administrator = (
    _made_persona(name)
    for name in ["network", "other_network", "head", "member", "coordinator", "administrator"]
)
outsider_member, outsider_coordinator, outsider_administrator, staff = (
    _made_persona(name)
    for name in ["outsider_member", "outsider_coordinator", "outsider_administrator", "staff"]
)


@pytest.mark.parametrize(("name", "case"), _cases())
def test_each_persona_gets_what_the_rule_says(client, personas, scene, name, case):
    wrong = {}
    for persona in PERSONAS:
        client.logout()
        if personas[persona] is not None:
            client.force_login(personas[persona])
        refused = case.expect[persona] in REFUSALS
        before = _snapshot() if refused else None
        url = reverse(name, args=case.args(scene))
        response = getattr(client, case.method)(url, _fill(case.data, scene))
        outcome = _outcome(response)
        if case.expect[persona] == ANY:
            if response.status_code >= 500:
                wrong[persona] = f"got {response.status_code}"
        elif outcome != case.expect[persona]:
            wrong[persona] = f"got {outcome}, expected {case.expect[persona]}"
        elif refused and _snapshot() != before:
            wrong[persona] = f"refused with {outcome} but changed the database"
    assert wrong == {}, f"{case.method.upper()} {name}"


# What logs write ---------------------------------------------------------------

STORY_TOKEN = "story-token"  # the scene's story's private token


@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_a_story_s_private_token_appears_in_no_log_line(client, personas, scene, persona, settings):
    """Every URL, each as if reached from the story's private page (its Referer), the
    story's own pages among them (404s and refusals too): neither Django's log nor
    gunicorn's access log writes the token."""
    referrer = "http://testserver" + reverse(
        "articles:story_private", args=[scene["network"].slug, STORY_TOKEN]
    )
    if personas[persona] is not None:
        client.force_login(personas[persona])
    lines, requests = [], 0
    with site_log() as log:
        for name, cases in ROUTES.items():
            for case in cases:
                url = reverse(name, args=case.args(scene))
                response = getattr(client, case.method)(
                    url, _fill(case.data, scene), headers={"referer": referrer}
                )
                lines.append(access_line_of(response))
                requests += 1
    written = log.getvalue() + "".join(lines)

    assert requests > 100
    assert STORY_TOKEN not in written
    # The lines were written: the story's 404s and 405s, their paths blanked.
    assert "[a story's private path]" in written


# The admin site --------------------------------------------------------------

NOT_STAFF = ["visitor", "head", "member", "coordinator", "outsider_member", "outsider_coordinator"]


def _admin_object(model, scene):
    """An object of the model that belongs to `network`, where such a thing exists."""
    network = scene["network"]
    by_model = {
        "Network": network,
        "Membership": scene["applicant_membership"],
        "Workhub": scene["workhub"],
        "Invitation": Invitation.objects.filter(network=network).first(),
        "ContactMessage": ContactMessage.objects.filter(network=network).first(),
        "User": scene["colleague"],
        "Post": scene["colleague_post"],
        "School": scene["colleague_post"].school,
        "LocalAuthority": scene["colleague_post"].school.local_authority,
        "MentoringScheme": scene["scheme"],
        "Coach": scene["network"].coaches.first(),
        "Broker": scene["scheme"].brokers.first(),
        "FeeScheme": scene["fee_scheme"],
        "FeeInvoice": scene["invoice"],
        "AuditEvent": audit.record(
            obj=network, action="test", summary="A change", network_id=network.pk
        ),
    }
    if model.__name__ in by_model:
        return by_model[model.__name__]
    return model.objects.first()


def _admin_cases():
    for model in admin_site._registry:
        opts = model._meta
        for action in ("changelist", "add", "change", "history", "delete"):
            name = f"admin:{opts.app_label}_{opts.model_name}_{action}"
            yield pytest.param(model, action, name, id=name)


@pytest.mark.parametrize(("model", "action", "name"), _admin_cases())
def test_the_admin_site_shows_nothing_to_people_outside_it_or_outside_the_network(
    client, personas, scene, model, action, name
):
    """Not staff: the admin's sign-in. Another network's administrator: nothing of this
    network's, and a crafted POST changes nothing. Site staff: everything."""
    obj = _admin_object(model, scene)
    if action in ("change", "history", "delete") and obj is None:
        pytest.skip(f"no {model.__name__} in the scene")
    args = [obj.pk] if action in ("change", "history", "delete") else []
    url = reverse(name, args=args)
    wrong = {}
    for persona in [*NOT_STAFF, "outsider_administrator", "staff"]:
        client.logout()
        if personas[persona] is not None:
            client.force_login(personas[persona])
        before = _snapshot() if persona != "staff" else None
        get = _outcome(client.get(url))
        post = _outcome(client.post(url, {"post": "yes"})) if action != "changelist" else None
        changed = persona != "staff" and _snapshot() != before
        outsider_leak = persona == "outsider_administrator" and args and (get == 200 or changed)
        if (persona in NOT_STAFF and (get != LOGIN or changed)) or outsider_leak:
            wrong[persona] = f"GET {get}, POST {post}, changed: {changed}"
        elif persona == "staff" and get not in (200, 403):
            # 403: an action nobody may take here (adding an invitation, say).
            wrong[persona] = f"GET {get}"
    assert wrong == {}


# The query budget ------------------------------------------------------------

# docs/architecture.md ("Tests"): every page at most 12 queries, whatever the data size (each
# list page's growth has its own test, in tests/*/test_query_counts.py and beside it).
QUERY_BUDGET = 12
# Pages allowed more, each with its ceiling and why. Each must still need it: an entry
# for a page back within the budget fails the test, so the list only shrinks.
OVER_BUDGET = {
    # The admin's delete confirmation lists everything that would go with the object:
    # Django's collector asks once for each related model, at every level below.
    # (Announcements, their deliveries and email preferences: five more; its member
    # spreadsheets one. Attendance and the network's polls, ballots, decisions and
    # representatives: seven more for a network, two for a person. With polls in the
    # scene, the collector goes on to their options, ballots, choices, vote records and
    # decisions: six more for a network; past meetings' attendance and corrections:
    # two more. Discussions: their threads, posts, reports, follows, preferences and
    # notifications, three more for a person and three for a network. With threads in the
    # scene, the collector goes on to their posts, the posts quoting them, their reports,
    # notifications and replies by email, level by level: 27 more for a network, 3 for a
    # workhub. A person's connected school accounts: five more.)
    "admin:members_user_delete": 43,
    "admin:networks_network_delete": 93,
    "admin:networks_workhub_delete": 15,
    "admin:support_mentoringscheme_delete": 14,
}


def _pages_only_insiders_see():
    """Pages no persona may see, as the people in the thing (the scene's)."""
    return [
        # /me/ as the people with mentoring and coaching work, which it leads with.
        ("me", _no_args, ["colleague", "requester", "mentor", "mentee", "paired_mentee",
                          "broker"]),
        ("support:coach", _network, ["colleague"]),
        ("support:request", _support_request, ["colleague", "requester"]),
        ("support:mentoring", _no_args, ["mentor", "mentee", "paired_mentee", "broker"]),
        ("support:broker", _scheme, ["broker"]),
        ("support:new_heads", _scheme, ["broker"]),
        ("support:new_head", lambda scene: [scene["scheme"].slug, scene["new_head"].pk],
         ["broker"]),
        ("support:pairing", _pairing, ["mentor", "paired_mentee", "broker"]),
        ("support:check_in", lambda scene: [scene["pairing"].pk, 3], ["mentor", "paired_mentee"]),
        ("attendance:certificate", _past_meeting, ["colleague"]),
        ("attendance:cpd", _no_args, ["colleague"]),
    ]  # fmt: skip


def _budget_cases():
    for name, cases in ROUTES.items():
        for number, case in enumerate(cases):
            shown = [person for person in PERSONAS if case.expect[person] in (200, ANY)]
            if case.method == "get" and shown:
                yield pytest.param(name, case.args, shown, id=f"{name}-{case.label or number}")
    for name, args, people in _pages_only_insiders_see():
        yield pytest.param(name, args, people, id=f"{name}-insiders")
    for model, action, name in (case.values for case in _admin_cases()):
        yield pytest.param(name, _admin_args(model, action), sorted(ADMIN_SITE), id=name)


def _admin_args(model, action):
    def args(scene):
        if action not in ("change", "history", "delete"):
            return []
        obj = _admin_object(model, scene)
        if obj is None:
            pytest.skip(f"no {model.__name__} in the scene")
        return [obj.pk]

    return args


def _describe(captured) -> str:
    return "\n".join(f"  {query['sql'][:160]}" for query in captured.captured_queries)


@pytest.mark.parametrize(("name", "args", "people"), _budget_cases())
def test_no_page_uses_more_than_twelve_queries(client, personas, scene, name, args, people):
    """Every page answered 200, as everyone who sees it, on its first request (visitors'
    pages are then cached; sessions come from the cache, so none costs a query)."""
    url = reverse(name, args=args(scene))
    ceiling = OVER_BUDGET.get(name, QUERY_BUDGET)
    over, most = {}, 0
    for person in people:
        client.logout()
        user = personas[person] if person in personas else scene[person]
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if person not in personas:  # the insiders are listed because they see the page
            assert response.status_code == 200, f"{name} as {person}"
        if response.status_code == 200:
            most = max(most, len(captured))
            if len(captured) > ceiling:
                over[person] = f"{len(captured)} queries:\n{_describe(captured)}"
    assert over == {}, f"GET {name} over {ceiling} queries"
    if name in OVER_BUDGET:
        assert most > QUERY_BUDGET, f"{name} now takes {most}: remove it from OVER_BUDGET"
