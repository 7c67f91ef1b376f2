"""The password policy: what a new password must be. It applies when a password is chosen (the
create-user command, the admin pages, a change or reset), never at sign-in, so an account made
before the policy keeps working until its password is next changed.

Each rule has a code; the API reports the English text and the pages the translated one."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10
MAX_LENGTH = 128  # hashing cost grows with the length; no one types more
MIN_DISTINCT = 5  # "aaaaaaaaaa", "1212121212"

RULES = {
    "too_short": ("must be at least 10 characters", _l("The password must be at least 10 characters long.")),
    "too_long": ("must be at most 128 characters", _l("The password must be at most 128 characters long.")),
    "too_simple": (
        "must use at least 5 different characters",
        _l("The password must use at least 5 different characters."),
    ),
    "common": (
        "is one of the most common passwords",
        _l("This password is one of the most common ones; choose another."),
    ),
    "username": ("must not contain the username", _l("The password must not contain the username.")),
    "control": ("must not contain control characters", _l("The password must not contain control characters.")),
}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = Path(__file__).with_name("common_passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def problems(password: str, username: str | None = None) -> list[str]:
    """The codes of the rules the password breaks (empty: it is acceptable)."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append("too_short")
    if len(password) > MAX_LENGTH:
        found.append("too_long")
    if any(unicodedata.category(ch).startswith("C") for ch in password):
        found.append("control")
    folded = unicodedata.normalize("NFKC", password).casefold()
    if len(set(folded)) < MIN_DISTINCT:
        found.append("too_simple")
    if folded in common_passwords():
        found.append("common")
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    # Short names ("li") occur inside good passwords by chance; from three characters on they count.
    if len(name) >= 3 and name in folded:
        found.append("username")
    return found


def english(codes: list[str]) -> list[str]:
    return [RULES[code][0] for code in codes]


def translated(codes: list[str]) -> list[str]:
    return [str(RULES[code][1]) for code in codes]
