"""The petitions manifest the API loads, and each petition's thank-you page."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Mapping
from types import SimpleNamespace

from petition_api.petitions import sharing

from . import look, pageurls, sharebox, stories, variantpages
from .checks import Content, Petition, default_story_thanks, thanks_page
from .config import COMMENT_SHARE_CONSENT
from .schema import DEFAULT_CONSENT

MANIFEST_FORMAT = 1
# Where the site offers share links, as each link's utm_content: staff see which
# place brought a friend (the API's confirmed page and email say "confirmed" and
# "thanks-email").
SHARE_PLACES = {
    "petition": "petition-page",  # beside the form, before signing
    "panel": "thank-you-panel",  # after signing with JavaScript
    "thanks": "thank-you-page",  # after signing without
}
STATUS_ORDER = ("open", "upcoming", "closed")

THANKS_PAGE = """\
---
title: "Thank you for signing: {title}"
description: "Check your email to confirm your signature."
template: petition-thanks.html
search:
  exclude: true
---
"""


def generated_at() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when a reproducible build sets it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def manifest(
    entries: list[tuple[Petition, str, str, dict, list[dict]]],
    site: dict | None = None,
    stories: dict | None = None,
    comment_share_consent: str = COMMENT_SHARE_CONSENT,
) -> str:
    """JSON for (petition, page path, thank-you page path, share, variants) entries, the site's
    name and colours for the API's own pages (look.py), and the story form's
    wordings (stories.py). ``comment_share_consent``: the plugin's, for petitions
    that do not word the box beside the comment their own way. ``share``: what the
    API's confirmed page offers to share (``manifest_share``); ``variants``: each
    variant's name, headline and page path (``manifest_variants``)."""
    return json.dumps(
        {
            "format": MANIFEST_FORMAT,
            "generated_at": generated_at(),
            **({"site": site} if site else {}),
            **({"stories": stories} if stories else {}),
            "petitions": [
                {
                    "slug": petition.slug,
                    "title": petition.title,
                    "ask": petition.ask,
                    "goal": petition.goal,
                    "target": petition.target,
                    "opens": _iso(petition.opens),
                    "closes": _iso(petition.closes),
                    "page": page,
                    "thanks_page": thanks,
                    "email_updates_consent": petition.email_updates_consent or DEFAULT_CONSENT,
                    "comment_share_consent": petition.comment_share_consent
                    or comment_share_consent,
                    "share": share,
                    "variants": variants,
                }
                for petition, page, thanks, share, variants in entries
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def site_manifest(config, content: Content, options, drawn: Mapping[str, str]) -> str:
    """petitions.json for this build: ``manifest`` of the site's petitions with the
    paths of their pages, the site's name and colours, and the story forms;
    ``options`` are the plugin's (config.py)."""
    base = pageurls.base_path(config)
    entries = []
    for petition in content.petitions:
        page = base + pageurls.page_url(config, petition.page)
        thanks = base + pageurls.page_url(config, thanks_page(petition.page))
        words = sharebox.words(content.meta.get(petition.page, {}))
        share = manifest_share(petition, base, words, drawn)
        entries.append((petition, page, thanks, share, manifest_variants(config, petition)))
    forms = [
        {
            "page": base + pageurls.page_url(config, form.page),
            "thanks_page": base + pageurls.page_url(config, form.thanks_page),
            "petition": form.petition,
        }
        for form in sorted(content.story_forms.values(), key=lambda f: f.page)
    ]
    if content.story_thanks:
        default_thanks = base + pageurls.page_url(config, content.story_thanks)
    else:
        where = default_story_thanks(options.story_page)
        default_thanks = look.story_url(config, where)
    story_entry = stories.manifest_entry(
        look.story_url(config, options.story_page),
        stories.consents(options.story_consents),
        default_thanks,
        forms,
    )
    return manifest(
        entries,
        look.published(config, options.story_page),
        story_entry,
        options.comment_share_consent,
    )


def manifest_share(
    petition: Petition, base_path: str, words: str | None, drawn: Mapping[str, str]
) -> dict:
    """The petition's "share" in the manifest: the suggested post's words (the API
    adds its own link), what the pictures show, and each picture's path from the
    server's root with its format, label and pixel size (those the build ``drawn``,
    as sharebox.downloads takes them)."""
    pictures = sharebox.downloads("petition", petition.page, drawn=drawn)
    return {
        "text": words or petition.ask,
        "alt": sharebox.described(pictures),
        "graphics": [
            {key: d[key] for key in ("format", "label", "width", "height")}
            | {"url": base_path + d["path"]}
            for d in pictures
        ],
    }


def manifest_variants(config, petition: Petition) -> list[dict]:
    """The petition's variants in the manifest, in their order: the names the API
    records a signature's ``variant`` from, each headline and page path."""
    base = pageurls.base_path(config)
    return [
        {
            "name": variant.name,
            "headline": variant.headline,
            "page": base
            + pageurls.page_url(config, variantpages.address_source(petition.page, variant.name)),
        }
        for variant in petition.variants
    ]


def not_found(config, content: Content) -> dict:
    """What the 404 page shows (theme/404.html): the home page's path, and each
    petition's title and page path, open petitions first. Its script sends the
    visitor of a variant no longer there to the variant's petition."""
    base = pageurls.base_path(config)
    shown = [
        {"title": petition.title, "page": base + pageurls.page_url(config, petition.page),
         "status": status(petition, datetime.date.today())}
        for petition in content.petitions
    ]  # fmt: skip
    shown.sort(key=lambda link: STATUS_ORDER.index(link["status"]))
    return {"home": base, "petitions": shown}


def thanks_markdown(petition: Petition) -> str:
    return THANKS_PAGE.format(title=petition.title.replace('"', '\\"'))


def template_values(
    petition: Petition,
    page_url: str,
    thanks_url: str,
    base_path: str,
    api_base: str,
    site_url: str,
    comment_share_consent: str = COMMENT_SHARE_CONSENT,
    share_words: str | None = None,
    *,
    drawn: Mapping[str, str],
) -> dict:
    """What the petition partials need, with dates as text; ``comment_share_consent``
    as in ``manifest``; ``share_words``: the suggested post's (front matter's
    ``share.text``), the ask when None; ``drawn``: the share graphics the build drew,
    as sharebox.downloads takes them."""
    share = share_links(petition, page_url, site_url)
    words = share_words or petition.ask
    return {
        "slug": petition.slug,
        "title": petition.title,
        "ask": petition.ask,
        "goal": petition.goal,
        "target": petition.target,
        "opens": long_date(petition.opens),
        "closes": long_date(petition.closes),
        "email_updates_consent": petition.email_updates_consent,
        "comment_share_consent": petition.comment_share_consent or comment_share_consent,
        "page_url": page_url,
        "page_path": base_path + page_url,
        "api_base": api_base.rstrip("/"),
        "thanks_url": thanks_url,
        "status": status(petition, datetime.date.today()),
        "share": share,
        # The share box's (partials/petition-share.html), for each place in SHARE_PLACES.
        "share_text": {place: _post(words, links) for place, links in share.items()},
        "share_downloads": (pictures := sharebox.downloads("petition", petition.page, drawn=drawn)),
        "share_alt": sharebox.described(pictures),
        "variant": "",  # a variant page's name (variantpages.py), sent with the signature
    }


def _post(words: str, links: list[dict]) -> str:
    link = next(link for link in links if link["network"] == "link")
    return sharing.post_text(words, link["url"], "Sign:")


def share_links(petition: Petition, page_url: str, site_url: str) -> dict[str, list[dict]]:
    """The API's share links (the same networks as its confirmed page and thank-you
    email), for each place in SHARE_PLACES. ``page_url`` is relative to ``site_url``."""
    shared = SimpleNamespace(page="/" + page_url, title=petition.title, ask=petition.ask)
    return {
        place: [
            link._asdict()
            for link in sharing.share_links(
                shared, site_url or "/", content=content, signed=place != "petition"
            )
        ]
        for place, content in SHARE_PLACES.items()
    }


def cards(values: list[tuple[dict, str]]) -> list[dict]:
    """The home page's petition cards: (template values, page description) pairs,
    open petitions first, then those still to open, then closed ones."""
    listed = [{**petition, "description": description} for petition, description in values]
    return sorted(listed, key=lambda card: STATUS_ORDER.index(card["status"]))


def status(petition: Petition, today: datetime.date) -> str:
    """The status at build time; the script corrects it from the API."""
    if petition.opens and today < petition.opens:
        return "upcoming"
    if petition.closes and today > petition.closes:
        return "closed"
    return "open"


def long_date(day: datetime.date | None) -> str | None:
    """As supporters read a date on the page: March 31, 2027."""
    return f"{day:%B} {day.day}, {day.year}" if day else None


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None
