"""The discussions' services: what each changes, what it refuses, and what it records."""

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from discussions import privacy, services
from discussions.models import Post, PostReport
from discussions.signals import post_added
from tests import factories

pytestmark = pytest.mark.django_db


def test_posts_are_numbered_in_order_and_the_thread_keeps_count(network, member):
    thread = factories.make_thread(network=network, author=member, replies=3)
    assert list(thread.posts.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert thread.post_count == 4


def test_a_post_s_markdown_is_sanitised(network, member):
    thread = factories.make_thread(
        network=network, author=member, body="**Bold** <script>alert(1)</script>"
    )
    html = thread.posts.get().body_html
    assert "<strong>Bold</strong>" in html
    assert "<script>" not in html


def test_every_post_is_announced_for_the_email_notifications(network, member):
    heard = []

    def receiver(sender, post, **kwargs):
        heard.append(post.number)

    post_added.connect(receiver)
    try:
        thread = factories.make_thread(network=network, author=member, replies=1)
    finally:
        post_added.disconnect(receiver)
    assert heard == [1, 2]
    assert thread.post_count == 2


def test_an_empty_title_or_post_is_refused(network, member):
    with pytest.raises(ValidationError):
        services.start_thread(network=network, author=member, title=" ", body="Hello")
    with pytest.raises(ValidationError):
        services.start_thread(network=network, author=member, title="Hello", body="  ")
    thread = factories.make_thread(network=network, author=member)
    with pytest.raises(ValidationError):
        services.add_post(thread=thread, author=member, body="")


def test_a_locked_thread_refuses_a_post_unless_from_a_moderator(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member)
    services.lock_thread(thread=thread, by=coordinator)
    with pytest.raises(ValidationError, match="locked"):
        services.add_post(thread=thread, author=member, body="Still here")
    services.add_post(thread=thread, author=coordinator, body="Closing note", moderator=True)
    assert thread.posts.count() == 2


def test_a_post_quotes_only_a_post_of_its_thread(network, member):
    thread = factories.make_thread(network=network, author=member)
    other = factories.make_thread(network=network, author=member, title="Other")
    with pytest.raises(ValidationError):
        services.add_post(thread=thread, author=member, body="Yes", quotes=other.posts.get())
    post = services.add_post(thread=thread, author=member, body="Yes", quotes=thread.posts.get())
    assert post.quotes.number == 1


def test_an_author_s_edit_is_marked_edited(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member)
    post = thread.posts.get()
    with pytest.raises(ValidationError):
        services.edit_post(post=post, by=coordinator, body="Not mine")
    edited = services.edit_post(post=post, by=member, body="Changed *text*")
    assert edited.edited_at is not None
    assert "<em>text</em>" in edited.body_html


def test_an_author_removes_their_post_and_its_text_goes(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member, body="Something I regret")
    post = thread.posts.get()
    with pytest.raises(ValidationError):
        services.delete_post(post=post, by=coordinator)
    services.delete_post(post=post, by=member)
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert post.body == "" and post.body_html == ""
    assert thread.posts.count() == 1  # its place stays


def test_hiding_needs_a_reason_is_audited_and_answers_the_reports(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member)
    post = thread.posts.get()
    reporter = factories.make_head()
    report = services.report_post(post=post, by=reporter, reason="Unkind")
    with pytest.raises(ValidationError):
        services.hide_post(post=post, by=coordinator, reason=" ")
    services.hide_post(post=post, by=coordinator, reason="Names a pupil")
    post.refresh_from_db()
    assert post.hidden_at is not None and post.hidden_reason == "Names a pupil"
    assert post.body  # kept for the coordinators
    event = AuditEvent.objects.get(action="discussions.post_hidden")
    assert event.actor_id == coordinator.pk and event.subject_id == member.pk
    assert event.network_id == network.pk and "Names a pupil" in event.summary
    report.refresh_from_db()
    assert report.resolved_by == coordinator
    services.unhide_post(post=post, by=coordinator)
    assert AuditEvent.objects.filter(action="discussions.post_shown").exists()


def test_locking_unlocking_and_closing_a_report_are_audited(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member)
    services.lock_thread(thread=thread, by=coordinator)
    services.unlock_thread(thread=thread, by=coordinator)
    report = services.report_post(post=thread.posts.get(), by=coordinator, reason="Off topic")
    services.resolve_report(report=report, by=coordinator)
    actions = set(AuditEvent.objects.filter(network_id=network.pk).values_list("action", flat=True))
    assert {
        "discussions.thread_locked", "discussions.thread_unlocked", "discussions.report_resolved"
    } <= actions  # fmt: skip


def test_a_member_reports_a_post_once_and_never_their_own(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member)
    post = thread.posts.get()
    with pytest.raises(ValidationError):
        services.report_post(post=post, by=member, reason="Mine")
    first = services.report_post(post=post, by=coordinator, reason="Off topic")
    again = services.report_post(post=post, by=coordinator, reason="Still off topic")
    assert first == again
    assert PostReport.objects.count() == 1


def test_a_person_removes_all_their_posts_and_others_stay(network, member, coordinator):
    thread = factories.make_thread(network=network, author=member, replies=2)
    services.add_post(thread=thread, author=coordinator, body="Mine stays")
    assert services.remove_posts_of(person=member) == 3
    assert not Post.objects.filter(author=member, deleted_at=None).exists()
    assert Post.objects.get(author=coordinator).body == "Mine stays"


def test_closing_an_account_keeps_the_posts_without_the_author(network, member):
    thread = factories.make_thread(network=network, author=member, body="Still useful")
    assert privacy.personal_data(member)["discussion_posts"][0]["text"] == "Still useful"
    privacy.forget_person(member)
    post = thread.posts.get()
    assert post.author is None and post.body == "Still useful"


def test_an_earlier_years_workhub_thread_takes_no_new_post(network):
    workhub = factories.make_workhub(network=network)
    thread = factories.make_thread(network=network, workhub=workhub)
    workhub.academic_year -= 1
    workhub.save()

    with pytest.raises(ValidationError, match="earlier year's workhub"):
        services.add_post(thread=thread, author=thread.started_by, body="Still here?")
    assert thread.posts.count() == 1
