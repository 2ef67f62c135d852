"""Query shapes the database serves better, with a plain form for SQLite."""

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q, QuerySet


def pk_in_any(*parts: QuerySet) -> Q:
    """Rows whose key one of `parts` (each `.values("pk")`, maybe sliced) selects.

    On PostgreSQL the parts are one UNION ALL, which the planner sizes from the parts'
    limits and joins by key; an OR of IN subqueries makes it guess thousands of rows and
    read the whole table. SQLite allows no LIMIT inside a UNION: there, the OR."""
    if connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=parts[0].union(*parts[1:], all=True))
    return reduce(or_, (Q(pk__in=part) for part in parts))
