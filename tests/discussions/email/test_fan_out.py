"""A post's emails go from the task worker, in batches (discussions.notifications): the
request that posts queues one task on commit and no email; the task emails each person
once however often it runs, resumes a run cut short without a duplicate or a gap, reads
its recipients when it runs, and asks the database the same few questions per batch
whatever the batch's size."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingEmail
from discussions import notifications, services
from discussions.models import Post, PostNotification, ThreadFollow
from networks.models import Membership
from tests import factories
from tests.announcements.conftest import DATABASE_TASKS
from tests.concurrency import POSTGRES_ONLY, at_the_same_moment

pytestmark = pytest.mark.django_db


def _members(network, count, prefix="member"):
    people = []
    for number in range(count):
        person = factories.make_head(email=f"{prefix}{number}@school.example")
        factories.make_membership(person=person, network=network)
        people.append(person)
    return people


def _new_thread(network, author, title="Ofsted"):
    """A thread started without its task run (real_commits: nothing commits in a test)."""
    thread = services.start_thread(network=network, author=author, title=title, body="News?")
    return thread.posts.get()


def _queued_to():
    """The addresses of the emails queued (database task backend: stored, not yet sent)."""
    return sorted(address for email in OutgoingEmail.objects.all() for address in email.to)


def test_posting_queues_one_task_on_commit_and_no_email(
    network, author, jane, settings, real_commits, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    _members(network, 3)
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.start_thread(network=network, author=author, title="T", body="B")
        # Inside the poster's transaction: the author follows, nothing is queued.
        assert ThreadFollow.objects.filter(thread=thread, person=author).exists()
        assert not DBTaskResult.objects.exists()
    # One task, queued by the commit (the page cache's own callbacks run then too).
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "discussions.notifications.notify_post"
    assert task.args_kwargs["kwargs"] == {"post_id": thread.posts.get().pk}
    assert not OutgoingEmail.objects.exists() and mail.outbox == []
    assert not PostNotification.objects.exists()


def test_the_task_emails_each_person_once_and_a_second_run_nobody(
    network, author, jane, monkeypatch, real_commits
):
    monkeypatch.setattr(notifications, "BATCH_SIZE", 2)
    people = [jane, *_members(network, 4)]
    post = _new_thread(network, author)
    assert mail.outbox == []
    notifications.notify_post.call(post_id=post.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert PostNotification.objects.filter(post=post).count() == 5
    mail.outbox.clear()
    notifications.notify_post.call(post_id=post.pk)
    assert mail.outbox == []


def test_a_run_cut_short_after_its_first_batch_resumes_without_duplicates(
    network, author, jane, settings, monkeypatch, real_commits
):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(notifications, "BATCH_SIZE", 2)
    people = [jane, *_members(network, 4)]
    post = _new_thread(network, author)
    send = notifications.send_post_email
    calls = []

    def dies_in_the_second_batch(post, person, *, following):
        calls.append(person.pk)
        if len(calls) == 4:  # the second email of the second batch: one is queued already
            raise SystemExit("the worker was stopped")
        send(post, person, following=following)

    monkeypatch.setattr(notifications, "send_post_email", dies_in_the_second_batch)
    with pytest.raises(SystemExit):
        notifications.notify_post.call(post_id=post.pk)
    # The first batch stands; the second rolled back, its rows and its queued email.
    assert len(_queued_to()) == 2
    assert PostNotification.objects.filter(post=post).count() == 2
    monkeypatch.setattr(notifications, "send_post_email", send)
    notifications.notify_post.call(post_id=post.pk)  # the worker runs the task again
    assert _queued_to() == sorted(person.email for person in people)
    assert PostNotification.objects.filter(post=post).count() == 5


def _batch_queries(post) -> list[str]:
    """The batch's own queries, without each email's row and task (core.email)."""
    with CaptureQueriesContext(connection) as queries:
        emailed = notifications.notify_batch(post.pk)
    assert emailed
    return [
        query["sql"]
        for query in queries.captured_queries
        if not any(
            word in query["sql"] for word in ("core_outgoingemail", "django_tasks", "SAVEPOINT")
        )
    ]


def test_a_batchs_queries_do_not_grow_with_its_recipients(network, author, settings, real_commits):
    settings.TASKS = DATABASE_TASKS
    _members(network, 2, prefix="few")
    few = _batch_queries(_new_thread(network, author, "Few"))
    _members(network, 10, prefix="many")
    many = _batch_queries(_new_thread(network, author, "Many"))
    assert len(many) == len(few) <= 5
    assert OutgoingEmail.objects.count() == 2 + 12


@pytest.mark.parametrize("gone", ["deleted_at", "hidden_at"])
def test_a_post_deleted_or_hidden_before_the_task_runs_emails_nobody(
    network, author, jane, gone, real_commits
):
    post = _new_thread(network, author)
    Post.objects.filter(pk=post.pk).update(**{gone: post.created_at})
    notifications.notify_post.call(post_id=post.pk)
    assert mail.outbox == []
    assert not PostNotification.objects.exists()


def test_someone_removed_from_the_network_before_the_task_runs_is_not_emailed(
    network, author, jane, real_commits
):
    (stays,) = _members(network, 1)
    post = _new_thread(network, author)
    Membership.objects.filter(person=jane, network=network).update(status=Membership.Status.REMOVED)
    notifications.notify_post.call(post_id=post.pk)
    assert [m.to for m in mail.outbox] == [[stays.email]]


@POSTGRES_ONLY[0]
@POSTGRES_ONLY[1]
def test_two_runs_at_once_email_each_person_once(network, author, jane, settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS  # the post's commit queues the task; the test runs it
    monkeypatch.setattr(notifications, "BATCH_SIZE", 2)
    people = [jane, *_members(network, 5)]
    post = _new_thread(network, author)
    results, errors = at_the_same_moment([lambda: notifications.notify(post.pk)] * 2)
    assert errors == []
    assert sum(results) == 6
    assert _queued_to() == sorted(person.email for person in people)
