"""Sending an announcement: a fan-out that writes one delivery row per recipient, then
batches that send each queued row once.

The request that sends only queues one task (`start_sending`), so an announcement
to 22,710 people returns at once and never holds a web worker. Then, on the task
worker:

1. `fan_out_announcement` reads the audience in chunks, with each person's
   preference and whether their address takes bulk mail (announcements.audiences),
   and writes their delivery row: queued, digest or suppressed (no row for those who
   want none). The unique (announcement, person) pair and `ignore_conflicts` make a
   resumed or repeated fan-out write nothing twice. It then queues a batch task for
   each run of about BATCH_SIZE queued rows.
2. `send_deliveries` claims its rows (queued, or claimed by a worker that died),
   sends each over one mail connection and marks it sent straight after its send:
   a worker that dies half way leaves the rest claimed, and the batch's next run
   (core.worker queues a dead worker's task again) sends only those. A copy sent but
   not yet marked when the worker died goes again with the same Message-ID.
3. When no row is left to send, the announcement is SENT.

`sent_at` is set when sending starts, not when the last copy goes: the archive
orders by it, and the announcement is on the site from the moment it is sent.

A permanent refusal of a recipient by the mail server (5xx) bounces that copy and
counts a hard bounce against the address (members.suppression); a temporary one
(4xx) is tried again later. A failure of the connection puts the batch's unsent
rows back in the queue and tries the batch again later, as core.email does; after
the last attempt they are marked failed.
"""

import logging
import re
import smtplib
import time
from datetime import datetime, timedelta
from itertools import batched

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.tasks import task
from django.utils import timezone

from core import pagecache
from core.email import EMAIL_MAX_ATTEMPTS, retry_later
from members import suppression
from networks.models import network_scope

from .audiences import address_stopped, delivery_status, people_with_choices
from .emails import AnnouncementMail
from .models import Announcement, Delivery

logger = logging.getLogger(__name__)

State = Announcement.State
Status = Delivery.Status

# People read, and delivery rows written, per query in the fan-out.
FAN_OUT_CHUNK = 1000
# Copies per batch task: one mail connection, and a few seconds' work, each.
BATCH_SIZE = 200
# Rows still to be sent: the batches' work, and what keeps an announcement SENDING.
UNSENT = (Status.QUEUED, Status.SENDING)
# The counts the sender sees (delivery_counts), in this order.
COUNTED = (
    Status.SENT,
    Status.QUEUED,
    Status.DIGEST,
    Status.FAILED,
    Status.BOUNCED,
    Status.COMPLAINED,
    Status.SUPPRESSED,
)


@transaction.atomic
def start_sending(announcement: Announcement) -> None:
    """Send the announcement now: it is SENDING from this moment (sent_at now, so it is
    in the archive at once), and its fan-out is queued when the transaction commits.

    Called inside the sender's transaction (the web's send service, or the scheduler's
    command); it only queues one task. Calling it again for an announcement still
    sending queues the fan-out again, which resumes it without sending anything twice.
    """
    if announcement.state == State.SENT:
        raise ValueError(f"Announcement {announcement.pk} has been sent already.")
    announcement.state = State.SENDING
    announcement.sent_at = announcement.sent_at or timezone.now()
    Announcement.objects.filter(pk=announcement.pk).update(
        state=announcement.state, sent_at=announcement.sent_at, updated_at=timezone.now()
    )
    _on_the_page(announcement)
    announcement_id = announcement.pk
    transaction.on_commit(lambda: fan_out_announcement.enqueue(announcement_id=announcement_id))


@transaction.atomic
def record_sent_without_email(announcement: Announcement) -> None:
    """Record the announcement as sent to its audience without emailing anyone: each
    recipient's row written by the fan-out's own rule, the copies that would have gone
    at once marked sent, those held for a weekly digest left for it.

    For demonstration data only (seed_demo, through send_announcement's notify=False),
    which emails nobody: the sender's counts and the archive read as after a real send.
    """
    if announcement.state == State.SENT:
        raise ValueError(f"Announcement {announcement.pk} has been sent already.")
    now = timezone.now()
    announcement.sent_at = announcement.sent_at or now
    _write_deliveries(announcement)
    Delivery.objects.filter(announcement=announcement, status=Status.QUEUED).update(
        status=Status.SENT, sent_at=announcement.sent_at
    )
    announcement.state = State.SENT
    announcement.fanned_out_at = now
    Announcement.objects.filter(pk=announcement.pk).update(
        state=announcement.state,
        sent_at=announcement.sent_at,
        fanned_out_at=now,
        updated_at=now,
    )
    _on_the_page(announcement)


