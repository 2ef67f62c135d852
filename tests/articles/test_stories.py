"""Stories: shared by name or anonymously, moderated before anything is public, and an
anonymous one traceable by nobody."""

import datetime
import hashlib
import hmac
import json
import logging
import time

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from articles import services
from articles.models import Story, StoryInbox, hash_story_token
from meetings.models import LONDON
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(network):
    return StoryInbox.objects.create(network=network, invitation="Tell us what helped.")


def _share(client, network, *, shown_as="anonymous", title="The winter I nearly left"):
    """Send the form and follow its redirect to the page that shows the private link."""
    return client.post(
        reverse("articles:story_new", args=[network.slug]),
        {"title": title, "body": "It was the governors who **helped**.", "shown_as": shown_as},
        follow=True,
    )


def _token_from(response) -> str:
    content = response.content.decode()
    marker = "/stories/private/"
    start = content.index(marker) + len(marker)
    return content[start : content.index("/", start)]


def test_a_head_shares_a_story_anonymously_and_gets_a_private_link_once(
    client, network, inbox, head
):
    client.force_login(head)

    response = _share(client, network)

    story = Story.objects.get()
    token = _token_from(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert story.author is None and story.is_anonymous
    assert story.state == Story.State.SUBMITTED
    assert story.token_hash == hash_story_token(token) and token not in story.token_hash
    private = client.get(reverse("articles:story_private", args=[network.slug, token]))
    assert "Waiting for moderation" in private.content.decode()


def test_a_story_told_by_name_keeps_its_author(client, network, inbox, head):
    client.force_login(head)

    _share(client, network, shown_as="name")

    assert Story.objects.get().author == head


def test_visitors_are_sent_to_sign_in_before_sharing(client, network, inbox):
    response = client.get(reverse("articles:story_new", args=[network.slug]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_network_that_takes_no_stories_refuses_them(client, network, head):
    client.force_login(head)

    response = _share(client, network)

    assert response.status_code == 403
    assert not Story.objects.exists()


def test_coordinators_are_told_a_story_waits_without_a_word_about_who_sent_it(
    client, network, inbox, coordinator
):
    author = factories.make_head(first_name="Imogen", last_name="Thistlewood")
    client.force_login(author)

    _share(client, network, shown_as="name")
    assert mail.outbox == []  # not at the moment it is sent: that would time-stamp it
    services.tell_coordinators_of_waiting_stories()
    services.tell_coordinators_of_waiting_stories()  # once per batch of stories

    [email] = mail.outbox
    assert email.to == [coordinator.email]
    assert "A story is waiting for moderation" in email.subject
    text = email.subject + email.body
    assert "Thistlewood" not in text and author.email not in text
    assert "The winter I nearly left" not in text


def test_nothing_is_public_before_a_coordinator_publishes_it(client, network, inbox):
    story = factories.make_story(network=network, title="Not yet")

    listing = client.get(reverse("articles:stories", args=[network.slug])).content.decode()
    detail = client.get(reverse("articles:story", args=[network.slug, story.pk]))

    assert "Not yet" not in listing
    assert detail.status_code == 404


def test_a_coordinator_publishes_a_story_and_everyone_can_read_it(
    client, network, inbox, coordinator
):
    story = factories.make_story(network=network, title="What the first year taught me")
    client.force_login(coordinator)

    client.post(
        reverse("articles:story_moderate", args=[network.slug, story.pk]), {"decision": "publish"}
    )
    client.logout()

    listing = client.get(reverse("articles:stories", args=[network.slug])).content.decode()
    detail = client.get(reverse("articles:story", args=[network.slug, story.pk])).content.decode()
    assert "What the first year taught me" in listing
    assert "Anonymous" in detail and "It was hard" in detail


def test_a_returned_story_shows_the_note_to_its_author_who_sends_a_new_version(
    client, network, inbox, coordinator
):
    story = factories.make_story(network=network, token="the-secret-token")
    client.force_login(coordinator)
    client.post(
        reverse("articles:story_moderate", args=[network.slug, story.pk]),
        {"decision": "return", "note": "Please leave out the school's name."},
    )
    client.logout()
    private = reverse("articles:story_private", args=[network.slug, "the-secret-token"])

    page = client.get(private).content.decode()
    client.post(private, {"title": "Revised", "body": "Without the name."})

    story.refresh_from_db()
    assert "Please leave out the school&#x27;s name." in page
    assert (story.state, story.title) == (Story.State.SUBMITTED, "Revised")
    assert not story.coordinators_told  # the next batch tells them it is back


def test_returning_a_story_needs_a_note(client, network, inbox, coordinator):
    story = factories.make_story(network=network)
    client.force_login(coordinator)

    response = client.post(
        reverse("articles:story_moderate", args=[network.slug, story.pk]), {"decision": "return"}
    )

    story.refresh_from_db()
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert story.state == Story.State.SUBMITTED


def test_a_rejected_story_stays_unpublished_and_its_author_is_told_on_the_private_page(
    client, network, inbox, coordinator
):
    story = factories.make_story(network=network, token="tok")
    client.force_login(coordinator)
    client.post(
        reverse("articles:story_moderate", args=[network.slug, story.pk]),
        {"decision": "reject", "note": "Too close to a live case."},
    )
    client.logout()

    page = client.get(reverse("articles:story_private", args=[network.slug, "tok"]))
    detail = client.get(reverse("articles:story", args=[network.slug, story.pk]))

    assert "Not published" in page.content.decode()
    assert detail.status_code == 404


def test_the_author_withdraws_a_published_story_and_it_is_gone(client, network, inbox):
    story = factories.make_story(network=network, state="published", token="tok")

    client.post(reverse("articles:story_withdraw", args=[network.slug, "tok"]))

    assert not Story.objects.filter(pk=story.pk).exists()
    assert client.get(reverse("articles:story", args=[network.slug, story.pk])).status_code == 404


def test_a_token_opens_its_story_only_under_its_own_network(client, network, other_network):
    factories.make_story(network=other_network, token="tok")

    response = client.get(reverse("articles:story_private", args=[network.slug, "tok"]))

    assert response.status_code == 404


def test_a_coordinator_of_another_network_cannot_moderate(
    client, network, inbox, outsider_coordinator, other_network
):
    story = factories.make_story(network=network)
    client.force_login(outsider_coordinator)

    crossed = client.post(
        reverse("articles:story_moderate", args=[other_network.slug, story.pk]),
        {"decision": "publish"},
    )

    story.refresh_from_db()
    assert crossed.status_code == 404
    assert story.state == Story.State.SUBMITTED


def _counters():
    """The live story counters in the tests' local-memory cache, with when each expires."""
    return {
        key: datetime.datetime.fromtimestamp(cache._expire_info[key], tz=LONDON)
        for key in list(cache._cache)
        if key.startswith(":1:ratelimit:stories:today:") and cache._expire_info[key] > time.time()
    }


def test_submissions_are_rate_limited_per_day_by_a_key_that_names_nobody(
    client, network, inbox, head
):
    client.force_login(head)

    responses = [_share(client, network, title=f"Story {n}") for n in range(6)]

    assert [r.status_code for r in responses] == [200] * 6
    assert Story.objects.count() == 5
    assert "several stories today" in responses[-1].content.decode()
    [key] = _counters()
    # Neither a hash of the id, nor one keyed with the secret key (as it was): whoever
    # holds the secret key and the cache cannot recompute it from the person.
    for guess in (str(head.pk), f"story:{head.pk}"):
        assert hashlib.sha256(guess.encode()).hexdigest() not in key
        keyed = hmac.new(settings.SECRET_KEY.encode(), guess.encode(), hashlib.sha256)
        assert keyed.hexdigest() not in key
        assert hashlib.sha256(keyed.hexdigest().encode()).hexdigest() not in key


def test_the_story_counter_expires_at_midnight_whenever_the_first_story_was_sent(
    client, network, inbox, head, member
):
    """Its expiry used to be the first story's time plus a day: to the second, when
    someone sent their first story of the day."""
    client.force_login(head)
    with time_machine.travel(datetime.datetime(2026, 11, 9, 9, 15, 7, tzinfo=LONDON)):
        _share(client, network, title="Morning")
    client.force_login(member)
    with time_machine.travel(datetime.datetime(2026, 11, 9, 16, 40, 53, tzinfo=LONDON)):
        _share(client, network, title="Afternoon")
        expiries = _counters().values()

    assert len(expiries) == 2
    midnight = datetime.datetime(2026, 11, 10, tzinfo=LONDON)
    assert all(abs((expiry - midnight).total_seconds()) < 1 for expiry in expiries)


def test_the_next_day_the_counter_starts_afresh_under_a_salt_nobody_kept(
    client, network, inbox, head
):
    client.force_login(head)
    with time_machine.travel(datetime.datetime(2026, 11, 9, 22, 0, tzinfo=LONDON)):
        for n in range(5):
            _share(client, network, title=f"Story {n}")
        [monday] = _counters()
        refused = _share(client, network, title="One more")
    with time_machine.travel(datetime.datetime(2026, 11, 10, 0, 0, 5, tzinfo=LONDON)):
        tuesday = _share(client, network, title="A new day")
        counters = _counters()
        salts = [key for key in list(cache._cache) if ":salt:" in key and cache.get(key[3:])]

    assert "several stories today" in refused.content.decode()
    assert "several stories today" not in tuesday.content.decode()
    # Monday's counter and Monday's salt are gone: nothing left to test a person against.
    assert monday not in counters and len(counters) == 1
    assert salts == [":1:ratelimit:stories:salt:2026-11-10"]


# The anonymity test ---------------------------------------------------------------


def _every_row():
    """Every row of every table (with many-to-many tables), as plain values."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        rows[model._meta.db_table] = {
            row["pk"] if "pk" in row else json.dumps(row, sort_keys=True, default=str): row
            for row in model.objects.values("pk", *[f.attname for f in model._meta.concrete_fields])
        }
    return rows


def _names_the_person(model_rows, model, person) -> list[str]:
    """The columns of the rows that name the person: a link to them, their address or name."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    words = [person.email, person.last_name, person.get_full_name()]
    for row in model_rows:
        for field in model._meta.concrete_fields:
            value = row[field.attname]
            if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                if value == person.pk:
                    found.append(f"{model.__name__}.{field.name}")
            elif value is not None and isinstance(
                field, models.CharField | models.TextField | models.JSONField
            ):
                text = value if isinstance(value, str) else json.dumps(value, default=str)
                if any(word.lower() in text.lower() for word in words):
                    found.append(f"{model.__name__}.{field.name}")
    return found


@pytest.mark.django_db(transaction=True)
def test_after_an_anonymous_story_no_row_anywhere_names_its_author(
    client, settings, caplog, network, inbox, coordinator, staff
):
    # The real queue, so the email to the coordinators is a task row in the database.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    author = factories.make_head(
        email="imogen.thistlewood@school.example", first_name="Imogen", last_name="Thistlewood"
    )
    client.force_login(author)
    before = _every_row()
    caplog.set_level(logging.DEBUG)

    response = _share(client, network)
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.exists()  # nothing queued at the moment of sending
    services.tell_coordinators_of_waiting_stories()  # the hourly batch
    story = Story.objects.get()
    client.force_login(coordinator)  # a coordinator reads and publishes it
    client.post(
        reverse("articles:story_moderate", args=[network.slug, story.pk]), {"decision": "publish"}
    )

    assert response.status_code == 200
    after = _every_row()
    naming = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        # Every row the submission and its moderation added or changed.
        touched = [row for key, row in after[table].items() if before[table].get(key) != row]
        naming += _names_the_person(touched, model, author)
    assert naming == []
    # The whole of the story's own tables, whatever their age.
    assert _names_the_person(Story.objects.values(), Story, author) == []
    assert DBTaskResult.objects.exists()  # the email to coordinators was queued as a row
    log = "\n".join(record.getMessage() for record in caplog.records)
    assert author.email not in log and "Thistlewood" not in log
    assert f"user {author.pk}" not in log
    # Nor can site staff find it through the author: their data has no trace of it.
    from portal.services import personal_data

    assert "The winter I nearly left" not in json.dumps(personal_data(author), default=str)


def test_closing_an_account_deletes_the_stories_told_by_name_but_not_anonymous_ones(network, inbox):
    from portal.services import close_account

    author = factories.make_head()
    factories.make_story(network=network, author=author, state="published", title="Named")
    factories.make_story(network=network, title="Anonymous")

    close_account(person=author)

    assert list(Story.objects.values_list("title", flat=True)) == ["Anonymous"]


def test_the_stories_list_costs_the_same_queries_for_few_and_many(
    client, network, inbox, django_assert_max_num_queries
):
    url = reverse("articles:stories", args=[network.slug])
    for _ in range(2):
        factories.make_story(network=network, state="published", author=factories.make_user())
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for _ in range(10):
        factories.make_story(network=network, state="published", author=factories.make_user())
    with django_assert_max_num_queries(8) as many:
        client.get(url)

    assert len(few.captured_queries) == len(many.captured_queries)


def test_services_refuse_to_return_a_story_already_decided(network, inbox):
    story = factories.make_story(network=network, state="published")

    with pytest.raises(Exception, match="waiting"):
        services.return_story(story=story, note="Change it")


def test_the_network_page_invites_stories_when_the_network_takes_them(client, network, inbox):
    content = client.get(reverse("networks:detail", args=[network.slug])).content.decode()

    assert reverse("articles:story_new", args=[network.slug]) in content
    assert "Latest articles" not in content


# Issue 21, item 11: the page after sharing is reached by a redirect, so a reload sends
# nothing again; the private link is shown once and kept nowhere on the server.


def test_sharing_redirects_to_the_link_shown_once_and_a_reload_sends_nothing_again(
    client, network, inbox, head
):
    client.force_login(head)
    sent_url = reverse("articles:story_sent", args=[network.slug])

    response = client.post(
        reverse("articles:story_new", args=[network.slug]),
        {"title": "The winter I nearly left", "body": "It was hard.", "shown_as": "anonymous"},
    )
    assert response.status_code == 302 and response["Location"] == sent_url
    # The token reaches the next page only in the author's browser, never in the session.
    assert not any("private" in str(value) for value in client.session.values())
    shown = client.get(sent_url)
    reloaded = client.get(sent_url)

    token = _token_from(shown)
    assert "Your story is sent" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    story = Story.objects.get()
    assert story.token_hash == hash_story_token(token)
    assert Story.objects.count() == 1
    assert "/stories/private/" not in reloaded.content.decode()
    assert "Your private link was shown once" in reloaded.content.decode()
    assert "Nothing has been sent again" in reloaded.content.decode()


def test_the_sent_page_shows_no_link_for_a_cookie_someone_made_up(client, network, inbox):
    factories.make_story(network=network, token="a-real-token")
    client.cookies["story_sent"] = "a-real-token"  # unsigned: not one the form set

    content = client.get(reverse("articles:story_sent", args=[network.slug])).content.decode()

    assert "/stories/private/" not in content
    assert "Your private link was shown once" in content


# Issue 21, item 11: coordinators see the month a story was sent, not the day, and the
# form says exactly what is kept.


def test_coordinators_see_the_month_a_story_was_sent_never_the_day(
    client, network, inbox, coordinator
):
    story = factories.make_story(network=network, title="Spring")
    Story.objects.filter(pk=story.pk).update(submitted_on=datetime.date(2026, 1, 14))
    client.force_login(coordinator)

    queue = client.get(reverse("articles:moderation", args=[network.slug])).content.decode()
    page = client.get(
        reverse("articles:story_moderate", args=[network.slug, story.pk])
    ).content.decode()

    for content in (queue, page):
        assert "January 2026" in content
        assert "14 January" not in content and "14" not in content.split("Spring")[1][:80]


def test_the_story_form_says_exactly_what_is_kept_about_when_it_was_sent(
    client, network, inbox, head
):
    client.force_login(head)

    content = client.get(reverse("articles:story_new", args=[network.slug])).content.decode()

    assert "the day you send it" in content
    assert "never the time of day" in content
    assert "coordinators see only the month" in content
