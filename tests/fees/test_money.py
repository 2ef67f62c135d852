import pytest

from core.money import PoundsFormField, format_pence, parse_pounds


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("450", 45000), ("450.00", 45000), ("£450.5", 45050), ("£1,234.56", 123456),
        (" 0.07 ", 7), ("£1,250.00", 125000), ("1250", 125000), ("£ 1,250", 125000),
        ("\u00a0£12,345,678.90\u00a0", 1234567890), ("0", 0), ("007.50", 750),
    ],
)  # fmt: skip
def test_pounds_as_people_write_them_become_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    "text",
    [
        "", "-5", "4.505", "£", "12,34x", "1e3", "nan", "4,50", "1,25,0", "1,2500", ",450",
        "450.", ".50", "£-5", "1 250", "٤٥٠", "４５０", "450p", "GBP 450", "450 pounds",
        "=450", "£450.00£", "0x1C2", "inf",
    ],
)  # fmt: skip
def test_anything_else_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_pounds(text)


def test_pence_are_shown_in_pounds():
    assert format_pence(45000) == "£450.00"
    assert format_pence(123456) == "£1,234.56"
    assert format_pence(None) == ""


def test_the_form_field_takes_pounds_and_gives_pence():
    field = PoundsFormField(required=False)
    assert field.clean("450.00") == 45000
    assert field.prepare_value(45000) == "450.00"
    assert field.clean("") is None
