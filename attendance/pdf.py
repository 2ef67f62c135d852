"""Certificates of attendance and CPD records as PDFs, made by WeasyPrint (core.pdf) from
our own templates when they are downloaded: nothing is stored, so a document always
shows the record as it stands."""

from django.template.loader import render_to_string

from core.pdf import document

from .records import AttendedMeeting, CpdRecord


def certificate_document(attended: AttendedMeeting):
    """The laid-out certificate (its pages and boxes: what tests read the text from)."""
    return document(
        render_to_string(
            "attendance/certificate_pdf.html",
            {"row": attended, "person": attended.attendance.person, "meeting": attended.meeting},
        )
    )


def certificate_filename(attended: AttendedMeeting) -> str:
    return f"certificate-of-attendance-{attended.date:%Y-%m-%d}.pdf"


def record_document(record: CpdRecord):
    """The laid-out CPD record."""
    return document(render_to_string("attendance/cpd_pdf.html", {"record": record}))
