"""Participation per school (docs/rules.md, "Participation per school"): which member
schools came to which of the network's meetings this academic year, as a page and as CSV,
for its coordinators."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import SchoolCount
from attendance.participation import participation
from members.models import Post
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# A day in the autumn term of 2026/27: the year began on 1 September 2026.
TODAY = datetime.datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def in_the_autumn_term():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def alliance(network):
    """`network` as the Oldham Schools Alliance runs: the schools are its members."""
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    network.refresh_from_db()
    return network


def seat(network, name):
    """A school whose head holds its seat in the network; the head."""
    school = factories.make_school(name=name)
    head = factories.make_head(school=school)
    factories.make_membership(person=head, network=network, school=school)
    return head


def held(network, day, title="Partnership meeting", **fields):
    """A published meeting of the network on the day (2026 unless told), over by now."""
    starts = datetime.datetime(2026, *day, 9, tzinfo=UTC) if isinstance(day, tuple) else day
    return factories.make_meeting(network=network, title=title, starts_at=starts, **fields)


def _grid(network):
    report = participation(network)
    return {row.name: row.present for row in report.rows}, report


# The rules ---------------------------------------------------------------------


def test_a_school_counts_as_there_when_its_head_came(alliance):
    ash = seat(alliance, "Ash Primary")
    seat(alliance, "Birch Primary")
    october = held(alliance, (10, 8))
    factories.make_attendance(meeting=october, person=ash)

    grid, report = _grid(alliance)

    assert grid == {"Birch Primary": (False,), "Ash Primary": (True,)}
    assert [column.title for column in report.columns] == ["Partnership meeting"]
    assert report.totals == [1]


def test_another_leader_of_the_school_counts_for_it(alliance):
    seat(alliance, "Ash Primary")
    school = factories.make_school(name="Cedar Primary")
    factories.make_membership(
        person=factories.make_head(school=school), network=alliance, school=school
    )
    deputy = factories.make_user(email="deputy@cedar.example")
    factories.make_post(person=deputy, school=school, role=Post.Role.SENIOR_LEADER)
    meeting = held(alliance, (10, 8))
    factories.make_attendance(meeting=meeting, person=deputy)

    grid, _ = _grid(alliance)

    assert grid["Cedar Primary"] == (True,)
    assert grid["Ash Primary"] == (False,)


def test_a_closed_account_s_count_keeps_its_school_there(alliance):
    seat(alliance, "Ash Primary")
    seat(alliance, "Birch Primary")
    meeting = held(alliance, (10, 8))
    birch = Membership.objects.get(school__name="Birch Primary").school
    SchoolCount.objects.create(meeting=meeting, school=birch, count=1)

    grid, _ = _grid(alliance)

    assert grid == {"Ash Primary": (False,), "Birch Primary": (True,)}


def test_two_leaders_of_one_school_make_it_there_once(alliance):
    ash = seat(alliance, "Ash Primary")
    deputy = factories.make_user()
    school = ash.posts.get().school
    factories.make_post(person=deputy, school=school, role=Post.Role.SENIOR_LEADER)
    meeting = held(alliance, (10, 8))
    factories.make_attendance(meeting=meeting, person=ash)
    factories.make_attendance(meeting=meeting, person=deputy)
    SchoolCount.objects.create(meeting=meeting, school=school, count=2)

    _, report = _grid(alliance)

    assert [row.total for row in report.rows] == [1]
    assert report.totals == [1]


def test_only_meetings_held_this_academic_year_count(alliance):
    ash = seat(alliance, "Ash Primary")
    last_year = held(alliance, (6, 20), title="Summer meeting")
    this_year = held(alliance, (9, 15), title="Autumn meeting")
    to_come = held(alliance, datetime.datetime(2026, 12, 10, 9, tzinfo=UTC), title="Next one")
    for meeting in (last_year, this_year):
        factories.make_attendance(meeting=meeting, person=ash)

    grid, report = _grid(alliance)

    assert [column.title for column in report.columns] == ["Autumn meeting"]
    assert grid == {"Ash Primary": (True,)}
    assert report.year_label == "2026/27"
    assert to_come.pk not in [column.meeting_id for column in report.columns]


def test_cancelled_and_draft_meetings_are_left_out(alliance):
    ash = seat(alliance, "Ash Primary")
    cancelled = held(alliance, (10, 1), title="Called off", state="cancelled")
    draft = held(alliance, (10, 2), title="Never published", state="draft")
    kept = held(alliance, (10, 3), title="Held")
    for meeting in (cancelled, draft, kept):
        factories.make_attendance(meeting=meeting, person=ash)

    _, report = _grid(alliance)

    assert [column.title for column in report.columns] == ["Held"]


def test_another_network_s_meetings_and_schools_are_not_in_it(alliance, other_network):
    ash = seat(alliance, "Ash Primary")
    elsewhere = seat(other_network, "Elsewhere Primary")
    theirs = held(other_network, (10, 8), title="Their meeting")
    factories.make_attendance(meeting=theirs, person=ash)
    factories.make_attendance(meeting=theirs, person=elsewhere)

    grid, report = _grid(alliance)

    assert report.columns == []
    assert grid == {"Ash Primary": ()}


def test_only_seated_schools_are_member_schools_of_a_school_based_network(alliance):
    seat(alliance, "Ash Primary")
    asking = factories.make_school(name="Asking Primary")
    factories.make_membership(
        person=factories.make_head(school=asking), network=alliance, school=asking,
        status=Membership.Status.PENDING,
    )  # fmt: skip
    visitor = factories.make_head(school=factories.make_school(name="Visiting Primary"))
    meeting = held(alliance, (10, 8))
    factories.make_attendance(meeting=meeting, person=visitor)

    grid, _ = _grid(alliance)

    assert list(grid) == ["Ash Primary"]


def test_a_person_based_network_counts_its_active_members_current_schools(network):
    member = factories.make_head(school=factories.make_school(name="Ash Primary"))
    factories.make_membership(person=member, network=network)
    moved_on = factories.make_user()
    factories.make_post(
        person=moved_on, school=factories.make_school(name="Old School"),
        started_on=datetime.date(2010, 9, 1), ended_on=datetime.date(2020, 8, 31),
    )  # fmt: skip
    factories.make_membership(person=moved_on, network=network)
    left = factories.make_head(school=factories.make_school(name="Left Primary"))
    factories.make_membership(person=left, network=network, status=Membership.Status.LEFT)
    factories.make_attendance(meeting=held(network, (10, 8)), person=member)

    grid, _ = _grid(network)

    assert grid == {"Ash Primary": (True,)}


def test_a_school_only_claimed_is_not_a_member_school_of_a_person_based_network(network):
    # The register counts people for the schools of their verified posts (rules.school_for):
    # a school named only in a claim nobody has checked would always show as not seen,
    # and would put an unchecked claim in the network's report.
    member = factories.make_head(school=factories.make_school(name="Ash Primary"))
    factories.make_membership(person=member, network=network)
    claimant = factories.make_head(school=factories.make_school(name="Claimed"), verified=False)
    factories.make_membership(person=claimant, network=network)
    held(network, (10, 8))

    grid, _ = _grid(network)

    assert list(grid) == ["Ash Primary"]


def test_the_schools_not_seen_come_first_then_the_fewest_meetings(alliance):
    heads = {name: seat(alliance, name) for name in ["Ash", "Birch", "Cedar", "Damson", "Elm"]}
    meetings = [held(alliance, (month, 8)) for month in (9, 10, 11)]
    for meeting in meetings:
        factories.make_attendance(meeting=meeting, person=heads["Ash"])
    factories.make_attendance(meeting=meetings[0], person=heads["Damson"])
    for meeting in meetings[:2]:
        factories.make_attendance(meeting=meeting, person=heads["Birch"])

    _, report = _grid(alliance)

    assert [(row.name, row.total) for row in report.rows] == [
        ("Cedar", 0), ("Elm", 0), ("Damson", 1), ("Birch", 2), ("Ash", 3),
    ]  # fmt: skip
    assert [row.name for row in report.not_seen] == ["Cedar", "Elm"]
    assert report.totals == [3, 2, 1]


# The page and the CSV ---------------------------------------------------------


def _page(client, network):
    return client.get(reverse("attendance:participation", args=[network.slug]))


def _csv(client, network):
    return client.get(reverse("attendance:participation_csv", args=[network.slug]))


@pytest.fixture
def oldham_like(alliance):
    ash, birch = seat(alliance, "Ash Primary"), seat(alliance, "Birch Primary")
    seat(alliance, "Cedar Primary")
    first = held(alliance, (10, 8), title="Autumn partnership meeting")
    second = held(alliance, (11, 12), title="SEND workhub: the graduated approach")
    factories.make_attendance(meeting=first, person=ash)
    factories.make_attendance(meeting=second, person=ash)
    factories.make_attendance(meeting=second, person=birch)
    return alliance


@pytest.mark.parametrize("persona", ["coordinator", "administrator", "staff"])
def test_the_coordinators_see_the_schools_and_meetings(client, oldham_like, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = _page(client, oldham_like)

    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "Participation per school, 2026/27" in text
    assert "1 school not seen this year" in text
    assert "8 Oct" in text and "Autumn partnership meeting" in text
    assert "12 Nov" in text and "SEND workhub: the graduated…" in text
    rows = [(row.name, row.total) for row in response.context["report"].rows]
    assert rows == [("Cedar Primary", 0), ("Birch Primary", 1), ("Ash Primary", 2)]
    assert text.index("Cedar Primary") < text.index("Birch Primary") < text.index("Ash Primary")
    assert '<caption id="participation-caption"' in text
    assert 'tabindex="0" role="region" aria-labelledby="participation-caption"' in text


def test_the_csv_has_a_row_per_school_and_the_totals(client, coordinator, oldham_like):
    client.force_login(coordinator)

    response = _csv(client, oldham_like)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{oldham_like.slug}-participation-2026-27.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "School", "URN", "2026-10-08 Autumn partnership meeting",
        "2026-11-12 SEND workhub: the graduated approach", "Meetings attended",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:4]] == ["Cedar Primary", "Birch Primary", "Ash Primary"]
    assert rows[2][2:] == ["0", "1", "1"]
    assert rows[3][2:] == ["1", "1", "2"]
    assert rows[4] == ["Member schools present", "", "1", "2", ""]


@pytest.mark.parametrize("persona", ["head", "member", "outsider_coordinator"])
def test_members_and_outsiders_are_refused_the_page_and_the_csv(
    client, oldham_like, persona, request
):
    if persona == "outsider_coordinator":
        outsider = factories.make_head()
        elsewhere = factories.make_network()
        factories.make_membership(person=outsider, network=elsewhere, role="coordinator")
        client.force_login(outsider)
    else:
        client.force_login(request.getfixturevalue(persona))

    page, download = _page(client, oldham_like), _csv(client, oldham_like)

    assert page.status_code == download.status_code == 403
    assert b"Ash Primary" not in page.content


def test_a_visitor_is_sent_to_sign_in(client, oldham_like):
    for response in (_page(client, oldham_like), _csv(client, oldham_like)):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_network_that_does_not_exist_is_not_found(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("attendance:participation", args=["no-such-network"]))
    assert response.status_code == 404


def test_a_lapsed_coordinator_is_refused(client, coordinator, oldham_like):
    Membership.objects.filter(person=coordinator).update(status=Membership.Status.LAPSED)
    client.force_login(coordinator)
    assert _page(client, oldham_like).status_code == 403


def test_the_page_says_so_when_no_meeting_has_been_held(client, coordinator, alliance):
    seat(alliance, "Ash Primary")
    client.force_login(coordinator)

    text = " ".join(_page(client, alliance).content.decode().split())

    assert "None of" in text and "meetings has taken place yet this academic year" in text


def test_the_network_page_and_the_office_lead_to_it(client, coordinator, member, alliance):
    url = reverse("attendance:participation", args=[alliance.slug])
    client.force_login(coordinator)
    assert url in client.get(alliance.get_absolute_url()).content.decode()
    assert url in client.get(reverse("office:home", args=[alliance.slug])).content.decode()
    client.force_login(member)
    assert url not in client.get(alliance.get_absolute_url()).content.decode()


# Query counts -----------------------------------------------------------------


def _grow(network, schools, meetings, start):
    heads = [seat(network, f"School {start + number:03}") for number in range(schools)]
    for number in range(meetings):
        meeting = held(network, (10, 1 + start // 10 + number))
        for head in heads[::2]:
            factories.make_attendance(meeting=meeting, person=head)
        SchoolCount.objects.create(meeting=meeting, school=heads[1].posts.get().school, count=1)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["attendance:participation", "attendance:participation_csv"])
def test_the_queries_do_not_grow_with_schools_or_meetings(client, coordinator, alliance, name):
    url = reverse(name, args=[alliance.slug])
    client.force_login(coordinator)
    _grow(alliance, schools=2, meetings=1, start=0)
    few = _queries(client, url)

    _grow(alliance, schools=12, meetings=6, start=10)
    many = _queries(client, url)

    assert few == many
    assert many <= 8
