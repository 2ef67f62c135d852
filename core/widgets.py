"""Form widgets that write the stock markup without a template render per option."""

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """Attributes as Django's attrs.html writes them: False left out, True bare."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """A select with the stock widget's markup (tested to match), its options written
    in Python: the stock widget renders a template for each option, and a list of every
    local authority has 150 of them. Grouped choices are left to the stock widget.
    Named as the stock one: crispy forms gives a field the CSS class of its widget's name."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        # The stock option template ends in a new line, and the select puts one before it.
        options = "".join(
            f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for _name, group, _index in groups
            for option in group
        )
        return mark_safe(  # noqa: S308 (every value above is escaped)
            f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>'
        )
