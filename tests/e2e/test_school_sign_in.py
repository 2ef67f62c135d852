"""Signing up and in with a school's own account in a real browser, against a faked
Microsoft: its authorisation page is answered by the browser test itself (Playwright's
routing), its token, keys and Graph profile by tests/signin/fakes.py inside the live
server's process. axe at both widths, JavaScript on and off."""

import html

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from members import school_accounts
from members.models import Post, School
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import demo  # noqa: F401 (the seeded site)
from tests.factories import PASSWORD, make_post, make_user, name_in_register
from tests.signin.fakes import DFE_SERVER, faked, microsoft_person, providers_settings


@pytest.fixture
def microsoft(settings):
    """Microsoft, Google and DfE Sign-in configured (and allowed by the CSP's form-action,
    as config/settings.py allows a configured provider); their servers faked."""
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    origins = ["https://login.microsoftonline.com", "https://accounts.google.com", DFE_SERVER]
    settings.SECURE_CSP = settings.SECURE_CSP | {
        "form-action": [*settings.SECURE_CSP["form-action"], *origins]
    }
    with faked() as fake:
        yield fake


def _microsoft_answers(page, server, fake, person):
    """The browser meets Microsoft's sign-in page: one link, back to Headnet as `person`."""

    def answer(route):
        back = server.url + fake.authorise(route.request.url, person)
        route.fulfill(
            status=200,
            content_type="text/html",
            body=(
                '<!doctype html><html lang="en"><head><title>Microsoft (test)</title></head>'
                f'<body><main><h1>Sign in</h1><a href="{html.escape(back)}">'
                f"Continue as {html.escape(person.email)}</a></main></body></html>"
            ),
        )

    page.route("https://login.microsoftonline.com/**", answer)


def _free_secondary_school() -> School:
    """An open Oxfordshire secondary with a website, a head in the register and no one on
    Headnet."""
    return (
        School.objects.filter(
            local_authority__code="931",
            sector=School.Sector.SECONDARY,
            state_funded=True,
            status=School.Status.OPEN,
            posts__isnull=True,
        )  # fmt: skip
        .exclude(website="")
        .exclude(head_last_name="")
        .order_by("urn")
        .first()
    )


def test_the_sign_in_page_offers_each_school_account_as_a_button(page, server, microsoft):
    page.goto(server.url + "/accounts/login/")
    section = page.get_by_role("region", name="With your school's account")
    for name in ["Sign in with Microsoft", "Sign in with Google", "Sign in with DfE Sign-in"]:
        expect(section.get_by_role("button", name=name)).to_be_visible()
    check_page(page, "sign-in-school-accounts")

    page.goto(server.url + "/accounts/signup/")
    expect(page.get_by_role("button", name="Create an account with Microsoft")).to_be_visible()
    check_page(page, "sign-up-school-accounts")


def test_a_head_signs_up_with_their_school_s_microsoft_account_and_their_post_is_verified(
    page,
    demo,  # noqa: F811
    microsoft,
):
    school = _free_secondary_school()
    email = f"head@{school.own_domain()}"
    person = microsoft_person(email)
    person.given_name, person.family_name = school.head_first_name, school.head_last_name
    _microsoft_answers(page, demo, microsoft, person)

    page.goto(demo.url + "/accounts/signup/")
    page.get_by_role("button", name="Create an account with Microsoft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")  # Microsoft's
    page.get_by_role("link", name=f"Continue as {email}").click()

    # Back at Headnet, signed up and in, with the name Microsoft gave.
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value(school.head_first_name)
    check_page(page, "school-account-profile")
    account = SocialAccount.objects.get(provider="microsoft")
    assert account.user.email == email

    # Microsoft proved the address at the school's own domain; with the register's name
    # for its head, the headship is verified the moment it is added.
    page.get_by_label("Title").fill("Dr")
    page.get_by_role("button", name="Save details").click()
    page.get_by_label("School name, town or URN").fill(str(school.urn))
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"Choose {school.name}").click()
    page.get_by_label("Your role at this school").select_option(label="Headteacher")
    page.get_by_label("Start date").fill("2026-09-01")
    page.get_by_role("button", name="Add post").click()
    expect(page.get_by_text("You are now a member of")).to_be_visible()
    post = Post.objects.get(person=account.user)
    assert post.verification == Post.Verification.VERIFIED

    # The connection is shown where the person manages it.
    page.goto(demo.url + "/me/profile/")
    page.get_by_role("link", name="Accounts you sign in with").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts you sign in with")
    expect(page.get_by_text(f"Microsoft: {email}")).to_be_visible()
    check_page(page, "school-account-connections")

    # Signing out and in again with Microsoft reaches the same account.
    page.get_by_role("button", name="Sign out").click()
    page.goto(demo.url + "/accounts/login/")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.get_by_role("link", name=f"Continue as {email}").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert SocialAccount.objects.count() == 1


@pytest.mark.skipif(
    getattr(school_accounts.take_evidence, "is_stub", False),
    reason="members.school_accounts.take_evidence is still the stub: the evidence comes "
    "with its own change (remove this mark when it does)",
)
def test_a_claimed_headship_is_verified_by_connecting_the_school_s_microsoft_account(
    page, server, microsoft
):
    """The post verified by what the provider proved (members.school_accounts): a head who
    signed up with a personal address, named in the register, connects their school's
    Microsoft account from the profile."""
    head = make_user(email="alex.head@personal.example", first_name="Alex", last_name="Head")
    claim = make_post(person=head, verified=False)
    school = claim.school
    if not school.website:
        school.website = "https://www.ridgeway-school.example"
        school.save(update_fields=["website"])
    name_in_register(school, head)
    person = microsoft_person(f"alex.head@{school.own_domain()}")
    _microsoft_answers(page, server, microsoft, person)

    page.goto(server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(head.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(server.url + "/accounts/3rdparty/")
    page.get_by_role("button", name="Connect Microsoft").click()
    page.get_by_role("link", name=f"Continue as {person.email}").click()
    # Connecting an account changes how one signs in: the password again, then it is done.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text(f"Microsoft: {person.email}")).to_be_visible()
    claim.refresh_from_db()
    assert claim.verification == Post.Verification.VERIFIED


def test_the_school_account_pages_on_the_way_are_accessible(page, server, microsoft):
    """The pages met on the way: going on to Microsoft from a link, an address to give
    when the provider gave none, signing in cancelled or failed."""
    page.goto(server.url + "/accounts/microsoft/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with Microsoft")
    check_page(page, "school-account-continue")

    no_address = microsoft_person("", upn="guest_x#EXT#@tenant.example")
    no_address.profile["mail"] = None
    _microsoft_answers(page, server, microsoft, no_address)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue as").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    check_page(page, "school-account-give-address")
    page.get_by_label("Email").fill("head@school.example")
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(server.url + "/accounts/3rdparty/login/cancelled/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in was cancelled")
    check_page(page, "school-account-cancelled")
    page.goto(server.url + "/accounts/3rdparty/login/error/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in did not work")
    check_page(page, "school-account-error")
