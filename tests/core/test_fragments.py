"""core.fragments: a part of a page rendered once for everyone it is made the same for."""

from pathlib import Path

import pytest

from core import fragments
from tests import factories

pytestmark = pytest.mark.django_db

ROWS = "announcements/_archive_rows.html"


def _rows(subject: str):
    network = factories.make_network(name=f"{subject} heads")
    return [factories.make_sent_announcement(network=network, subject=subject)]


def test_the_same_things_give_the_fragment_rendered_first():
    first = fragments.render(ROWS, {"rows": _rows("First"), "heading": "h2"}, ("made", 1))
    again = fragments.render(ROWS, {"rows": _rows("Second"), "heading": "h2"}, ("made", 1))
    assert "First" in first and again == first


def test_other_things_give_a_fragment_of_their_own():
    fragments.render(ROWS, {"rows": _rows("First"), "heading": "h2"}, ("made", 2))
    other = fragments.render(ROWS, {"rows": _rows("Second"), "heading": "h2"}, ("made", 3))
    assert "Second" in other and "First" not in other


def test_a_row_s_state_is_every_field_as_read_and_what_a_caller_set():
    [row] = _rows("Term dates")
    before = fragments.state(row)
    row.subject = "Changed"
    assert fragments.state(row) != before
    row.subject = "Term dates"
    row.may_edit = True
    assert fragments.state(row) != before
    assert fragments.state(None) == ()


def test_a_new_release_renders_the_fragment_afresh(monkeypatch):
    fragments.render(ROWS, {"rows": _rows("First"), "heading": "h2"}, ("made", 4))
    monkeypatch.setattr(fragments, "code_digest", lambda: "the next release")
    again = fragments.render(ROWS, {"rows": _rows("Second"), "heading": "h2"}, ("made", 4))
    assert "Second" in again and "First" not in again


def test_the_release_is_the_python_of_the_project_s_apps(monkeypatch):
    read = []
    original = Path.read_bytes

    def read_bytes(path):
        read.append(path)
        changed = path.name == "threads.py" and path.parent.name == "discussions"
        return original(path) + (b"# changed" if changed else b"")

    before = fragments.code_digest.__wrapped__()
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert fragments.code_digest.__wrapped__() != before
    assert any(path.parts[-2:] == ("templatetags", "discussion_email.py") for path in read)
    assert not any("site-packages" in path.parts or "migrations" in path.parts for path in read)
