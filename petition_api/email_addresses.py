"""When two email addresses are one person's: the rule behind "one signature per person".

Signing, stories, supporters' rights, invalidation and returned mail all match
people by this form of their address, so it lives below every feature.
"""

from __future__ import annotations

# Providers that deliver `name+tag@` to `name@`, and the one that also ignores dots.
PLUS_TAG_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "proton.me",
        "protonmail.com",
        "pm.me",
    }
)
DOT_BLIND_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def canonical_email(email: str) -> str:
    """The form of an address under which one person can sign only once."""
    local, _, domain = email.strip().lower().rpartition("@")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"
