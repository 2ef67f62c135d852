"""Coordinators replace or remove a meeting's papers on the site, through a service that
keeps a record; nobody else can."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from meetings import services
from meetings.models import Paper
from tests import factories

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def paper(network):
    meeting = factories.make_meeting(network=network)
    return services.add_paper(
        meeting=meeting, by=None, title="Budget paper", kind="agenda",
        upload=SimpleUploadedFile("budget-v1.pdf", b"%PDF-1.4 first", "application/pdf"),
    )  # fmt: skip


def _urls(paper):
    args = [paper.meeting_id, paper.pk]
    return reverse("meetings:paper_replace", args=args), reverse("meetings:paper_remove", args=args)


def test_a_coordinator_replaces_a_paper(
    client, coordinator, member, paper, django_capture_on_commit_callbacks
):
    replace, _ = _urls(paper)
    client.force_login(coordinator)
    page = client.get(paper.meeting.get_absolute_url()).content.decode()
    assert 'Replace<span class="visually-hidden"> Budget paper</span>' in page
    old_file = paper.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            replace, {"file": SimpleUploadedFile("budget-v2.pdf", b"%PDF-1.4 second one")}
        )
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.original_name == "budget-v2.pdf" and paper.title == "Budget paper"
    assert not paper.file.storage.exists(old_file)
    client.force_login(member)
    download = client.get(paper.get_absolute_url())
    assert b"".join(download.streaming_content) == b"%PDF-1.4 second one"
    event = AuditEvent.objects.get(action="paper.replaced")
    assert event.actor == coordinator and "budget-v1.pdf" in str(event.changes)


def test_a_replacement_that_is_not_what_it_says_is_refused(client, coordinator, paper):
    replace, _ = _urls(paper)
    client.force_login(coordinator)
    response = client.post(replace, {"file": SimpleUploadedFile("evil.pdf", b"MZ not a pdf")})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    paper.refresh_from_db()
    assert paper.original_name == "budget-v1.pdf"


def test_a_coordinator_removes_a_paper(
    client, coordinator, paper, django_capture_on_commit_callbacks
):
    _, remove = _urls(paper)
    client.force_login(coordinator)
    assert "Remove Budget paper" in client.get(remove).content.decode()
    name = paper.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove)
    assert response["Location"] == paper.meeting.get_absolute_url()
    assert not Paper.objects.exists()
    assert not paper.file.storage.exists(name)
    assert AuditEvent.objects.get(action="paper.removed").actor == coordinator
    page = client.get(paper.meeting.get_absolute_url()).content.decode()
    assert "Budget paper removed." in page  # the message, once
    assert "Budget paper" not in client.get(paper.meeting.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["member", "head", "outsider_coordinator"])
def test_only_coordinators_may_replace_or_remove(client, request, paper, who):
    client.force_login(request.getfixturevalue(who))
    replace, remove = _urls(paper)
    assert client.get(replace).status_code == 403
    assert client.post(remove).status_code == 403
    assert (
        client.post(replace, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")}).status_code
        == 403
    )
    paper.refresh_from_db()
    assert paper.original_name == "budget-v1.pdf"
    page = client.get(paper.meeting.get_absolute_url()).content.decode()
    assert "Replace<span" not in page and "Remove<span" not in page
