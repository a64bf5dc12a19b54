"""Which offices will receive a signature, by name, for the supporter who gave it.

The same rule the packets follow (offices.py `offices_for`: the district's
representative, or none while the district is unresolved, and both senators),
read from the active dataset's members as the API process keeps them
(congress/geography.py), so the confirmation page and the thank-you email ask
the database nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..states import NO_SENATORS, STATES
from .geography import geography
from .offices import OfficeInfo, offices_for

SENATE_SEATS = ("SR", "JR")


@dataclass(frozen=True)
class Recipients:
    """The offices a signature goes to: the representative first, then the senators."""

    state: str
    district: str | None  # the House district, None while unresolved
    offices: tuple[OfficeInfo, ...] = ()
    loaded: bool = True  # False: no congressional data is loaded yet

    @property
    def state_name(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def has_senators(self) -> bool:
        return self.state not in NO_SENATORS

    @property
    def senators_only(self) -> bool:
        """The district is unknown: delivered to the senators, never a House office."""
        return self.loaded and self.district is None and self.has_senators

    def __iter__(self):
        return iter(self.offices)

    def __len__(self) -> int:
        return len(self.offices)


def for_signature(signature) -> Recipients:
    """The named offices for a signature (anything with state, zip and district)."""
    return for_signer(signature.state, signature.zip, signature.district)


def for_signer(state: str, zip_code: str, district: str | None) -> Recipients:
    geo = geography()
    if not geo.loaded:
        return Recipients(state, None, loaded=False)
    codes = offices_for(state, zip_code or "", district, geo, geo.members)
    house = next((c for c in codes if not _senate(c)), None)
    return Recipients(state, house, tuple(_office(code, geo.members[code]) for code in codes))


def _senate(code: str) -> bool:
    return code.rpartition("-")[2] in SENATE_SEATS


def _office(code: str, full_name: str | None) -> OfficeInfo:
    chamber = "senate" if _senate(code) else "house"
    return OfficeInfo(code, chamber, code[:2], full_name, None, None, None)
