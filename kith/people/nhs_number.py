"""NHS numbers: ten digits, the last a modulus 11 check digit (NHS Data Dictionary)."""

import re


def normalise(value: str) -> str:
    """'943 476 5919' → '9434765919': spaces and dashes people type are dropped."""
    return re.sub(r"[\s-]", "", value or "")


def is_valid(value: str) -> bool:
    digits = normalise(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def formatted(value: str) -> str:
    """'9434765919' → '943 476 5919', as the NHS prints it."""
    digits = normalise(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else value
