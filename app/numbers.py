"""Exact quantities typed by people: money (¥) and areas (m²) with at most two decimals. Pure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.errors import InvalidInput
from app.law.words import N_

CENT = Decimal("0.01")
#: ¥100 bn / 100 bn m²: anything above is a typo
MAX_AMOUNT = Decimal("100000000000")


def to_hundredths(value: object, field: str, *, allow_negative: bool = False) -> Decimal | None:
    """A Decimal with at most two places from a string, int or float; None and "" stay None.

    Floats are taken by their shortest repr, so `12.5` is fine and `12.345` is refused;
    thousands separators are accepted ("186,500.00"). Refusals are `InvalidInput` naming the
    field.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput("invalid_amount", N_("%(name)s：不是数字"), field=field,
                           name=field)
    try:
        if isinstance(value, float):
            amount = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            amount = Decimal(value)
        elif isinstance(value, str):
            amount = Decimal(value.strip().replace(",", "").replace("，", ""))
        else:
            raise InvalidInput("invalid_amount", N_("%(name)s：不是数字"), field=field,
                               name=field)
    except InvalidOperation:
        raise InvalidInput("invalid_amount", N_("%(name)s：不是数字"), field=field,
                           name=field) from None
    if not amount.is_finite():
        raise InvalidInput("invalid_amount", N_("%(name)s：不是有限的数字"), field=field,
                           name=field)
    if abs(amount) > MAX_AMOUNT:
        raise InvalidInput("amount_too_large", N_("%(name)s：数额过大"), field=field,
                           name=field)
    if amount != amount.quantize(CENT):
        raise InvalidInput("too_many_decimals", N_("%(name)s：最多两位小数"), field=field,
                           name=field)
    if amount < 0 and not allow_negative:
        raise InvalidInput("negative_amount", N_("%(name)s：不能为负数"), field=field,
                           name=field)
    return amount.quantize(CENT)
