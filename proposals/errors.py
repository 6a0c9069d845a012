"""The domain error of the proposals feature, and exact parsing of money and areas."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal("100000000000")  # ¥100 bn / 100 bn m²: anything above is a typo


class ProposalError(ValueError):
    """A refused proposal operation, with a machine code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def to_hundredths(value: object, field: str, *, allow_negative: bool = False) -> Decimal | None:
    """A Decimal with at most two places from a string, int or float; None stays None.

    Floats are taken by their shortest repr, so `12.5` is fine and `12.345` is refused.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ProposalError("invalid_amount", f"{field}: not a number")
    try:
        if isinstance(value, float):
            amount = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            amount = Decimal(value)
        elif isinstance(value, str):
            amount = Decimal(value.strip().replace(",", ""))
        else:
            raise ProposalError("invalid_amount", f"{field}: not a number")
    except InvalidOperation:
        raise ProposalError("invalid_amount", f"{field}: not a number") from None
    if not amount.is_finite():
        raise ProposalError("invalid_amount", f"{field}: not a finite number")
    if abs(amount) > MAX_AMOUNT:
        raise ProposalError("amount_too_large", f"{field}: too large")
    if amount != amount.quantize(Decimal("0.01")):
        raise ProposalError("too_many_decimals", f"{field}: at most two decimal places")
    if amount < 0 and not allow_negative:
        raise ProposalError("negative_amount", f"{field}: must not be negative")
    return amount.quantize(Decimal("0.01"))
