"""The parts of a run that work inside Django, on the run's own database:
`python -m loadtest.inside seed|verify|race|message-ids|announcement-copies|periodic-commands`,
with the app's settings in the environment. Each prints JSON for the harness.
"""

import datetime
import itertools
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

# Django is set up above: these need the app registry.
from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from announcements.emails import message_id as announcement_message_id  # noqa: E402
from announcements.models import Announcement  # noqa: E402
from announcements.sending import delivery_counts  # noqa: E402
from core.email import message_id_for, send_email  # noqa: E402
from core.models import OutgoingEmail  # noqa: E402
from meetings.models import Meeting, Registration  # noqa: E402
from meetings.services import calendar_feed_for  # noqa: E402
from members.models import User  # noqa: E402
from networks.models import Membership, Network  # noqa: E402
from tests.factories import make_la, make_network, make_post, make_school  # noqa: E402

PASSWORD = "load-test-password-7"  # noqa: S105 (accounts of a throwaway database)
MIXED_HEADS = 12
RACE_HEADS = 50
RACE_CAPACITY = 40
RACE_ALREADY_GOING = 30  # so 10 places are left
RACE_MEETINGS = 3
DRAFTS = 400
# The members of the network the coordinator sends an announcement to during the mixed load.
ANNOUNCED_MEMBERS = 1000


_urns = itertools.count(990001)  # clear of the register's numbers and seed_demo's


def _person(email: str, password_hash: str, *, head_of=None) -> User:
    user = User.objects.create(
        email=email, first_name="Load", last_name=email.split("@")[0].title(),
        password=password_hash,
    )  # fmt: skip
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    if head_of is not None:
        make_post(
            person=user, school=make_school(la=head_of, name=f"{email} Primary", urn=next(_urns))
        )
    return user


