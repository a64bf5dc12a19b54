"""The words of a packet's cover letter, apart from how pdf.py draws them.

A letter from the campaign (letterhead: organisation, postal address, contact),
dated, to the member by name and office, with the ask as the signers signed it,
how many constituents signed, one sentence on how each signature was verified,
and whom to contact. Every claim here is what the code does: the verification
sentence is confirming/routes.py (a signature counts once its signer presses
the button on the page the emailed link opens) and packets.DELIVERED_ONLY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ..campaign_sender import Sender
from ..congress.offices import OfficeInfo
from .versions import Wording

CAPITOL = re.compile(r"^(?P<building>.*\S)\s+Washington,?\s+D\.?C\.?\s+(?P<zip>\d{5}(?:-\d{4})?)$")
VERIFIED = (
    "Each of them confirmed their signature by opening a link we emailed to the address "
    "they signed with and pressing its button; signatures never confirmed that way are "
    "not in this packet."
)


def letter_date(moment: datetime) -> str:
    """As a US letter is dated: `December 7, 2026`."""
    return f"{moment:%B} {moment.day}, {moment.year}"


def in_effect(wording: Wording) -> str:
    if wording.since is None:
        return wording.label
    return f"{wording.label}, in effect from {letter_date(wording.since)}"


@dataclass
class Block:
    """A paragraph of the letter: `text`, a `quote` (the ask, indented) or a `heading`."""

    kind: str
    text: str


@dataclass
class Letter:
    letterhead: list[str]  # the organisation first
    date: str
    inside_address: list[str]
    subject: str
    salutation: str
    blocks: list[Block] = field(default_factory=list)
    closing: str = "Sincerely,"
    signature: list[str] = field(default_factory=list)


@dataclass
class Signed:
    """What a letter says about one packet's signers (from packets.Tally)."""

    count: int
    first: datetime
    last: datetime
    unresolved: int
    wordings: list[tuple[Wording, int]]  # each version they signed, with how many
    several_versions_exist: bool  # the petition was reworded, if not for these signers
    stories: int


def cover_letter(
    sender: Sender, office: OfficeInfo, title: str, signed: Signed, dated: datetime, csv_name: str
) -> Letter:
    return Letter(
        letterhead=[sender.organisation, *sender.address, sender.contact_line],
        date=letter_date(dated),
        inside_address=_inside_address(office),
        subject=f"Re: the petition “{title}”, signed by {_constituents(signed.count)}",
        salutation=office.salutation,
        blocks=[
            Block("text", _who_signed(office, title, signed)),
            *_the_ask(signed),
            Block("text", VERIFIED),
            *_unresolved(office, signed),
            Block("text", _what_follows(signed, csv_name)),
            Block(
                "text",
                "We would be glad to discuss the petition with you or your staff. Please "
                f"write to {sender.contact_name} at {sender.contact_email} or call "
                f"{sender.contact_phone}.",
            ),
        ],
        signature=[sender.contact_name, sender.organisation],
    )


def _inside_address(office: OfficeInfo) -> list[str]:
    lines = [office.addressee if office.vacant else f"The Honorable {office.full_name}"]
    lines.append(office.seat)
    if office.address:
        lines += envelope_lines(office.address)
    return lines


def envelope_lines(address: str) -> list[str]:
    """The legislators file's one-line address as an envelope has it: `2132 Rayburn House
    Office Building` over `Washington, DC 20515-3212`; any other shape as it is."""
    found = CAPITOL.match(address.strip())
    return [found["building"], f"Washington, DC {found['zip']}"] if found else [address]


def _constituents(count: int) -> str:
    return "one of your constituents" if count == 1 else f"{count:,} of your constituents"


def constituents(count: int) -> str:
    return "1 constituent" if count == 1 else f"{count:,} constituents"


def _who_signed(office: OfficeInfo, title: str, signed: Signed) -> str:
    if signed.first.date() == signed.last.date():
        when = f"on {letter_date(signed.first)}"
    else:
        when = f"between {letter_date(signed.first)} and {letter_date(signed.last)}"
    who = _constituents(signed.count)
    who = who[0].upper() + who[1:]
    return f"{who} in {office.constituents_in} signed our petition “{title}” {when}."


def _the_ask(signed: Signed) -> list[Block]:
    if len(signed.wordings) == 1:
        ((wording, _),) = signed.wordings
        if not signed.several_versions_exist:
            return [Block("text", "They ask:"), Block("quote", wording.ask)]
        return [
            Block("text", f"They signed its wording {in_effect(wording)}, which asks:"),
            Block("quote", wording.ask),
        ]
    blocks = [
        Block(
            "text",
            "The petition's wording changed while it was open. Each signer signed one of these "
            "versions; the list's last column gives its number.",
        )
    ]
    for wording, count in signed.wordings:
        people = "1 signer" if count == 1 else f"{count:,} signers"
        blocks.append(Block("heading", f"{in_effect(wording)} ({people}): {wording.title}"))
        blocks.append(Block("quote", wording.ask))
    return blocks


def _unresolved(office: OfficeInfo, signed: Signed) -> list[Block]:
    if office.chamber != "senate" or not signed.unresolved:
        return []
    some = "One of them lives" if signed.unresolved == 1 else f"{signed.unresolved:,} of them live"
    return [
        Block(
            "text",
            f"{some} in a ZIP code that spans more than one House district and did not say "
            "which is theirs: they are in your packet and your state's other senator's, and "
            "in no representative's.",
        )
    ]


def _what_follows(signed: Signed, csv_name: str) -> str:
    text = (
        "Their names, towns, ZIP codes and comments follow, in order of ZIP code and surname; "
        f"the same list comes as a spreadsheet, {csv_name}."
    )
    if signed.stories == 1:
        text += (
            " One constituent also asked us to share their own story with you: it follows the list."
        )
    elif signed.stories:
        text += (
            f" {signed.stories:,} constituents also asked us to share their own stories with you: "
            "they follow the list."
        )
    return text
