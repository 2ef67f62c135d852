import pytest
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_home_page_says_what_headnet_is_and_offers_sign_in(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"<h1>Headnet</h1>" in response.content
    assert b'href="#main"' in response.content
    assert b"/accounts/login/" in response.content


def test_unknown_address_gets_the_sites_own_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Skip to main content" in response.content


def test_server_error_page_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.content
    assert b"Skip to main content" in response.content


def test_sign_out_is_a_form_that_posts(client):
    from tests.factories import make_user

    client.force_login(make_user())
    content = client.get("/").content.decode()

    assert '<form method="post" action="/accounts/logout/">' in content
