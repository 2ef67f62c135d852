import pytest

from .fakes import faked, providers_settings


@pytest.fixture
def providers(settings):
    """Microsoft, Google and DfE Sign-in configured, their servers faked."""
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    with faked() as fake:
        yield fake
