import datetime

import pytest
from django.core.management import call_command

from fees import bank, services
from fees.models import FeeInvoice

from .conftest import seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(fee_network, administrator):
    for _ in range(3):
        seat(fee_network)
    return services.raise_invoices(network=fee_network, by=administrator).raised


def _statement(tmp_path, invoices):
    first, second, third = invoices
    text = (
        "Date,Amount,Reference\n"
        f"01/10/2026,450.00,{first.reference}\n"
        f"2026-10-02,£450.00,BACS {second.reference.lower()} THANKS\n"
        f"03/10/2026,400.00,{third.reference}\n"
        "04/10/2026,450.00,UNKNOWN-2026-1\n"
        "sometime,450.00,whatever\n"
    )
    path = tmp_path / "statement.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_matching_marks_paid_what_the_statement_pays_and_lists_the_rest(
    fee_network, invoices, administrator, tmp_path
):
    rows = bank.read_statement(_statement(tmp_path, invoices).read_text())

    report = services.match_bank_statement(network=fee_network, rows=rows, by=administrator)

    assert {invoice.pk for invoice in report.paid} == {invoices[0].pk, invoices[1].pk}
    assert [row.line for row, _why in report.unmatched] == [4, 5, 6]
    assert "£450.00, not £400.00" in report.unmatched[0][1]
    first = FeeInvoice.objects.get(pk=invoices[0].pk)
    assert first.state == "paid" and first.paid_on == datetime.date(2026, 10, 1)
    assert FeeInvoice.objects.get(pk=invoices[2].pk).state == "due"


def test_matching_the_same_statement_again_changes_nothing(
    fee_network, invoices, administrator, tmp_path
):
    rows = bank.read_statement(_statement(tmp_path, invoices).read_text())
    services.match_bank_statement(network=fee_network, rows=rows, by=administrator)
    before = list(FeeInvoice.objects.order_by("pk").values())

    again = services.match_bank_statement(network=fee_network, rows=rows, by=administrator)

    assert again.paid == []
    assert len(again.already_paid) == 2
    assert list(FeeInvoice.objects.order_by("pk").values()) == before


def test_a_dry_run_reports_and_changes_nothing(fee_network, invoices, tmp_path, capsys):
    path = _statement(tmp_path, invoices)

    call_command("match_bank_payments", fee_network.slug, str(path), "--dry-run")

    output = capsys.readouterr().out
    assert "2 invoice(s) would be marked paid" in output
    assert "3 row(s) not matched" in output
    assert not FeeInvoice.objects.filter(state="paid").exists()


def test_another_networks_invoice_is_not_matched(
    fee_network, other_network, invoices, tmp_path, capsys
):
    path = _statement(tmp_path, invoices)

    call_command("match_bank_payments", other_network.slug, str(path))

    assert "5 row(s) not matched" in capsys.readouterr().out
    assert not FeeInvoice.objects.filter(state="paid").exists()


def test_a_statement_without_an_amount_column_is_refused(tmp_path):
    with pytest.raises(bank.StatementError):
        bank.read_statement("Date,Reference\n01/10/2026,X\n")
