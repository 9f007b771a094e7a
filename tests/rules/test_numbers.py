"""Numbers typed the Danish way; a text that could be read two ways is refused."""

from decimal import Decimal

import pytest

from app.rules.numbers import NOT_A_NUMBER, parse_danish_decimal


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("95,04", Decimal("95.04")),
        ("1.234,5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("4200", Decimal("4200")),
        ("-2,5", Decimal("-2.5")),
        (" 0,1 ", Decimal("0.1")),
        ("12 345,00", Decimal("12345.00")),
    ],
)
def test_a_danish_number_is_read_with_its_comma_and_thousands(text, number):
    assert parse_danish_decimal(text) == number


@pytest.mark.parametrize(
    "text", ["95.04", "1,234.5", "1.23,4", "12,", ",5", "tal", "", "1e3", "nan", "--1"]
)
def test_a_text_that_is_not_a_danish_number_is_refused_in_danish(text):
    with pytest.raises(ValueError) as refused:
        parse_danish_decimal(text)
    assert str(refused.value) == NOT_A_NUMBER
