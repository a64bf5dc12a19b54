"""Keep the blog plugin linear in the number of stories.

mkdocs-material's blog plugin asks ``page in blog.posts`` for every page it
renders. List membership falls back to ``Page.__eq__``, which compares
titles, and a title without front matter is re-read from the Markdown on
every comparison: with 1,000 stories that is a million Markdown scans. The
answer only ever depends on identity (the plugin puts the very page objects
in the list), so we hand the plugin a list that answers by identity.
"""

from __future__ import annotations


class PostList(list):
    def __init__(self, posts):
        super().__init__(posts)
        self._ids = frozenset(id(post) for post in self)

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def speed_up(config) -> None:
    """Swap the blog plugin's post list for a PostList, if the plugin has one."""
    plugin = config.plugins.get("material/blog")
    blog = getattr(plugin, "blog", None)
    posts = getattr(blog, "posts", None)
    if isinstance(posts, list) and not isinstance(posts, PostList):
        blog.posts = PostList(posts)
