"""The quick select writes exactly what Django's own select widget writes."""

import pytest
from django import forms

from core.widgets import QuickSelect

CHOICES = [("", "Any"), ("a&b", "Fish & <chips>"), ("881", "Essex"), (3, "Three")]


@pytest.mark.parametrize("value", [None, "", "a&b", "881", "3", "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"class": 'select "form-select"', "id": "id_area", "required": True, "x": False}],
)
def test_the_quick_select_writes_the_stock_markup(value, attrs):
    stock = forms.Select(choices=CHOICES).render("area", value, attrs)
    quick = QuickSelect(choices=CHOICES).render("area", value, attrs)

    assert quick == stock
    assert "Fish &amp; &lt;chips&gt;" in quick


def test_grouped_choices_are_left_to_the_stock_select():
    grouped = [("", "Any"), ("North", [("ncl", "Newcastle")]), ("South", [("kent", "Kent")])]

    quick = QuickSelect(choices=grouped).render("area", "kent", None)

    assert quick == forms.Select(choices=grouped).render("area", "kent", None)
    assert '<optgroup label="North">' in quick
