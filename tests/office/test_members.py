"""The office's member list: search and filters, and each action on a member through its
service, audited; destructive ones only after a page that says what they do."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from fees import services as fee_services
from fees.models import FeeInvoice, FeeScheme, YearKind
from members import suppression
from networks import services
from networks.models import Membership
from office import members as member_lists
from tests import factories, personas

from .conftest import approve, bounce, change_role, invoice, seat

pytestmark = pytest.mark.django_db

# The viewer, their membership with the network, the fee scheme, the school filter's
# choices, the count, the page of memberships (people, schools, fee state, bounces),
# their posts.
MEMBERS_MAX_QUERIES = 7
# Seen again with nothing written since (office.members.kept_list): the viewer and their
# membership with the network (the permission), and nothing of the list.
MEMBERS_KEPT_QUERIES = 2


def _list(client, network, **query):
    response = client.get(reverse("office:members", args=[network.slug]), query)
    assert response.status_code == 200
    return response


def _names(response) -> list[str]:
    return [
        row.membership.person.get_full_name()
        for row in response.context["rows"]
        if row.membership.person is not None
    ]


@pytest.fixture
def people(school_network):
    """Four schools' heads in the network: paid, unpaid, waived, and asking to join."""
    paid = seat(school_network, first_name="Ada", last_name="Paid", school_name="Abbey School")
    unpaid = seat(school_network, first_name="Ben", last_name="Unpaid", school_name="Brook High")
    waived = seat(school_network, first_name="Cas", last_name="Waived", school_name="Cross Lane")
    asking = seat(
        school_network,
        status=Membership.Status.PENDING,
        first_name="Dee",
        last_name="Asking",
        school_name="Dale Academy",
    )
    invoice(school_network, paid.school, state=FeeInvoice.State.PAID)
    invoice(school_network, unpaid.school)
    invoice(school_network, waived.school, state=FeeInvoice.State.WAIVED)
    return {"paid": paid, "unpaid": unpaid, "waived": waived, "asking": asking}


def test_the_list_shows_name_school_role_status_and_since(
    client, administrator, school_network, people
):
    client.force_login(administrator)

    response = _list(client, school_network)

    text = " ".join(response.content.decode().split())
    assert "Ada Paid" in text and "Abbey School" in text
    assert "Pending approval" in text and "Asked" in text
    assert "Member since" in text
    row = next(row for row in response.context["rows"] if row.membership == people["unpaid"])
    assert (row.school_name, row.fee) == ("Brook High", "Unpaid")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "pending"}, ["Dee Asking"]),
        ({"q": "brook"}, ["Ben Unpaid"]),
        ({"q": "ada paid"}, ["Ada Paid"]),
        ({"fee": "paid"}, ["Ada Paid"]),
        ({"fee": "due"}, ["Ben Unpaid"]),
        ({"fee": "waived"}, ["Cas Waived"]),
        ({"fee": "none", "status": "active"}, []),
        ({"role": "administrator"}, ["Administrator Person"]),
    ],
)
def test_search_and_filters_narrow_the_list(
    client, administrator, school_network, people, query, expected
):
    administrator.first_name, administrator.last_name = "Administrator", "Person"
    administrator.save()
    client.force_login(administrator)

    assert _names(_list(client, school_network, **query)) == expected


def test_the_school_filter_offers_the_network_s_schools_only(
    client, administrator, school_network, people
):
    factories.make_school(name="Not A Member School")
    client.force_login(administrator)

    response = _list(client, school_network, school=people["waived"].school_id)

    assert _names(response) == ["Cas Waived"]
    offered = [label for _value, label in response.context["form"].fields["school"].choices]
    assert offered == ["Any school", "Abbey School", "Brook High", "Cross Lane", "Dale Academy"]


