"""Password hashing (argon2id) and the rules a new password must meet.

Messages never contain the password. Hashes use argon2-cffi's defaults (RFC 9106's
low-memory profile: argon2id, 64 MiB, 3 passes, 4 lanes); a hash made with weaker
parameters is upgraded at the next successful sign-in.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import unicodedata

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from scheduler.errors import SchedulerError

MIN_LENGTH = 10
MAX_LENGTH = 256
# One-time passwords are read aloud and typed from a phone call: capitals and digits with
# no look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V), in groups of four. 20 characters of
# 23 are about 90 bits.
ONE_TIME_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
ONE_TIME_GROUPS = 5
ONE_TIME_GROUP = 4


class PasswordRejected(SchedulerError):
    """A new password does not meet the rules; the message says which, never the password."""


# RFC 9106's low-memory profile, argon2-cffi's default.
_parameters: Parameters = profiles.RFC_9106_LOW_MEMORY


def use_parameters(parameters: Parameters) -> None:
    """Hash with `parameters` from now on, in this process. Only the test suite calls this
    (with `argon2.profiles.CHEAPEST`, so that hundreds of sign-ins cost milliseconds); the
    program itself always hashes with the default above."""
    global _parameters
    _parameters = parameters
    _hasher.cache_clear()
    _decoy_hash.cache_clear()


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(_parameters)


@functools.cache
def _decoy_hash() -> str:
    # Verified against when the account does not exist, so that an unknown name takes as
    # long to refuse as a wrong password (no telling which names exist by timing).
    return _hasher().hash(secrets.token_urlsafe(16))


def check_new_password(password: str, name: str) -> None:
    """Raises PasswordRejected unless `password` is acceptable for the account `name`."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(
            f"the password is too short: use at least {MIN_LENGTH} characters"
            f" (it has {len(password)})"
        )
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"the password is too long: use at most {MAX_LENGTH} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in password):
        raise PasswordRejected(
            "the password must not contain control or invisible characters (such as a tab "
            "or a line break)"
        )
    if not password.strip():
        raise PasswordRejected("the password must not be only spaces")
    if password.strip().casefold() == name.casefold():
        raise PasswordRejected("the password must not be the user name")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches `password_hash`; None (no such account) always takes the
    same time and fails."""
    try:
        return _hasher().verify(password_hash or _decoy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def one_time_password(seed: bytes | None = None) -> str:
    """A password to be typed once and then changed, like `K7MQ-4XTP-9WRH-C3NA-FD6E`:
    random, or the one `seed` (a secret of at least 32 bytes) stands for, so that a page
    can show it again from the seed without it being stored anywhere."""
    size = ONE_TIME_GROUPS * ONE_TIME_GROUP
    if seed is None:
        chars = [secrets.choice(ONE_TIME_ALPHABET) for _ in range(size)]
    else:
        chars = _chars_from(seed, size)
    text = "".join(chars)
    return "-".join(text[i : i + ONE_TIME_GROUP] for i in range(0, size, ONE_TIME_GROUP))


def _chars_from(seed: bytes, size: int) -> list[str]:
    # Bytes of HMAC blocks, each used only below the largest multiple of the alphabet's
    # size, so that every character is equally likely.
    base = len(ONE_TIME_ALPHABET)
    ceiling = 256 - 256 % base
    chars: list[str] = []
    block = 0
    while len(chars) < size:
        digest = hmac.new(seed, block.to_bytes(4, "big"), hashlib.sha256).digest()
        chars += [ONE_TIME_ALPHABET[b % base] for b in digest if b < ceiling]
        block += 1
    return chars[:size]


def as_one_time(typed: str) -> str:
    """What a person typed for a one-time password, written as it was made: read aloud,
    its case, spaces and hyphens are easily typed otherwise. Anything that is not a
    one-time password is returned as it is."""
    compact = re.sub(r"[\s-]+", "", typed).upper()
    size = ONE_TIME_GROUPS * ONE_TIME_GROUP
    if len(compact) != size or any(ch not in ONE_TIME_ALPHABET for ch in compact):
        return typed
    return "-".join(compact[i : i + ONE_TIME_GROUP] for i in range(0, size, ONE_TIME_GROUP))
