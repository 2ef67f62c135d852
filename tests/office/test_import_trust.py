"""The trust rule for imported posts (docs/rules.md, "Bringing in a member spreadsheet"), from
both sides: an administrator's word confirms an imported post only where the existing rules
already let them confirm a post (a school holding a seat in a network of schools they
administer), and only for the post they vouched for; everywhere else accepting makes a
claim, which takes nothing. And accepting is one screen, the school and role filled in."""

import pytest
from django.core import mail
from django.urls import reverse

from members.models import Post, PostDecision
from networks import services
from networks.models import ImportBatch, Invitation, Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

COLUMNS = {"name": 0, "email": 1, "urn": 2, "role": 3}


@pytest.fixture
def seated_school(administrator):
    """A school holding a seat in a network of schools the administrator runs: one where the
    rules already let them confirm a post."""
    association = factories.make_network(
        name="Heads Association", slug="heads-association", basis=Network.Basis.SCHOOL
    )
    factories.make_membership(person=administrator, network=association, role="administrator")
    school = factories.make_school(name="Seated Academy")
    head = factories.make_head(school=school)
    factories.make_membership(person=head, network=association, school=school)
    return school


@pytest.fixture
def other_school():
    """A school in no network the administrator runs."""
    return factories.make_school(name="Elsewhere Academy")


def _import(network, by, rows, *, confirm_posts=True):
    batch = services.start_import(
        network=network,
        by=by,
        headers=["Name", "Email", "URN", "Role"],
        cells=rows,
        lines=list(range(2, len(rows) + 2)),
        columns=COLUMNS,
    )
    services.set_columns(batch=batch, by=by, columns=COLUMNS)
    return services.confirm_import(batch=batch, by=by, confirm_posts=confirm_posts)


def _accept(client, person, network, **data):
    client.force_login(person)
    return client.post(reverse("networks:accept", args=[network.slug]), data, follow=True)


def _post_of(person, school):
    return Post.objects.get(person=person, school=school)


def test_the_preview_says_which_posts_the_administrator_may_confirm(
    network, administrator, seated_school, other_school
):
    batch = services.start_import(
        network=network,
        by=administrator,
        headers=["Name", "Email", "URN", "Role"],
        cells=[
            ["Dee", "dee@school.example", str(seated_school.urn), "Deputy head"],
            ["Eve", "eve@school.example", str(other_school.urn), "Deputy head"],
            ["Own", administrator.email, str(seated_school.urn), "Deputy head"],
        ],
        lines=[2, 3, 4],
        columns=COLUMNS,
    )

    batch = services.set_columns(batch=batch, by=administrator, columns=COLUMNS)

    # Their own post never: nobody confirms their own.
    assert [row["may_confirm"] for row in batch.rows] == [True, False, False]


def test_an_imported_post_the_administrator_may_confirm_is_confirmed_as_the_person_accepts(
    client, network, administrator, seated_school
):
    _import(
        network, administrator, [["Dee", "dee@school.example", str(seated_school.urn), "Deputy"]]
    )
    invitation = Invitation.objects.get(email="dee@school.example")
    assert invitation.confirm_post
    dee = factories.make_user(email="dee@school.example")

    response = _accept(client, dee, network, role="senior_leader", started_on="2024-09-01")

    post = _post_of(dee, seated_school)
    assert post.is_verified
    assert post.verified_how == Post.How.NETWORK_ADMINISTRATOR
    decision = PostDecision.objects.get(post=post)
    assert decision.decided_by == administrator
    assert Membership.objects.active().filter(person=dee, network=network).exists()
    messages = [str(message) for message in response.context["messages"]]
    assert messages[0] == f"You are now a member of {network.name}."
    assert "Your post as deputy or senior leader at Seated Academy is confirmed." in messages


def test_a_post_where_the_administrator_may_not_confirm_stays_a_claim_whatever_they_asked(
    client, network, administrator, other_school
):
    _import(
        network, administrator, [["Eve", "eve@school.example", str(other_school.urn), "Deputy"]]
    )
    assert not Invitation.objects.get(email="eve@school.example").confirm_post
    eve = factories.make_user(email="eve@school.example")

    response = _accept(client, eve, network, role="senior_leader", started_on="2024-09-01")

    post = _post_of(eve, other_school)
    assert post.is_claim
    assert not PostDecision.objects.filter(post=post).exists()
    # The person-based network takes them in on the invitation; the claim takes nothing.
    assert Membership.objects.active().filter(person=eve, network=network).exists()
    assert "it is a claim" in " ".join(str(m) for m in response.context["messages"])


def test_without_the_administrator_s_word_even_a_post_they_may_confirm_stays_a_claim(
    client, network, administrator, seated_school
):
    rows = [["Dee", "dee@school.example", str(seated_school.urn), "Deputy"]]
    _import(network, administrator, rows, confirm_posts=False)
    dee = factories.make_user(email="dee@school.example")

    _accept(client, dee, network, role="senior_leader", started_on="2024-09-01")

    assert _post_of(dee, seated_school).is_claim


def test_a_role_other_than_the_one_vouched_for_stays_a_claim(
    client, network, administrator, seated_school
):
    _import(
        network, administrator, [["Dee", "dee@school.example", str(seated_school.urn), "Deputy"]]
    )
    dee = factories.make_user(email="dee@school.example")

    # They vouched for a deputy: a headship claimed on the same invitation is only a claim.
    _accept(client, dee, network, role="headteacher", started_on="2024-09-01")

    post = _post_of(dee, seated_school)
    assert post.role == Post.Role.HEADTEACHER
    assert post.is_claim


