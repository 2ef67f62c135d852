"""core.formfields writes what crispy forms writes, to the byte, for every form it draws
(the thread's reply form and the poll's ballot among them): new, with errors, filled in."""

import pytest
from django.template import engines

from core.formfields import bootstrap_form
from discussions.forms import EditForm, HideForm, PostForm, ReportForm, ThreadForm
from voice.forms import VoteForm
from voice.models import Option, Poll

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
# Labels that need escaping, and spaces crispy collapses.
OPTIONS = [Option(pk=pk, label=f"Option <{pk}> &   more") for pk in (1, 2)]
FILLED = {"position": "block", "text": "Why <not>?\n\n  >   <", "slot_1": "no", "rank_2": "1"}


def _ballot(kind: str, data: dict | None = None, initial: dict | None = None) -> VoteForm:
    form = VoteForm(data, poll=Poll(kind=kind, max_choices=2), options=OPTIONS, initial=initial)
    if data is not None:
        form.is_valid()
    return form


def _bound(form_class, data: dict):
    form = form_class(data)
    form.is_valid()
    return form


@pytest.mark.parametrize("kind", Poll.Kind.values)
@pytest.mark.parametrize("state", ["new", "errors", "filled"])
def test_a_ballot_is_written_as_crispy_writes_it(kind, state):
    def make():
        if state == "errors":
            return _ballot(kind, {"chosen": "9", "rank_1": "x", "text": " >   <b>"})
        if state == "filled":
            chosen = ["1", "2"] if kind == Poll.Kind.MULTIPLE else "2"
            return _ballot(kind, initial=FILLED | {"chosen": chosen})
        return _ballot(kind)

    assert str(bootstrap_form(make())) == CRISPY.render({"form": make()})


@pytest.mark.parametrize("form_class", [PostForm, ThreadForm, EditForm, HideForm, ReportForm])
@pytest.mark.parametrize("data", [None, {"quotes": "x", "title": "t" * 500}, {"body": "<b>"}])
def test_a_discussion_form_is_written_as_crispy_writes_it(form_class, data):
    def make():
        return form_class() if data is None else _bound(form_class, data)

    assert str(bootstrap_form(make())) == CRISPY.render({"form": make()})


def test_a_quoted_reply_is_written_as_crispy_writes_it():
    def make():
        return PostForm(initial={"body": "> a <b>\n\n   >  < x", "quotes": 3})

    html = str(bootstrap_form(make()))
    assert html == CRISPY.render({"form": make()})
    assert "&gt; a &lt;b&gt;" in html


def test_a_form_wide_error_is_left_to_crispy():
    def make():
        form = _bound(PostForm, {"body": "x"})
        form.add_error(None, "The thread is locked.")
        return form

    html = str(bootstrap_form(make()))
    assert html == CRISPY.render({"form": make()})
    assert 'class="alert alert-danger" role="alert"' in html
