"""Academy conversions and other successions: when the register closes a school and links it
to the school that carries it on under a new URN, its people's posts pass to that school,
and the floors above are told so that its seats follow (docs/rules.md, "Academy
conversions"). Its fee invoices stay its own: `School.latest_successor` lets every page
show them with the successor's (`in_school_lines`).

members cannot import the floors that hold seats: networks registers what follows a
conversion or a split here (`follow`, in its AppConfig.ready), as the apps above networks
register their sections of a network's page. The links file is read in members.gias.
"""

import contextlib
import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core import audit, pagecache
from core.models import AuditEvent

from . import gias
from .gias import RegisterFileError
from .models import Post, School
from .school_import import Rejection, read_source

__all__ = [
    "Conversion",
    "LinksReport",
    "RegisterFileError",
    "Split",
    "convert_school",
    "follow",
    "import_links",
    "note_split",
]


@dataclass(frozen=True)
class Conversion:
    """A closed school carried on by another: what its followers need to move the rest.

    `school`: where its seats and posts now belong, the successor or, if that one has since
    been carried on in turn, the school its line leads to now. `posts`: the posts there of
    the people whose posts at the predecessor were carried this time (none when an earlier
    run carried them).
    """

    predecessor: School
    successor: School
    school: School
    on: datetime.date
    posts: tuple[Post, ...]
    newly_recorded: bool


@dataclass(frozen=True)
class Split:
    """A closed school that the register says split into several: nothing passes on its own."""

    predecessor: School
    successors: tuple[School, ...]
    on: datetime.date | None


_conversion_followers: list[Callable[[Conversion], object]] = []
_split_followers: list[Callable[[Split], object]] = []


def follow(
    *,
    conversion: Callable[[Conversion], object] | None = None,
    split: Callable[[Split], object] | None = None,
) -> None:
    """Register what a floor above does after each conversion (inside its transaction, so
    both happen or neither) and after a split is first noted; registering twice adds once."""
    if conversion is not None and conversion not in _conversion_followers:
        _conversion_followers.append(conversion)
    if split is not None and split not in _split_followers:
        _split_followers.append(split)


def _label(school: School) -> str:
    return f"{school.name} (URN {school.urn})"


def _obstacle(predecessor: School, successor: School) -> tuple[str, str] | None:
    """Why the conversion cannot be applied now: ("waiting", why) for what a later register
    will settle, ("conflict", why) for what someone must look at; None when it can."""
    now_at = successor.latest_successor or successor
    if predecessor.is_open:
        return "waiting", f"{_label(predecessor)} is not closed in the register yet"
    if predecessor.successor_id not in (None, successor.pk):
        return "conflict", (
            f"{_label(predecessor)} is already recorded as carried on by URN "
            f"{predecessor.successor.urn if predecessor.successor else '?'}, not {successor.urn}"
        )
    if now_at.pk == predecessor.pk:
        return "conflict", f"{_label(predecessor)} and {_label(successor)} succeed each other"
    if now_at.status != School.Status.OPEN:
        state = "has not opened" if now_at.status == School.Status.PROPOSED else "is closed"
        return "waiting", f"{_label(now_at)}, which carries on {_label(predecessor)}, {state}"
    return None


@transaction.atomic
def convert_school(
    *, predecessor: School, successor: School, on: datetime.date | None
) -> Conversion:
    """Record that `successor` carries on the closed `predecessor` from `on` (the register's
    date; None: today), pass its people's current posts there, and let the floors above
    move its seats. Idempotent: run again, it finds nothing left to move and changes
    nothing. Raises ValidationError when the register's links cannot be applied yet (or
    contradict what is recorded)."""
    predecessor = (
        School.objects.select_for_update(of=("self",))
        .select_related("successor")
        .get(pk=predecessor.pk)
    )
    successor = School.objects.select_related("latest_successor").get(pk=successor.pk)
    obstacle = _obstacle(predecessor, successor)
    if obstacle is not None:
        raise ValidationError(obstacle[1] + ".")
    now_at = successor.latest_successor or successor
    newly_recorded = predecessor.successor_id is None
    if newly_recorded:
        on = on or timezone.localdate()
        _record(predecessor, successor, now_at, on)
    else:
        on = predecessor.succeeded_on or on or timezone.localdate()
    posts = _carry_posts(predecessor, now_at, on)
    conversion = Conversion(
        predecessor=predecessor,
        successor=successor,
        school=now_at,
        on=on,
        posts=tuple(posts),
        newly_recorded=newly_recorded,
    )
    for follower in _conversion_followers:
        follower(conversion)
    return conversion


