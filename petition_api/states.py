"""US states, DC and territories, and which ZIP prefixes each one uses.

The prefix table is the USPS assignment of three-digit ZIP prefixes. It is a
first check that a ZIP agrees with its state; where the congressional district
table is loaded (`flask congress load`) it refines this ZIP by ZIP. A test
checks that every ZIP/state pair in the Census table passes, so no real signer
is turned away by it.
"""

from __future__ import annotations

STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}

# Represented in the House by a non-voting delegate, and in the Senate by nobody.
NO_SENATORS = frozenset({"DC", "AS", "GU", "MP", "PR", "VI"})

_PREFIX_RANGES = {
    "AL": ["350-369"],
    "AK": ["995-999"],
    "AZ": ["850-865"],
    "AR": ["716-729"],
    "CA": ["900-961"],
    "CO": ["800-816"],
    "CT": ["060-069"],
    "DE": ["197-199"],
    "DC": ["200-200", "202-205", "569-569"],
    "FL": ["320-349"],
    "GA": ["300-319", "398-399"],
    "HI": ["967-968"],
    "ID": ["832-838"],
    "IL": ["600-629"],
    "IN": ["460-479"],
    "IA": ["500-528"],
    "KS": ["660-679"],
    "KY": ["400-427"],
    "LA": ["700-714"],
    "ME": ["039-049"],
    "MD": ["206-219"],
    "MA": ["010-027", "055-055"],
    "MI": ["480-499"],
    "MN": ["550-567"],
    "MS": ["386-397"],
    "MO": ["630-658"],
    "MT": ["590-599"],
    "NE": ["680-693"],
    "NV": ["889-898"],
    "NH": ["030-038"],
    "NJ": ["070-089"],
    "NM": ["870-884"],
    "NY": ["005-005", "063-063", "100-149"],
    "NC": ["270-289"],
    "ND": ["580-588"],
    "OH": ["430-459"],
    "OK": ["730-749"],
    "OR": ["970-979"],
    "PA": ["150-196"],
    "RI": ["028-029"],
    "SC": ["290-299"],
    "SD": ["570-577"],
    "TN": ["370-385"],
    "TX": ["733-733", "750-799", "885-885"],
    "UT": ["840-847"],
    "VT": ["050-059"],
    "VA": ["201-201", "220-246"],
    "WA": ["980-994"],
    "WV": ["247-268"],
    "WI": ["530-549"],
    "WY": ["820-831"],
    "AS": ["967-967"],
    "GU": ["969-969"],
    "MP": ["969-969"],
    "PR": ["006-007", "009-009"],
    "VI": ["008-008"],
}


def _expand(ranges: list[str]) -> frozenset[str]:
    prefixes = set()
    for span in ranges:
        low, high = (int(part) for part in span.split("-"))
        prefixes.update(f"{n:03d}" for n in range(low, high + 1))
    return frozenset(prefixes)


ZIP_PREFIXES = {state: _expand(ranges) for state, ranges in _PREFIX_RANGES.items()}

# Some ZIP areas straddle a state line (about a hundred Census ZCTAs do), so a
# prefix from a neighbouring state is accepted too; "10001" with "CA" is not.
_NEIGHBOURS = {
    "AL": "FL GA MS TN",
    "AZ": "CA CO NM NV UT",
    "AR": "LA MO MS OK TN TX",
    "CA": "AZ NV OR",
    "CO": "AZ KS NE NM OK UT WY",
    "CT": "MA NY RI",
    "DE": "MD NJ PA",
    "DC": "MD VA",
    "FL": "AL GA",
    "GA": "AL FL NC SC TN",
    "ID": "MT NV OR UT WA WY",
    "IL": "IN IA KY MO WI",
    "IN": "IL KY MI OH",
    "IA": "IL MN MO NE SD WI",
    "KS": "CO MO NE OK",
    "KY": "IL IN MO OH TN VA WV",
    "LA": "AR MS TX",
    "ME": "NH",
    "MD": "DE PA VA WV DC",
    "MA": "CT NH NY RI VT",
    "MI": "IN OH WI",
    "MN": "IA ND SD WI",
    "MS": "AL AR LA TN",
    "MO": "AR IL IA KS KY NE OK TN",
    "MT": "ID ND SD WY",
    "NE": "CO IA KS MO SD WY",
    "NV": "AZ CA ID OR UT",
    "NH": "ME MA VT",
    "NJ": "DE NY PA",
    "NM": "AZ CO OK TX UT",
    "NY": "CT MA NJ PA VT",
    "NC": "GA SC TN VA",
    "ND": "MN MT SD",
    "OH": "IN KY MI PA WV",
    "OK": "AR CO KS MO NM TX",
    "OR": "CA ID NV WA",
    "PA": "DE MD NJ NY OH WV",
    "RI": "CT MA",
    "SC": "GA NC",
    "SD": "IA MN MT NE ND WY",
    "TN": "AL AR GA KY MS MO NC VA",
    "TX": "AR LA NM OK",
    "UT": "AZ CO ID NV NM WY",
    "VT": "MA NH NY",
    "VA": "KY MD NC TN WV DC",
    "WA": "ID OR",
    "WV": "KY MD OH PA VA",
    "WI": "IL IA MI MN",
    "WY": "CO ID MT NE SD UT",
}
NEIGHBOURS = {state: frozenset(others.split()) for state, others in _NEIGHBOURS.items()}


def zip_matches_state(zip_code: str, state: str) -> bool:
    """Could a signer in this state have this ZIP? Lenient at borders, never across the map."""
    prefix = zip_code[:3]
    return any(prefix in ZIP_PREFIXES.get(s, ()) for s in {state, *NEIGHBOURS.get(state, ())})