def _on_the_page(announcement: Announcement) -> None:
    """A queryset update sends no model signals: the network's page, which lists its
    latest sent announcements (kept in the cache), is told here (core.pagecache)."""
    pagecache.invalidate(network_scope(announcement.network.slug))


def send_due_announcements(*, now: datetime | None = None) -> list[int]:
    """Start sending every scheduled announcement whose time has come; returns their ids.

    Safe to run twice at once: each moves from SCHEDULED to SENDING by a conditional
    update, which only one run can make.
    """
    now = now or timezone.now()
    due = Announcement.objects.filter(state=State.SCHEDULED, send_at__lte=now)
    started = []
    for announcement_id in list(due.order_by("send_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            taken = Announcement.objects.filter(pk=announcement_id, state=State.SCHEDULED).update(
                state=State.SENDING
            )
            if not taken:
                continue  # another run took it
            start_sending(Announcement.objects.get(pk=announcement_id))
        started.append(announcement_id)
    return started


@task()
def fan_out_announcement(*, announcement_id: int) -> None:
    """Write every recipient's delivery row, then queue the batches that send them."""
    announcement = Announcement.objects.filter(pk=announcement_id, state=State.SENDING).first()
    if announcement is None:
        return  # sent already (a fan-out run twice), or deleted
    if announcement.fanned_out_at is None:
        _write_deliveries(announcement)
        Announcement.objects.filter(pk=announcement.pk, fanned_out_at__isnull=True).update(
            fanned_out_at=timezone.now()
        )
    _queue_batches(announcement)
    finish_if_done(announcement_id)


def _write_deliveries(announcement: Announcement) -> None:
    people = people_with_choices(announcement).iterator(chunk_size=FAN_OUT_CHUNK)
    for chunk in batched(people, FAN_OUT_CHUNK, strict=False):
        rows = []
        for person_id, choice, stopped in chunk:
            status = delivery_status(choice, urgent=announcement.is_urgent, stopped=stopped)
            if status is not None:
                rows.append(Delivery(announcement=announcement, person_id=person_id, status=status))
        # A resumed fan-out finds some rows written: the unique pair keeps the first.
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def _queue_batches(announcement: Announcement) -> None:
    """A batch task for each run of BATCH_SIZE unsent rows, by ranges of their ids."""
    ids = (
        Delivery.objects.filter(announcement=announcement, status__in=UNSENT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # The ranges first, then the tasks: the immediate backend runs each at once, and
    # must not write while the ids are still being read.
    ranges, after_id = [], 0
    for batch in batched(ids.iterator(chunk_size=FAN_OUT_CHUNK), BATCH_SIZE, strict=False):
        ranges.append((after_id, batch[-1]))
        after_id = batch[-1]
    for after_id, up_to_id in ranges:
        send_deliveries.enqueue(
            announcement_id=announcement.pk, after_id=after_id, up_to_id=up_to_id
        )


def finish_if_done(announcement_id: int) -> bool:
    """Mark a fanned-out announcement SENT once none of its copies is left to send."""
    unsent = Delivery.objects.filter(announcement=OuterRef("pk"), status__in=UNSENT)
    return bool(
        Announcement.objects.filter(
            pk=announcement_id, state=State.SENDING, fanned_out_at__isnull=False
        )
        .exclude(Exists(unsent))
        .update(state=State.SENT)
    )


def _stale_claim() -> datetime:
    """Rows claimed before this were claimed by a worker that has died."""
    return timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)


def _claim(announcement_id: int, after_id: int, up_to_id: int) -> list[tuple[int, int, str]]:
    """Take the range's rows still to send: (delivery id, person id, address) each.

    An address stopped since the fan-out (a complaint came in meanwhile, or during a
    retry's wait) is not sent to: its row is marked suppressed instead.
    """
    with transaction.atomic():
        # Locked rows are another batch's, being claimed right now: skip them. (SQLite
        # has no row locks, and writes one transaction at a time.)
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(announcement_id=announcement_id, pk__gt=after_id, pk__lte=up_to_id)
            .filter(
                Q(status=Status.QUEUED) | Q(status=Status.SENDING, claimed_at__lt=_stale_claim())
            )
            .annotate(stopped=address_stopped("person__email"))
            .order_by("pk")
            .values_list("pk", "person_id", "person__email", "stopped")
        )
        now = timezone.now()
        Delivery.objects.filter(pk__in=[row[0] for row in rows if row[3]]).update(
            status=Status.SUPPRESSED, claimed_at=None
        )
        Delivery.objects.filter(pk__in=[row[0] for row in rows if not row[3]]).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return [(pk, person_id, address) for pk, person_id, address, stopped in rows if not stopped]


# RFC 3463's enhanced status code at the start of the server's reply: "5.1.1 ...".
ENHANCED_STATUS = re.compile(rb"^\s*([245])\.(\d{1,3})\.(\d{1,3})")


def _refusal(error: smtplib.SMTPException) -> tuple[int, bytes] | None:
    """The code and reply of a refusal of this one copy, or None for any other failure."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # One address per message, so one entry: {address: (code, reply)}.
        for code, reply in error.recipients.values():
            return code, reply
    if isinstance(error, smtplib.SMTPDataError):
        said: bytes | str = error.smtp_error
        return error.smtp_code, said if isinstance(said, bytes) else said.encode()
    return None


def _is_hard_bounce(code: int, reply: bytes) -> bool:
    """A permanent refusal that says the address does not take mail.

    5.7.x is a refusal by policy (the message, the sender, its reputation): nothing
    about the address, so it fails the copy without counting against the address.
    """
    enhanced = ENHANCED_STATUS.match(reply)
    return 500 <= code < 600 and not (enhanced and enhanced.group(2) == b"7")


def _mark(delivery_ids: list[int], status: str) -> None:
    if delivery_ids:
        Delivery.objects.filter(pk__in=delivery_ids, status=Status.SENDING).update(
            status=status, claimed_at=None
        )


@task()
def send_deliveries(
    *, announcement_id: int, after_id: int, up_to_id: int, attempt: int = 1
) -> None:
    """Send the queued copies with ids in (after_id, up_to_id], over one connection."""
    announcement = (
        Announcement.objects.select_related("network", "subgroup", "workhub", "meeting")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None:
        return
    batch = {"announcement_id": announcement_id, "after_id": after_id, "up_to_id": up_to_id}
    claimed = _claim(announcement_id, after_id, up_to_id)
    retried = False
    if claimed:
        mail = AnnouncementMail(announcement)
        later = _send(mail, claimed)
        if later:
            _mark(later, Status.QUEUED)
            retried = retry_later(
                send_deliveries,
                attempt=attempt,
                max_attempts=EMAIL_MAX_ATTEMPTS,
                announcement_id=announcement_id,
                after_id=after_id,
                up_to_id=up_to_id,
            )
            if not retried:
                Delivery.objects.filter(pk__in=later, status=Status.QUEUED).update(
                    status=Status.FAILED
                )
                logger.error(
                    "Announcement %s: %s copies failed on attempt %s; given up",
                    announcement_id, len(later), attempt,
                )  # fmt: skip
    if not retried:  # a retry comes back for the whole range anyway
        _come_back_for_claims_of_others(batch, attempt)
    finish_if_done(announcement_id)


def _come_back_for_claims_of_others(batch: dict[str, int], attempt: int) -> bool:
    """Queue the batch again for when the rows of its range still claimed by another run
    go stale, if there are any; True if it did.

    A run of the batch cut short (its worker stopped, or the database went away) is
    queued again at once by the worker, or taken over a little before its claims go
    stale: the new run finds them fresh, as another's, and leaves them. Without this
    nothing would come back for them, and those people would never get their copy.
    Coming back after a run that is still alive finds its rows sent, or comes back again.
    """
    if not send_deliveries.get_backend().supports_defer:
        return False  # the immediate queue cannot wait (development and tests)
    held = Delivery.objects.filter(
        announcement_id=batch["announcement_id"],
        pk__gt=batch["after_id"],
        pk__lte=batch["up_to_id"],
        status=Status.SENDING,
    ).aggregate(latest=Max("claimed_at"))["latest"]
    if held is None:
        return False
    stale_at = held + timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    send_deliveries.using(run_after=max(stale_at, timezone.now())).enqueue(attempt=attempt, **batch)
    return True


def _mark_sent(delivery_id: int) -> None:
    """Mark a copy sent, at once: a worker that dies after this sends it no more.

    On PostgreSQL the commit does not wait for the database to write it to disk
    (synchronous_commit off, for this one transaction): on a busy disk that wait was
    most of each copy's time. A worker that dies loses nothing by it, as the commit has
    reached the server; only a crash of the database server itself, within a fraction
    of a second of the commit, could lose the mark, and then the copy goes again with
    the same Message-ID, as one sent but not yet marked when its worker died does.
    """
    with transaction.atomic():
        database = transaction.get_connection()
        if database.vendor == "postgresql":
            with database.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        Delivery.objects.filter(pk=delivery_id).update(
            status=Status.SENT, sent_at=timezone.now(), claimed_at=None
        )


def _send(mail: AnnouncementMail, claimed: list[tuple[int, int, str]]) -> list[int]:
    """Send each claimed copy; returns the ids of those to try again later."""
    later: list[int] = []
    done = 0
    # While sending, the claim is renewed well within the stale time, so no other run
    # takes this batch's rows for a dead worker's however slow the mail server is.
    renew_every = settings.WORKER_STALE_SECONDS / 3
    renewed = time.monotonic()
    connection = mailers.default
    try:
        with connection:
            for done, (delivery_id, person_id, address) in enumerate(claimed):
                if time.monotonic() - renewed > renew_every:
                    Delivery.objects.filter(
                        pk__in=[row[0] for row in claimed[done:]], status=Status.SENDING
                    ).update(claimed_at=timezone.now())
                    renewed = time.monotonic()
                message = mail.message_to(
                    person_id=person_id, address=address, delivery_id=delivery_id
                )
                try:
                    connection.send_messages([message])
                except AnymailRecipientsRefused:
                    # An email service (django-anymail) refused the one address: it is
                    # invalid or on the service's own list of addresses that bounced or
                    # complained. Sending it again would be refused again.
                    _mark([delivery_id], Status.BOUNCED)
                    suppression.record_hard_bounce(address)
                    continue
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                    refusal = _refusal(error)
                    if refusal is None or refusal[0] < 500:
                        later.append(delivery_id)  # a temporary refusal: try again later
                    elif _is_hard_bounce(*refusal):
                        _mark([delivery_id], Status.BOUNCED)
                        suppression.record_hard_bounce(address)
                    else:
                        _mark([delivery_id], Status.FAILED)
                    continue
                _mark_sent(delivery_id)
            done = len(claimed)
    except Exception:
        # The connection failed: this copy and the rest go back in the queue.
        logger.warning(
            "Announcement %s: the mail connection failed after %s of %s copies",
            mail.announcement.pk, done, len(claimed), exc_info=True,
        )  # fmt: skip
        later.extend(row[0] for row in claimed[done:])
    return later


def delivery_counts(announcement: Announcement) -> dict[str, int]:
    """How many copies are sent, queued (or being sent), held for the digest, failed,
    bounced, reported as spam, and not sent to an address that gets no bulk mail: the
    delivery rows' counts (one query), or those kept when the rows were pruned."""
    if announcement.kept_counts:
        kept = announcement.kept_counts
        return {status.value: int(kept.get(status.value, 0)) for status in COUNTED}
    return _row_counts(announcement.pk)


def _row_counts(announcement_id: int) -> dict[str, int]:
    counts = dict.fromkeys((status.value for status in COUNTED), 0)
    rows = (
        Delivery.objects.filter(announcement_id=announcement_id)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    for status, n in rows:
        # A copy being sent is still to go, for the sender as for the queue.
        counts[Status.QUEUED.value if status == Status.SENDING else status] += n
    return counts


def prune_deliveries(*, now: datetime | None = None) -> int:
    """Delete the delivery rows of announcements sent more than
    ANNOUNCEMENT_DELIVERY_RETENTION_DAYS ago, keeping their counts on the announcement
    (delivery_counts reads them there); returns how many announcements were pruned."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ANNOUNCEMENT_DELIVERY_RETENTION_DAYS)
    due = Announcement.objects.filter(
        state=State.SENT,
        sent_at__lt=cutoff,
        pk__in=Delivery.objects.values("announcement_id"),
    )
    pruned = 0
    for announcement_id in due.values_list("pk", flat=True):
        # One announcement at a time, its counts and the deletion together.
        with transaction.atomic():
            Announcement.objects.filter(pk=announcement_id).update(
                kept_counts=_row_counts(announcement_id)
            )
            Delivery.objects.filter(announcement_id=announcement_id).delete()
        pruned += 1
    return pruned
