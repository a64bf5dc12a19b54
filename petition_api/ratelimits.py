"""Rate limits per address (Flask-Limiter), shared by every route that needs one.

An address is what ProxyFix settled on (X-Forwarded-For from trusted proxies).
Limits count an IPv6 address by its /64: one household or phone gets a whole
/64 and can rotate through it at will, so counting single addresses would
count nothing. What is stored with a signature is the full address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.exceptions import TooManyRequests

from .errors import respond


def client_ip() -> str:
    """The client's address, as stored and audited."""
    return request.remote_addr or "unknown"


def client_network() -> str:
    """What limits count: the address, or for IPv6 its /64."""
    address = client_ip()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def hidden_network() -> str:
    """The client's network as a keyed hash (HMAC-SHA256 with SECRET_KEY): a limit
    counted by it keeps no address in the rate-limit store (memory or Redis), and
    nobody without the key can tell from a stored key whose network it was."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, client_network().encode(), hashlib.sha256).hexdigest()[:32]


limiter = Limiter(
    key_func=client_network,
    # Only a 429 says when to come back (Retry-After); successful answers
    # carry no rate-limit headers.
    headers_enabled=False,
    # A rate-limit store that is down must not stop people signing.
    swallow_errors=True,
)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATELIMIT_STORAGE_URL"])
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["RATELIMIT_PREFIX"])
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many)


def _other_requests() -> str:
    return current_app.config["LIMIT_IP_OTHER"]


def per_address(route: Callable) -> Callable:
    """One shared budget per address for the routes that are not signing itself:
    form tokens, confirmation presses, staff downloads (anonymous ones write audit rows)."""
    return limiter.shared_limit(_other_requests, scope="ip-other")(route)


def per_address_unless(exempt: Callable[[], bool], setting: str) -> Callable[[Callable], Callable]:
    """The same budget, except for requests `exempt` picks (not a person's: a mail
    provider's), which get a larger budget of their own, the setting `setting`."""

    def decorate(route: Callable) -> Callable:
        own = limiter.limit(lambda: current_app.config[setting], exempt_when=lambda: not exempt())
        return limiter.shared_limit(_other_requests, scope="ip-other", exempt_when=exempt)(
            own(route)
        )

    return decorate


def per_hidden_network(setting: str, scope: str) -> Callable[[Callable], Callable]:
    """A budget per network (the setting `setting`) whose key is `hidden_network()`:
    for the view beacon, which promises to store no address, not even for a minute."""
    return limiter.limit(lambda: current_app.config[setting], key_func=hidden_network, scope=scope)


def retry_after() -> int:
    """Seconds until the limit just exceeded lets requests through again."""
    current = limiter.current_limit
    if not current:
        return 60
    # reset_at is rounded to whole seconds: never promise more than one window.
    return min(max(1, math.ceil(current.reset_at - time.time())), current.limit.get_expiry())


def _too_many(error: RateLimitExceeded):
    wait = retry_after()
    return respond(
        TooManyRequests(
            f"Too many requests from your network right now. Please try again in {wait} seconds.",
            retry_after=wait,
        )
    )
