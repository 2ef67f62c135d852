from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import access


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable invoice (A4): network, school, URN, year, amount, reference, how to pay;
    once paid, the same page is its receipt."""
    invoice = access.get_invoice_for_user(request.user, pk)
    scheme = getattr(invoice.network, "fee_scheme", None)
    return render(request, "fees/invoice_detail.html", {"invoice": invoice, "scheme": scheme})
