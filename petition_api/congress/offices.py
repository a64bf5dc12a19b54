"""Congressional offices as a packet addresses them, and which offices a signer goes to.

Who goes where (see congress/files.py for office codes):
- a signer's representative: the district the signer chose or the one their
  ZIP resolves to (a ZIP in one district, or a state with one seat: at-large
  states, DC and the territories' delegates); a vacant seat still gets its packet,
  "Office of the <state>-<district> representative (vacant)";
- both senators of the signer's state (none for DC and the territories);
- a signer whose ZIP spans districts and who chose none is "district
  unresolved": senators only, never a House office that may not be theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..states import NO_SENATORS, STATES

ORDINALS = {1: "st", 2: "nd", 3: "rd"}


@dataclass
class OfficeInfo:
    code: str
    chamber: str
    state: str
    full_name: str | None
    party: str | None
    address: str | None
    phone: str | None
    surname: str | None = None  # None: vacant, or a dataset loaded before surnames were kept

    @property
    def vacant(self) -> bool:
        return not self.full_name

    @property
    def title(self) -> str:
        return {
            "senate": "Senator",
            "delegate": "Delegate",
            "commissioner": "Resident Commissioner",
        }.get(self.kind, "Representative")

    @property
    def salutation(self) -> str:
        """`Dear Representative Wasserman Schultz:`, as a letter to the member opens."""
        if self.vacant:
            return "To the staff of this office:"
        return f"Dear {self.title} {self.surname or self.full_name}:"

    @property
    def seat(self) -> str:
        """`Representative for New York's 12th district (NY-12)`, under the member's name."""
        if self.chamber != "senate" and self.code.endswith("-AL") and self.kind == "house":
            return f"Representative for {STATES[self.state]}, at large ({self.code})"
        return f"{self.role.capitalize()} for {self.area} ({self.code})"

    @property
    def constituents_in(self) -> str:
        """Where its constituents live, as a sentence says it: `Alaska`, not `Alaska (at large)`."""
        return STATES[self.state] if self.code.endswith("-AL") else self.area

    @property
    def addressee(self) -> str:
        """`Representative Jerrold Nadler`, or the office of a vacant seat."""
        if self.vacant:
            if self.chamber == "senate":
                return f"Office of the {self.role} for {STATES[self.state]} (vacant)"
            return f"Office of the {self.code} representative (vacant)"
        return f"{self.title} {self.full_name}"

    @property
    def kind(self) -> str:
        if self.chamber == "senate":
            return "senate"
        if self.state == "PR":
            return "commissioner"
        return "delegate" if self.state in NO_SENATORS else "house"

    @property
    def role(self) -> str:
        if self.chamber == "senate":
            return "senior senator" if self.code.endswith("SR") else "junior senator"
        return {"delegate": "delegate", "commissioner": "resident commissioner"}.get(
            self.kind, "representative"
        )

    @property
    def area(self) -> str:
        """Where its constituents live: `New York's 12th district`, `Alaska (at large)`."""
        state = STATES[self.state]
        if self.chamber == "senate" or self.kind in ("delegate", "commissioner"):
            return state
        number = self.code[3:]
        if number == "AL":
            return f"{state} (at large)"
        n = int(number)
        suffix = "th" if 10 <= n % 100 <= 20 else ORDINALS.get(n % 10, "th")
        return f"{state}'s {n}{suffix} district"


def offices_for(state: str, zip_code: str, district: str | None, geo, offices) -> list[str]:
    """The office codes a signer's packet copies go to; never one that is not theirs."""
    if not (district and district in offices and district.startswith(state + "-")):
        district = geo.resolve(state, zip_code)
    codes = [district] if district and district in offices else []
    if state not in NO_SENATORS:
        codes += [c for c in (f"{state}-SR", f"{state}-JR") if c in offices]
    return codes


def by_office(constituents, offices) -> dict[str, list]:
    """Office code -> the constituents it represents, in their order, for people known
    by state and district alone (a story's author): both senators, and the
    representative of the district when it is one of `offices` (code -> OfficeInfo)."""
    senators: dict[str, list[str]] = {}
    for code, office in offices.items():
        if office.chamber == "senate":
            senators.setdefault(office.state, []).append(code)
    found: dict[str, list] = {}
    for person in constituents:
        codes = list(senators.get(person.state, []))
        if person.district in offices:
            codes.append(person.district)
        for code in codes:
            found.setdefault(code, []).append(person)
    return found
