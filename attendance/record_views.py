"""A person's own record: the certificate of attendance for a meeting, and their CPD record
(a page, a CSV and a PDF). Nobody but the person opens them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.csv_export import stream_csv
from core.pdf import PDF_TYPE

from . import pdf, records


def _pdf_response(made: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(made, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's certificate of attendance at the meeting (a 404 to anyone else)."""
    attended = records.get_own_attendance(request.user, pk)
    return _pdf_response(
        pdf.certificate_document(attended).write_pdf(), pdf.certificate_filename(attended)
    )


@login_required
def cpd_record(request: HttpRequest) -> HttpResponse:
    """Every meeting the person attended, in every network, with the hours of each year."""
    return render(
        request, "attendance/cpd_record.html", {"record": records.cpd_record(request.user)}
    )


def _filename(extension: str) -> str:
    return f"headnet-cpd-record-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
def cpd_csv(request: HttpRequest) -> HttpResponse:
    record = records.cpd_record(request.user)
    return stream_csv(_filename("csv"), records.CSV_HEADER, record.rows, records.CSV_COLUMNS)


@login_required
def cpd_pdf(request: HttpRequest) -> HttpResponse:
    record = records.cpd_record(request.user)
    return _pdf_response(pdf.record_document(record).write_pdf(), _filename("pdf"))
