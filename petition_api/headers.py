"""Headers on every answer: pages the API renders cannot be framed or sniffed.

The API's own pages (the confirmation page, the no-JavaScript error page,
error pages) carry a Content-Security-Policy that allows nothing but their
inline style, their inline icon (templates/favicon.html) and forms posting back
here, and no other site may frame them,
so a confirmation button cannot be clickjacked. HSTS in production, where the
API is served over HTTPS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request

PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {site}; "
    "frame-ancestors 'none'; base-uri 'none'; img-src data:"
)
HSTS = "max-age=31536000"  # not includeSubDomains: the organisation's other hosts are not ours


def init_app(app: Flask) -> None:
    production = app.config["ENV"] == "production"
    # A form post here may be redirected to the campaign site (the thank-you page).
    site = urlsplit(app.config["SITE_URL"])
    policy = PAGE_POLICY.format(site=f"{site.scheme}://{site.netloc}")

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # The development server's copy of the built site has its own scripts.
        if response.mimetype == "text/html" and request.endpoint != "site_file":
            # The staff console sets its own (it has a script of its own).
            response.headers.setdefault("Content-Security-Policy", policy)
            # Links on these pages (to the campaign site) must not carry the page's
            # address: on /confirm/ it holds the confirmation token.
            response.headers.setdefault("Referrer-Policy", "no-referrer")
        if production:
            response.headers["Strict-Transport-Security"] = HSTS
        return response