def test_a_network_of_more_schools_than_a_list_can_hold_is_searched_not_listed(
    client, administrator, school_network, people, monkeypatch
):
    monkeypatch.setattr(member_lists, "SCHOOL_LIST_MAX", 3)
    client.force_login(administrator)

    page = _list(client, school_network).content.decode()
    by_link = _list(client, school_network, school=people["waived"].school_id)
    by_search = _list(client, school_network, q="Cross Lane")

    assert '<select name="school"' not in page
    assert "A name or a school." in page  # the search says it finds schools
    assert _names(by_link) == ["Cas Waived"]  # a link to a school's members still works
    assert f'type="hidden" name="school" value="{people["waived"].school_id}"' in (
        by_link.content.decode()
    )
    assert _names(by_search) == ["Cas Waived"]


def test_members_whose_email_bounces_are_marked_and_can_be_listed(
    client, administrator, school_network, people
):
    bounce(people["unpaid"].person.email)
    client.force_login(administrator)

    response = _list(client, school_network, mail="stopped")

    assert _names(response) == ["Ben Unpaid"]
    assert "Email bouncing" in response.content.decode()


def test_ended_memberships_are_kept_and_listed_apart(client, administrator, school_network, people):
    client.force_login(administrator)
    client.post(reverse("office:member_remove", args=[school_network.slug, people["paid"].pk]))

    assert "Ada Paid" not in _names(_list(client, school_network))
    assert _names(_list(client, school_network, status="ended")) == ["Ada Paid"]


def test_a_network_of_people_lists_schools_from_posts_and_has_no_fee(
    client, administrator, network
):
    school = factories.make_school(name="Meadow Primary")
    head = factories.make_head(school=school, first_name="Eve", last_name="Meadow")
    factories.make_membership(person=head, network=network)
    client.force_login(administrator)

    response = _list(client, network, q="meadow primary")

    assert _names(response) == ["Eve Meadow"]
    assert response.context["rows"][0].school_name == "Meadow Primary"
    assert "fee" not in response.context["form"].fields
    assert _names(_list(client, network, school=school.pk)) == ["Eve Meadow"]


def test_approving_a_request_is_a_post_through_the_service_and_audited(
    client, administrator, school_network, people
):
    asking = people["asking"]
    client.force_login(administrator)
    back = f"{reverse('office:members', args=[school_network.slug])}?status=pending"

    response = approve(client, school_network, asking, next=back)

    assert response.status_code == 302 and response["Location"] == back
    asking.refresh_from_db()
    assert asking.status == Membership.Status.ACTIVE
    event = AuditEvent.objects.get(action="membership.approved")
    assert (event.actor_id, event.subject_id, event.network_id) == (
        administrator.pk, asking.person_id, school_network.pk,
    )  # fmt: skip
    assert [message.to for message in mail.outbox] == [[asking.person.email]]


def test_a_redirect_elsewhere_is_not_followed(client, administrator, school_network, people):
    client.force_login(administrator)

    response = approve(client, school_network, people["asking"], next="https://evil.example/")

    assert response["Location"] == reverse("office:members", args=[school_network.slug])


def test_declining_asks_first_then_declines_with_the_reason(
    client, administrator, school_network, people
):
    asking = people["asking"]
    client.force_login(administrator)
    url = reverse("office:member_decline", args=[school_network.slug, asking.pk])

    page = client.get(url)

    assert page.status_code == 200
    assert "Decline Dee Asking's request to join?" in page.content.decode()
    asking.refresh_from_db()
    assert asking.status == Membership.Status.PENDING

    client.post(url, {"reason": "Your school is outside the county."})

    asking.refresh_from_db()
    assert asking.status == Membership.Status.DECLINED
    assert asking.decline_reason == "Your school is outside the county."
    event = AuditEvent.objects.get(action="membership.declined")
    assert event.actor_id == administrator.pk
    assert event.changes["Reason"] == ["", "Your school is outside the county."]


