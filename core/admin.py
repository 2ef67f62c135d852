"""Pieces the project's admin pages share.

The audit trail on an object's admin page: a read-only list, never added to or changed.
A read-only field rather than an inline: an inline's formset would have to come back
in every POST of the change form, and there is nothing in it anyone may submit.
"""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import widgets
from .csv_export import stream_csv
from .models import AuditEvent

HISTORY_SHOWN = 50


class AuditHistoryMixin:
    """Adds "History (who changed what)" to a ModelAdmin's change page."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "audit_history"] if obj is not None else fields

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None and "audit_history" in fields:
            fields.remove("audit_history")
        return fields

    @admin.display(description="History (who changed what)")
    def audit_history(self, obj):
        events = list(AuditEvent.objects.for_object(obj)[:HISTORY_SHOWN])
        if not events:
            return "Nothing recorded yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{timezone.localtime(event.created_at):%d %b %Y %H:%M}",
                    event.actor_label,
                    event.summary,
                    "; ".join(event.change_lines),
                )
                for event in events
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>When</th><th scope='col'>Who</th>"
            "<th scope='col'>What</th><th scope='col'>From → to</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )


class CsvExportMixin:
    """An "Export CSV" link on the list page that downloads the rows the list shows now,
    its filters and search applied, streamed.

    `csv_fields`: the values to read (paths such as "person__email"); `csv_columns`:
    [(header, function of a row's dict of those values)]. Plain values, not model
    instances: instances with their related objects are freed only by the cycle
    collector, so memory grew with the rows; dicts keep it flat.
    """

    csv_columns: list = []
    csv_fields: list[str] = []
    csv_filename = "export.csv"
    change_list_template = "admin/change_list_with_export.html"

    def get_urls(self):
        opts = self.model._meta
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name=f"{opts.app_label}_{opts.model_name}_export",
        )
        return [export, *super().get_urls()]

    def get_csv_columns(self, request) -> list:
        """The columns for this user (an admin may show some only to site staff)."""
        return self.csv_columns

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        rows = changelist.get_queryset(request).values(*self.csv_fields).iterator(chunk_size=2000)
        chosen = self.get_csv_columns(request)
        headers = [header for header, _column in chosen]
        columns = [column for _header, column in chosen]
        return stream_csv(self.csv_filename, headers, rows, columns)


class KeysFirstPaginator(Paginator):
    """Pages of a long admin list fetched in two steps: the page's keys from the list's
    order alone (an index walk, even a page deep in the list), then only those rows with
    the related rows they show. OFFSET over the joined query would join every row it
    skips."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = list(self.object_list.filter(pk__in=keys)) if keys else []
        return self._get_page(rows, number, self)


class QuickChangeList(ChangeList):
    """The stock change list, with row links made without resolving a URL per row."""

    PK_PLACEHOLDER = "__pk__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's row link passes each row's URL through add_preserved_filters, which
        # resolves it against every URL pattern: the query it adds is the same for all.
        self.row_link_query = self.preserved_filters
        self.preserved_filters = ""
        self._row_url = None

    def url_for_result(self, result):
        if self._row_url is None:  # reversed once, for every row of the page
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(self.PK_PLACEHOLDER,),
                current_app=self.model_admin.admin_site.name,
            )
            self._row_url = f"{url}?{self.row_link_query}" if self.row_link_query else url
        # quote() leaves a key of letters, digits and "_" (the project's keys are numbers).
        pk = str(quote(getattr(result, self.pk_attname)))
        return self._row_url.replace(self.PK_PLACEHOLDER, pk, 1)

    def quick_rows(self) -> list[SafeString] | None:
        """The page's rows as the stock admin writes them, each row's cells in one string,
        with what a column needs (its field, choices, classes, link) found once for the
        page rather than once a cell. None where a column is of a kind not handled here
        (the stock rows are used then)."""
        if self.formset is not None or self.is_popup:
            return None
        columns = []
        linked = False
        for name in self.list_display:
            link = self.list_display_links is not None and (
                name in self.list_display_links if self.list_display_links else not linked
            )
            column = _column(self.model_admin, name, link, "th" if link and not linked else "td")
            if column is None:
                return None
            linked = linked or link
            columns.append(column)
        return [
            mark_safe("".join(column(self, row) for column in columns))  # noqa: S308
            for row in self.result_list
        ]


def _column(model_admin, name, link: bool, tag: str):
    """A function (change list, row) -> the row's cell for the column `name`, or None for a
    column that is not a model field or a method of the admin."""
    try:
        field = model_admin.model._meta.get_field(name) if isinstance(name, str) else None
    except FieldDoesNotExist:
        field = None
    if field is not None:
        return _field_column(model_admin, name, field, link, tag)
    method = getattr(model_admin, name, None) if isinstance(name, str) else None
    if not callable(method) or name == "__str__":
        return None
    if name == "action_checkbox" and not link and _is_quick_checkbox(model_admin):
        return _checkbox_column(tag)
    return _method_column(model_admin, name, method, link, tag)


def _is_quick_checkbox(model_admin) -> bool:
    return type(model_admin).action_checkbox is QuickListMixin.action_checkbox


def _checkbox_column(tag: str):
    """QuickListMixin.action_checkbox's cell, its label translated once for the page
    rather than once a row."""
    label = _("Select this object for an action - {}")
    opening = (
        f'<{tag} class="action-checkbox"><input type="checkbox" '
        f'name="{helpers.ACTION_CHECKBOX_NAME}" value="'
    )
    closing = f"></{tag}>"

    def cell(changelist, row):
        named = label.replace("{}", conditional_escape(str(row)), 1)
        value = conditional_escape(row.pk)
        return f'{opening}{value}" class="action-select" aria-label="{named}"{closing}'

    return cell


def _field_column(model_admin, name: str, field, link: bool, tag: str):
    empty = model_admin.get_empty_value_display()
    if field.auto_created or field.many_to_many or field.one_to_many:
        return None
    if field.is_relation and field.attname == name:  # "school_id": not handled here
        return None
    classes = f"field-{name}"
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes += " nowrap"
    if isinstance(field.remote_field, models.ManyToOneRel):

        def shown(row):
            value = getattr(row, name)
            return empty if value is None else value

    elif field.flatchoices:
        labels = dict(field.flatchoices)  # what display_for_field looks up, made once

        def shown(row):
            return labels.get(getattr(row, name), empty)

    else:

        def shown(row):
            return display_for_field(getattr(row, name), field, empty, avoid_link=link)

    return _cell(f'<{tag} class="{classes}">', f"</{tag}>", shown, link)


def _method_column(model_admin, name: str, method, link: bool, tag: str):
    empty = getattr(method, "empty_value_display", model_admin.get_empty_value_display())
    boolean = getattr(method, "boolean", False)
    classes = "action-checkbox" if name == "action_checkbox" else f"field-{name}"
    opening = f'<{tag} class="{classes}">'
    dated = f'<{tag} class="{classes} nowrap">'
    closing = f"</{tag}>"

    def cell(changelist, row):
        value = method(row)
        shown = conditional_escape(display_for_value(value, empty, boolean))
        if link:
            shown = format_html('<a href="{}">{}</a>', changelist.url_for_result(row), shown)
        start = dated if isinstance(value, datetime.date | datetime.time) else opening
        return f"{start}{shown}{closing}"

    return cell


def _cell(opening: str, closing: str, shown, link: bool):
    def cell(changelist, row):
        text = conditional_escape(shown(row))
        if link:
            text = format_html('<a href="{}">{}</a>', changelist.url_for_result(row), text)
        return f"{opening}{text}{closing}"

    return cell


class QuickActionForm(helpers.ActionForm):
    """The stock action form, its choice of action written without a template per option."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        action.widget = widgets.Select(attrs=action.widget.attrs, choices=action.choices)


class QuickListMixin:
    """A long admin list (tens of thousands of rows) served quickly: no count of the
    unfiltered list, pages found by key, and per-row work kept to string building.
    The rows, links, actions and pagination are the stock admin's."""

    show_full_result_count = False
    paginator = KeysFirstPaginator
    action_form = QuickActionForm
    # The export list's page with the quick rows (every quick list here has an export).
    change_list_template = "admin/quick_change_list.html"

    def get_changelist(self, request, **kwargs):
        return QuickChangeList

    def action_checkbox(self, obj):
        # The stock checkbox renders a form widget's template for every row; this is
        # the same input, built directly.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


# The parts of a date drill-down and the values each may take. The year stops one short
# of Python's last: the admin filters up to the start of the following year or month,
# and for 9999 there is none (a server error, as was a year too big for an integer).
DRILLDOWN_PARTS = {"year": range(1, 9999), "month": range(1, 13), "day": range(1, 32)}


def check_date_drilldown(params, field: str) -> None:
    """Refuse (400) a date drill-down the admin cannot turn into a date range."""
    values = {}
    for part, allowed in DRILLDOWN_PARTS.items():
        text = params.get(f"{field}__{part}")
        if text is None:
            continue
        if not (text.isascii() and text.isdigit()) or int(text) not in allowed:
            raise BadRequest(f"No such {part} in the date drill-down.")
        values[part] = int(text)
    if "year" in values:
        try:
            datetime.date(values["year"], values.get("month", 1), values.get("day", 1))
        except ValueError as error:
            raise BadRequest("No such date in the date drill-down.") from error


class DateDrilldownGuardMixin:
    """For a ModelAdmin with a date_hierarchy: a hand-made drill-down to a date that
    cannot be (year 9999, month 13, a year too big to store) is a 400, not a 500.
    Checked where the list is built, so its CSV export is guarded too."""

    def get_changelist_instance(self, request):
        if self.date_hierarchy:
            check_date_drilldown(request.GET, self.date_hierarchy)
        return super().get_changelist_instance(request)
