"""Who may see what of mentoring and coaching. Every view asks here, for the object in hand.

The rule for both: the people in it and the support role that serves it (a
scheme's brokers, a network's coaches), nobody else. Not other members, not the
network's administrators, not site staff: everyone else gets a 404, so nobody
learns that a request or a pairing exists. Site staff reach a pairing only through
the audited action (open_pairing_for_audit), and a support request never.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import User
from networks.access import administered_network_ids, get_network
from networks.models import Membership, Network

from .models import (
    Broker,
    CheckIn,
    CheckInReply,
    Coach,
    MentoringScheme,
    MentorRequest,
    Pairing,
    SupportRequest,
)

# Who may be named to a support role ---------------------------------------------------


def people_who_may_be_named_by(user: User) -> QuerySet[User]:
    """The accounts the user may name as a coach or broker: any open one for site staff;
    for a network's administrators, the active members of the networks they administer.
    Naming anyone else finds nobody, so the form tells them nothing about a stranger."""
    people = User.objects.filter(is_active=True)
    if user.is_superuser:
        return people
    members = Membership.objects.active().filter(network_id__in=administered_network_ids(user))
    return people.filter(pk__in=members.values("person_id"))


# Coaching ----------------------------------------------------------------------------


def is_coach(user: User | AnonymousUser, network: Network) -> bool:
    """Whether the user is in the network's coach pool."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Coach.objects.filter(network=network, person=user).exists()


def get_support_network(slug: str) -> Network:
    """A network that offers coaching (it has a coach pool), or 404."""
    network = get_network(slug)
    if not network.coaches.exists():
        raise Http404("This network does not offer coaching through Headnet.")
    return network


def request_role(user: User | AnonymousUser, support_request: SupportRequest) -> str:
    """ "requester", "coach" or "" (may not see it).

    A coach sees a request waiting for the pool, and afterwards only the one they took.
    """
    if not user.is_authenticated or not user.is_active:
        return ""
    if support_request.requester_id == user.pk:
        return "requester"
    if support_request.coach_id == user.pk:
        return "coach" if is_coach(user, support_request.network) else ""
    if support_request.state == SupportRequest.State.WAITING and is_coach(
        user, support_request.network
    ):
        return "coach"
    return ""


def get_request_for_user(
    user: User | AnonymousUser, network: Network, pk: int
) -> tuple[SupportRequest, str]:
    """The network's request and the user's part in it; 404 to everyone else (staff too)."""
    support_request = get_object_or_404(
        SupportRequest.objects.select_related("network", "requester", "coach"),
        network=network,
        pk=pk,
    )
    role = request_role(user, support_request)
    if not role:
        raise Http404("No such request.")
    return support_request, role


def get_request_from_email(user: User | AnonymousUser, pk: int) -> tuple[SupportRequest, str]:
    """Where the link in an email about a request leads (the link names no network): its
    requester to the request ("requester"), a coach of its pool to their queue ("coach"),
    whoever holds it now. 404 to everyone else, site staff included."""
    support_request = get_object_or_404(SupportRequest.objects.select_related("network"), pk=pk)
    if user.is_authenticated and user.is_active and support_request.requester_id == user.pk:
        return support_request, "requester"
    if is_coach(user, support_request.network):
        return support_request, "coach"
    raise Http404("No such request.")


# Mentoring ---------------------------------------------------------------------------


def get_scheme(slug: str) -> MentoringScheme:
    return get_object_or_404(
        MentoringScheme.objects.select_related("network", "local_authority"), slug=slug
    )


def is_broker(user: User | AnonymousUser, scheme: MentoringScheme) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return Broker.objects.filter(scheme=scheme, person=user).exists()