def _session(user: User) -> str:
    """A signed-in session, as the sign-in form would leave it (the form itself is
    rate-limited to 30 a minute from one address, so most actors start signed in)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "members.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _meeting(network, title, *, days, **fields) -> Meeting:
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return Meeting.objects.create(
        network=network, title=title, starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=90), venue_address="Town Hall",
        audience=Meeting.Audience.SIGNED_IN, registration_required=True, **fields,
    )  # fmt: skip


@transaction.atomic
def seed() -> dict:
    password_hash = make_password(PASSWORD)
    la = make_la(code="998", name="Loadshire")
    open_network = make_network(name="Loadshire Primary Heads", slug="load-open", areas=[la])
    approval = make_network(
        name="Loadshire Heads Forum", slug="load-approval", areas=[la],
        join_policy=Network.JoinPolicy.APPROVAL,
    )  # fmt: skip
    coordinator = _person("coordinator@load.example", password_hash, head_of=la)
    administrator = _person("administrator@load.example", password_hash, head_of=la)
    Membership.objects.create(
        person=coordinator, network=open_network, role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE, started_at=timezone.now(),
    )  # fmt: skip
    Membership.objects.create(
        person=administrator, network=approval, role=Membership.Role.ADMINISTRATOR,
        status=Membership.Status.ACTIVE, started_at=timezone.now(),
    )  # fmt: skip
    heads = [
        _person(f"head{n}@load.example", password_hash, head_of=la) for n in range(MIXED_HEADS)
    ]
    racers = [
        _person(f"racer{n}@load.example", password_hash, head_of=la) for n in range(RACE_HEADS)
    ]
    fillers = [_person(f"filler{n}@load.example", password_hash) for n in range(RACE_ALREADY_GOING)]
    open_meetings = [
        _meeting(
            open_network, f"Loadshire briefing {n}", days=10 + n, state=Meeting.State.PUBLISHED
        )
        for n in range(6)
    ]
    drafts = [
        _meeting(open_network, f"Loadshire draft {n}", days=30 + n % 200, state=Meeting.State.DRAFT)
        for n in range(DRAFTS)
    ]
    races = []
    for n in range(RACE_MEETINGS):
        race = _meeting(
            open_network, f"Loadshire conference {n}", days=20 + n,
            state=Meeting.State.PUBLISHED, capacity=RACE_CAPACITY,
        )  # fmt: skip
        Registration.objects.bulk_create(
            Registration(meeting=race, person=filler, status=Registration.Status.GOING)
            for filler in fillers
        )
        races.append(race.pk)
    # A network nobody joins or leaves during the load, for the announcement: its audience
    # is known before it is sent. Nobody in the load's data has an email preference, so
    # every member takes announcements at once.
    announced = make_network(name="Loadshire Schools Together", slug="load-announced", areas=[la])
    Membership.objects.create(
        person=coordinator, network=announced, role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE, started_at=timezone.now(),
    )  # fmt: skip
    people = User.objects.bulk_create(
        User(
            email=f"member{n}@announced.load.example",
            first_name="Member",
            last_name=f"Number {n}",
            password=password_hash,
        )  # fmt: skip
        for n in range(ANNOUNCED_MEMBERS)
    )
    Membership.objects.bulk_create(
        Membership(
            person=person,
            network=announced,
            status=Membership.Status.ACTIVE,
            started_at=timezone.now(),
        )  # fmt: skip
        for person in people
    )
    public_meetings = Meeting.objects.filter(
        state=Meeting.State.PUBLISHED, audience=Meeting.Audience.PUBLIC
    ).values_list("pk", flat=True)[:10]
    networks = Network.objects.order_by("pk").values_list("slug", flat=True)[:12]

    def actor(user, *, sign_in=False):
        return {
            "id": user.pk,
            "email": user.email,
            "session": None if sign_in else _session(user),
            "feed": calendar_feed_for(user).token,
        }

    return {
        "password": PASSWORD,
        # Two heads sign in through the form, the way people do; the rest start signed in.
        "heads": [actor(head, sign_in=n < 2) for n, head in enumerate(heads)],
        "racers": [actor(racer) for racer in racers],
        "coordinator": actor(coordinator),
        "administrator": actor(administrator),
        "open_network": {"id": open_network.pk, "slug": open_network.slug},
        "approval_network": {"id": approval.pk, "slug": approval.slug},
        "announced_network": {
            "id": announced.pk,
            "slug": announced.slug,
            "members": ANNOUNCED_MEMBERS + 1,
        },
        "open_meetings": [meeting.pk for meeting in open_meetings],
        "drafts": [meeting.pk for meeting in drafts],
        "races": races,
        "race_places_left": RACE_CAPACITY - RACE_ALREADY_GOING,
        "public_meetings": list(public_meetings),
        "networks": list(networks),
    }


def verify(writes: list[dict]) -> dict:
    """Which of the writes the app confirmed are not in the database."""
    missing = []
    for write in writes:
        kind = write["kind"]
        if kind == "registration":
            found = Registration.objects.live().filter(
                meeting_id=write["meeting"], person_id=write["person"]
            )
        elif kind == "membership":
            found = Membership.objects.filter(
                network_id=write["network"], person_id=write["person"],
                status__in=Membership.LIVE_STATUSES,
            )  # fmt: skip
        elif kind == "published":
            found = Meeting.objects.filter(pk=write["meeting"], state=Meeting.State.PUBLISHED)
        elif kind == "announced":
            found = Announcement.objects.filter(
                subject=write["subject"],
                state__in=(Announcement.State.SENDING, Announcement.State.SENT),
            )
        elif kind == "approved":
            found = Membership.objects.filter(
                pk=write["membership"], status=Membership.Status.ACTIVE
            )
        else:
            raise ValueError(kind)
        if not found.exists():
            missing.append(write)
    return {"checked": len(writes), "missing": missing}


def race(meeting_id: int, racer_ids: list[int]) -> dict:
    registrations = Registration.objects.filter(meeting_id=meeting_id)
    racers = registrations.filter(person_id__in=racer_ids)
    return {
        "capacity": Meeting.objects.get(pk=meeting_id).capacity,
        "going": registrations.filter(status=Registration.Status.GOING).count(),
        "racers_going": racers.filter(status=Registration.Status.GOING).count(),
        "racers_waiting": racers.filter(status=Registration.Status.WAITING).count(),
        "racers_registered_twice": racers.count() - racers.values("person").distinct().count(),
    }


def message_ids(first: int, last: int) -> dict:
    """The Message-ID each email id in the range was (or will be) sent with, for the
    emails whose queueing committed."""
    # An email and its send task are stored in one transaction, and the task row stays
    # after it has run. A request cut off by a database restart rolls back its emails but
    # not the ids the sequence handed out, so an id without a task was never queued.
    queued = {
        kwargs["email_id"]
        for kwargs in DBTaskResult.objects.filter(task_path=send_email.module_path)
        .values_list("args_kwargs__kwargs", flat=True)
        .iterator()
        if first <= kwargs["email_id"] <= last
    }
    # Every email of a run is sent from DEFAULT_FROM_EMAIL, which gives the domain.
    return {
        str(pk): message_id_for(OutgoingEmail(pk=pk, from_email=settings.DEFAULT_FROM_EMAIL))
        for pk in sorted(queued)
    }


def announcement_copies(subject: str) -> dict:
    """The copies the announcement with this subject should have made: one to each active
    member of its network and its sub-groups ({address: Message-ID}), counted from the
    memberships, not from the delivery rows the fan-out wrote; its state and counts."""
    announcement = Announcement.objects.get(subject=subject)
    network_id = announcement.network_id
    members = Membership.objects.active().filter(
        Q(network_id=network_id) | Q(network__parent_id=network_id)
    )
    return {
        "expected": {
            email: announcement_message_id(announcement.pk, person_id)
            for person_id, email in members.values_list("person_id", "person__email")
        },
        "state": announcement.state,
        "deliveries": delivery_counts(announcement),
    }


def periodic_commands() -> list[str]:
    """The commands every worker's scheduler runs (settings.PERIODIC_COMMANDS)."""
    return list(settings.PERIODIC_COMMANDS)


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "seed":
        result = seed()
    elif command == "verify":
        result = verify(json.loads(open(args[0]).read()))  # noqa: SIM115
    elif command == "race":
        result = race(int(args[0]), json.loads(args[1]))
    elif command == "message-ids":
        result = message_ids(int(args[0]), int(args[1]))
    elif command == "announcement-copies":
        result = announcement_copies(args[0])
    elif command == "periodic-commands":
        result = periodic_commands()
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
