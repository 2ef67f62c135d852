"""core.widgets.Select writes what Django's template-rendered Select writes."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from core import widgets

CHOICES = [("", "Any"), ("a&b", "Fish & <chips>"), ("881", "Essex"), (3, 'The "New" School')]


@pytest.mark.parametrize("value", [None, "", "a&b", "881", "3", 3, ["3"], "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"class": 'select "form-select"', "id": "id_area", "required": True, "x": False}],
)
def test_our_select_writes_the_stock_markup(value, attrs):
    stock = forms.Select(choices=CHOICES).render("area", value, attrs)
    ours = widgets.Select(choices=CHOICES).render("area", value, attrs)

    assert ours == stock
    assert "Fish &amp; &lt;chips&gt;" in ours


def test_a_label_already_safe_is_not_escaped_twice():
    choices = [(1, mark_safe("A &amp; B"))]

    ours = widgets.Select(choices=choices).render("school", None)

    assert ours == forms.Select(choices=choices).render("school", None)
    assert "A &amp; B" in ours


def test_grouped_choices_are_left_to_the_stock_select():
    grouped = [("", "Any"), ("North", [("ncl", "Newcastle")]), ("South", [("kent", "Kent")])]

    ours = widgets.Select(choices=grouped).render("area", "kent", None)

    assert ours == forms.Select(choices=grouped).render("area", "kent", None)
    assert '<optgroup label="North">' in ours