def test_removing_asks_first_saying_what_it_means_then_removes(
    client, administrator, school_network, people
):
    paid = people["paid"]
    client.force_login(administrator)
    url = reverse("office:member_remove", args=[school_network.slug, paid.pk])

    page = " ".join(client.get(url).content.decode().split())

    assert "Remove Ada Paid from" in page
    assert "Abbey School no longer holds a seat" in page
    paid.refresh_from_db()
    assert paid.status == Membership.Status.ACTIVE

    client.post(url, {"reason": "Left the county"})

    paid.refresh_from_db()
    assert paid.status == Membership.Status.REMOVED
    assert AuditEvent.objects.filter(action="membership.removed", actor=administrator).count() == 1


def test_the_list_offers_no_bare_delete_beside_approve(
    client, administrator, school_network, people
):
    """Approve is a button; declining and removing are links to a page that asks first."""
    client.force_login(administrator)

    html = _list(client, school_network).content.decode()

    decline = reverse("office:member_decline", args=[school_network.slug, people["asking"].pk])
    remove = reverse("office:member_remove", args=[school_network.slug, people["paid"].pk])
    assert f'<form method="post" action="{decline}' not in html
    assert f'<form method="post" action="{remove}' not in html
    assert f'href="{decline}?next=' in html and f'href="{remove}?next=' in html
    assert "Delete selected" not in html


def test_changing_a_role_goes_through_the_service_and_is_audited(
    client, administrator, school_network, people
):
    unpaid = people["unpaid"]
    client.force_login(administrator)

    change_role(client, school_network, unpaid, "coordinator")

    unpaid.refresh_from_db()
    assert unpaid.role == Membership.Role.COORDINATOR
    event = AuditEvent.objects.get(action="membership.role")
    assert event.changes["Role"] == ["Member", "Coordinator"]
    assert event.actor_id == administrator.pk


def test_the_role_a_member_already_has_changes_nothing_and_says_so(
    client, administrator, school_network, people
):
    client.force_login(administrator)

    response = change_role(client, school_network, people["unpaid"], "member", follow=True)

    assert "Ben Unpaid is already a member: nothing changed." in response.content.decode()
    assert not AuditEvent.objects.filter(action="membership.role").exists()
    assert mail.outbox == []


def test_a_role_that_does_not_exist_changes_nothing(client, administrator, school_network, people):
    client.force_login(administrator)

    change_role(client, school_network, people["unpaid"], "superuser")

    people["unpaid"].refresh_from_db()
    assert people["unpaid"].role == Membership.Role.MEMBER
    assert not AuditEvent.objects.filter(action="membership.role").exists()


def test_a_request_approved_twice_is_approved_once(client, administrator, school_network, people):
    client.force_login(administrator)
    approve(client, school_network, people["asking"])
    response = approve(client, school_network, people["asking"], follow=True)

    assert "already been decided" in response.content.decode()
    assert AuditEvent.objects.filter(action="membership.approved").count() == 1


def test_the_count_of_queries_does_not_grow_with_the_members(client, administrator, school_network):
    client.force_login(administrator)
    url = reverse("office:members", args=[school_network.slug])

    def add(count):
        for _ in range(count):
            held = seat(school_network)
            invoice(school_network, held.school)
            seat(school_network, status=Membership.Status.PENDING)

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "school"})
    add(15)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "school"})

    assert len(few) == len(many) <= MEMBERS_MAX_QUERIES


def test_a_long_list_comes_in_pages(client, administrator, school_network):
    for _ in range(member_lists.PAGE_SIZE + 1):
        factories.make_membership(person=factories.make_user(), network=school_network)
    client.force_login(administrator)

    first = _list(client, school_network)
    second = _list(client, school_network, page=2)

    assert len(first.context["rows"]) == member_lists.PAGE_SIZE
    assert len(second.context["rows"]) == 2  # the last one, and the administrator
    assert "52 memberships found, 1 to 50 shown" in first.content.decode()


