"""The plugin's options, as a campaign writes them under ``plugins:`` in mkdocs.yml.

MkDocs checks each against its type before the build starts, so a wrong
value stops the build with the option's name.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CampaignSiteConfig(base.Config):
    # Where the petition API lives; empty when it is served on the site's own origin.
    api_base = c.Type(str, default="")
    # The build shortcuts (material_internals.py); false renders every page the slow way.
    shortcuts = c.Type(bool, default=True)
    # Drawn pictures and compiled templates, relative to mkdocs.yml; empty: no cache.
    cache_dir = c.Type(str, default=".cache/campaign_site")
    # Where the API's pages and thank-you email invite a supporter to tell their story:
    # a page of this site (from its root) or a full address.
    story_page = c.Type(str, default="stories/tell/")
