"""Academy conversions (docs/rules.md, "Academy conversions"): `import_schools --links` passes
a closed member school's seat and posts to the school that carries it on, tells the
network's administrators once, and changes nothing when run again."""

import datetime
import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from core.models import AuditEvent, OutgoingEmail
from members import conversions
from members.models import Post, School
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"'
CONVERSION = [
    '127413,137234,"Teaselstead Catholic Academy","Successor","01-01-2025"',
    '137234,127413,"Plovercombe High School","Predecessor","01-01-2025"',
]
DATA = Path(__file__).resolve().parents[2] / "data"


def links_file(tmp_path: Path, rows: list[str], name: str = "links.csv") -> Path:
    """A links file in the register's own dialect (Windows-1252, CRLF)."""
    path = tmp_path / name
    path.write_bytes("\r\n".join([HEADER, *rows, ""]).encode("cp1252"))
    return path


def import_links(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_schools", "--links", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def secondary(urn: int, name: str, *, status: str = School.Status.OPEN) -> School:
    return factories.make_school(urn=urn, name=name, sector="secondary", status=status)


@pytest.fixture
def association(db):
    """A school-based network (OSSHTA's kind) with an administrator."""
    network = factories.make_network(
        name="Oxfordshire Secondary Heads",
        short_name="OSH",
        slug="oxon-secondary",
        sectors=["secondary"],
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.AUTOMATIC,
    )
    office = factories.make_user(email="office@osh.example", first_name="Olive")
    factories.make_membership(person=office, network=network, role=Membership.Role.ADMINISTRATOR)
    return network


@pytest.fixture
def plovercombe(db):
    return secondary(127413, "Plovercombe High School", status=School.Status.CLOSED)


@pytest.fixture
def teaselstead(db):
    return secondary(137234, "Teaselstead Catholic Academy")


@pytest.fixture
def ann(plovercombe):
    """Plovercombe's head, her headship confirmed by site staff."""
    person = factories.make_user(email="ann.hale@plovercombe.example", first_name="Ann",
                                 last_name="Hale")  # fmt: skip
    factories.make_post(person=person, school=plovercombe, started_on=datetime.date(2019, 9, 1))
    return person


@pytest.fixture
def seat(association, plovercombe, ann):
    return factories.make_membership(person=ann, network=association, school=plovercombe)


def state() -> list:
    """Every school's line, post and membership, and every event: to show nothing changed."""
    return [
        list(School.objects.order_by("pk").values_list("pk", "successor", "latest_successor")),
        list(Post.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list("pk", "school", "status", "person")),
        AuditEvent.objects.count(),
    ]


# A member school converts --------------------------------------------------------------


def test_a_member_schools_seat_moves_to_the_academy_that_carries_it_on(tmp_path, seat, teaselstead):
    out = import_links(links_file(tmp_path, CONVERSION))

    seat.refresh_from_db()
    assert seat.school == teaselstead and seat.status == Membership.Status.ACTIVE
    assert not Membership.objects.live().filter(school__urn=127413).exists()
    assert "conversions: 1 new" in out
    assert "converted: Plovercombe High School (URN 127413) carried on by Teaselstead" in out


def test_the_heads_confirmed_post_ends_and_continues_confirmed_at_the_academy(
    tmp_path, seat, ann, plovercombe, teaselstead
):
    import_links(links_file(tmp_path, CONVERSION))

    old = Post.objects.get(person=ann, school=plovercombe)
    new = Post.objects.get(person=ann, school=teaselstead)
    assert old.ended_on == datetime.date(2024, 12, 31)
    assert new.started_on == datetime.date(2025, 1, 1) and new.ended_on is None
    assert new.role == Post.Role.HEADTEACHER
    assert new.is_verified and new.verified_how == Post.How.SITE_STAFF
    assert [post.school for post in ann.current_posts()] == [teaselstead]
    carried = AuditEvent.objects.for_object(new).get()
    assert carried.action == "post.carried" and carried.subject_id == ann.pk
    assert carried.changes["School"] == ["Plovercombe High School", "Teaselstead Catholic Academy"]


def test_other_staff_posts_carry_on_as_they_were_a_claim_stays_a_claim(
    tmp_path, seat, plovercombe, teaselstead
):
    deputy = factories.make_user()
    factories.make_post(person=deputy, school=plovercombe, role=Post.Role.SENIOR_LEADER,
                        verified=False)  # fmt: skip

    import_links(links_file(tmp_path, CONVERSION))

    [post] = deputy.current_posts()
    assert post.school == teaselstead and post.role == Post.Role.SENIOR_LEADER
    assert not post.is_verified and post.is_claim


def test_posts_that_ended_before_the_conversion_stay_history(tmp_path, seat, plovercombe):
    former = factories.make_user()
    factories.make_post(person=former, school=plovercombe, started_on=datetime.date(2010, 9, 1),
                        ended_on=datetime.date(2019, 8, 31))  # fmt: skip

    import_links(links_file(tmp_path, CONVERSION))

    assert [post.school for post in former.posts.all()] == [plovercombe]
    assert former.posts.get().ended_on == datetime.date(2019, 8, 31)


def test_the_closed_school_records_its_successor(tmp_path, seat, plovercombe, teaselstead):
    import_links(links_file(tmp_path, CONVERSION))

    plovercombe.refresh_from_db()
    assert plovercombe.successor == teaselstead
    assert plovercombe.latest_successor == teaselstead
    assert plovercombe.succeeded_on == datetime.date(2025, 1, 1)
    assert list(teaselstead.predecessors.all()) == [plovercombe]
    [event] = AuditEvent.objects.for_object(plovercombe)
    assert event.action == "school.converted"


def test_the_administrators_are_told_once_what_moved(tmp_path, seat, association, ann, teaselstead):
    mail.outbox.clear()

    import_links(links_file(tmp_path, CONVERSION))

    [email] = mail.outbox
    assert email.to == ["office@osh.example"]
    assert email.subject.endswith(
        "Plovercombe High School is now Teaselstead Catholic Academy: its seat in OSH"
    )
    body = " ".join(email.body.split())
    assert (
        "Plovercombe High School (URN 127413) closed, and that Teaselstead Catholic Academy "
        "(URN 137234) carries it on from 1 January 2025" in body
    )
    assert "Its seat in Oxfordshire Secondary Heads, held by Ann Hale, is now Teaselstead" in body
    assert "Ann Hale's post as headteacher now sits at Teaselstead Catholic Academy, confirmed" in (
        body
    )
    assert "Its fee history stays as it was, under Plovercombe High School's name" in body
    assert "/networks/oxon-secondary/history/" in body


def test_the_seat_move_is_in_the_networks_history(tmp_path, seat, association, teaselstead):
    import_links(links_file(tmp_path, CONVERSION))

    event = AuditEvent.objects.for_network(association.pk).get(action="membership.seat_carried")
    assert event.changes["School"] == ["Plovercombe High School", "Teaselstead Catholic Academy"]
    assert event.actor_id is None and event.subject_id == seat.person_id


def test_the_head_stays_a_member_of_the_automatic_network_for_the_academy(
    tmp_path, seat, association, ann, teaselstead
):
    import_links(links_file(tmp_path, CONVERSION))

    [membership] = Membership.objects.live().filter(network=association, person=ann)
    assert membership.pk == seat.pk and membership.school == teaselstead


# Nothing lost or doubled ------------------------------------------------------------


def test_importing_the_links_twice_changes_nothing_and_sends_nothing_more(
    tmp_path, seat, teaselstead
):
    path = links_file(tmp_path, CONVERSION)
    import_links(path)
    before = state()
    mail.outbox.clear()

    out = import_links(path)

    assert state() == before
    assert mail.outbox == []
    assert "conversions: 0 new, 1 recorded before (0 with posts carried now)" in out


def test_a_dry_run_saves_nothing_and_sends_nothing(tmp_path, seat, teaselstead, settings):
    # As in production: an email waits for its task in the database, and rolls back with it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    before = state()
    mail.outbox.clear()

    out = import_links(links_file(tmp_path, CONVERSION), "--dry-run")

    assert "conversions: 1 new" in out and "dry run: nothing was saved" in out
    assert state() == before
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_an_academy_with_its_own_seat_keeps_one_and_the_closed_schools_ends(
    tmp_path, seat, association, ann, teaselstead
):
    bea = factories.make_user(email="bea@teaselstead.example", first_name="Bea", last_name="Moss")
    factories.make_post(person=bea, school=teaselstead, started_on=datetime.date(2025, 1, 1))
    own = factories.make_membership(person=bea, network=association, school=teaselstead)
    mail.outbox.clear()

    import_links(links_file(tmp_path, CONVERSION))

    [live] = Membership.objects.live().filter(network=association, school=teaselstead)
    assert live == own and live.person == bea
    seat.refresh_from_db()
    assert seat.status == Membership.Status.LAPSED and seat.school.urn == 127413
    assert "which holds its own seat" in AuditEvent.objects.for_object(seat).first().summary
    # Ann's post carries on at the academy all the same.
    assert [post.school for post in ann.current_posts()] == [teaselstead]
    by_recipient = {tuple(email.to): email for email in mail.outbox}
    told_ann = " ".join(by_recipient[("ann.hale@plovercombe.example",)].body.split())
    assert "your membership of Oxfordshire Secondary Heads for Plovercombe High School" in told_ann
    assert "has ended" in told_ann
    told_office = " ".join(by_recipient[("office@osh.example",)].body.split())
    assert "already held its own seat in Oxfordshire Secondary Heads, held by Bea Moss" in (
        told_office
    )
    assert "seat, held by Ann Hale, has ended" in told_office


def test_two_member_schools_amalgamated_into_one_keep_one_seat(
    tmp_path, seat, association, teaselstead
):
    other = secondary(127414, "Kestrelford School", status=School.Status.CLOSED)
    cal = factories.make_user(first_name="Cal", last_name="Reed")
    factories.make_post(person=cal, school=other)
    factories.make_membership(person=cal, network=association, school=other)

    import_links(
        links_file(
            tmp_path,
            [
                '127413,137234,"Teaselstead","Successor - amalgamated","01-01-2025"',
                '127414,137234,"Teaselstead","Successor - amalgamated","01-01-2025"',
            ],
        )
    )

    assert Membership.objects.live().filter(network=association, school=teaselstead).count() == 1
    assert not Membership.objects.live().filter(school__status=School.Status.CLOSED).exists()


def test_a_school_split_in_two_moves_nothing_and_asks_the_administrators_once(
    tmp_path, seat, association, ann, plovercombe, teaselstead
):
    secondary(137235, "Teaselstead Lower School")
    split = links_file(
        tmp_path,
        [
            '127413,137234,"Teaselstead","Successor - Split School","01-01-2025"',
            '127413,137235,"Teaselstead Lower","Successor - Split School","01-01-2025"',
        ],
    )
    mail.outbox.clear()

    out = import_links(split)
    again = import_links(split)

    seat.refresh_from_db()
    assert seat.school == plovercombe and seat.is_live
    assert [post.school for post in ann.current_posts()] == [plovercombe]
    plovercombe.refresh_from_db()
    assert plovercombe.successor is None
    [email] = mail.outbox
    assert email.to == ["office@osh.example"]
    assert email.subject.endswith(
        "Plovercombe High School has split: which school holds its seat in OSH?"
    )
    body = " ".join(email.body.split())
    assert (
        "split into Teaselstead Catholic Academy (URN 137234) and Teaselstead Lower School "
        "(URN 137235)" in body
    )
    assert "held by Ann Hale, stays with Plovercombe High School for now" in body
    assert "splits: 1 new" in out and "splits: 0 new, 1 noted before" in again


def test_a_split_of_a_school_still_open_waits_and_tells_nobody(
    tmp_path, seat, plovercombe, teaselstead
):
    School.objects.filter(pk=plovercombe.pk).update(status=School.Status.OPEN)
    secondary(137235, "Teaselstead Lower School")
    mail.outbox.clear()

    out = import_links(
        links_file(
            tmp_path,
            [
                '127413,137234,"Teaselstead","Successor - Split School","01-01-2025"',
                '127413,137235,"Teaselstead Lower","Successor - Split School","01-01-2025"',
            ],
        )
    )

    assert "waiting: Plovercombe High School (URN 127413) is not closed" in out
    assert "splits: 0 new" in out
    assert mail.outbox == []


def test_a_non_member_school_converting_changes_no_network(
    tmp_path, network, association, plovercombe, teaselstead
):
    # Open, not automatic: an automatic network would enrol the head for the academy, as
    # after any new post (rules.md, "Joining"), which is not the conversion's doing.
    Network.objects.filter(pk=association.pk).update(join_policy=Network.JoinPolicy.OPEN)
    head = factories.make_user()
    factories.make_post(person=head, school=plovercombe)
    person_based = factories.make_membership(person=head, network=network)
    before = list(Membership.objects.order_by("pk").values_list())
    mail.outbox.clear()

    import_links(links_file(tmp_path, CONVERSION))

    assert list(Membership.objects.order_by("pk").values_list()) == before
    assert person_based.network.memberships.live().get().person == head
    assert mail.outbox == []
    plovercombe.refresh_from_db()
    assert plovercombe.successor == teaselstead


def test_a_line_of_conversions_in_one_file_ends_at_the_open_school(tmp_path, seat, association):
    middle = secondary(137234, "Teaselstead Catholic Academy", status=School.Status.CLOSED)
    last = secondary(149999, "Teaselstead Trust Academy")
    path = links_file(
        tmp_path,
        [
            '127413,137234,"Teaselstead","Successor","01-01-2025"',
            '137234,149999,"Teaselstead Trust","Successor","01-09-2026"',
        ],
    )

    import_links(path)
    before = state()
    import_links(path)

    seat.refresh_from_db()
    assert seat.school == last
    plovercombe = School.objects.get(urn=127413)
    assert (plovercombe.successor, plovercombe.latest_successor) == (middle, last)
    assert state() == before


def test_a_later_link_carries_an_earlier_line_to_its_new_end(tmp_path, seat, association):
    middle = secondary(137234, "Teaselstead Catholic Academy")
    import_links(links_file(tmp_path, CONVERSION))
    School.objects.filter(pk=middle.pk).update(status=School.Status.CLOSED)
    last = secondary(149999, "Teaselstead Trust Academy")

    import_links(links_file(tmp_path, ['137234,149999,"T","Successor","01-09-2026"'], "b.csv"))

    seat.refresh_from_db()
    assert seat.school == last
    assert School.objects.get(urn=127413).latest_successor == last


def test_a_school_not_yet_closed_waits_and_converts_once_it_is(
    tmp_path, seat, plovercombe, teaselstead
):
    School.objects.filter(pk=plovercombe.pk).update(status=School.Status.OPEN)
    path = links_file(tmp_path, CONVERSION)

    out = import_links(path)

    seat.refresh_from_db()
    assert seat.school == plovercombe
    assert "waiting: Plovercombe High School (URN 127413) is not closed in the register yet" in out

    School.objects.filter(pk=plovercombe.pk).update(status=School.Status.CLOSED)
    import_links(path)

    seat.refresh_from_db()
    assert seat.school == teaselstead


def test_a_link_that_contradicts_the_recorded_successor_is_reported_not_applied(
    tmp_path, seat, plovercombe, teaselstead
):
    import_links(links_file(tmp_path, CONVERSION))
    secondary(137999, "Another Academy")

    out = import_links(links_file(tmp_path, ['127413,137999,"A","Successor","01-01-2025"'], "b"))

    assert "conflict: Plovercombe High School (URN 127413) is already recorded as carried on" in out
    seat.refresh_from_db()
    assert seat.school == teaselstead


def test_a_link_naming_a_school_not_imported_is_counted(tmp_path, seat):
    out = import_links(links_file(tmp_path, ['127413,999999,"Unknown","Successor","01-01-2025"']))

    assert "1 naming a school that is not imported" in out
    seat.refresh_from_db()
    assert seat.school.urn == 127413


def test_the_service_refuses_a_school_still_open(teaselstead):
    still_open = secondary(127000, "Open School")

    with pytest.raises(ValidationError, match="not closed in the register yet"):
        conversions.convert_school(predecessor=still_open, successor=teaselstead, on=None)


def test_the_command_needs_a_file(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--links FILE"):
        call_command("import_schools")


def test_the_register_sample_and_its_links_import_together(db):
    out = io.StringIO()
    call_command(
        "import_schools",
        str(DATA / "gias-synthetic-oxon-oldham-essex.csv"),
        "--links",
        str(DATA / "gias-links-synthetic.csv"),
        stdout=out,
    )

    assert "conversions: 14 new" in out.getvalue()
    assert School.objects.get(urn=127413).successor.urn == 137234
    assert School.objects.filter(successor__isnull=False, status=School.Status.OPEN).count() == 0