def test_the_school_filter_offers_a_new_member_s_school_at_once(
    client, administrator, school_network, people
):
    client.force_login(administrator)
    _list(client, school_network)

    seat(school_network, school_name="Elm Tree Primary")

    offered = [label for _value, label in _list(client, school_network).context["form"]
               .fields["school"].choices]  # fmt: skip
    assert "Elm Tree Primary" in offered


def test_the_school_filter_kept_for_one_network_is_not_another_s(
    client, administrator, outsider_administrator, school_network, other_network, people
):
    client.force_login(administrator)
    _list(client, school_network)
    client.force_login(outsider_administrator)

    offered = _list(client, other_network).context["form"].fields["school"].choices

    assert [label for _value, label in offered] == ["Any school"]


def _count(client, network, **query) -> int:
    return _list(client, network, **query).context["page"].paginator.count


def test_the_list_is_one_form_whose_buttons_name_the_member_and_the_action(
    client, administrator, school_network, people
):
    client.force_login(administrator)

    html = _list(client, school_network).content.decode()

    action = reverse("office:member_action", args=[school_network.slug])
    assert html.count(f'action="{action}"') == 1
    asking, unpaid = people["asking"], people["unpaid"]
    assert (
        f'<button type="submit" name="approve" value="{asking.pk}" class="btn btn-sm btn-primary">'
        'Approve<span class="visually-hidden"> Dee Asking</span></button>'
    ) in html
    label = f'<label class="visually-hidden" for="role-{unpaid.pk}">Role of Ben Unpaid</label>'
    assert label in html
    assert f'name="role-{unpaid.pk}" id="role-{unpaid.pk}"' in html
    assert (
        f'name="change_role" value="{unpaid.pk}" class="btn btn-sm btn-outline-primary">'
        'Change role<span class="visually-hidden"> of Ben Unpaid</span>'
    ) in html
    # One CSRF token for the page, not one a row.
    fewer = _list(client, school_network, q="Unpaid").content.decode()
    assert html.count("csrfmiddlewaretoken") == fewer.count("csrfmiddlewaretoken")


def test_the_form_sent_without_an_action_changes_nothing(
    client, administrator, school_network, people
):
    client.force_login(administrator)
    url = reverse("office:member_action", args=[school_network.slug])

    response = client.post(url, {f"role-{people['unpaid'].pk}": "coordinator"}, follow=True)
    not_a_member = client.post(url, {"approve": "someone"})
    not_a_number = client.post(url, {"approve": "²"})

    assert "Choose what to do." in response.content.decode()
    assert not_a_member.status_code == 404
    assert not_a_number.status_code == 404
    people["unpaid"].refresh_from_db()
    assert people["unpaid"].role == Membership.Role.MEMBER


def test_the_count_kept_for_the_list_follows_each_membership_write(
    client, administrator, school_network, people
):
    """The count of an unfiltered (or status or role filtered) list is kept while the
    network's memberships are unchanged: each kind of write shows at once."""
    client.force_login(administrator)
    everyone = _count(client, school_network)
    pending = _count(client, school_network, status="pending")
    coordinators = _count(client, school_network, role="coordinator")

    seat(school_network, school_name="Elm Tree Primary")  # someone joins
    assert _count(client, school_network) == everyone + 1

    approve(client, school_network, people["asking"])
    assert _count(client, school_network, status="pending") == pending - 1

    change_role(client, school_network, people["unpaid"], "coordinator")
    assert _count(client, school_network, role="coordinator") == coordinators + 1

    client.post(reverse("office:member_remove", args=[school_network.slug, people["paid"].pk]))
    assert _count(client, school_network) == everyone
    assert _count(client, school_network, status="ended") == 1

    services.leave_network(person=people["waived"].person, network=school_network)
    assert _count(client, school_network) == everyone - 1


