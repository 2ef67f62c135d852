"""The forms of a member spreadsheet's import: the file (or pasted rows), then what each
column holds."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape

from networks.imports import COLUMNS

from . import spreadsheets

# Pasted rows travel in the form itself, whose size Django caps (DATA_UPLOAD_MAX_MEMORY_SIZE):
# a long list is better uploaded as a file.
MAX_PASTED_CHARACTERS = 1_000_000
SAMPLES_SHOWN = 3


class UploadForm(forms.Form):
    """A spreadsheet file, or rows pasted from one: read (office.spreadsheets) on cleaning."""

    file = forms.FileField(
        label="A spreadsheet file",
        required=False,
        help_text=(
            f"CSV or Excel (.xlsx), at most {spreadsheets.MAX_BYTES // spreadsheets.MB} MB and "
            f"{settings.IMPORT_MAX_ROWS:,} rows. Its first row names the columns; each row "
            "after it is one person."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    text = forms.CharField(
        label="Or paste the rows",
        required=False,
        max_length=MAX_PASTED_CHARACTERS,
        error_messages={
            "max_length": "That is more text than a form takes: upload the spreadsheet as a "
            "file instead."
        },
        help_text=(
            "Copy the rows from your spreadsheet, with the row that names the columns, and "
            "paste them here. For more than a few hundred rows, upload the file instead."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if self.errors:
            return cleaned
        if upload and text:
            raise ValidationError("Upload a file or paste rows, not both.")
        if not upload and not text:
            raise ValidationError("Choose a spreadsheet file, or paste its rows.")
        try:
            if upload:
                # The size first: a huge file is refused before it is read into memory.
                data = upload.read(spreadsheets.MAX_BYTES + 1)
                self.table = spreadsheets.read_upload(upload.name, data)
                self.source_name = upload.name
            else:
                self.table = spreadsheets.read_text(text)
                self.table.description = f"pasted text, {self.table.description}"
                self.source_name = ""
        except ValidationError as error:
            self.add_error("file" if upload else "text", error)
        return cleaned


class ColumnsForm(forms.Form):
    """What each column holds: one choice a column, with a few of its values to go by."""

    def __init__(self, *args, headers: list[str], rows: list[list[str]], guessed: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        held_by = {number: kind for kind, number in guessed.items()}
        choices = [("", "Not needed"), *COLUMNS.items()]
        for number, header in enumerate(headers):
            samples = [row[number] for row in rows if row[number]][:SAMPLES_SHOWN]
            self.fields[f"column_{number}"] = forms.ChoiceField(
                label=f"Column {number + 1}: “{header}”",
                choices=choices,
                required=False,
                initial=held_by.get(number, ""),
                # Escaped here: crispy renders help text as HTML, and these are the
                # spreadsheet's own words.
                help_text=escape(
                    "For example: " + "; ".join(spreadsheets.shown(sample) for sample in samples)
                    if samples
                    else "Empty in every row."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        columns: dict[str, int] = {}
        for number in range(len(self.headers)):
            kind = cleaned.get(f"column_{number}")
            if not kind:
                continue
            if kind in columns:
                self.add_error(
                    f"column_{number}",
                    f"Column {columns[kind] + 1} holds the {COLUMNS[kind].lower()} already: "
                    "choose one of them.",
                )
                continue
            columns[kind] = number
        if "email" not in columns and not self.errors:
            raise ValidationError(
                "Say which column holds the email addresses: each invitation goes to one."
            )
        self.columns = columns
        return cleaned
