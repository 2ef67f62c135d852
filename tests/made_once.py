"""Data made once for a module's tests, each test starting from it as it was made: Django's
TestCase.setUpTestData, for pytest.

A scene or the demo can take seconds to make, too long to make again for each of a
module's many tests. `made_once` makes it once, in a module-scoped fixture, inside a
transaction it keeps open until the module's last test and then rolls back. Each test
(with pytest-django's `db`) runs in a savepoint inside that transaction, rolled back after
it, so no test sees another's writes. `as_made` then gives each test the data as it was
made:

- its own deep copy of the objects made (as setUpTestData's do), so a test that changes
  one in memory changes nobody else's;
- the emails the making sent, in the outbox as the test begins;
- the files the making stored, put back if an earlier test deleted one (the rows that
  name them are rolled back, the in-memory file storage is not);
- the clock put back to the moment the data was made (and ticking), so what was upcoming,
  open or past when it was made still is, however long the module's tests take.

Tests in the module that do not use the data run before those that do
(`order_by_made_once`, from tests/conftest.py), since the transaction stays open until the
module ends; one that would run while it is open fails (`check_isolated`).
"""

import contextlib
import copy
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

# The fixtures (by name) whose data is made and kept now, in this process.
_kept: list[str] = []


@dataclass
class Made:
    value: Any
    made_at: datetime.datetime
    files: dict[str, bytes]
    mails: list


@contextlib.contextmanager
def made_once(
    django_db_blocker, name: str, make: Callable[[], Any], at: datetime.datetime | None = None
) -> Iterator[Made]:
    """For a module-scoped fixture called `name` (which asks for pytest-django's
    `django_db_setup` and `django_db_blocker`): run make() once, now or with the clock
    put to `at`, and keep what it made until the module's tests are done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            files_before = set(_stored_files())
            mails_before = len(mail.outbox)
            with time_machine.travel(at, tick=True) if at else contextlib.nullcontext():
                value = make()
                made_at = timezone.now()  # when a test would have begun, after the making
            mails = mail.outbox[mails_before:]
            files = {}
            for stored in set(_stored_files()) - files_before:
                with default_storage.open(stored) as file:
                    files[stored] = file.read()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    _kept.append(name)
    try:
        yield Made(value=value, made_at=made_at, files=files, mails=mails)
    finally:
        _kept.remove(name)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@contextlib.contextmanager
def as_made(made: Made) -> Iterator[Any]:
    """For a test's fixture (which asks for `db` and the module's fixture): the data as
    it was made, for the test to use and change."""
    for stored, content in made.files.items():
        if not default_storage.exists(stored):  # a test deleted it; the rows still name it
            default_storage.save(stored, ContentFile(content))
    mail.outbox[:] = copy.deepcopy(made.mails)
    with time_machine.travel(made.made_at, tick=True):
        yield copy.deepcopy(made.value)


def _stored_files(path: str = "") -> Iterator[str]:
    folders, files = default_storage.listdir(path)
    for name in files:
        yield f"{path}/{name}" if path else name
    for folder in folders:
        yield from _stored_files(f"{path}/{folder}" if path else folder)


def _made_once_fixtures(item) -> set[str]:
    """The module-scoped fixtures the test uses that keep data made in the database."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return set()
    return {
        name
        for name, definitions in info.name2fixturedefs.items()
        if definitions
        and definitions[-1].scope == "module"
        and "django_db_blocker" in definitions[-1].argnames
    }


def order_by_made_once(items: list) -> None:
    """Within each module, the tests that use data made once run after those that do not
    (otherwise in their order), so none of the others runs while it is kept."""
    first_of_module: dict[str, int] = {}
    for index, item in enumerate(items):
        first_of_module.setdefault(item.nodeid.split("::")[0], index)
    keys = {
        id(item): (
            first_of_module[item.nodeid.split("::")[0]],
            bool(_made_once_fixtures(item)),
            index,
        )
        for index, item in enumerate(items)
    }
    items.sort(key=lambda item: keys[id(item)])


def check_isolated(item) -> None:
    """A test must not run while data made once for other tests is kept."""
    others = set(_kept) - _made_once_fixtures(item)
    if others:
        pytest.fail(
            f"{item.nodeid} would see the data of {sorted(others)}, made once for other "
            "tests of its module: tests/made_once.py orders such tests first"
        )
