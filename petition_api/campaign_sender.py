"""Who the campaign is when it writes: the organisation, its postal address and a
person an office can contact, by email and phone. Delivery packets' cover letters
need all of it; every email's footer prints the organisation and address
(postal_lines), so both features read these settings from here.

They come from the GROUNDSWELL_CAMPAIGN_* settings rather than from the site: the
contact person's direct line is for congressional offices, not for everyone who
reads the public site, and deliveries are made by the API, which reads settings.
A packet that reaches an office from nobody it can write back to is no
deliverable, so no delivery starts without all five (`SenderError` names each
one missing or malformed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "GROUNDSWELL_"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Digits with the usual separators, and an extension: 202-555-0143, +1 (202) 555-0143 x12.
PHONE = re.compile(r"^\+?[\d ().\-]+(?:\s*(?:x|ext\.?)\s*\d+)?$", re.IGNORECASE)
MIN_PHONE_DIGITS = 10


class SenderError(ValueError):
    """Settings a cover letter needs are missing or malformed; `problems` says which."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "the packets' cover letters need the campaign's sender details: "
            + "; ".join(problems)
            + " (the manual's 'Delivery to Congress', docs/pages/delivery.md)"
        )


@dataclass(frozen=True)
class Sender:
    organisation: str
    address: tuple[str, ...]  # its lines, as on an envelope
    contact_name: str
    contact_email: str
    contact_phone: str

    @property
    def contact_line(self) -> str:
        return f"{self.contact_email} · {self.contact_phone}"

    def text(self) -> str:
        """Everything a letter prints of it (to check the fonts cover it)."""
        return " ".join([self.organisation, *self.address, self.contact_name, self.contact_line])


def sender_from(config: Mapping) -> Sender:
    """The sender the app's settings describe, or SenderError naming what to set."""
    values = {name: str(config.get(name) or "").strip() for name in SETTINGS}
    problems = [f"{PREFIX}{name} is not set" for name, value in values.items() if not value]
    problems += [
        problem
        for name, check in CHECKS.items()
        if values[name] and (problem := check(f"{PREFIX}{name}", values[name]))
    ]
    if problems:
        raise SenderError(problems)
    return Sender(
        organisation=values["CAMPAIGN_ORGANISATION"],
        address=address_lines(values["CAMPAIGN_ADDRESS"]),
        contact_name=values["CAMPAIGN_CONTACT_NAME"],
        contact_email=values["CAMPAIGN_CONTACT_EMAIL"],
        contact_phone=values["CAMPAIGN_CONTACT_PHONE"],
    )


def postal_lines(config: Mapping, name: str) -> tuple[str, ...]:
    """The organisation and its postal address, a line each, for every email's footer:
    bulk mail must name a sender people can find (CAN-SPAM). () while
    GROUNDSWELL_CAMPAIGN_ADDRESS is unset; `name` (the site's) while the organisation is.
    Read here, beside the packets' sender, so mail and delivery read them one way."""
    address = address_lines(str(config.get("CAMPAIGN_ADDRESS") or ""))
    if not address:
        return ()
    organisation = str(config.get("CAMPAIGN_ORGANISATION") or "").strip() or name
    return (organisation, *address)


def address_lines(value: str) -> tuple[str, ...]:
    """`;` or a newline separates the lines (an environment variable is one line)."""
    return tuple(line.strip() for line in re.split(r"[;\n]", value) if line.strip())


def _address_problem(name: str, value: str) -> str | None:
    if len(address_lines(value)) < 2:
        return (
            f"{name} needs at least two lines, the street and the city, state and ZIP, "
            f"separated by ';' (got {value!r})"
        )
    return None


def _email_problem(name: str, value: str) -> str | None:
    if not EMAIL.match(value):
        return f"{name}={value!r} is not an email address"
    return None


def _phone_problem(name: str, value: str) -> str | None:
    digits = sum(c.isdigit() for c in re.split(r"(?i)x|ext", value)[0])
    if not PHONE.match(value) or digits < MIN_PHONE_DIGITS:
        return (
            f"{name}={value!r} is not a phone number with its area code "
            "(e.g. 202-555-0143 or +1 202 555 0143 x12)"
        )
    return None


SETTINGS = (
    "CAMPAIGN_ORGANISATION",
    "CAMPAIGN_ADDRESS",
    "CAMPAIGN_CONTACT_NAME",
    "CAMPAIGN_CONTACT_EMAIL",
    "CAMPAIGN_CONTACT_PHONE",
)
# What each looks like, for pages that say how to set them (the console's Exports).
EXAMPLES = {
    "CAMPAIGN_ORGANISATION": "Families First Coalition",
    "CAMPAIGN_ADDRESS": "1200 Main Street, Suite 4; Springfield, IL 62701",
    "CAMPAIGN_CONTACT_NAME": "Dana Whitfield",
    "CAMPAIGN_CONTACT_EMAIL": "dana@familiesfirst.example.org",
    "CAMPAIGN_CONTACT_PHONE": "(217) 555-0143",
}
CHECKS = {
    "CAMPAIGN_ADDRESS": _address_problem,
    "CAMPAIGN_CONTACT_EMAIL": _email_problem,
    "CAMPAIGN_CONTACT_PHONE": _phone_problem,
}
