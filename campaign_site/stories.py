"""The story form: what its partial needs, its thank-you page, and its manifest entry.

Any page can show the form (``story_form:`` in its front matter); the page at
the plugin's ``story_page`` (stories/tell/) is the one the API's confirmed
page links to, with ``?petition=<slug>``. The form posts to the API's
``/api/stories`` without JavaScript; story.js only adds a form token, the
petition named in the address, and where the supporter came from.

The build publishes the wording of the four boxes in petitions.json, so the
API records the exact words a supporter ticked:

    "stories": {"page": "/stories/tell/",
                "consents": {"publish": "...", "name": "...",
                             "congress": "...", "contact": "..."},
                "thanks_page": "/stories/tell/thanks/",
                "forms": [{"page": "/stories/tell/", "thanks_page": "/stories/tell/thanks/",
                           "petition": null}]}

``forms`` lists every page with the form and where the API should send a
supporter who posted from it (the form's ``page`` field names the page).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from urllib.parse import urlsplit

from mkdocs.plugins import get_plugin_logger

from .checks import Content, Petition, Site, StoryForm

log = get_plugin_logger("campaign_site")

CONSENTS = ("publish", "name", "congress", "contact")  # the boxes, in the form's order

THANKS_PAGE = """\
---
title: Check your email to confirm your story
description: >-
  We sent you a link to confirm your story.
  Staff read every story before anything is shared.
search:
  exclude: true
---

# Check your email to confirm your story

Thank you for telling us your story. We sent you an email with a link: your
story reaches us once you open it and press its button.

A member of our staff reads every story before anything is shared. Nothing is
published or shared in any way you did not tick on the form.
"""


def consents(options) -> dict[str, str]:
    """The plugin's ``story_consents``, by box, in the form's order."""
    return {name: options[name] for name in CONSENTS}


def template_values(
    form: StoryForm,
    page_path: str,
    api_base: str,
    wordings: dict[str, str],
    petitions: dict[str, str],
) -> dict:
    """What partials/story-form.html needs. ``petitions``: slug -> title of every petition,
    for the script to name the one in the address (only when the page names none)."""
    return {
        "api_base": api_base.rstrip("/"),
        "page_path": page_path,
        "petition": form.petition or "",
        "petition_title": petitions.get(form.petition or "", ""),
        "petitions": {} if form.petition else petitions,
        "consents": wordings,
    }


def manifest_entry(
    story_url: str, wordings: dict[str, str], default_thanks: str, forms: list[dict]
) -> dict:
    """The manifest's ``stories`` object (see the module's docstring)."""
    return {
        "page": story_url,
        "consents": wordings,
        "thanks_page": default_thanks,
        "forms": forms,
    }


def story_end(
    told: object,
    petitions: list[Petition],
    petition_url: Callable[[Petition], str],
    story_page: str,
    today: datetime.date,
) -> dict | None:
    """What partials/story-end.html needs to end a supporter's story (its front matter's
    ``supporter_story``) with a call to sign the petition it names; None for a post
    that is no supporter's story. ``petition_url``: a petition's page from the site root;
    ``story_page``: the plugin's option (a page from the root, or an address)."""
    if not isinstance(told, dict):
        return None
    slug = told.get("petition")
    petition = next((p for p in petitions if p.slug == slug), None)
    if petition is None:
        return {"petition": None, "story_url": story_page}
    closed = petition.closes is not None and petition.closes < today
    return {
        "story_url": story_page,
        "petition": {
            "title": petition.title,
            "url": petition_url(petition),
            # A closed petition takes no signatures: the button says what it leads to.
            "button": "Read the petition" if closed else "Sign the petition",
            "closed": closed,
        },
    }


def warn_of_story_page(content: Content, site: Site, option: str) -> None:
    """Warn when the API's pages and email would invite supporters to a page with no form
    (``option``: the plugin's story_page)."""
    if content.story_page is None and not urlsplit(option).scheme:
        log.warning(
            "story_page %r: no page of this site is there, so the API's \"tell your "
            'story" links lead nowhere; add one with story_form: true in its front matter',
            option,
        )
    elif content.story_page and content.story_page not in content.story_forms:
        log.warning(
            "story_page %r (%s/%s) shows no story form: add story_form: true to its front matter",
            option,
            site.shown_as,
            content.story_page,
        )