def _record(predecessor: School, successor: School, now_at: School, on: datetime.date) -> None:
    predecessor.successor, predecessor.succeeded_on = successor, on
    predecessor.latest_successor = now_at
    predecessor.save(update_fields=["successor", "succeeded_on", "latest_successor", "updated_at"])
    # The schools it carried on before now lead to the same school.
    School.objects.filter(latest_successor=predecessor).update(latest_successor=now_at)
    audit.record(
        obj=predecessor,
        action="school.converted",
        summary=f"Closed and carried on by {_label(successor)} from {on:%d %b %Y}",
        changes={"Successor": ["", _label(successor)], "Succeeded on": ["", f"{on:%d %b %Y}"]},
        object_repr=_label(predecessor),
    )


def _carry_posts(predecessor: School, now_at: School, on: datetime.date) -> list[Post]:
    """End the posts held at the predecessor after it closed, and record each at `now_at`
    with the same role and the same verification: the register's conversion is the
    evidence that it is the same post. Returns the posts at `now_at`, one a person."""
    held = (
        Post.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(school=predecessor)
        .exclude(verification=Post.Verification.REJECTED)
        .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=on))
        .order_by("started_on", "pk")
    )
    carried: dict[int, Post] = {}
    for post in held:
        if post.started_on >= on:
            # Recorded at the old URN after it had closed: it was always the new school's.
            moved = _move_post(post, now_at)
            if moved is not None:
                carried[post.person_id] = moved
            continue
        at_successor = _post_at(post, now_at, on)
        if at_successor is not None:
            carried[post.person_id] = at_successor
            _end_post(post, ended_on=on - datetime.timedelta(days=1), now_at=now_at)
    return list(carried.values())


def _same_post(post: Post, school: School, started_on: datetime.date) -> Post | None:
    """The person's post with the same role at the school, still held from `started_on`."""
    return (
        Post.objects.filter(person=post.person, school=school, role=post.role)
        .exclude(verification=Post.Verification.REJECTED)
        .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=started_on))
        .order_by("started_on")
        .first()
    )


def _post_at(post: Post, now_at: School, on: datetime.date) -> Post | None:
    """The post at `now_at` that carries `post` on: recorded now, or already there (a claim
    there takes the old post's verification). None where someone rejected the person's
    claim to that very post: their decision stands, and the old post is left as it is."""
    same = {"person": post.person, "school": now_at, "role": post.role}
    rejected = Post.objects.filter(**same, started_on=on, verification=Post.Verification.REJECTED)
    if rejected.exists():
        return None
    existing = _same_post(post, now_at, on)
    if existing is not None:
        if post.is_verified and not existing.is_verified:
            existing.verification, existing.verified_how = post.verification, post.verified_how
            existing.decided_at = post.decided_at
            existing.save(update_fields=["verification", "verified_how", "decided_at"])
            _audit_carried(existing, post, {"Verification": ["Not yet confirmed", "Confirmed"]})
        return existing
    new = Post.objects.create(
        **same,
        started_on=on,
        ended_on=post.ended_on,
        verification=post.verification,
        verified_how=post.verified_how,
        decided_at=post.decided_at,
    )
    _audit_carried(
        new,
        post,
        {
            "School": [post.school.name, now_at.name],
            "Verification": ["", new.get_verification_display()],
        },
    )
    return new


def _move_post(post: Post, now_at: School) -> Post | None:
    if _same_post(post, now_at, post.started_on) is not None:
        return None  # the same post is recorded there already
    before = post.school
    post.school = now_at
    post.save(update_fields=["school"])
    _audit_carried(post, post, {"School": [before.name, now_at.name]}, before=before)
    return post


def _end_post(post: Post, *, ended_on: datetime.date, now_at: School) -> None:
    before = post.ended_on
    post.ended_on = max(ended_on, post.started_on)
    post.save(update_fields=["ended_on"])
    audit.record(
        obj=post,
        action="post.ended",
        summary=f"Ended: the school closed and {now_at.name} carries it on",
        subject=post.person,
        changes={"End date": [f"{before:%d %b %Y}" if before else "", f"{post.ended_on:%d %b %Y}"]},
        object_repr=f"{post.get_role_display()} at {post.school.name}",
    )


def _audit_carried(
    post: Post, old: Post, changes: audit.Changes, *, before: School | None = None
) -> None:
    predecessor = before or old.school
    audit.record(
        obj=post,
        action="post.carried",
        summary=f"Carried on from {predecessor.name}, which closed into {post.school.name}",
        subject=post.person,
        changes=changes,
        object_repr=f"{post.get_role_display()} at {post.school.name}",
    )


@transaction.atomic
def note_split(
    *, predecessor: School, successors: tuple[School, ...], on: datetime.date | None
) -> bool:
    """Record, once, that the register split a closed school into several, and tell the
    floors above (its networks' administrators decide which school carries its seat on).
    Nothing moves. Returns whether it was new. Raises ValidationError while the register
    still shows the school open."""
    predecessor = School.objects.select_for_update(of=("self",)).get(pk=predecessor.pk)
    if predecessor.is_open:
        raise ValidationError(f"{_label(predecessor)} is not closed in the register yet.")
    # The audit trail is the record that it was noted (and its networks told).
    if AuditEvent.objects.for_object(predecessor).filter(action="school.split").exists():
        return False
    names = ", ".join(_label(school) for school in successors)
    audit.record(
        obj=predecessor,
        action="school.split",
        summary=f"Split into {names}: nothing moved; its networks decide",
        changes={"Successors": ["", names]},
        object_repr=_label(predecessor),
    )
    split = Split(predecessor=predecessor, successors=successors, on=on)
    for follower in _split_followers:
        follower(split)
    return True


