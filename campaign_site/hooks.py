"""MkDocs hooks entry point: mkdocs.yml lists this file under ``hooks:``."""

from mkdocs.plugins import event_priority

from campaign_site.plugin import CampaignSite

_site = CampaignSite()

on_config = _site.on_config
on_files = _site.on_files
on_env = _site.on_env
on_page_content = _site.on_page_content
on_post_page = _site.on_post_page


# After the blog plugin (priority -50) has built its list of posts.
@event_priority(-100)
def on_nav(nav, config, files):
    return _site.on_nav(nav, config, files)


# After the blog plugin (priority -50) has made the story's excerpt.
@event_priority(-100)
def on_page_markdown(markdown, page, config, files):
    return _site.on_page_markdown(markdown, page, config, files)


# After the search plugin has written its index (stories are added to it).
@event_priority(-100)
def on_post_build(config):
    return _site.on_post_build(config)
