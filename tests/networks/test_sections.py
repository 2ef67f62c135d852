"""Apps above networks add sections to a network's page without networks importing them."""

import pytest
from django.urls import reverse

from networks import sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def greeting_section():
    def provider(request, perms):
        if not perms.is_member:
            return None
        return sections.Section("networks/tests/_greeting.html", {"words": "Hello, member"})

    sections.register(provider)
    yield provider
    sections._providers.remove(provider)


def test_a_registered_section_shows_to_whom_its_provider_chooses(
    client, member, head, network, greeting_section, settings, tmp_path
):
    folder = tmp_path / "networks" / "tests"
    folder.mkdir(parents=True)
    (folder / "_greeting.html").write_text("<p>{{ data.words }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    url = reverse("networks:detail", args=[network.slug])

    client.force_login(member)
    assert "<p>Hello, member</p>" in client.get(url).content.decode()
    client.force_login(head)
    assert "Hello, member" not in client.get(url).content.decode()


def test_a_shared_section_is_kept_per_role_and_a_new_provider_is_not_missed(
    client, member, head, network, settings, tmp_path
):
    folder = tmp_path / "networks" / "tests"
    folder.mkdir(parents=True)
    (folder / "_shared.html").write_text("<p>{{ data.words }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    url = reverse("networks:detail", args=[network.slug])
    calls = []

    def provider(request, perms):
        calls.append(perms.is_member)
        words = "Hello, member" if perms.is_member else "Hello, visitor"
        return sections.Section("networks/tests/_shared.html", {"words": words})

    client.force_login(member)
    client.get(url)  # sections kept before the provider was registered
    sections.register(provider, shared=True)
    try:
        assert "<p>Hello, member</p>" in client.get(url).content.decode()
        assert "<p>Hello, member</p>" in client.get(url).content.decode()
        client.force_login(head)
        html = client.get(url).content.decode()
    finally:
        sections._providers.remove(provider)
        sections._shared.discard(provider)

    assert "Hello, member" not in html
    assert calls == [True, False]
