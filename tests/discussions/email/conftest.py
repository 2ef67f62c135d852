import pytest
from django.db import transaction

from discussions import notifications, services
from networks.models import WorkhubMembership
from tests import factories

REPLY_DOMAIN = "reply.headnet.example"


@pytest.fixture(autouse=True)
def _replies_on(settings):
    settings.DISCUSSIONS_REPLY_DOMAIN = REPLY_DOMAIN
    settings.DISCUSSIONS_REPLY_MAX_AGE_DAYS = 90


class _CommitAtOnce:
    """django.db.transaction, whose on_commit runs its work at once."""

    def __getattr__(self, name):
        return getattr(transaction, name)

    @staticmethod
    def on_commit(func, using=None, robust=False):
        func()


@pytest.fixture
def real_commits():
    """Asked for by a test of what a post leaves for its commit: nothing runs early."""


@pytest.fixture(autouse=True)
def _notified_as_if_committed(request, monkeypatch):
    """A test runs in one transaction that never commits, so the notification task a post
    queues for its commit would never run: here it runs (immediate task backend) as soon
    as it is queued, and a test sees the emails as after the commit. Tests of the commit
    itself ask for `real_commits` (and django_capture_on_commit_callbacks)."""
    if "real_commits" not in request.fixturenames:
        monkeypatch.setattr(notifications, "transaction", _CommitAtOnce())


@pytest.fixture
def author(network):
    person = factories.make_head(email="tom.brown@school.example", first_name="Tom",
                                 last_name="Brown")  # fmt: skip
    factories.make_membership(person=person, network=network)
    return person


@pytest.fixture
def jane(network):
    person = factories.make_head(email="jane@school.example", first_name="Jane",
                                 last_name="Smith")  # fmt: skip
    factories.make_membership(person=person, network=network)
    return person


@pytest.fixture
def thread(network, author, jane):
    return services.start_thread(
        network=network, author=author, title="SEND funding this term",
        body="Has anyone had their top-up funding confirmed yet?",
    )  # fmt: skip


@pytest.fixture
def workhub_thread(network, author, jane):
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=author)
    return services.start_thread(
        network=network, workhub=workhub, author=author, title="Workhub plans", body="Ideas?"
    )
