"""core.widgets.Select writes what Django's template-rendered Select writes."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from core import widgets

CHOICES = [("", "Any school"), (1, "Abbey & Brook"), (2, 'The "New" School'), (3, "Cross <Lane>")]


@pytest.mark.parametrize("value", [None, "", "2", 2, "4", ["3"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_school", "class": "form-select"}])
def test_the_select_is_django_s_to_the_byte(value, attrs):
    ours = widgets.Select(choices=CHOICES).render("school", value, attrs)
    django_s = forms.Select(choices=CHOICES).render("school", value, attrs)

    assert ours == django_s


def test_a_label_already_safe_is_not_escaped_twice():
    choices = [(1, mark_safe("A &amp; B"))]

    ours = widgets.Select(choices=choices).render("school", None)

    assert ours == forms.Select(choices=choices).render("school", None)
    assert "A &amp; B" in ours


def test_option_groups_are_refused():
    with pytest.raises(ValueError, match="no option groups"):
        widgets.Select(choices=[("Group", [(1, "One")])]).render("school", None)
