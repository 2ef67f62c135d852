"""Settings for `make bench`: production settings plus the bare reference view.

The bare view lives only in this URL configuration, so the site itself never
serves it.
"""

from .settings import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
