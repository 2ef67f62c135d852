"""The audit trail: `record(...)` from any service, in words people can read later.

A small explicit log (in the manner of pretix's LogEntry) rather than a library that
snapshots every save: services know *why* a row changed (an approval, a lapse, a
payment), a generic diff of fields does not. See AuditEvent.
"""

from collections.abc import Iterable
from typing import Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import AuditEvent

# What changed, as people read it: {"Status": ["Pending", "Active"]}.
type Changes = dict[str, list[str]]


class Person(Protocol):
    """The user model, as far as the trail needs it (core names no app above it)."""

    @property
    def pk(self) -> int: ...

    @property
    def email(self) -> str: ...

    def get_full_name(self) -> str: ...


def _name_of(person: Person | None) -> str:
    if person is None:
        return ""
    return person.get_full_name() or person.email


def display_value(obj: models.Model, field_name: str) -> str:
    """The field's value as a person reads it: a choice's label, an object's name, a date."""
    field = obj._meta.get_field(field_name)
    if not isinstance(field, models.Field):  # a reverse relation holds no value of its own
        raise TypeError(f"{obj._meta.label}.{field_name} is not a field")
    if field.choices:
        return str(getattr(obj, f"get_{field_name}_display")())
    value = getattr(obj, field_name)
    if value is None:
        return ""
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(field, models.DateTimeField):
        return f"{timezone.localtime(value):%d %b %Y %H:%M}"
    return str(value)


def model_changes(before: models.Model, after: models.Model, field_names: Iterable[str]) -> Changes:
    """{verbose name: [before, after]} for the named concrete fields that differ."""
    changes: Changes = {}
    for name in field_names:
        field = after._meta.get_field(name)
        if not field.concrete or field.many_to_many:
            continue
        old, new = display_value(before, name), display_value(after, name)
        if old != new:
            changes[str(field.verbose_name).capitalize()] = [old, new]
    return changes


def record(
    *,
    obj: models.Model,
    action: str,
    summary: str,
    actor: Person | None = None,
    subject: Person | None = None,
    network_id: int | None = None,
    changes: Changes | None = None,
    object_repr: str = "",
) -> AuditEvent:
    """Record one change to `obj`; actor None: Headnet did it (a command, an automatic check).

    `object_repr` and `summary` must not name people: names go in actor and subject,
    so closing an account can remove them.
    """
    stored: dict[str, list[str] | bool] = dict(changes or {})
    if actor is None:
        stored["_automatic"] = True
    return AuditEvent.objects.create(
        # By id: core knows the user model only as a Person (see above).
        actor_id=None if actor is None else actor.pk,
        actor_name=_name_of(actor),
        subject_id=None if subject is None else subject.pk,
        subject_name=_name_of(subject),
        network_id=network_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=(object_repr or str(obj))[:200],
        action=action,
        changes=stored,
        summary=summary[:500],
    )
