"""A meeting's register as its marker sees it: the going list with who came, the people
recorded who had no place, and the members a walk-in is picked from. A fixed number
of queries, however many people are going."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery

from meetings.models import Meeting, Registration
from members.models import Post, User
from networks.models import Membership

from .models import Attendance

# A name search for a walk-in shows at most this many members: enough to find someone
# by a few letters of their name, never the whole of a national network.
WALK_IN_RESULTS = 20


@dataclass
class Row:
    """One person on the register: whether they came, and how it was recorded."""

    person: User
    school_name: str
    registered: bool
    attendance: Attendance | None = None

    @property
    def came(self) -> bool:
        return self.attendance is not None


@dataclass
class Register:
    meeting: Meeting
    going: list[Row] = field(default_factory=list)
    others: list[Row] = field(default_factory=list)  # came without a place

    @property
    def came(self) -> int:
        return sum(row.came for row in self.going) + len(self.others)

    @property
    def going_came(self) -> int:
        return sum(row.came for row in self.going)


def _school_name() -> Subquery:
    """The school of the person's most recent current post, as the attendee list shows."""
    return Subquery(
        Post.objects.current()
        .filter(person=OuterRef("person_id"))
        .order_by("-started_on", "-pk")
        .values("school__name")[:1]
    )


def register_of(meeting: Meeting) -> Register:
    """The going list (by surname, as a paper register) and everyone else recorded."""
    attendances = {
        attendance.person_id: attendance
        for attendance in Attendance.objects.filter(meeting=meeting)
        .select_related("person", "school")
        .order_by("person__last_name", "person__first_name", "pk")
    }
    registrations = (
        meeting.registrations.filter(status=Registration.Status.GOING)
        .select_related("person")
        .annotate(school_name=_school_name())
        .order_by("person__last_name", "person__first_name", "pk")
    )
    register = Register(meeting=meeting)
    for registration in registrations:
        register.going.append(
            Row(
                person=registration.person,
                school_name=registration.school_name or "",
                registered=True,
                attendance=attendances.pop(registration.person_id, None),
            )
        )
    register.others = [
        Row(
            person=attendance.person,
            school_name=attendance.school.name if attendance.school else "",
            registered=False,
            attendance=attendance,
        )
        for attendance in attendances.values()
    ]
    return register


def markable_people(meeting: Meeting) -> QuerySet[User]:
    """The people a marker's button may name: anyone with a live registration (a place or
    the waiting list), anyone already on the register, and the network's active members.
    Nobody else: a marker cannot add a stranger, nor learn a name by posting an id."""
    return User.objects.filter(
        Q(pk__in=meeting.registrations.live().values("person"))
        | Q(pk__in=Attendance.objects.filter(meeting=meeting).values("person"))
        | Q(pk__in=Membership.objects.active().filter(network=meeting.network).values("person"))
    )


def walk_in_candidates(meeting: Meeting, search: str) -> QuerySet[User]:
    """Active members of the meeting's network whose name has every word of the search, not
    on the register yet; at most WALK_IN_RESULTS, by surname. Never by address: a
    workhub lead keeps registers without seeing the network's addresses."""
    words = search.split()[:4]
    if not words or len(search.strip()) < 2:
        return User.objects.none()
    people = User.objects.filter(
        pk__in=Membership.objects.active().filter(network=meeting.network).values("person")
    ).exclude(pk__in=Attendance.objects.filter(meeting=meeting).values("person"))
    for word in words:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return people.order_by("last_name", "first_name", "pk")[:WALK_IN_RESULTS]
