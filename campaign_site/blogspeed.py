"""Keep mkdocs-material's blog plugin fast when a campaign has thousands of stories.

Two costs grow faster than they need to:

- The plugin asks ``page in blog.posts`` for every page. List membership
  falls back to ``Page.__eq__``, which compares titles, and a title is re-read
  from the Markdown on each comparison: quadratic in the number of stories.
  The answer only ever depends on identity (the plugin keeps the very page
  objects), so we give it a list that answers by identity.
- Each story's excerpt is rendered once per list it appears in (the index,
  its year's archive, each category) by converting the whole story and
  cutting at ``<!-- more -->``. Once the story's own page is rendered its
  Markdown is not needed again, so we keep only the part before the cut.
"""

from __future__ import annotations


class PostList(list):
    def __init__(self, posts):
        super().__init__(posts)
        self._ids = frozenset(id(post) for post in self)

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def _blog(config):
    plugin = config.plugins.get("material/blog")
    return plugin if plugin is not None and plugin.config.enabled else None


def index_posts_by_identity(config) -> None:
    """Swap the blog plugin's post list for a PostList, if the plugin has one."""
    blog = getattr(_blog(config), "blog", None)
    posts = getattr(blog, "posts", None)
    if isinstance(posts, list) and not isinstance(posts, PostList):
        blog.posts = PostList(posts)


def keep_only_the_excerpt(page, config) -> None:
    """After a story's page is rendered, drop the Markdown after the excerpt cut."""
    plugin = _blog(config)
    if plugin is None or not page.markdown:
        return
    separator = plugin.config.post_excerpt_separator
    head, cut, rest = page.markdown.partition(separator)
    if cut and rest.strip():
        # Something must follow the cut so the lists still offer "Continue reading".
        page.markdown = f"{head}{cut}\n\n…\n"