def test_the_count_kept_for_one_network_or_filter_is_not_another_s(
    client, administrator, outsider_administrator, school_network, other_network, people
):
    client.force_login(administrator)
    everyone = _count(client, school_network)

    assert _count(client, school_network, q="Unpaid") == 1
    assert _count(client, school_network, status="pending") == 1
    client.force_login(outsider_administrator)
    assert (
        _count(client, other_network)
        == Membership.objects.live().filter(network=other_network).count()
        != everyone
    )


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _rows_text(client, network, **query) -> str:
    return _page_text(client, network, **query).split("<tbody>")[1].split("</tbody>")[0]


def _page_text(client, network, **query) -> str:
    return " ".join(_list(client, network, **query).content.decode().split())


def test_the_list_kept_follows_each_write_it_shows(client, administrator, school_network, people):
    """The list as the viewer saw it is kept, and every kind of write it shows changes it
    at once: a person (their name, their address shared or not), a school, a membership
    (joining, approving, a role, removing, leaving), bulk mail stopping and starting again
    at an address, a fee paid, the fee year."""
    client.force_login(administrator)
    before = _page_text(client, school_network)
    assert "Ada Paid" in before and "Email bouncing" not in before
    assert _without_tokens(_page_text(client, school_network)) == _without_tokens(before)

    person = people["paid"].person
    person.first_name = "Adele"
    person.save()
    assert "Adele Paid" in _page_text(client, school_network)

    person.show_email_to_members = False
    person.save()
    assert person.email not in _page_text(client, school_network)

    school = people["unpaid"].school
    school.name = "Brook Academy"
    school.save()
    assert "Brook Academy" in _page_text(client, school_network)

    seat(school_network, first_name="Fay", last_name="Joined")
    assert "Fay Joined" in _page_text(client, school_network)

    change_role(client, school_network, people["unpaid"], "coordinator")
    html = _list(client, school_network).content.decode()
    options = html.split(f'id="role-{people["unpaid"].pk}"')[1].split("</select>")[0]
    assert '<option value="coordinator" selected>' in options

    bounce(people["waived"].person.email)
    assert "Email bouncing" in _page_text(client, school_network)
    suppression.lift(people["waived"].person.email)
    assert "Email bouncing" not in _page_text(client, school_network)

    approve(client, school_network, people["asking"])
    assert "Decline…" not in _page_text(client, school_network)

    unpaid = FeeInvoice.objects.get(school=people["unpaid"].school)
    fee_services.mark_paid(invoice=unpaid, paid_on=timezone.localdate(), by=administrator)
    assert _list(client, school_network).content.decode().count("Paid</td>") == 2

    client.post(reverse("office:member_remove", args=[school_network.slug, people["paid"].pk]))
    assert "Adele Paid" not in _rows_text(client, school_network)

    services.leave_network(person=people["waived"].person, network=school_network)
    assert "Cas Waived" not in _rows_text(client, school_network)