def get_scheme_to_broker(user: User | AnonymousUser, slug: str) -> MentoringScheme:
    """The scheme if the user brokers it; 404 otherwise (brokers' pages are not advertised).
    One query: the scheme is looked for only among those the user brokers."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such page.")
    scheme = (
        MentoringScheme.objects.select_related("network", "local_authority")
        .filter(slug=slug, brokers__person=user)
        .first()
    )
    if scheme is None:
        raise Http404("No such page.")
    return scheme


def pairing_role(user: User | AnonymousUser, pairing: Pairing) -> str:
    """ "mentor", "mentee", "broker" or "" (may not see it)."""
    if not user.is_authenticated or not user.is_active:
        return ""
    if pairing.mentor_id == user.pk:
        return "mentor"
    if pairing.mentee_id == user.pk:
        return "mentee"
    if is_broker(user, pairing.scheme):
        return "broker"
    return ""


def reads_new_head_note(role: str, pairing: Pairing) -> bool:
    """Who reads the new head's note (what they asked the scheme) and sees their school on
    the pairing: the new head, the scheme's brokers, and the mentor proposed to them,
    unless the mentor declined. The ask form promises "only the scheme's brokers and your
    mentor read it"; site staff's audited view does not show it."""
    if role in ("mentee", "broker"):
        return True
    return role == "mentor" and pairing.state != Pairing.State.DECLINED


def sees_the_other_address(role: str, pairing: Pairing) -> bool:
    """The mentor and the new head see each other's address on the pairing, unless it
    was declined: a mentor who said no keeps nothing of the new head's."""
    return role in ("mentor", "mentee") and pairing.state != Pairing.State.DECLINED


def broker_reads_answers(person_id: int, pairing: Pairing) -> bool:
    """Whether one of the scheme's brokers reads the pairing's check-in answers: only where
    they are not its mentor or new head (there they read no more than that person does)."""
    return person_id not in (pairing.mentor_id, pairing.mentee_id)


def readable_replies(
    user: User,
    pairing: Pairing,
    replies: Iterable[CheckInReply],
    *,
    as_broker: bool,
) -> list[CheckInReply]:
    """The answers the user may read of those given: their own, and everyone's where they
    read them as a broker (the broker page and the pairing page both ask here)."""
    others = as_broker and broker_reads_answers(user.pk, pairing)
    return [reply for reply in replies if reply.person_id == user.pk or others]


def brokers_to_tell(pairing: Pairing) -> list[User]:
    """The scheme's brokers told that someone asked them to get in touch: those who read it."""
    return [
        broker.person
        for broker in pairing.scheme.brokers.select_related("person")
        if broker_reads_answers(broker.person_id, pairing)
    ]


def _pairing(pk: int) -> Pairing:
    return get_object_or_404(
        Pairing.objects.select_related(
            "scheme__network", "mentor", "mentee", "request", "proposed_by"
        ),
        pk=pk,
    )


def get_pairing_for_user(user: User | AnonymousUser, pk: int) -> tuple[Pairing, str]:
    """The pairing and the user's part in it; 404 to everyone else, site staff included."""
    pairing = _pairing(pk)
    role = pairing_role(user, pairing)
    if not role:
        raise Http404("No such pairing.")
    return pairing, role


def get_check_in_for_party(user: User | AnonymousUser, pk: int, months: int) -> tuple[CheckIn, str]:
    """A check-in of the pairing and the user's part ("mentor" or "mentee"); 404 to
    everyone else, brokers included (they read the answers, they do not give them)."""
    pairing, role = get_pairing_for_user(user, pk)
    if role not in ("mentor", "mentee"):
        raise Http404("No such page.")
    check_in = get_object_or_404(pairing.check_ins.all(), months=months)
    check_in.pairing = pairing
    return check_in, role


def get_own_mentor_request(user: User, pk: int) -> MentorRequest:
    """The user's own request for a mentor; 404 to everyone else."""
    return get_object_or_404(MentorRequest.objects.select_related("scheme"), pk=pk, mentee=user)


def get_pairing_for_audit(user: User | AnonymousUser, pk: int) -> Pairing:
    """Site staff's audited way in to a pairing (the view records the opening); 404 to others."""
    if not (user.is_authenticated and user.is_active and user.is_superuser):
        raise Http404("No such page.")
    return _pairing(pk)
