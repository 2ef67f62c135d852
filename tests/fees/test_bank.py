import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

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
    [(row, why)] = report.ambiguous
    assert row.line == 4 and "£450.00, not £400.00" in why
    assert [row.line for row, _why in report.unmatched] == [5, 6]
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
    assert "1 row(s) to match by hand" in output
    assert "2 row(s) not matched" in output
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


# Issue 19, finding 16: what the matcher used to get wrong, through the service and the
# command. A payment is taken only when exactly one invoice is named and it is paid in
# full; everything else is reported, never passed over in silence.


def _write(tmp_path, *rows: str) -> Path:
    path = tmp_path / "statement.csv"
    path.write_text("Date,Amount,Reference\n" + "".join(f"{row}\n" for row in rows))
    return path


def _match(fee_network, path, by=None):
    rows = bank.read_statement(path.read_text())
    return services.match_bank_statement(network=fee_network, rows=rows, by=by)


def _state(invoice) -> str:
    return FeeInvoice.objects.get(pk=invoice.pk).state


def test_a_second_payment_of_a_paid_invoice_is_reported_not_passed_over(
    fee_network, invoices, tmp_path, capsys
):
    first = invoices[0]
    _match(fee_network, _write(tmp_path, f"01/10/2026,450.00,{first.reference}"))

    path = _write(tmp_path, f"01/10/2026,450.00,{first.reference}",  # the same payment again
                  f"14/10/2026,450.00,{first.reference} second time")  # fmt: skip
    report = _match(fee_network, path)
    call_command("match_bank_payments", fee_network.slug, str(path))

    assert report.already_paid == [first]
    assert [(row.line, invoice) for row, invoice in report.paid_twice] == [(3, first)]
    output = capsys.readouterr().out
    assert "1 payment(s) of an invoice already paid: check them and refund or credit" in output
    assert f"line 3: 2026-10-14 £450.00 '{first.reference} second time': " in output
    assert f"{first.reference} was already paid on 01 Oct 2026" in output
    assert FeeInvoice.objects.get(pk=first.pk).paid_on == datetime.date(2026, 10, 1)


def test_the_same_invoice_paid_twice_in_one_statement_is_reported(fee_network, invoices, tmp_path):
    first = invoices[0]
    row = f"01/10/2026,450.00,{first.reference}"

    report = _match(fee_network, _write(tmp_path, row, row))

    assert report.paid == [first]
    assert [row.line for row, _invoice in report.paid_twice] == [3]


def test_an_invoice_marked_paid_by_hand_and_then_paid_by_the_bank_is_reported(
    fee_network, invoices, tmp_path, administrator
):
    first = invoices[0]
    services.mark_paid(invoice=first, paid_on=datetime.date(2026, 9, 30), by=administrator)

    report = _match(fee_network, _write(tmp_path, f"01/10/2026,450.00,{first.reference}"))

    assert report.already_paid == [] and len(report.paid_twice) == 1


def test_a_row_naming_two_invoices_is_ambiguous_and_pays_neither(
    fee_network, invoices, tmp_path, capsys
):
    first, second, _third = invoices
    path = _write(tmp_path, f"01/10/2026,450.00,{first.reference} and {second.reference}")

    report = _match(fee_network, path)
    call_command("match_bank_payments", fee_network.slug, str(path))

    assert report.paid == [] and report.unmatched == []
    [(row, why)] = report.ambiguous
    assert row.line == 2
    assert why == f"names 2 invoices ({first.reference}, {second.reference}): match it by hand"
    assert "names 2 invoices" in capsys.readouterr().out
    assert _state(first) == _state(second) == "due"


@pytest.mark.parametrize(
    "text",
    [
        "INV-{ref}",
        "Invoice {ref}/thanks",
        "REF:{ref}.",
        "{ref} PAYMENT",
        "school fees {spaced}",
        "BACS {lower} THANKS",
        "{ref}THANKS",
    ],
)
def test_a_reference_inside_other_text_is_found(fee_network, invoices, tmp_path, text):
    first = invoices[0]
    reference = first.reference
    text = text.format(ref=reference, spaced=reference.replace("-", " "), lower=reference.lower())

    report = _match(fee_network, _write(tmp_path, f'01/10/2026,450.00,"{text}"'))

    assert report.paid == [first], report.unmatched
    assert _state(first) == "paid"


@pytest.mark.parametrize("text", ["{ref}7", "{shorter}", "X{ref}", "{year_later}"])
def test_a_reference_is_not_found_inside_a_longer_one(fee_network, invoices, tmp_path, text):
    first = invoices[0]
    prefix, year, urn = first.reference.rsplit("-", 2)
    text = text.format(
        ref=first.reference,
        shorter=first.reference[:-1],
        year_later=f"{prefix}-{int(year) + 1}-{urn}",
    )

    report = _match(fee_network, _write(tmp_path, f"01/10/2026,450.00,{text}"))

    assert report.paid == [] and _state(first) == "due"
    assert report.unmatched[0][1] == "no invoice of this network has that reference"


def test_an_overpayment_is_not_taken_as_payment(fee_network, invoices, tmp_path, capsys):
    first = invoices[0]
    path = _write(tmp_path, f"01/10/2026,450.01,{first.reference}")

    report = _match(fee_network, path)
    call_command("match_bank_payments", fee_network.slug, str(path))

    assert report.paid == [] and _state(first) == "due"
    [(_row, why)] = report.ambiguous
    assert why == f"{first.reference} is for £450.00, not £450.01: more than is due"
    assert "1 row(s) to match by hand" in capsys.readouterr().out


def test_an_underpayment_is_not_taken_as_payment(fee_network, invoices, tmp_path):
    first = invoices[0]

    report = _match(fee_network, _write(tmp_path, f"01/10/2026,449.99,{first.reference}"))

    assert report.paid == [] and _state(first) == "due"
    assert (
        report.ambiguous[0][1] == f"{first.reference} is for £450.00, not £449.99: less than is due"
    )


def test_a_field_too_long_to_read_is_a_clear_error_naming_its_line(fee_network, invoices, tmp_path):
    path = _write(
        tmp_path, f"01/10/2026,450.00,{invoices[0].reference}", f"02/10/2026,450.00,{'A' * 140_000}"
    )

    with pytest.raises(bank.StatementError, match="^Line 3 cannot be read"):
        bank.read_statement(path.read_text())
    with pytest.raises(CommandError, match="^Line 3 cannot be read: .*131072"):
        call_command("match_bank_payments", fee_network.slug, str(path))
    assert _state(invoices[0]) == "due"


def test_a_reference_a_bank_broke_with_a_space_is_still_found():
    index = bank.ReferenceIndex(["OSSHTA-2026-123456", "OSSHTA-2026-12345"])

    assert index.found_in("osshta-2026-123 456") == ["OSSHTA-2026-123456"]
    assert index.found_in("OSSHTA-2026-12345 paid") == ["OSSHTA-2026-12345"]
    assert index.found_in("OSSHTA-2026-12345 6") == ["OSSHTA-2026-12345", "OSSHTA-2026-123456"]