def test_the_list_kept_shows_a_network_of_people_their_posts_as_they_change(
    client, administrator, network
):
    """A member's school, where they hold no seat, is that of their current post: a new
    post shows at once, and one that ends shows at midnight, with no write at all."""
    late = datetime.datetime(2026, 3, 10, 23, 58, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(late, tick=False) as clock:
        head = factories.make_head(
            school=factories.make_school(name="Meadow Primary"), first_name="Eve", last_name="Moves"
        )
        factories.make_membership(person=head, network=network)
        client.force_login(administrator)
        assert "Meadow Primary" in _rows_text(client, network)

        old = head.posts.get()
        old.ended_on = timezone.localdate()
        old.save()
        factories.make_post(
            person=head,
            school=factories.make_school(name="Orchard Academy"),
            started_on=timezone.localdate() + datetime.timedelta(days=1),
        )
        assert "Meadow Primary" in _rows_text(client, network)  # still head there today

        clock.shift(datetime.timedelta(minutes=4))
        assert "Orchard Academy" in _rows_text(client, network)


def test_a_list_kept_is_read_without_a_membership_query_and_keeps_no_csrf_token(
    client, administrator, school_network, people
):
    client.force_login(administrator)
    url = reverse("office:members", args=[school_network.slug])
    with CaptureQueriesContext(connection) as built:
        first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as kept:
        second = client.get(url).content.decode()

    # The viewer and their membership (the permission, checked each time): no more.
    assert len(kept) == MEMBERS_KEPT_QUERIES < len(built)
    # The list's form has its own token, drawn for this page (not kept with the list).
    form = f'action="{reverse("office:member_action", args=[school_network.slug])}"'
    assert 'name="csrfmiddlewaretoken"' in second.split(form)[1].split("</form>")[0]
    assert _without_tokens(first) == _without_tokens(second)
    assert first.split(form)[1].split("</form>")[0] != second.split(form)[1].split("</form>")[0]


def test_a_list_kept_for_an_administrator_is_no_one_else_s(
    client,
    administrator,
    coordinator,
    outsider_administrator,
    school_network,
    other_network,
    people,
):
    """Another network's administrator and the network's coordinator are refused the list
    an administrator has just seen; another network's list shows its own members."""
    client.force_login(administrator)
    assert "Ben Unpaid" in _page_text(client, school_network)

    client.force_login(coordinator)
    assert client.get(reverse("office:members", args=[school_network.slug])).status_code == 403
    client.force_login(outsider_administrator)
    assert client.get(reverse("office:members", args=[school_network.slug])).status_code == 403
    assert "Ben Unpaid" not in _page_text(client, other_network)


def test_the_rows_kept_for_one_viewer_show_another_what_they_may_see_and_do(
    client, administrator, staff, school_network, people
):
    """Staff see every address and the administrator as someone to act on; the
    administrator, after them, sees their own row as theirs and no private address."""
    private = people["unpaid"].person
    private.show_email_to_members = False
    private.save()
    own = Membership.objects.get(person=administrator, network=school_network)
    client.force_login(staff)
    text = _page_text(client, school_network)
    assert private.email in text
    assert f'name="role-{own.pk}"' in text and ">you</span>" not in text

    client.force_login(administrator)
    text = _page_text(client, school_network)
    assert private.email not in text
    assert f'name="role-{own.pk}"' not in text and ">you</span>" in text

    # Each seen again (kept for each): still their own.
    second = personas.make_administrator(school_network, "second.administrator@school.example")
    theirs = Membership.objects.get(person=second, network=school_network)
    client.force_login(second)
    text = _page_text(client, school_network)
    assert f'name="role-{own.pk}"' in text and f'name="role-{theirs.pk}"' not in text
    client.force_login(administrator)
    text = _page_text(client, school_network)
    assert f'name="role-{own.pk}"' not in text and f'name="role-{theirs.pk}"' in text
    client.force_login(staff)
    assert private.email in _page_text(client, school_network)


def test_the_filters_kept_as_a_fragment_show_what_was_asked_each_time(
    client, administrator, school_network, people
):
    client.force_login(administrator)
    assert 'value="Ben"' in _list(client, school_network, q="Ben").content.decode()

    html = _list(client, school_network, q="Ada", status="pending").content.decode()
    assert 'value="Ada"' in html and 'value="Ben"' not in html
    assert '<option value="pending" selected>' in html
    assert "Clear the filters" in html
    assert "Clear the filters" not in _list(client, school_network).content.decode()


def test_the_filters_kept_show_this_fee_year_and_the_network_s_schools(
    client, administrator, school_network, people
):
    client.force_login(administrator)
    before = _list(client, school_network).content.decode()
    assert "Fee for " in before and "Elm Tree Primary" not in before

    seat(school_network, school_name="Elm Tree Primary")
    assert ">Elm Tree Primary</option>" in _list(client, school_network).content.decode()

    scheme = FeeScheme.objects.get(network=school_network)
    scheme.year_kind = YearKind.FINANCIAL
    scheme.save()
    assert "Fee for April " in _list(client, school_network).content.decode()
