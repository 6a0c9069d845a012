"""The password policy for passwords people choose (sign-up, `flask users create`).

NIST SP 800-63B's advice, offline: at least `MIN_LENGTH` characters, no composition rules,
and no password that is common or easily guessed — refused when it is on zxcvbn's list of
30,000 common passwords or zxcvbn rates it below `MIN_SCORE` (fewer than ~10^6 guesses:
repeats, keyboard walks, sequences, dates, the username itself). Sign-in attempts are throttled
per address and per account (`app.accounts.throttle`), so a score-2 password is out of reach
of online guessing.
"""

from __future__ import annotations

import functools

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.accounts.errors import AccountError
from app.errors import N_

MIN_LENGTH = 8
MAX_LENGTH = 200
#: zxcvbn's score (0..4) a chosen password must reach: 2 is "somewhat guessable" (< 10^8)
MIN_SCORE = 2
#: zxcvbn looks at this many characters (it refuses longer input; the rest only adds strength)
SCORED_LENGTH = 72


@functools.cache
def _common() -> frozenset[str]:
    """zxcvbn's list of common passwords, lower case."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether the password (ignoring case) is on the list of common passwords."""
    return password.casefold() in _common()


def check_password(password: str, *, username: str = "") -> None:
    """Refuse a chosen password that is too short, too long, common or easily guessed."""
    if len(password) < MIN_LENGTH:
        raise AccountError("weak_password", N_("密码至少 %(min)s 个字符"), status=422,
                           field="password", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise AccountError("weak_password", N_("密码最多 %(max)s 个字符"), status=422,
                           field="password", max=MAX_LENGTH)
    inputs = [username] if username else []
    if is_common(password) or \
            zxcvbn(password[:SCORED_LENGTH], user_inputs=inputs)["score"] < MIN_SCORE:
        raise AccountError("common_password",
                           N_("这个密码太常见或太容易猜到，请换一个更长、更少见的密码"),
                           status=422, field="password")
