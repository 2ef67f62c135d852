"""A school's own web domain (members.web_domains, School.own_domain): the only domain
where an address proves that someone works at the school (issue 19, finding 1)."""

import pytest

from members import web_domains
from members.models import School
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "website",
    [
        "www.larkwell.sch.uk",
        "https://www.larkwell.sch.uk/",
        "http://larkwell.sch.uk",
        "https://www.larkwell.sch.uk/index.html",
        " LARKWELL.SCH.UK ",
    ],
)
def test_a_website_that_is_the_whole_of_its_host_gives_the_schools_own_domain(website):
    assert factories.make_school(website=website).own_domain() == "larkwell.sch.uk"


@pytest.mark.parametrize(
    "website",
    [
        "",
        "larkwell",  # no domain at all
        "http://[broken",
        "https://www.larkwell.sch.uk/about",  # a path: nobody can tell it from /larkwell
        "https://www.oxfordshire.gov.uk/schools/larkwell",
        "https://www.example.org/?school=larkwell",
        "www.oxfordshire.gov.uk",  # a council's own domain
        "https://larkwell.oxfordshire.gov.uk",  # under a council's domain
        "https://sites.google.com/view/larkwell",
        "larkwell.wordpress.com",
    ],
)
def test_a_website_on_someone_elses_site_or_domain_gives_no_own_domain(website):
    assert factories.make_school(website=website).own_domain() == ""


def test_a_domain_two_open_schools_give_belongs_to_neither():
    first = factories.make_school(website="www.rivertrust.org.uk")
    second = factories.make_school(website="https://RiverTrust.org.uk/")

    assert first.own_domain() == second.own_domain() == ""


def test_a_trusts_domain_with_its_schools_under_it_is_no_schools_own():
    trust_site = factories.make_school(website="www.rivertrust.org.uk")
    under_it = factories.make_school(website="https://larkwell.rivertrust.org.uk")

    assert trust_site.own_domain() == ""
    # The school's own subdomain is its own: addresses there are the school's.
    assert under_it.own_domain() == "larkwell.rivertrust.org.uk"


def test_a_closed_predecessor_with_the_same_website_does_not_share_it():
    factories.make_school(website="www.larkwell.sch.uk", status=School.Status.CLOSED)
    academy = factories.make_school(website="www.larkwell.sch.uk")

    assert academy.own_domain() == "larkwell.sch.uk"


def test_a_similar_name_is_not_the_same_domain():
    factories.make_school(website="www.notlarkwell.sch.uk")

    assert factories.make_school(website="larkwell.sch.uk").own_domain() == "larkwell.sch.uk"


def test_the_rule_costs_one_query(django_assert_num_queries):
    school = factories.make_school(website="www.larkwell.sch.uk")

    with django_assert_num_queries(1):
        school.own_domain()


def test_the_rule_reads_strings_only_for_the_migration_that_applied_it():
    assert web_domains.own_domain("www.larkwell.sch.uk", ["www.other.sch.uk"]) == "larkwell.sch.uk"
    assert web_domains.own_domain("www.larkwell.sch.uk", ["larkwell.sch.uk/"]) == ""
    assert web_domains.address_domain(" Head@Larkwell.SCH.uk ") == "larkwell.sch.uk"
