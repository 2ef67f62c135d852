"""Academy conversions and splits, for networks: a closed school's seats pass to the school
that carries it on, and each network's administrators are told (docs/rules.md, "Academy
conversions"). members.conversions calls these (registered in networks/apps.py) inside the
conversion's transaction."""

from dataclasses import dataclass, field

from django.db import transaction

from core.email import queue_templated_email
from members.conversions import Conversion, Split
from members.models import Post, School, User

from ..models import Membership, Network
from .automatic import sync_automatic_memberships
from .memberships import _audit_membership, _live_seat, end_membership
from .seats import hand_over_school_seats


@dataclass
class SeatCarried:
    """What a conversion did to one network's seat of the closed school."""

    network: Network
    holder: User
    # The successor's own seat, where it had one already: the closed school's ended then.
    kept: Membership | None = None
    posts: list[Post] = field(default_factory=list)


def _seats_of(school: School) -> list[Membership]:
    """The school's live seats in school-based networks, locked while they move."""
    return list(
        Membership.objects.live()
        # Lock the seats only (see hand_over_school_seats).
        .select_for_update(of=("self",))
        .filter(school=school, network__basis=Network.Basis.SCHOOL)
        .select_related("network", "person", "school")
        .order_by("network__name")
    )


@transaction.atomic
def follow_conversion(conversion: Conversion) -> list[SeatCarried]:
    """Move each live seat of the closed school to the school that carries it on (one seat
    a school: where that school holds one already, it keeps its own and the closed school's
    ends), let the usual hand-over settle who holds it, and email each network's
    administrators once. Run again, it finds no seat left to move and sends nothing."""
    now_at = conversion.school
    results = [_carry_seat(seat, conversion) for seat in _seats_of(conversion.predecessor)]
    # The people whose posts moved: their seats and automatic networks follow, as after
    # any change of post (follow_post_change).
    if results or conversion.posts:
        hand_over_school_seats(school=now_at)
    for person in {post.person for post in conversion.posts}:
        sync_automatic_memberships(person=person)
    for result in results:
        _tell_administrators(
            "networks/email/school_converted",
            result.network,
            {"conversion": conversion, "seat": result, "network": result.network},
        )
    return results


def _carry_seat(seat: Membership, conversion: Conversion) -> SeatCarried:
    now_at, holder = conversion.school, seat.holder
    posts = [post for post in conversion.posts if post.person_id == holder.pk]
    kept = _live_seat(seat.network, now_at)
    if kept is not None:
        end_membership(
            membership=seat,
            status=Membership.Status.LAPSED,
            by=None,
            summary=(
                f"Lapsed: {seat.school.name if seat.school else 'the school'} closed into "
                f"{now_at.name}, which holds its own seat"
            ),
        )
        queue_templated_email(
            "networks/email/seat_merged",
            to=[holder.email],
            context={"network": seat.network, "conversion": conversion, "kept": kept},
        )
        return SeatCarried(network=seat.network, holder=holder, kept=kept, posts=posts)
    before = conversion.predecessor.name
    seat.school = now_at
    seat.save(update_fields=["school"])
    _audit_membership(
        seat,
        "membership.seat_carried",
        f"The seat passed from {before}, which closed, to {now_at.name}, which carries it on",
        by=None,
        changes={"School": [before, now_at.name]},
    )
    return SeatCarried(network=seat.network, holder=holder, posts=posts)


@transaction.atomic
def follow_split(split: Split) -> list[Network]:
    """Tell the administrators of each network in which the split school holds a seat that
    they must decide which new school carries it on; nothing moves. Returns the networks."""
    seats = (
        Membership.objects.live()
        .filter(school=split.predecessor, network__basis=Network.Basis.SCHOOL)
        .select_related("network", "person")
        .order_by("network__name")
    )
    networks = []
    for seat in seats:
        _tell_administrators(
            "networks/email/school_split",
            seat.network,
            {"split": split, "seat": seat, "network": seat.network},
        )
        networks.append(seat.network)
    return networks


def _tell_administrators(template: str, network: Network, context: dict[str, object]) -> None:
    """One email to the network's administrators (its coordinators, if it has none)."""
    recipients = sorted(set(network.administrator_emails() or network.coordinator_emails()))
    if recipients:
        queue_templated_email(template, to=recipients, context=context)
