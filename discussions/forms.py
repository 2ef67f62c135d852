"""The discussions' forms: they only read what was typed; the rules are
discussions.services'."""

from django import forms
from django.core.exceptions import ValidationError

from .services import BODY_MAX, REASON_MAX, TITLE_MAX

MARKDOWN_HELP = "Markdown: *italic*, **bold**, lists, links, and > to quote."


class ServiceErrors:
    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal, above the form."""
        self.add_error(None, error)  # type: ignore[attr-defined]


class ThreadForm(ServiceErrors, forms.Form):
    title = forms.CharField(label="Title", max_length=TITLE_MAX)
    body = forms.CharField(
        label="First post", widget=forms.Textarea(attrs={"rows": 8}), max_length=BODY_MAX,
        help_text=MARKDOWN_HELP,
    )  # fmt: skip


class PostForm(ServiceErrors, forms.Form):
    body = forms.CharField(
        label="Your reply", widget=forms.Textarea(attrs={"rows": 6}), max_length=BODY_MAX,
        help_text=MARKDOWN_HELP,
    )  # fmt: skip
    # The number of the post this one quotes, set by its "Quote" link.
    quotes = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class EditForm(ServiceErrors, forms.Form):
    body = forms.CharField(
        label="Your post", widget=forms.Textarea(attrs={"rows": 8}), max_length=BODY_MAX,
        help_text=MARKDOWN_HELP,
    )  # fmt: skip


class HideForm(ServiceErrors, forms.Form):
    reason = forms.CharField(
        label="Why it is hidden", max_length=REASON_MAX,
        help_text="Members see this reason in the post's place.",
    )  # fmt: skip


class ReportForm(ServiceErrors, forms.Form):
    reason = forms.CharField(
        label="What is wrong with this post", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000, help_text="Only the network's coordinators see your report.",
    )  # fmt: skip


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the discussions", max_length=200, required=False)
