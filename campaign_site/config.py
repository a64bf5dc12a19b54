"""The plugin's options, as a campaign writes them under ``plugins:`` in mkdocs.yml.

MkDocs checks each against its type before the build starts, so a wrong
value stops the build with the option's name.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .schema import IsoDate, Wording

# The story form's four boxes, each unticked until the supporter ticks it. The build
# publishes the wordings (petitions.json, "stories") and the API records the words a
# supporter ticked, so change them here or in mkdocs.yml, never only in a template.
STORY_CONSENTS = {
    "publish": "You may publish my story on this campaign's website.",
    "name": 'You may show my first name with it (otherwise we say "a parent in" my state).',
    "congress": "You may share my story with my members of Congress.",
    "contact": "You may contact me by email about my story.",
}
# The box beside a petition's comment; a petition's front matter may word it its own way.
COMMENT_SHARE_CONSENT = "You may share my comment as a story (we will ask before using my name)."


class StoryConsentsConfig(base.Config):
    publish = Wording(default=STORY_CONSENTS["publish"])
    name = Wording(default=STORY_CONSENTS["name"])
    congress = Wording(default=STORY_CONSENTS["congress"])
    contact = Wording(default=STORY_CONSENTS["contact"])


class CampaignSiteConfig(base.Config):
    # Where the petition API lives; empty when it is served on the site's own origin.
    api_base = c.Type(str, default="")
    # The build shortcuts (material_internals.py); false renders every page the slow way.
    shortcuts = c.Type(bool, default=True)
    # A share graphic for every petition, chart and story (graphics/); false: only the
    # site's own card (assets/share.png), as the benchmark's baseline builds.
    share_graphics = c.Type(bool, default=True)
    # Drawn pictures and compiled templates, relative to mkdocs.yml; empty: no cache.
    cache_dir = c.Type(str, default=".cache/campaign_site")
    # Where the API's pages and thank-you email invite a supporter to tell their story:
    # a page of this site (from its root) or a full address.
    story_page = c.Type(str, default="stories/tell/")
    # The wording of each box on the story form (story_form: in a page's front matter).
    story_consents = c.SubConfig(StoryConsentsConfig)
    # The wording of the box beside a petition's comment ("comment_shareable").
    comment_share_consent = Wording(default=COMMENT_SHARE_CONSENT)
    # The campaign's first and last day (2026-11-02): the build warns of a day between
    # them with no post in the post kit (postkit.py). Both or neither; none: no warning.
    campaign_first_day = c.Optional(IsoDate())
    campaign_last_day = c.Optional(IsoDate())