# The links file --------------------------------------------------------------------


@dataclass
class LinksReport:
    """What reading a links file did: each closed school it links is counted once, as
    converted now, converted before, waiting, in conflict, split, or unknown."""

    rows: int = 0
    ignored: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    # Recorded now, each "X (URN n) carried on by Y (URN m)".
    converted: list[str] = field(default_factory=list)
    # Recorded before; of those, how many still had posts to carry (added at the old URN).
    converted_before: int = 0
    carried_late: int = 0
    waiting: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)
    splits_before: int = 0
    unknown: int = 0
    dry_run: bool = False

    def summary(self) -> list[str]:
        """The counts, one line each, then the conversions and splits noted now."""
        lines = [
            f"{self.rows} rows: {self.ignored} of other kinds, {len(self.rejections)} rejected",
            f"conversions: {len(self.converted)} new, {self.converted_before} recorded before "
            f"({self.carried_late} with posts carried now), {len(self.waiting)} waiting, "
            f"{len(self.conflicts)} in conflict",
            f"splits: {len(self.splits)} new, {self.splits_before} noted before",
            f"{self.unknown} naming a school that is not imported",
        ]
        lines += [f"converted: {text}" for text in self.converted]
        lines += [f"split (its networks decide): {text}" for text in self.splits]
        lines += [f"waiting: {text}" for text in self.waiting]
        lines += [f"conflict: {text}" for text in self.conflicts]
        return lines


def import_links(
    source: str | os.PathLike[str] | BinaryIO, *, dry_run: bool = False
) -> LinksReport:
    """Apply a register links file: each closed school carried on by one successor is
    converted (convert_school), each split noted (note_split). Running it twice changes
    nothing the second time. Raises RegisterFileError, before touching the database, when
    the file is not a links file. With dry_run everything runs and is then rolled back."""
    parsed = gias.parse_links(gias.decode(read_source(source)))
    report = LinksReport(rows=parsed.rows, ignored=parsed.ignored, dry_run=dry_run)
    report.rejections = [Rejection(line, reason) for line, reason in parsed.rejections]
    successions = gias.successions(parsed.links)
    urns = {urn for item in successions for urn in (item.predecessor, *item.successors)}
    schools = School.objects.in_bulk(urns, field_name="urn")
    known = [
        item
        for item in successions
        if all(urn in schools for urn in (item.predecessor, *item.successors))
    ]
    report.unknown = len(successions) - len(known)
    outer = transaction.atomic() if dry_run else contextlib.nullcontext()
    with outer:
        for item in known:
            if item.is_split:
                _note(item, schools, report)
        _convert_all([item for item in known if not item.is_split], report)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        pagecache.invalidate(pagecache.SITE)  # schools, shown on every kind of page, in bulk
    return report


def _note(item: gias.Succession, schools: dict[int, School], report: LinksReport) -> None:
    predecessor = schools[item.predecessor]
    successors = tuple(schools[urn] for urn in item.successors)
    if predecessor.is_open:
        report.waiting.append(f"{_label(predecessor)} is not closed in the register yet")
        return
    if note_split(predecessor=predecessor, successors=successors, on=item.on):
        names = " and ".join(_label(school) for school in successors)
        report.splits.append(f"{_label(predecessor)} split into {names}")
    else:
        report.splits_before += 1


def _convert_all(items: list[gias.Succession], report: LinksReport) -> None:
    """Convert in as many rounds as a line needs: a school whose successor has itself
    closed waits for that successor's own conversion, made in the same run."""
    waiting = items
    while waiting:
        left: list[tuple[gias.Succession, str]] = []
        for item in waiting:
            predecessor = School.objects.select_related("successor").get(urn=item.predecessor)
            successor = School.objects.select_related("latest_successor").get(urn=item.successor)
            obstacle = _obstacle(predecessor, successor)
            if obstacle is None:
                conversion = convert_school(
                    predecessor=predecessor, successor=successor, on=item.on
                )
                _count(conversion, report)
            elif obstacle[0] == "conflict":
                report.conflicts.append(obstacle[1])
            else:
                left.append((item, obstacle[1]))
        if len(left) == len(waiting):
            report.waiting += [why for _, why in left]
            return
        waiting = [item for item, _ in left]


def _count(conversion: Conversion, report: LinksReport) -> None:
    if conversion.newly_recorded:
        report.converted.append(
            f"{_label(conversion.predecessor)} carried on by {_label(conversion.successor)}"
        )
    else:
        report.converted_before += 1
        report.carried_late += bool(conversion.posts)
