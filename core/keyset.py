"""Keyset pagination: a page starts where the last one ended, found through an index.

OFFSET makes the database walk and throw away every row before the page, so the
last page of a long list is the slowest. Here a page is asked for by the sort key
of the row next to it (a cursor in the query string): `?after=` the next page,
`?before=` the previous one, `?page=last` the end, walked backwards from the end.
A cursor that does not parse gives the first page, never an error.

The keys are field paths, each ascending or, with a leading "-", descending; the last
one unique (a tie-breaker). A date, or a date and time, travels in the cursor as ISO text.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet, prefetch_related_objects


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows and the cursors to the pages beside it."""

    rows: list
    has_previous: bool
    has_next: bool
    previous_cursor: str
    next_cursor: str

    @property
    def is_first(self) -> bool:
        return not self.has_previous

    @property
    def is_last(self) -> bool:
        return not self.has_next

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def encode_cursor(values: list) -> str:
    values = [value.isoformat() if isinstance(value, datetime.date) else value for value in values]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fields: list) -> list | None:
    """The key values in the cursor, each checked by its field; None if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(fields):
        return None
    checked = []
    for field, value in zip(fields, values, strict=True):
        if not isinstance(value, str | int) or isinstance(value, bool):
            return None
        if isinstance(value, str) and "\x00" in value:
            return None  # PostgreSQL refuses NUL in text
        try:
            value = field.to_python(value)
            field.run_validators(value)
        except ValidationError:
            return None
        checked.append(value)
    return checked


def _field_at(model, path: str):
    """The model field a path such as "person__last_name" ends at."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name)
    # A foreign key's attribute ("person_id") is checked as the key it holds.
    return field.target_field if field.is_relation else field


def _value_at(row, path: str):
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _beyond(keys: list[str], values: list, lookups: list[str]) -> Q:
    """Rows past the cursor in one direction: (a, b, c) > (x, y, z), spelt out, each key
    compared its own way ("gt" or "lt": a descending key is passed the other way).

    The redundant a >= x (or <=) lets the database start its index scan at the
    cursor rather than filter the whole index.
    """
    edge = "gte" if lookups[0] == "gt" else "lte"
    alternatives = [
        Q(**dict(zip(keys[:depth], values[:depth], strict=True)))
        & Q(**{f"{keys[depth]}__{lookups[depth]}": values[depth]})
        for depth in range(len(keys))
    ]
    return Q(**{f"{keys[0]}__{edge}": values[0]}) & reduce(or_, alternatives)


def paginate(queryset: QuerySet, keys: list[str], params, per_page: int) -> KeysetPage:
    """The page the query string (`params`) asks for, in the order of `keys`."""
    descending = [key.startswith("-") for key in keys]
    paths = [key.removeprefix("-") for key in keys]
    try:
        fields = [_field_at(queryset.model, path) for path in paths]
    except FieldDoesNotExist as error:
        raise ValueError(f"Not a key of {queryset.model.__name__}: {keys}") from error
    # Related rows are fetched for the page's rows only, not for the one looked at
    # beyond it (which also keeps the IN list within psycopg's cache of 50 values).
    prefetches = queryset._prefetch_related_lookups
    queryset = queryset.prefetch_related(None)
    forward = queryset.order_by(*keys)
    backward = queryset.order_by(
        *[path if down else f"-{path}" for path, down in zip(paths, descending, strict=True)]
    )
    onward = ["lt" if down else "gt" for down in descending]
    back = ["gt" if down else "lt" for down in descending]

    after = decode_cursor(params.get("after", ""), fields)
    before = decode_cursor(params.get("before", ""), fields) if after is None else None
    rows = []
    if after is not None:
        rows = list(forward.filter(_beyond(paths, after, onward))[: per_page + 1])
        has_previous, has_next = True, len(rows) > per_page
        rows = rows[:per_page]
    elif before is not None:
        rows = list(backward.filter(_beyond(paths, before, back))[: per_page + 1])
        has_previous, has_next = len(rows) > per_page, True
        rows = rows[:per_page][::-1]
    if not rows:
        # No cursor, a bad one, or one past either end (people left since): the first
        # page, or the last when asked for (or when walking forward ran out).
        to_last = after is not None or (before is None and params.get("page") == "last")
        if to_last:
            rows = list(backward[: per_page + 1])
            has_previous, has_next = len(rows) > per_page, False
            rows = rows[:per_page][::-1]
        else:
            rows = list(forward[: per_page + 1])
            has_previous, has_next = False, len(rows) > per_page
            rows = rows[:per_page]
    if prefetches:
        prefetch_related_objects(rows, *prefetches)

    def cursor(row) -> str:
        return encode_cursor([_value_at(row, path) for path in paths])

    return KeysetPage(
        rows=rows,
        has_previous=has_previous,
        has_next=has_next,
        previous_cursor=cursor(rows[0]) if rows and has_previous else "",
        next_cursor=cursor(rows[-1]) if rows and has_next else "",
    )
