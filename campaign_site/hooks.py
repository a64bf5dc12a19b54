"""MkDocs hooks entry point: mkdocs.yml lists this file under ``hooks:``."""

from campaign_site.plugin import CampaignSite

_site = CampaignSite()

on_config = _site.on_config
on_files = _site.on_files
on_env = _site.on_env
on_page_markdown = _site.on_page_markdown
on_page_content = _site.on_page_content
on_post_build = _site.on_post_build
