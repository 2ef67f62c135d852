"""Queries a page asks on every request, compiled once.

Django compiles a queryset into SQL each time it is run. For the small query that reads
what a page needs about the person asking (their membership, with a few subqueries),
compiling is most of the cost: 1.3 ms to build, compile and run, 0.3 ms to run. A
`Prepared` query is built once per database from stand-in ids and compiled; each call
then runs that SQL with the real ids in the stand-ins' places.

Its rows are instances of the queryset's model, with its annotations as attributes
(converted as the queryset would: a boolean is True, not SQLite's 1), as
`Model.objects.raw()` makes them: nothing is joined in (no select_related), so what a
row relates to is read otherwise or is already at hand.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet

# Stand-ins, in the range of the smallest positive integer column: Django compiles a
# value out of a column's range as a condition that matches nothing, with no parameter.
LAST_STAND_IN = 32_767


# An annotation's name, its expression and the converters of its value.
Converted = tuple[str, Any, list[Any]]


class _Argument(int):
    """A parameter's place that the caller's value takes (its position among the ids)."""


class Prepared[M: Model]:
    """`build(*ids)` makes the queryset of `model` from ids (of any rows; None where one
    may be missing, which matches no row). It is built and compiled once a database, the
    first time it is run there; `rows(*ids)` runs it."""

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]], arity: int) -> None:
        self.model = model
        self.build = build
        self.arity = arity
        self._compiled: dict[str, tuple[str, list[Any], list[Converted]]] = {}

    def _compile(self, alias: str) -> tuple[str, list[Any], list[Converted]]:
        # Compiled from two sets of stand-ins: a parameter that follows them is an id's
        # place, one that stays the same is the query's own (even if it equals a stand-in).
        first = [LAST_STAND_IN - place for place in range(self.arity)]
        second = [LAST_STAND_IN - self.arity - place for place in range(self.arity)]
        queryset = self.build(*first)
        if queryset.model is not self.model:
            raise ImproperlyConfigured(f"{self.build.__qualname__} must query {self.model}.")
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        other_sql, other_params = self.build(*second).query.get_compiler(using=alias).as_sql()
        if other_sql != sql or len(other_params) != len(params):
            raise ImproperlyConfigured(f"{self.build.__qualname__}: its SQL depends on the ids.")
        slots: list[Any] = []
        for param, other in zip(params, other_params, strict=True):
            if param == other:
                slots.append(param)
            elif param in first and other == second[first.index(param)]:
                slots.append(_Argument(first.index(param)))
            else:
                raise ImproperlyConfigured(f"{self.build.__qualname__}: a parameter is not an id.")
        if {int(slot) for slot in slots if isinstance(slot, _Argument)} != set(range(self.arity)):
            # An id the query does not use, or writes into its text: it cannot be reused.
            raise ImproperlyConfigured(f"{self.build.__qualname__}: each id must be a parameter.")
        connection = connections[alias]
        converted = [
            (name, expression, converters)
            for name, expression in queryset.query.annotations.items()
            if (
                converters := connection.ops.get_db_converters(expression)
                + expression.get_db_converters(connection)
            )
        ]
        return sql, slots, converted

    def rows(self, *ids: int | None) -> list[M]:
        if len(ids) != self.arity:
            raise TypeError(f"{self.build.__qualname__} takes {self.arity} ids.")
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        sql, slots, converted = compiled
        params = [ids[slot] if isinstance(slot, _Argument) else slot for slot in slots]
        rows = list(self.model._default_manager.raw(sql, params, using=alias))
        connection = connections[alias]
        for row in rows:
            for name, expression, converters in converted:
                value = getattr(row, name)
                for converter in converters:
                    value = converter(value, expression, connection)
                setattr(row, name, value)
        return rows

    def first(self, *ids: int | None) -> M | None:
        found = self.rows(*ids)
        return found[0] if found else None
