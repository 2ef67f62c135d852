"""A form's fields as crispy forms' Bootstrap 5 pack writes them (`{{ form|crispy }}`,
with our error templates), written in Python.

Crispy renders each field through half a dozen templates and template tags: on a busy
page (a thread's reply form, a poll's ballot) that was a third of the page's rendering.
`bootstrap_form` writes the same bytes (tests/core/test_formfields.py holds it to crispy's
output for every form it draws) for the fields it knows: text areas, inputs, selects,
radio buttons, check boxes and hidden inputs, none of them grouped. Any other form (a
widget it does not know, a form-wide error) is handed to crispy itself.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

# remove_spaces: what crispy's {% specialspaceless %} does to the whitespace it leaves.
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Widgets drawn as one control under a label (crispy's CSS class: the widget's class name).
_CONTROLS = (forms.Textarea, forms.TextInput, forms.NumberInput, forms.EmailInput)
_REQUIRED_MARK = '<span class="asteriskField">*</span> '
_UNRENDERED = object()


def _e(value) -> str:
    return str(conditional_escape(value))


def _label_end(bound: BoundField, tag: str) -> str:
    """The label's text and end, as crispy's field.html lays them out."""
    if bound.field.required:
        return f"{_e(bound.label)}{_REQUIRED_MARK}</{tag}>"
    return f"{_e(bound.label)}\n            </{tag}>"


def _errors(bound: BoundField) -> str:
    """templates/bootstrap5/layout/field_errors_block.html, spaces collapsed."""
    if not bound.errors:
        return ""
    messages = "".join(
        f'<p id="error_{number}_{bound.auto_id}" class="mb-0"><strong>{_e(error)}</strong></p>'
        for number, error in enumerate(bound.errors, start=1)
    )
    return (
        f'<div id="{bound.errors.field_id}_error" class="invalid-feedback d-block" '
        f'role="alert"> {messages} </div> '
    )


def _help(bound: BoundField) -> str:
    if not bound.help_text:
        return ""
    # crispy marks help text safe: it is ours, never a person's.
    return f'<div id="{bound.auto_id}_helptext" class="form-text">{bound.help_text}</div> '


def _control(bound: BoundField) -> str:
    widget = bound.field.widget
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    css = widget.attrs.get("class", "")
    name = widget.__class__.__name__.lower()
    # As crispy_field: the widget's class name joins its own classes, then Bootstrap's.
    css = (css if name in css else f"{css} {name}") if css else name
    css = f"{css} {kind} is-invalid" if bound.errors else f"{css} {kind}"
    control = bound.as_widget(attrs={"class": css})
    return (
        f'<div id="div_{bound.auto_id}" class="mb-3"> <label\n                '
        f'for="{bound.id_for_label}" class="form-label'
        f'{" requiredField" if bound.field.required else ""}">\n                '
        f"{_label_end(bound, 'label')} {control} {_errors(bound)}{_help(bound)}</div>"
    )


def _attrs(attrs: dict) -> str:
    """crispy's bootstrap5/layout/attrs.html."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _choices(bound: BoundField) -> str | object:
    """Radio buttons or check boxes in a fieldset (crispy's radio_checkbox_select.html)."""
    widget = bound.field.widget
    id_ = widget.attrs.get("id") or bound.auto_id
    attrs = bound.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(bound.html_name, widget.format_value(bound.value()), attrs)
    if any(group for group, _options, _index in groups):
        return _UNRENDERED
    options = [option for _group, group_options, _index in groups for option in group_options]
    invalid = " is-invalid" if bound.errors else ""
    drawn = []
    for number, option in enumerate(options, start=1):
        errors = _errors(bound) if number == len(options) else ""
        drawn.append(
            f'<div class="form-check"> <input type="{option["type"]}" '
            f'class="form-check-input{invalid}"  name="{_e(bound.html_name)}" '
            f'value="{_e(option["value"])}" {_attrs(option["attrs"])}> '
            f'<label for="{_e(option["attrs"].get("id", ""))}" class="form-check-label">'
            f"\n            {_e(option['label'])}\n        </label> {errors}</div>"
        )
    described = bound.aria_describedby
    fieldset = f' aria-describedby="{described}"' if described else ""
    return (
        f'<div id="div_{bound.auto_id}" class="mb-3"> <fieldset{fieldset}> <legend\n'
        f'                 class="form-label{" requiredField" if bound.field.required else ""}'
        f' fs-6">\n                {_label_end(bound, "legend")} <div > {" ".join(drawn)} '
        f"</div> {_help(bound)}</fieldset> </div>"
    )


def _field(bound: BoundField) -> str | object:
    widget = bound.field.widget
    if bound.is_hidden:
        return str(bound)
    if not bound.label:
        return _UNRENDERED
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _choices(bound)
    if isinstance(widget, _CONTROLS) or type(widget) is forms.Select:
        return _control(bound)
    return _UNRENDERED


def bootstrap_form(form: forms.Form) -> SafeString:
    """`{{ form|crispy }}`'s HTML, the same to the byte; crispy's own for what this does
    not draw."""
    if form.non_field_errors():
        return as_crispy_form(form)
    drawn = []
    for bound in form:
        html = _field(bound)
        if html is _UNRENDERED:
            return as_crispy_form(form)
        drawn.append(html)
    # Every value and label above is escaped; help texts are ours (crispy marks them safe).
    return mark_safe(f"\n\n{remove_spaces(' '.join(drawn).strip())}\n")  # noqa: S308
