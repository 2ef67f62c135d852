"""The Django side of the benchmark's announcement fan-out (bench/fanout.py):
`python -m bench.announce prepare|expected ID|clean`, with the bench's settings and
database. Each prints JSON.

- prepare: clears what an earlier run left (if it was stopped half way), then gives
  the largest network, a signed-in session for its administrator
  (bench-admin@example.org) and how many people an announcement to everyone in it
  reaches, as the sender is shown before sending.
- expected ID: every address that should have had a copy of announcement ID at once,
  with the Message-ID its copy carries, by the app's own rule (audiences), not by
  the delivery rows the fan-out wrote; and the delivery rows' counts.
- clean: deletes the announcements the benchmark sent (by their subject), their
  delivery rows, their task rows and their audit events: nothing else.
"""

import json
import sys
from dataclasses import asdict

import django

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from announcements import audiences, sending  # noqa: E402
from announcements.emails import message_id  # noqa: E402
from announcements.models import Announcement, Delivery  # noqa: E402
from bench.prepare import session_cookie  # noqa: E402
from core.models import AuditEvent  # noqa: E402
from devdata.scale import ADMIN, LARGEST_SLUG  # noqa: E402
from members.models import User  # noqa: E402
from networks.models import Membership, Network  # noqa: E402

# Every announcement the benchmark sends has this subject, and nothing else has.
SUBJECT = "Bench: an announcement to every member"
TASKS = (
    f"{sending.fan_out_announcement.module_path}",
    f"{sending.send_deliveries.module_path}",
)


def prepare() -> dict:
    cleaned = clean()
    network = Network.objects.get(slug=LARGEST_SLUG)
    sender = User.objects.get(email=ADMIN)
    reach = audiences.reach(Announcement(network=network, audience=Announcement.Audience.NETWORK))
    return {
        "slug": network.slug,
        "members": Membership.objects.active().filter(network=network).count(),
        "sender": sender.email,
        "cookie": session_cookie(sender),
        "subject": SUBJECT,
        "reach": asdict(reach),
        "cleaned": cleaned,
    }


def expected(announcement_id: int) -> dict:
    announcement = Announcement.objects.select_related("network").get(pk=announcement_id)
    at_once = {
        person_id
        for person_id, choice, stopped in audiences.people_with_choices(announcement)
        if audiences.delivery_status(choice, urgent=announcement.is_urgent, stopped=stopped)
        == Delivery.Status.QUEUED
    }
    addresses = {
        email: message_id(announcement.pk, person_id)
        for person_id, email in audiences.recipients(announcement).values_list("pk", "email")
        if person_id in at_once
    }
    return {
        "expected": addresses,
        "deliveries": sending.delivery_counts(announcement),
        "state": announcement.state,
    }


def clean() -> dict:
    """Delete what the benchmark's sends made; returns how many of each."""
    ids = list(Announcement.objects.filter(subject=SUBJECT).values_list("pk", flat=True))
    if not ids:
        return {}
    tasks, _ = DBTaskResult.objects.filter(
        task_path__in=TASKS, args_kwargs__kwargs__announcement_id__in=ids
    ).delete()
    events, _ = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Announcement), object_id__in=ids
    ).delete()
    deliveries, _ = Delivery.objects.filter(announcement_id__in=ids).delete()
    Announcement.objects.filter(pk__in=ids).delete()
    return {
        "announcements": len(ids),
        "deliveries": deliveries,
        "tasks": tasks,
        "audit events": events,
    }


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "prepare":
        result = prepare()
    elif command == "expected":
        result = expected(int(args[0]))
    elif command == "clean":
        result = clean()
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
