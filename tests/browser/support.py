"""What a supporter does on a petition page."""

from __future__ import annotations

import itertools
import json

_numbers = itertools.count(1)

SUPPORTER = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "city": "New York",
    "zip": "10004",
}


def unique_email(who: str) -> str:
    return f"{who}-{next(_numbers)}-{id(_numbers)}@example.org"


def fill_in(page, address: str, state: str = "NY", **changes) -> None:
    values = {**SUPPORTER, "email": address, **changes}
    for name, value in values.items():
        page.fill(f"form[data-gs-petition] [name={name}]", value)
    page.select_option("form[data-gs-petition] [name=state]", state)


def wait_for_form_token(page) -> None:
    # Null-safe: after instant navigation the URL changes before the new page's
    # form is in the document, and a throwing predicate ends the wait at once.
    page.wait_for_function(
        "document.querySelector('form[data-gs-petition] [name=form_token]')?.value > ''"
    )


def signature_posts(traffic) -> list[dict]:
    """The JSON bodies the page sent to the signatures endpoint."""
    return [
        json.loads(request.post_data)
        for request in traffic.requests
        if request.method == "POST" and request.url.endswith("/signatures")
    ]
