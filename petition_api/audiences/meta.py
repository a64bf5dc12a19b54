"""Meta's customer-list rules: each field normalised as Meta documents it, then hashed.

Meta matches an uploaded list against its users by the SHA-256 of each
normalised field ("Hashing and normalizing data", Marketing API; the same rules
as the Conversions API's customer information parameters):

- email: leading and trailing spaces trimmed, lower-cased (a `+tag` stays as the
  person typed it: it is part of the address they gave);
- fn, ln: lower-cased, no punctuation, UTF-8 for letters outside a-z
  ("Valéry" is `valéry`, "O'Brien" is `obrien`, "Adebayo-Quist" is `adebayoquist`);
  a space inside a name stays, one of it;
- zip: US: the first five digits ("10118-0110" is `10118`);
- ct: lower-cased, no punctuation, no spaces, no digits ("St. Paul" is `stpaul`);
- st: the two-letter code, lower-cased;
- country: ISO 3166-1 alpha-2, lower-cased: `us`.

An empty field stays empty (never the hash of nothing), as Meta asks.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from functools import lru_cache

from ..models.supporters import email_sha256

COLUMNS = ("email", "fn", "ln", "zip", "ct", "st", "country")
COUNTRY = "us"
SPACES = re.compile(r"\s+")
FIVE_DIGITS = re.compile(r"\d{5}")


ASCII_PUNCTUATION = str.maketrans("", "", string.punctuation)
ASCII_NOT_LETTERS = str.maketrans("", "", string.punctuation + string.whitespace + string.digits)


def _without_punctuation(text: str) -> str:
    """Letters, marks, digits and spaces kept (NFC, so "é" is one character);
    punctuation and symbols dropped. Most names are ASCII: those take a fast path."""
    if text.isascii():
        return text.translate(ASCII_PUNCTUATION)
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] in "LMNZ")


def email(value: str | None) -> str:
    return (value or "").strip().lower()


def name(value: str | None) -> str:
    return SPACES.sub(" ", _without_punctuation((value or "").lower())).strip()


def city(value: str | None) -> str:
    text = (value or "").lower()
    if text.isascii():
        return text.translate(ASCII_NOT_LETTERS)
    return "".join(c for c in _without_punctuation(text) if unicodedata.category(c)[0] in "LM")


def zip_code(value: str | None) -> str:
    found = FIVE_DIGITS.match((value or "").strip())
    return found.group() if found else ""


def state(value: str | None) -> str:
    return (value or "").strip().lower()


def normalised(row) -> tuple[str, ...]:
    """(email, fn, ln, zip, ct, st, country) for one supporter row."""
    return (
        email(row.email),
        name(row.first_name),
        name(row.last_name),
        zip_code(row.zip),
        city(row.city),
        state(row.state),
        COUNTRY,
    )


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest() if value else ""


# Names, cities, ZIP codes and states repeat across a million rows: each is normalised
# and hashed once. The email is everyone's own.
@lru_cache(maxsize=1 << 16)
def _hashed_name(value: str | None) -> str:
    return sha256(name(value))


@lru_cache(maxsize=1 << 16)
def _hashed_place(city_name: str | None, state_code: str | None, zip5: str | None):
    return sha256(zip_code(zip5)), sha256(city(city_name)), sha256(state(state_code))


COUNTRY_SHA256 = sha256(COUNTRY)


def hashed(row) -> tuple[str, ...]:
    """normalised(row), each field SHA-256 hex."""
    zip_hash, city_hash, state_hash = _hashed_place(row.city, row.state, row.zip)
    return (
        sha256(email(row.email)),
        _hashed_name(row.first_name),
        _hashed_name(row.last_name),
        zip_hash,
        city_hash,
        state_hash,
        COUNTRY_SHA256,
    )


__all__ = ["COLUMNS", "email_sha256", "hashed", "normalised", "sha256"]
