"""Every persona against every meetings URL: login redirect, 403, 404 or success."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = [
    "visitor", "head", "member", "coordinator", "administrator", "outsider_member",
    "outsider_coordinator", "outsider_administrator", "staff",
]  # fmt: skip
COORDINATORS_ONLY = {
    "visitor": LOGIN, "head": 403, "member": 403, "coordinator": 200, "administrator": 200,
    "outsider_member": 403, "outsider_coordinator": 403, "outsider_administrator": 403,
    "staff": 200,
}  # fmt: skip
MEMBERS_ONLY = COORDINATORS_ONLY | {"member": 200}


@pytest.fixture
def as_persona(client, request):
    def sign_in(persona: str):
        if persona == "visitor":
            return None
        person = request.getfixturevalue(persona)
        client.force_login(person)
        return person

    return sign_in


def _outcome(response):
    if response.status_code == 302 and reverse("account_login") in response["Location"]:
        return LOGIN
    if response.status_code == 302:
        return 200  # done, and sent on
    return response.status_code


@pytest.fixture
def meeting(network):
    return factories.make_meeting(network=network, capacity=10)


@pytest.fixture
def paper(meeting):
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    return services.add_paper(meeting=meeting, by=None, upload=upload, kind="minutes")


COORDINATOR_GETS = [
    "meetings:edit", "meetings:cancel", "meetings:attendees", "meetings:attendees_csv",
    "meetings:paper_upload",
]  # fmt: skip
NETWORK_COORDINATOR_GETS = ["meetings:create", "meetings:series_create", "meetings:urgent_create"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", COORDINATOR_GETS)
def test_only_the_networks_coordinators_reach_meeting_pages(
    client, as_persona, meeting, persona, name
):
    as_persona(persona)
    response = client.get(reverse(name, args=[meeting.pk]))
    assert _outcome(response) == COORDINATORS_ONLY[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", NETWORK_COORDINATOR_GETS)
def test_only_the_networks_coordinators_plan_meetings(client, as_persona, network, persona, name):
    as_persona(persona)
    response = client.get(reverse(name, args=[network.slug]))
    assert _outcome(response) == COORDINATORS_ONLY[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["meetings:publish", "meetings:duplicate"])
def test_only_the_networks_coordinators_publish_or_duplicate(
    client, as_persona, network, persona, name
):
    draft = factories.make_meeting(network=network, state=Meeting.State.DRAFT)
    as_persona(persona)
    response = client.post(reverse(name, args=[draft.pk]))
    assert _outcome(response) == COORDINATORS_ONLY[persona]
    if COORDINATORS_ONLY[persona] != 200 and name == "meetings:publish":
        draft.refresh_from_db()
        assert draft.is_draft


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_networks_coordinators_cancel(client, as_persona, meeting, persona):
    as_persona(persona)
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Snow"})
    assert _outcome(response) == COORDINATORS_ONLY[persona]
    meeting.refresh_from_db()
    assert meeting.is_cancelled == (COORDINATORS_ONLY[persona] == 200)


@pytest.mark.parametrize("name", ["meetings:publish", "meetings:duplicate", "meetings:register",
                                  "meetings:unregister", "meetings:feed_reset"])  # fmt: skip
def test_data_changing_urls_refuse_get(client, staff, meeting, name):
    client.force_login(staff)
    args = [] if name == "meetings:feed_reset" else [meeting.pk]
    assert client.get(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_members_meeting_page_and_calendar_file(client, as_persona, meeting, persona):
    as_persona(persona)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    ics = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert _outcome(page) == MEMBERS_ONLY[persona]
    assert _outcome(ics) == MEMBERS_ONLY[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_is_a_404_to_all_but_its_coordinators(client, as_persona, network, persona):
    draft = factories.make_meeting(network=network, state=Meeting.State.DRAFT)
    as_persona(persona)
    response = client.get(reverse("meetings:detail", args=[draft.pk]))
    expected = COORDINATORS_ONLY[persona]
    assert response.status_code == (200 if expected == 200 else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_public_meeting_is_open_to_everyone(client, as_persona, network, persona):
    meeting = factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)
    as_persona(persona)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_papers_download_only_for_members(client, as_persona, paper, persona):
    as_persona(persona)
    response = client.get(reverse("meetings:paper", args=[paper.meeting_id, paper.pk]))
    assert _outcome(response) == MEMBERS_ONLY[persona]
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"


def test_attendee_papers_only_for_people_going(client, network, member, meeting):
    upload = SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides", "application/pdf")
    paper = services.add_paper(
        meeting=meeting, by=None, upload=upload, visibility="attendees", kind="slides"
    )
    url = reverse("meetings:paper", args=[meeting.pk, paper.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    factories.make_registration(meeting=meeting, person=member)
    assert client.get(url).status_code == 200


def test_another_meetings_paper_is_a_404(client, member, network, paper):
    other = factories.make_meeting(network=network)
    client.force_login(member)
    assert client.get(reverse("meetings:paper", args=[other.pk, paper.pk])).status_code == 404


def test_papers_are_never_under_a_public_media_url(paper):
    assert paper.file.name.startswith("papers/")
    assert "minutes" not in paper.file.name
    assert reverse("meetings:paper", args=[paper.meeting_id, paper.pk]) == (
        f"/meetings/{paper.meeting_id}/papers/{paper.pk}/"
    )


@pytest.mark.parametrize(
    ("persona", "sees_link"),
    [("visitor", False), ("head", False), ("member", True), ("coordinator", True),
     ("outsider_coordinator", False), ("staff", True)],
)  # fmt: skip
def test_online_link_shown_only_to_those_allowed_to_attend(
    client, as_persona, network, persona, sees_link
):
    meeting = factories.make_meeting(
        network=network, audience=Meeting.Audience.PUBLIC, format=Meeting.Format.ONLINE,
        online_url="https://meet.example/secret-room",
    )  # fmt: skip
    as_persona(persona)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    ics = client.get(reverse("meetings:ics", args=[meeting.pk])).content.decode()
    feed = client.get(reverse("meetings:network_feed", args=[network.slug])).content.decode()
    joined = client.get(reverse("meetings:join", args=[meeting.pk]))
    # The page links to the call through Headnet (so that joining counts as attending).
    assert "secret-room" not in page
    assert ("Join the call" in page) == sees_link
    assert (joined.get("Location") == "https://meet.example/secret-room") == sees_link
    assert ("secret-room" in ics) == sees_link
    assert ("secret-room" in feed) == sees_link


def test_a_signed_in_head_with_a_place_sees_the_link(client, head, network):
    meeting = factories.make_meeting(
        network=network, audience=Meeting.Audience.SIGNED_IN, format=Meeting.Format.ONLINE,
        online_url="https://meet.example/secret-room",
    )  # fmt: skip
    client.force_login(head)
    url = reverse("meetings:detail", args=[meeting.pk])
    join = reverse("meetings:join", args=[meeting.pk])
    assert "Join the call" not in client.get(url).content.decode()
    assert client.get(join).status_code == 403
    client.post(reverse("meetings:register", args=[meeting.pk]))
    assert "Join the call" in client.get(url).content.decode()
    assert client.get(join)["Location"] == "https://meet.example/secret-room"


def test_network_schedule_hides_drafts_and_members_meetings_from_outsiders(
    client, network, member, coordinator, head
):
    factories.make_meeting(network=network, title="Members only meeting")
    factories.make_meeting(network=network, title="Draft meeting", state=Meeting.State.DRAFT)
    url = reverse("meetings:network_schedule", args=[network.slug])
    seen = {}
    for who in (None, head, member, coordinator):
        client.logout()
        if who:
            client.force_login(who)
        seen[who] = client.get(url).content.decode()
    assert "Members only meeting" not in seen[None] and "Members only meeting" not in seen[head]
    assert "Members only meeting" in seen[member] and "Draft meeting" not in seen[member]
    assert "Draft meeting" in seen[coordinator]


def test_an_unknown_network_schedule_and_feed_are_404(client):
    assert client.get(reverse("meetings:network_schedule", args=["nope"])).status_code == 404
    assert client.get(reverse("meetings:network_feed", args=["nope"])).status_code == 404


def test_my_schedule_needs_sign_in_and_a_wrong_feed_token_is_404(client):
    response = client.get(reverse("meetings:my_schedule"))
    assert reverse("account_login") in response["Location"]
    assert client.get(reverse("meetings:personal_feed", args=["guess"])).status_code == 404
