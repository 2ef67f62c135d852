"""Form widgets for long lists.

Django renders each option of a select through the template engine: for a list of
thousands (the schools of a large network's members) that took seconds a page, and
for the local authorities' 150 it was most of a filter's cost. `widgets.Select`
writes the same HTML in Python (tested to match the stock widget's).
"""

import html

from django import forms
from django.forms.widgets import Widget
from django.utils.safestring import SafeString, mark_safe


def _escape(value) -> str:
    """As the template engine escapes a value (Django's own escape() is the standard
    library's behind a lazy wrapper, slow to call thousands of times)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them, in their order."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# Named as Django's: crispy forms gives a field the CSS class of its widget's class name.
class Select(forms.Select):
    """A single select, rendered as Django's template renders it, without the template.
    Grouped choices are left to the stock widget."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if any(isinstance(label, (list, tuple)) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)
        widget = Widget.get_context(self, name, value, attrs)["widget"]
        selected = widget["value"]
        found = False
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else option_value
            is_selected = not found and str(option_value) in selected
            found |= is_selected
            options.append(
                f'\n  <option value="{_escape(option_value)}"'
                f"{' selected' if is_selected else ''}>{_escape(label)}</option>\n"
            )
        return mark_safe(  # noqa: S308 every value and label is escaped above
            f'<select name="{_escape(name)}"{_attrs(widget["attrs"])}>{"".join(options)}\n</select>'
        )
