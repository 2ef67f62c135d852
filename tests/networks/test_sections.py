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
