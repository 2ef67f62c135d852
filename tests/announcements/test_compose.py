"""Writing, previewing and sending an announcement through its pages, and being refused."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from announcements.models import Announcement
from core.models import AuditEvent
from networks.models import WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

A = Announcement.Audience
S = Announcement.State


def _create(network):
    return reverse("announcements:create", args=[network.slug])


def _url(name, announcement):
    return reverse(f"announcements:{name}", args=[announcement.network.slug, announcement.pk])


def _post(network, **fields):
    return {"audience": "network", "subject": "Term dates", "body": "They are *set*.",
            "then": "preview"} | fields  # fmt: skip


@pytest.fixture
def workhub(network):
    return factories.make_workhub(network=network, name="SEND")


@pytest.fixture
def lead(network, workhub):
    person = factories.make_head(email="lead@school.example", first_name="Lee", last_name="Lead")
    factories.make_membership(person=person, network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=person, is_lead=True)
    return person


# The composer ------------------------------------------------------------------------


def test_the_composer_asks_who_it_is_for_in_a_fieldset_and_explains_urgent(
    client, network, coordinator, workhub
):
    factories.make_network(name="Oxford City Primary Heads", parent=network)
    factories.make_meeting(network=network, title="Summer meeting")
    client.force_login(coordinator)

    page = client.get(_create(network)).content.decode()

    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Who is it for\?", page)
    for choice in (f"Everyone in {network.label}", "A sub-group", "A workhub",
                   "The people going to or waiting for a meeting"):  # fmt: skip
        assert choice in page
    assert "The heads holding" not in page  # not a school-based network
    for field, label in (("subgroup", "Which sub-group"), ("workhub", "Which workhub"),
                         ("meeting", "Which meeting"), ("subject", "Subject"),
                         ("body", "Message")):  # fmt: skip
        assert re.search(rf'<label\s+for="id_{field}"[^>]*>\s*{label}', page), label
    assert "Summer meeting" in page and "Oxford City Primary Heads" in page
    assert "Markdown works" in page
    assert "may mark at most 2 announcements urgent in a calendar month" in page


def test_an_audience_with_nobody_to_name_is_not_offered(client, network, coordinator):
    client.force_login(coordinator)
    page = client.get(_create(network)).content.decode()
    assert "A sub-group" not in page and "Which workhub" not in page


def test_a_coordinator_saves_a_draft_and_previews_how_many_it_will_reach(
    client, network, coordinator, member
):
    client.force_login(coordinator)

    response = client.post(_create(network), _post(network))

    draft = Announcement.objects.get()
    assert response.url == draft.get_absolute_url()
    assert (draft.state, draft.author, draft.audience) == (S.DRAFT, coordinator, A.NETWORK)
    page = client.get(response.url).content.decode()
    assert "This is a draft" in page
    assert "<em>set</em>" in page
    # The coordinator and the member: counts, never who.
    assert "It will reach <strong>2 people</strong>" in page
    assert member.email not in page
    assert "Send now" in page and "Send at this time" in page


def test_save_draft_returns_to_the_composer(client, network, coordinator):
    client.force_login(coordinator)
    response = client.post(_create(network), _post(network, then="save"), follow=True)
    assert response.redirect_chain[-1][0] == _url("edit", Announcement.objects.get())
    assert "The draft is saved" in response.content.decode()


def test_a_missing_subject_is_shown_at_its_field_and_nothing_is_saved(client, network, coordinator):
    client.force_login(coordinator)
    page = client.post(_create(network), _post(network, subject="")).content.decode()
    assert "Please correct the errors below" in page
    # The error is tied to its field, for a screen reader too.
    assert 'aria-invalid="true" aria-describedby="id_subject_error" id="id_subject"' in page
    assert re.search(r'id="id_subject_error"[^>]*>.*This field is required', page, re.S)
    assert not Announcement.objects.exists()


def test_choosing_a_workhub_without_naming_one_is_an_error_at_the_workhub(
    client, network, coordinator, workhub
):
    client.force_login(coordinator)
    response = client.post(_create(network), _post(network, audience="workhub"))
    assert response.context["form"].errors["workhub"] == ["Choose which workhub."]
    assert not Announcement.objects.exists()


# Refused from the refused side ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["member", "outsider_coordinator", "head"])
def test_people_who_may_not_write_are_refused_and_nothing_is_made(
    client, request, network, persona
):
    client.force_login(request.getfixturevalue(persona))

    shown = client.get(_create(network))
    posted = client.post(_create(network), _post(network))

    assert shown.status_code == posted.status_code == 403
    assert "Only the coordinators of" in posted.content.decode()
    assert not Announcement.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client, network):
    response = client.get(_create(network))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_lead_may_write_to_their_workhub_only(client, network, workhub, lead, member):
    other = factories.make_workhub(network=network, name="Finance")
    client.force_login(lead)

    page = client.get(_create(network)).content.decode()
    assert "A workhub" in page and f"Everyone in {network.label}" not in page
    assert "SEND" in page and "Finance" not in page

    to_all = client.post(_create(network), _post(network))
    to_other = client.post(_create(network), _post(network, audience="workhub", workhub=other.pk))
    assert to_all.status_code == to_other.status_code == 200
    assert "Select a valid choice" in to_all.content.decode()
    assert "Select a valid choice" in to_other.content.decode()
    assert not Announcement.objects.exists()

    client.post(_create(network), _post(network, audience="workhub", workhub=workhub.pk))
    assert Announcement.objects.get().workhub == workhub


def test_a_lead_may_not_send_a_coordinator_s_draft_to_the_whole_network(
    client, network, lead, coordinator, member
):
    draft = factories.make_sent_announcement(network=network, state="draft", author=coordinator)
    client.force_login(lead)
    assert client.get(_url("detail", draft)).status_code == 404
    assert client.post(_url("send", draft), {"when": "now"}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_a_coordinator_may_not_address_another_network_s_groups_by_their_ids(
    client, network, other_network, coordinator
):
    alien = {
        "subgroup": factories.make_network(name="Alien sub", parent=other_network).pk,
        "workhub": factories.make_workhub(network=other_network).pk,
        "meeting": factories.make_meeting(network=other_network).pk,
    }
    # This network has one of each too, so every list is on the form.
    factories.make_network(name="Our sub", parent=network)
    factories.make_workhub(network=network)
    factories.make_meeting(network=network)
    client.force_login(coordinator)

    for field, pk in alien.items():
        response = client.post(_create(network), _post(network, audience=field, **{field: pk}))
        assert response.status_code == 200
        assert response.context["form"].errors[field][0].startswith("Select a valid choice")
    assert not Announcement.objects.exists()


def test_a_member_cannot_send_cancel_discard_or_edit(client, network, member, coordinator):
    draft = factories.make_sent_announcement(network=network, state="draft")
    sent = factories.make_sent_announcement(network=network, subject="Already out")
    client.force_login(member)
    for name in ("send", "discard", "cancel"):
        assert client.post(_url(name, draft), {"when": "now"}).status_code == 404
        assert client.post(_url(name, sent), {"when": "now"}).status_code == 403
    assert client.get(_url("edit", draft)).status_code == 404
    assert client.get(_url("edit", sent)).status_code == 403
    assert sorted(Announcement.objects.values_list("state", flat=True)) == ["draft", "sent"]
    assert not AuditEvent.objects.exists()


# Sending -----------------------------------------------------------------------------


def test_send_now_sends_it_once_to_each_member_and_says_so(
    client, network, coordinator, member, django_capture_on_commit_callbacks
):
    draft = factories.make_sent_announcement(network=network, state="draft", author=coordinator)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("send", draft), {"when": "now"}, follow=True)

    assert "It is on its way to its audience." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state in (S.SENDING, S.SENT) and draft.sent_at is not None
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients.count(member.email) == 1
    assert recipients.count(coordinator.email) <= 1
    # Sent, it has no send buttons, and its writers see its delivery in counts.
    page = client.get(_url("detail", draft)).content.decode()
    assert "Send now" not in page and "Delivery" in page
    assert member.email not in page


def test_send_at_a_time_schedules_it_and_stop_makes_it_a_draft(
    client, network, coordinator, member
):
    draft = factories.make_sent_announcement(network=network, state="draft", author=coordinator)
    client.force_login(coordinator)
    at = timezone.localtime() + datetime.timedelta(days=3)

    response = client.post(
        _url("send", draft), {"when": "later", "send_at": f"{at:%Y-%m-%dT%H:%M}"}, follow=True
    )

    draft.refresh_from_db()
    assert draft.state == S.SCHEDULED
    assert timezone.localtime(draft.send_at).strftime("%Y-%m-%d %H:%M") == f"{at:%Y-%m-%d %H:%M}"
    page = response.content.decode()
    assert "It is scheduled. It will be sent on" in page and "(UK time)" in page
    assert not mail.outbox

    page = client.post(_url("cancel", draft), follow=True).content.decode()
    assert "It will not be sent. It is a draft again." in page
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_send_at_a_time_past_or_missing_is_an_error_at_the_field(
    client, network, coordinator, member
):
    draft = factories.make_sent_announcement(network=network, state="draft", author=coordinator)
    client.force_login(coordinator)
    past = timezone.localtime() - datetime.timedelta(hours=2)

    for value, error in ((f"{past:%Y-%m-%dT%H:%M}", "Choose a time still to come"),
                         ("", "Choose the date and time to send it.")):  # fmt: skip
        response = client.post(_url("send", draft), {"when": "later", "send_at": value})
        assert response.status_code == 200
        assert response.context["send_form"].errors["send_at"][0].startswith(error)
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_an_empty_audience_is_refused_on_the_page(client, network, coordinator, workhub):
    draft = factories.make_sent_announcement(
        network=network, state="draft", audience="workhub", workhub=workhub
    )
    client.force_login(coordinator)
    page = client.get(_url("detail", draft)).content.decode()
    assert "Nobody is in this audience yet" in page

    page = client.post(_url("send", draft), {"when": "now"}, follow=True).content.decode()
    assert "Nobody is in this announcement&#x27;s audience yet" in page
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_a_draft_is_edited_and_a_sent_one_is_not(client, network, coordinator):
    draft = factories.make_sent_announcement(network=network, state="draft")
    sent = factories.make_sent_announcement(network=network, subject="On record")
    client.force_login(coordinator)

    client.post(_url("edit", draft), _post(network, subject="Better subject", then="save"))
    draft.refresh_from_db()
    assert draft.subject == "Better subject"

    response = client.get(_url("edit", sent), follow=True)
    assert "Only a draft can be changed." in response.content.decode()
    response = client.post(_url("edit", sent), _post(network, subject="Rewritten"))
    sent.refresh_from_db()
    assert sent.subject == "On record"


def test_discarding_a_draft_removes_it(client, network, coordinator):
    draft = factories.make_sent_announcement(network=network, state="draft", subject="Oops")
    client.force_login(coordinator)
    page = client.post(_url("discard", draft), follow=True).content.decode()
    assert "The draft “Oops” is discarded." in page
    assert not Announcement.objects.exists()


# From an article, a meeting, a workhub -------------------------------------------------


def test_an_article_s_page_offers_its_coordinators_to_email_it_to_members(
    client, network, coordinator, member
):
    article = factories.make_article(network=network, title="Our letter")
    draft_article = factories.make_article(network=network, title="Unfinished", state="draft")
    link = f"{_create(network)}?article={article.pk}"

    client.force_login(coordinator)
    assert link in client.get(article.get_absolute_url()).content.decode()
    assert (
        "Email it to members" not in client.get(draft_article.get_absolute_url()).content.decode()
    )
    client.force_login(member)
    assert "Email it to members" not in client.get(article.get_absolute_url()).content.decode()


def test_the_composer_starts_from_the_article_and_links_to_it(
    client, network, coordinator, settings
):
    settings.SITE_URL = "https://headnet.example"
    article = factories.make_article(network=network, title="Our letter", summary="Why we wrote.")
    client.force_login(coordinator)
    url = f"{_create(network)}?article={article.pk}"

    form = client.get(url).context["form"]
    assert form.initial["subject"] == "Our letter"
    assert form.initial["body"] == (
        f"Why we wrote.\n\n[Read “Our letter” on Headnet](https://headnet.example"
        f"{article.get_absolute_url()})"
    )
    client.post(url, _post(network, subject="Our letter", article=article.pk))
    assert Announcement.objects.get().article == article


def test_another_network_s_article_or_a_draft_one_is_not_a_starting_point(
    client, network, other_network, coordinator
):
    elsewhere = factories.make_article(network=other_network)
    unfinished = factories.make_article(network=network, state="draft")
    client.force_login(coordinator)
    for article in (elsewhere, unfinished):
        assert client.get(f"{_create(network)}?article={article.pk}").status_code == 404


def test_the_article_kept_is_only_the_one_the_composer_was_opened_with(
    client, network, coordinator
):
    opened = factories.make_article(network=network, title="Opened")
    other = factories.make_article(network=network, title="Other")
    client.force_login(coordinator)
    response = client.post(
        f"{_create(network)}?article={opened.pk}", _post(network, article=other.pk)
    )
    assert response.status_code == 200
    assert not Announcement.objects.exists()


def test_a_meeting_link_chooses_the_meeting_s_people(client, network, coordinator):
    meeting = factories.make_meeting(network=network, title="Summer meeting")
    client.force_login(coordinator)
    form = client.get(f"{_create(network)}?meeting={meeting.pk}").context["form"]
    assert form.initial["audience"] == "meeting" and form.initial["meeting"] == meeting.pk
    assert re.search(rf'<option value="{meeting.pk}" selected>', str(form["meeting"])), str(
        form["meeting"]
    )


def test_a_workhub_s_page_shows_its_leads_a_way_to_write_to_it(
    client, network, workhub, lead, member
):
    client.force_login(lead)
    page = client.get(workhub.get_absolute_url()).content.decode()
    assert "Write to your workhub" in page
    assert f"{_create(network)}?workhub={workhub.pk}" in page

    client.force_login(member)
    assert "Write to your workhub" not in client.get(workhub.get_absolute_url()).content.decode()


def test_a_past_workhub_s_page_offers_no_way_to_write(client, network, lead, workhub):
    WorkhubMembership.objects.filter(person=lead).update(
        workhub=factories.make_workhub(
            network=network, name="Old", academic_year=workhub.academic_year - 1
        )
    )
    old = WorkhubMembership.objects.get(person=lead).workhub
    client.force_login(lead)
    assert "Write to" not in client.get(old.get_absolute_url()).content.decode()


def test_the_composer_offers_the_soonest_meetings_and_any_one_a_link_names(
    client, network, coordinator, monkeypatch
):
    """A network with thousands of meetings to come is not offered all of them in a list;
    a later one named by a link, or already chosen in a draft, is still there to keep."""
    monkeypatch.setattr("announcements.forms.MEETINGS_OFFERED", 2)
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    _, _, later = (
        factories.make_meeting(
            network=network, title=title, starts_at=soon + datetime.timedelta(days=days)
        )
        for title, days in (("First", 0), ("Second", 7), ("Later", 70))
    )
    client.force_login(coordinator)

    listed = str(client.get(_create(network)).context["form"]["meeting"])
    linked = str(client.get(f"{_create(network)}?meeting={later.pk}").context["form"]["meeting"])

    assert "First" in listed and "Second" in listed and "Later" not in listed
    assert "Later" in linked
    response = client.post(_create(network), _post(network, audience="meeting", meeting=later.pk))
    assert response.status_code == 302
    assert Announcement.objects.get().meeting == later
