"""Each row of a member spreadsheet checked before anything is written (networks.imports):
its school found in the register (by URN; else by name with its town or postcode; ranked
candidates where unsure, a typo among them; nothing for a school the register lacks), its
person by email, repeats within the file, and people already in the network."""

import pytest

from members import school_match, suppression
from members.models import Post, School
from members.school_match import Register, name_key
from networks import imports
from networks.models import Invitation, Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

COLUMNS = {"name": 0, "email": 1, "school": 2, "urn": 3, "town": 4, "postcode": 5, "role": 6}


@pytest.fixture
def register():
    la = factories.make_la()
    return {
        "coppergate": factories.make_school(
            name="Coppergate High School", town="Brackenhurst", la=la, urn=140950
        ),
        "cobbleham": factories.make_school(
            name="Cobbleham High School", town="Starlingwell", la=la
        ),
        "starlingwell": factories.make_school(
            name="Starlingwell Church of England Academy", town="Starlingwell", la=la
        ),
        "st_marks": factories.make_school(
            name="St Mark’s Catholic High School, Plovercombe", town="Plovercombe", la=la
        ),
        "hollinmere": factories.make_school(name="Hollinmere School", town="Woldworth", la=la),
        "closed": factories.make_school(
            name="Plovercombe High School", town="Plovercombe", la=la, status="closed", urn=127413
        ),
    }


def _check(network, by, *rows):
    cells = [list(row) + [""] * (7 - len(row)) for row in rows]
    return imports.check_rows(
        network=network,
        by=by,
        cells=cells,
        lines=list(range(2, len(cells) + 2)),
        columns=COLUMNS,
    )


def test_a_urn_finds_its_school_whatever_the_name_says(network, administrator, register):
    (row,) = _check(network, administrator, ["Ann", "ann@x.example", "Emberwood Academy", "140950"])

    assert row["how"] == "urn"
    assert row["school"]["id"] == register["coppergate"].pk
    assert "The register calls URN 140950 Coppergate High School." in row["notes"]


def test_the_register_s_own_name_finds_its_school_give_or_take_ce_and_apostrophes(
    network, administrator, register
):
    rows = _check(
        network,
        administrator,
        ["A", "a@x.example", "Starlingwell CE Academy"],
        ["B", "b@x.example", "St Marks Catholic High School"],
        ["C", "c@x.example", "Hollinmere School", "", "Woldworth"],
    )

    assert [row["how"] for row in rows] == ["name", "name", "name"]
    assert [row["school"]["id"] for row in rows] == [
        register["starlingwell"].pk,
        register["st_marks"].pk,
        register["hollinmere"].pk,
    ]


def test_a_typo_in_a_school_name_offers_the_school_it_means_and_chooses_nothing(
    network, administrator, register
):
    (row,) = _check(network, administrator, ["Ann", "ann@x.example", "Copergate High School"])

    assert row["how"] == "unsure"
    assert row["school"] is None
    assert row["candidates"][0]["id"] == register["coppergate"].pk
    # Schools that share only "High School" are not offered before it.
    assert register["cobbleham"].pk not in [c["id"] for c in row["candidates"][:1]]
    assert imports.needs_choice(row)
    assert imports.invitable([row]) == []


def test_a_school_the_register_lacks_is_unknown_and_the_row_invited_without_one(
    network, administrator, register
):
    (row,) = _check(
        network, administrator, ["Dan", "dan@x.example", "Harrowmead Free School", "", "Harrowmead"]
    )

    assert row["how"] == "unknown"
    assert row["candidates"] == []
    assert "School not found in the register" in row["notes"][-1]
    assert imports.invitable([row]) == [row]
    assert imports.school_id_of(row) is None


def test_a_town_that_disagrees_with_the_register_makes_a_same_named_school_a_candidate(
    network, administrator, register
):
    (row,) = _check(
        network, administrator, ["A", "a@x.example", "Hollinmere School", "", "Elsewhere"]
    )

    assert row["how"] == "unsure"
    assert row["candidates"][0]["id"] == register["hollinmere"].pk