def test_an_administrator_who_may_no_longer_confirm_posts_there_confirms_nothing(
    client, network, administrator, seated_school
):
    _import(
        network, administrator, [["Dee", "dee@school.example", str(seated_school.urn), "Deputy"]]
    )
    Membership.objects.filter(person=administrator, network__slug="heads-association").update(
        role="member"
    )
    dee = factories.make_user(email="dee@school.example")

    _accept(client, dee, network, role="senior_leader", started_on="2024-09-01")

    assert _post_of(dee, seated_school).is_claim


def test_a_tampered_confirmation_cannot_vouch_for_posts_the_administrator_may_not_confirm(
    client, network, administrator, other_school
):
    client.force_login(administrator)
    batch = services.start_import(
        network=network,
        by=administrator,
        headers=["Name", "Email", "URN", "Role"],
        cells=[["Eve", "eve@school.example", str(other_school.urn), "Deputy"]],
        lines=[2],
        columns=COLUMNS,
    )
    services.set_columns(batch=batch, by=administrator, columns=COLUMNS)

    client.post(
        reverse("office:import_confirm", args=[network.slug, batch.pk]), {"confirm_posts": "yes"}
    )

    assert not Invitation.objects.get(email="eve@school.example").confirm_post
    assert ImportBatch.objects.get().confirm_posts  # asked for, granted only where allowed


def test_in_a_network_of_schools_a_claimed_headship_waits_and_the_invitation_stays_open(
    client, administrator, other_school
):
    association = factories.make_network(
        name="Invited Heads", slug="invited-heads", basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.INVITATION,
    )  # fmt: skip
    factories.make_membership(person=administrator, network=association, role="administrator")
    _import(association, administrator, [["Hal", "hal@school.example", str(other_school.urn), ""]])
    hal = factories.make_user(email="hal@school.example")

    response = _accept(client, hal, association, role="headteacher", started_on="2024-09-01")

    assert _post_of(hal, other_school).is_claim
    assert not Membership.objects.filter(person=hal, network=association).exists()
    invitation = Invitation.objects.get(email="hal@school.example")
    assert invitation.accepted_at is None
    said = " ".join(str(message) for message in response.context["messages"])
    assert "Invited Heads cannot take you in yet" in said
    assert "is not yet confirmed" in said
    assert "Your invitation stays open." in said

    # Once the headship is confirmed (here by site staff), the invitation is accepted.
    staff = factories.make_user(is_superuser=True)
    services.confirm_claim(post=_post_of(hal, other_school), how=Post.How.SITE_STAFF, by=staff)
    services.join_network(person=hal, network=association)
    assert Membership.objects.active().get(person=hal, network=association).school == other_school


def test_the_accept_page_fills_in_the_school_and_role_for_one_screen(
    client, network, administrator, other_school
):
    _import(
        network, administrator, [["Eve", "eve@school.example", str(other_school.urn), "Deputy"]]
    )
    eve = factories.make_user(email="eve@school.example")
    client.force_login(eve)

    network_page = client.get(network.get_absolute_url()).content.decode()
    home = client.get(reverse("me")).content.decode()
    page = client.get(reverse("networks:accept", args=[network.slug])).content.decode()

    assert f'href="{reverse("networks:accept", args=[network.slug])}"' in network_page
    assert f'href="{reverse("networks:accept", args=[network.slug])}"' in home
    assert "Elsewhere Academy" in page
    assert '<option value="senior_leader" selected>' in page
    assert 'name="started_on"' in page
    # The network page's own join button would skip the post: it says where to accept.
    response = client.post(reverse("networks:join", args=[network.slug]), follow=True)
    assert "accept it on the invitation's page" in str(list(response.context["messages"])[0])
    assert not Membership.objects.filter(person=eve).exists()


def test_the_accept_form_asks_since_when_and_refuses_a_post_starting_years_ahead(
    client, network, administrator, other_school
):
    _import(
        network, administrator, [["Eve", "eve@school.example", str(other_school.urn), "Deputy"]]
    )
    eve = factories.make_user(email="eve@school.example")

    response = _accept(client, eve, network, role="senior_leader", started_on="2099-01-01")

    assert "A post can start at most a year from now." in response.content.decode()
    assert not Post.objects.filter(person=eve).exists()
    assert not Membership.objects.filter(person=eve).exists()


def test_someone_without_an_invitation_finds_no_accept_page(client, network, head):
    client.force_login(head)

    assert client.get(reverse("networks:accept", args=[network.slug])).status_code == 404
    assert client.post(reverse("networks:accept", args=[network.slug])).status_code == 404


def test_a_person_who_holds_the_post_already_accepts_with_one_button(
    client, network, administrator, seated_school
):
    dee = factories.make_user(email="dee@school.example")
    factories.make_post(person=dee, school=seated_school, role="senior_leader", verified=False)
    _import(
        network, administrator, [["Dee", "dee@school.example", str(seated_school.urn), "Deputy"]]
    )
    mail.outbox.clear()

    page = _accept(client, dee, network).content.decode()

    # Their own claim, for the post the administrator vouched for, is confirmed.
    assert _post_of(dee, seated_school).is_verified
    assert Membership.objects.active().filter(person=dee, network=network).exists()
    assert "You are now a member" in page
