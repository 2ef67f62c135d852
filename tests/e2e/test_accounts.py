import re

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import check_page
from tests.factories import PASSWORD, make_user


def _emailed_link(path_start: str) -> str:
    body = mail.outbox[-1].body
    return re.search(rf"https?://\S+({re.escape(path_start)}\S+/)", body).group(1)


def test_sign_up_verify_sign_in_and_sign_out(page, server):
    page.goto(server.url)
    check_page(page, "home")

    page.get_by_role("link", name="Create an account").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    check_page(page, "sign-up")

    # A mistake first: the form explains it next to the field.
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)*").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    check_page(page, "sign-up-errors")

    page.get_by_label("Email").fill("new.head@school.example")
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)*").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page, "verification-sent")

    page.goto(server.url + _emailed_link("/accounts/confirm-email/"))
    check_page(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()

    # Confirming in the browser that signed up signs the person in: no password again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    account_nav = page.get_by_role("navigation", name="Account")
    expect(account_nav.get_by_role("link", name="Sign in")).to_be_visible()


def test_sign_in_by_keyboard_alone(page, server):
    if not page.javascript:
        return  # keyboard behaviour is the same either way; once is enough
    make_user(email="keyboard@school.example")
    page.goto(server.url + "/accounts/login/")

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    focus_outline = page.evaluate(
        "getComputedStyle(document.querySelector('.skip-link')).backgroundColor"
    )
    assert focus_outline

    email = page.get_by_label("Email")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "login":
            break
    expect(email).to_be_focused()
    page.keyboard.type("keyboard@school.example")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_code_sign_in_and_error_pages_are_accessible(page, server):
    make_user(email="code@school.example")
    page.goto(server.url + "/accounts/login/")
    page.get_by_role("link", name="Sign in with a code").click()
    check_page(page, "request-code")
    page.get_by_label("Email").fill("code@school.example")
    page.get_by_role("button", name="Email me a code").click()
    check_page(page, "enter-code")
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[-1].body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(server.url + "/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, "not-found")