def test_a_closed_school_found_by_its_urn_is_not_invited(network, administrator, register):
    (row,) = _check(network, administrator, ["A", "a@x.example", "", "127413"])

    assert "as closed" in row["problems"][0]
    assert imports.invitable([row]) == []


def test_a_closed_school_s_successor_is_offered_for_the_administrator_to_confirm(
    network, administrator, register
):
    academy = factories.make_school(name="Teaselstead Catholic Academy")
    School.objects.filter(pk=register["closed"].pk).update(
        successor=academy, latest_successor=academy
    )

    (row,) = _check(network, administrator, ["A", "a@x.example", "", "127413"])

    assert row["how"] == "unsure"
    assert [candidate["id"] for candidate in row["candidates"]] == [academy.pk]
    assert (
        "the register names Teaselstead Catholic Academy as the school that replaced it"
        in (row["notes"][0])
    )
    assert row["problems"] == []


def test_an_unknown_urn_falls_back_to_the_name_and_says_so(network, administrator, register):
    (row,) = _check(
        network, administrator, ["A", "a@x.example", "Coppergate High School", "999999"]
    )

    assert row["how"] == "name"
    assert row["school"]["id"] == register["coppergate"].pk
    assert "URN 999999 is not in the register." in row["notes"]


def test_the_same_address_twice_is_invited_once_and_the_repeat_names_the_first(
    network, administrator, register
):
    rows = _check(
        network,
        administrator,
        ["Ann", "ann@x.example", "Hollinmere School"],
        ["Bob", "bob@x.example"],
        ["Ann Smith", "ANN@x.example", "Hollinmere School"],
    )

    assert rows[2]["standing"] == ["The same email address as row 2."]
    assert [row["line"] for row in imports.invitable(rows)] == [2, 3]


def test_a_person_with_an_account_is_matched_by_email(network, administrator, register):
    person = factories.make_user(email="known@school.example", first_name="Kim", last_name="Known")

    (row,) = _check(network, administrator, ["K. Known", "Known@School.example"])

    assert row["person"] == {"id": person.pk, "name": "Kim Known"}
    assert row["standing"] == []


def test_people_already_in_the_network_or_invited_to_it_are_named_and_not_invited(
    network, administrator, member, register
):
    applicant = factories.make_head(email="applicant@school.example")
    factories.make_membership(person=applicant, network=network, status="pending")
    Invitation.objects.create(network=network, email="invited@school.example")
    suppression.record_complaint("gone@school.example")

    rows = _check(
        network,
        administrator,
        ["M", member.email],
        ["A", "applicant@school.example"],
        ["I", "invited@school.example"],
        ["G", "gone@school.example"],
    )

    assert rows[0]["standing"] == ["Already a member of Oxfordshire Primary Heads."]
    assert "Has asked to join" in rows[1]["standing"][0]
    assert rows[2]["standing"][0].startswith("Already invited on ")
    assert "Email to this address has stopped" in rows[3]["standing"][0]
    assert imports.invitable(rows) == []


def test_rows_without_a_valid_address_or_with_a_formula_say_what_is_wrong(network, administrator):
    rows = _check(
        network,
        administrator,
        ["No Address", ""],
        ["Bad", "not-an-address"],
        ['=HYPERLINK("http://evil.example")', "eve@x.example"],
    )

    assert rows[0]["problems"] == ["No email address: an invitation goes to one."]
    assert rows[1]["problems"] == ["“not-an-address” is not an email address."]
    assert "formula" in rows[2]["problems"][0]
    assert "'=HYPERLINK" in rows[2]["problems"][0]  # shown neutralised
    assert rows[2]["name"].startswith("'=")
    assert imports.invitable(rows) == []


