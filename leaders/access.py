"""Who may see the leaders directory and who may confirm a designation. Views ask here.

A designation is confirmed by site staff, or by an administrator of a network whose
areas include the local authority of a school where the person holds a confirmed post
now: the people who know the heads of that area. A claimed post does not count, or a
person could pick who decides by claiming a post in a friendly area (issue 19, finding
17). Never by the person themselves.
"""

from typing import TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from members.models import Designation, DesignationQuerySet, Post, User
from networks.models import Membership

from .models import Listing


def may_see_directory(user: User | AnonymousUser) -> bool:
    """Site staff, and people who lead a school now by a confirmed post.

    The directory names people and when they are free to be deployed: it is for
    heads looking for help, not for anyone who can make an account.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Post.objects.current().verified().headships().filter(person=user).exists()


def check_directory(user: User | AnonymousUser) -> None:
    if not may_see_directory(user):
        raise PermissionDenied(
            "The leaders directory is for heads. Add your post to your profile: once it "
            "is confirmed, you can see the directory."
        )


def get_listing_to_write_to(user: User, pk: int) -> Listing:
    """A leader the user may write to: one the directory shows them, never themselves.

    403 for people who may not see the directory; 404 for a listing it does not show
    (withdrawn, no confirmed designation, or their own), so nothing is learnt of it.
    """
    check_directory(user)
    listing = (
        Listing.objects.in_directory()
        .exclude(person=user)
        .filter(pk=pk)
        .select_related("person")
        .first()
    )
    if listing is None:
        raise Http404("No such leader in the directory.")
    return listing


class _AreaRow(TypedDict):
    network__areas: int


def _administered_area_ids(user: User) -> QuerySet[Membership, _AreaRow]:
    """Local authorities covered by networks the user administers."""
    return (
        Membership.objects.active()
        .filter(person=user, role=Membership.Role.ADMINISTRATOR)
        .values("network__areas")
    )


def designations_to_decide(user: User | AnonymousUser) -> DesignationQuerySet:
    """Claimed designations the user may confirm or reject, oldest first."""
    claims = Designation.objects.claims().select_related("person").order_by("created_at", "pk")
    if not user.is_authenticated:
        return claims.none()
    if user.is_superuser:
        return claims.exclude(person=user)
    in_area = (
        Post.objects.current()
        .verified()
        .filter(school__local_authority__in=_administered_area_ids(user))
    )
    return claims.filter(person__in=in_area.values("person")).exclude(person=user)


def get_designation_to_decide(user: User | AnonymousUser, pk: int) -> Designation:
    """A claim the user may decide; 404 for any other, so nobody learns who claims what."""
    designation = designations_to_decide(user).filter(pk=pk).first()
    if designation is None:
        raise Http404("No such designation.")
    return designation


def directory_filter(
    *, kind: str = "", sector: str = "", area: str = "", availability: str = ""
) -> Q:
    """The conditions on listings for the directory's filters (each optional)."""
    condition = Q()
    if kind:
        condition &= Q(person__designations__kind=kind, person__designations__state="confirmed")
    if availability:
        condition &= Q(availability=availability)
    if sector or area:
        today = timezone.localdate()
        posts = Post.objects.current(today)
        if sector:
            posts = posts.filter(school__sector=sector)
        if area:
            posts = posts.filter(school__local_authority__code=area)
        condition &= Q(person__in=posts.values("person"))
    return condition
