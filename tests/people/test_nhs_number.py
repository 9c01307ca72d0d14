"""NHS numbers are checked by their modulus 11 check digit."""

import pytest

from kith.people import nhs_number


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("9434765919", True),  # the NHS Data Dictionary's worked example
        ("943 476 5919", True),
        ("943-476-5919", True),
        ("4010232137", True),
        ("9434765918", False),  # wrong check digit
        ("1234567890", False),  # check digit would be 10: never issued
        ("943476591", False),  # nine digits
        ("94347659190", False),
        ("94347659l9", False),
        ("", False),
    ],
)
def test_check_digit(value, valid):
    assert nhs_number.is_valid(value) is valid


def test_formatted_as_printed():
    assert nhs_number.formatted("9434765919") == "943 476 5919"