@pytest.mark.parametrize(
    ("words", "role"),
    [
        ("Headteacher", Post.Role.HEADTEACHER),
        ("Head Teacher", Post.Role.HEADTEACHER),
        ("Principal", Post.Role.HEADTEACHER),
        ("Executive Head", Post.Role.EXECUTIVE_HEAD),
        ("Deputy Head", Post.Role.SENIOR_LEADER),
        ("Assistant Principal", Post.Role.SENIOR_LEADER),
        ("Acting head", Post.Role.INTERIM_HEAD),
        ("Head of School", Post.Role.HEAD_OF_SCHOOL),
        ("School Business Manager", Post.Role.BUSINESS_LEADER),
        ("Chair of Governors", Post.Role.CHAIR_OF_GOVERNORS),
        ("Caretaker", ""),
    ],
)
def test_roles_are_read_from_the_words_people_use(words, role):
    assert imports.role_from(words) == role


def test_in_a_network_of_schools_only_heads_of_schools_without_a_seat_are_invited(
    administrator, register
):
    network = factories.make_network(basis=Network.Basis.SCHOOL, slug="heads-assoc")
    factories.make_membership(person=administrator, network=network, role="administrator")
    seated = factories.make_head(
        school=register["hollinmere"], first_name="Holly", last_name="Holder"
    )
    factories.make_membership(person=seated, network=network, school=register["hollinmere"])

    rows = _check(
        network,
        administrator,
        ["Dee", "dee@x.example", "Coppergate High School", "", "", "", "Deputy head"],
        ["New", "new@x.example", "Hollinmere School"],
        ["Ann", "ann@x.example", "Coppergate High School"],
    )

    assert "could never be accepted" in rows[0]["standing"][0]
    assert "its seat is held by Holly Holder" in rows[1]["standing"][0]
    assert rows[2]["role"] == Post.Role.HEADTEACHER  # taken as head, and said so
    assert any("No role given: taken as headteacher" in note for note in rows[2]["notes"])
    assert [row["line"] for row in imports.invitable(rows)] == [4]


def test_choosing_a_school_not_offered_is_refused_row_by_row(network, administrator, register):
    rows = _check(network, administrator, ["Ann", "ann@x.example", "Copergate High School"])

    errors = imports.choose(rows, {2: register["hollinmere"].pk})

    assert errors == ["Row 2: choose one of the schools offered."]
    assert rows[0]["chosen"] is None
    assert imports.choose(rows, {2: register["coppergate"].pk}) == []
    assert imports.school_id_of(rows[0]) == register["coppergate"].pk


def test_checking_five_thousand_rows_takes_a_fixed_number_of_queries(
    network, administrator, register, django_assert_max_num_queries
):
    rows = [
        [f"P{n}", f"p{n}@x.example", "Copergate High School" if n % 2 else "Hollinmere School"]
        for n in range(5_000)
    ]

    with django_assert_max_num_queries(12):
        checked = _check(network, administrator, *rows)

    assert len(imports.invitable(checked)) == 2_500


def test_the_register_ranks_a_whole_register_quickly_and_stops_at_its_budget(monkeypatch):
    monkeypatch.setattr(school_match, "COMPARISONS", 3)
    schools = [
        factories.make_school(name=name) for name in ("Coppergate High", "Cobbleham High", "Ash")
    ]
    register = Register(schools, {})

    assert register.match(name="Copergate High").candidates[0].id == schools[0].pk
    # The budget is spent: the next row is not compared, and says what would find it.
    later = register.match(name="Cobleham High")
    assert later.how == "unknown"
    assert "give its URN or town" in later.notes[0]


def test_names_compare_without_case_punctuation_or_abbreviations():
    assert name_key("St. Mary's C of E (VA) Primary") == name_key(
        "Saint Marys Church of England VA Primary"
    )
    assert name_key("Ploverdale Girls’ School") == name_key("PLOVERDALE GIRLS SCHOOL")


def test_nothing_is_written_while_rows_are_checked(network, administrator, register):
    before = (Invitation.objects.count(), Membership.objects.count(), Post.objects.count())

    _check(network, administrator, ["Ann", "ann@x.example", "Hollinmere School"])

    assert (Invitation.objects.count(), Membership.objects.count(), Post.objects.count()) == before
