from typing import Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

FORMER_MEMBER = "Former member"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, obj: models.Model) -> Self:
        """The object's events, newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("-created_at", "-pk")

    def for_network(self, network_id: int) -> Self:
        """A network's history, newest first."""
        return self.filter(network_id=network_id).order_by("-created_at", "-pk")


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, and from what to what. Never edited."""

    created_at = models.DateTimeField(default=timezone.now)
    # Kept when the person closes their account: the link empties and the name is
    # blanked by forget_person, so the row still says what happened.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    # The person the change was about (a member whose role changed, a claimant).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(max_length=200, blank=True)
    # A plain number, not a foreign key: core stands below networks and cannot name it.
    network_id = models.PositiveIntegerField(null=True, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # What the object was, in words that name no person (names live in the two fields above).
    object_repr = models.CharField("object", max_length=200)
    action = models.CharField(max_length=60)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]}")
    summary = models.CharField(max_length=500)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # An object's history on its admin page.
            models.Index(fields=["content_type", "object_id"], name="core_audit_object"),
            # A network's history page, newest first.
            models.Index(fields=["network_id", "-created_at"], name="core_audit_network"),
        ]

    def __str__(self):
        return self.summary

    @property
    def actor_label(self) -> str:
        """Who did it: their name, "Headnet" for a command or an automatic check, or
        "Former member" once the person has closed their account."""
        if self.changes.get("_automatic") is True:
            return "Headnet"
        return self.actor_name or FORMER_MEMBER

    @property
    def subject_label(self) -> str:
        if not self.subject_name and self.subject_id is None:
            return ""
        return self.subject_name or FORMER_MEMBER

    @property
    def change_lines(self) -> list[str]:
        """Each change in words: "Status: Pending approval → Active"."""
        return [
            f"{name}: {pair[0] or '(empty)'} → {pair[1] or '(empty)'}"
            for name, pair in self.changes.items()
            if not name.startswith("_")
        ]


class OutgoingEmail(models.Model):
    """An email waiting to be sent.

    The send task carries only this row's id, so the task queue never holds a
    message (sign-in codes, reset links); the row is deleted once the email is sent.
    """

    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list)
    from_email = models.CharField(max_length=320)
    # Extra headers of bulk mail (List-Id, List-Unsubscribe): {name: value}.
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.subject} to {', '.join(self.to)}"


class WorkerHeartbeat(models.Model):
    """A task worker (`run_worker`) and when it was last seen alive.

    Each worker writes its row every few seconds, while it runs a task as well as
    between tasks. A row gone stale means the worker died, and the tasks it was
    running are queued again (core.worker). Times are the database's own clock, so
    the clocks of the app servers do not matter.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"


class PeriodicRun(models.Model):
    """One periodic command queued for one of its slots (core.scheduler).

    Every worker runs the scheduler; the unique pair is what lets only one of them
    queue the command for a slot, however many app servers there are.
    """

    command = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="the start of the period this run is for")
    queued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="its task's result id")

    class Meta:
        ordering = ["-slot", "command"]
        constraints = [
            models.UniqueConstraint(
                fields=["command", "slot"], name="core_periodicrun_once_per_slot"
            )
        ]

    def __str__(self):
        return f"{self.command} for {self.slot:%Y-%m-%d %H:%M}"
