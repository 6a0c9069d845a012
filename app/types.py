"""Column types shared by all models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Enum
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Store as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        """Return as aware UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Hundredths(TypeDecorator):
    """An exact Decimal with two places, stored as an integer count of hundredths.

    Areas (m²) and money (¥) use it: sums in SQL stay exact on SQLite and PostgreSQL alike.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | str | None, dialect) -> int | None:
        """Convert a Decimal to hundredths, refusing more than two places."""
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("floats are not accepted for exact quantities")
        dec = Decimal(value)
        scaled = dec * 100
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than two decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        """Convert hundredths back to a Decimal with two places."""
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


#: An area in square metres, exact to 0.01 m².
Area = Hundredths
#: An amount of money in yuan, exact to the fen.
Money = Hundredths


def str_enum(cls: type[enum.Enum], name: str, length: int = 20) -> Enum:
    """A portable enum column stored as its members' string values (VARCHAR + validation)."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
