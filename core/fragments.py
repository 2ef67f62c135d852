"""Parts of a page that everyone who may see them sees the same, rendered once and kept.

A fragment is a small template rendered without the request (no context processors,
no CSRF token, nobody's session). Its cache key is a digest of everything it is made
from: the rows as they were read (every field of each model instance, so any change
to one, or a row more or less, is a new key), the flags the caller passes, the
source of the template and of those it includes by name, the time zone and the
language. Nothing has to be invalidated
when data changes, and an entry for data that is gone is never read again; it expires.
"""

import functools
import hashlib
import re
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_SECONDS = 60 * 60


def state(obj: Model | None) -> tuple:
    """Every field of a model instance as read, and any value a caller set on it (None
    for no instance). Read from the instance's own attributes: a deferred field is not
    loaded for it."""
    if obj is None:
        return ()
    return (obj._meta.label, *(item for item in vars(obj).items() if item[0][0] != "_"))


# A template a fragment includes by name.
INCLUDED = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")


def source_digest(template_name: str) -> str:
    """A digest of the template's source and of those it includes by name: read once per
    process, but afresh while templates are being edited (DEBUG)."""
    return _digest_of(template_name) if settings.DEBUG else _kept_digest_of(template_name)


def _digest_of(template_name: str) -> str:
    """The template's source and that of the templates it includes: a new version of
    any of them is a new fragment."""
    digest = hashlib.sha256()
    seen: set[str] = set()
    names = [template_name]
    while names:
        name = names.pop()
        if name in seen:
            continue
        seen.add(name)
        source = get_template(name).template.source
        digest.update(f"{name}\n{source}\n".encode())
        names += INCLUDED.findall(source)
    return digest.hexdigest()


_kept_digest_of = functools.cache(_digest_of)


@functools.cache
def code_digest() -> str:
    """The release: the Python of the apps at the top of the project (where our apps are;
    not those installed beside it) and Django's version. Read once per process: a
    release starts new processes (and DEBUG's autoreloader restarts on a change)."""
    top = Path(settings.BASE_DIR).resolve()
    digest = hashlib.sha256(django.get_version().encode())
    for config in sorted(apps.get_app_configs(), key=lambda config: config.path):
        folder = Path(config.path).resolve()
        if folder.parent != top:
            continue
        for source in sorted(folder.rglob("*.py")):
            if "migrations" in source.parts:  # no part of a page
                continue
            digest.update(f"{source.relative_to(top)}\n".encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def render(template_name: str, context: dict, made_of: object) -> SafeString:
    """The template rendered with the context, from the cache when the same template has
    been rendered from the same things. `made_of` must hold everything the context
    shows: model instances through state(), and every flag that changes the output."""
    made = repr(
        (
            template_name,
            source_digest(template_name),
            code_digest(),
            timezone.get_current_timezone_name(),
            translation.get_language(),
            made_of,
        )
    )
    key = f"fragment:{hashlib.sha256(made.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = get_template(template_name).render(context)
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered by our template, escaped there)
