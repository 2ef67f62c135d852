from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import access, pdf, services
from .forms import FinanceContactForm
from .models import FinanceContact


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable invoice (A4): network, school, URN, year, amount, reference, how to pay;
    once paid, the same page is its receipt."""
    invoice = access.get_invoice_for_user(request.user, pk)
    scheme = getattr(invoice.network, "fee_scheme", None)
    return render(request, "fees/invoice_detail.html", {"invoice": invoice, "scheme": scheme})


def pdf_response(invoice) -> HttpResponse:
    """The invoice's PDF, made now, to open in the browser or save."""
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type=pdf.PDF_TYPE)
    response["Content-Disposition"] = f'inline; filename="{invoice.pdf_filename}"'
    # A bill: never kept by a shared cache or the browser's back button after sign-out.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice as a PDF, for whoever may see the invoice (the school's head)."""
    return pdf_response(access.get_invoice_for_user(request.user, pk))


@login_required
def finance_contact(request: HttpRequest, urn: int) -> HttpResponse:
    """Who at the school receives its fee invoices besides its head: set by the head, or by
    an administrator of a network the school holds a seat in."""
    school, network_id = access.get_school_for_finance_contact(request.user, urn)
    current = FinanceContact.objects.filter(school=school).first()
    initial = {"name": current.name, "email": current.email} if current else {}
    form = FinanceContactForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.set_finance_contact(
                school=school,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                by=request.user,
                network_id=network_id,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            if form.cleaned_data["email"]:
                messages.success(
                    request,
                    f"{school.name}'s invoices and reminders now go to "
                    f"{form.cleaned_data['email']} as well as to its head.",
                )
            else:
                messages.success(request, f"{school.name}'s invoices now go to its head only.")
            return redirect("fees:finance_contact", urn=school.urn)
    return render(
        request,
        "fees/finance_contact.html",
        {"school": school, "form": form, "current": current, "as_head": network_id is None},
    )
