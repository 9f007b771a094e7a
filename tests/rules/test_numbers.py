"""Numbers the Danish way: typed ones are read, a text that could be read two ways is refused;
written ones have a decimal comma and '.' between thousands."""

from decimal import Decimal

import pytest

from app.rules.numbers import NOT_A_NUMBER, danish_number, parse_danish_decimal


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


@pytest.mark.parametrize(
    ("number", "decimals", "text"),
    [
        (0, 0, "0"),
        (1234, 0, "1.234"),
        (87.46, 1, "87,5"),
        (1234567.5, 2, "1.234.567,50"),
        (-2.5, 1, "-2,5"),
        (Decimal("95.04"), 2, "95,04"),
    ],
)
def test_a_number_is_written_with_a_decimal_comma_and_thousands_points(number, decimals, text):
    assert danish_number(number, decimals) == text
