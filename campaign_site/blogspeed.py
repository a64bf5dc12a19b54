"""Keep mkdocs-material's blog plugin fast when a campaign has thousands of stories.

Three costs grow faster than they need to:

- The plugin asks ``page in blog.posts`` for every page. List membership
  falls back to ``Page.__eq__``, which compares titles, and a title is re-read
  from the Markdown on each comparison: quadratic in the number of stories.
  The answer only ever depends on identity (the plugin keeps the very page
  objects), so we give it a list that answers by identity.
- Each story's excerpt is rendered once per list it appears in (the index,
  its year's archive, each category) by converting the whole story and
  cutting at ``<!-- more -->``. Once the story's own page is rendered its
  Markdown is not needed again, so we keep only the part before the cut.
- The plugin reads each story's front matter with PyYAML's pure-Python
  loader, about 2 ms a story; libyaml's loader builds the same values many
  times faster (our own check has already read every file with it, so a
  story that either loader rejects has stopped the build before this).

Each reaches into the plugin's internals (mkdocs-material 9.x is in
maintenance mode); each checks what it expects to find and otherwise leaves
the plugin as it is, so the build stays correct, only slower.
"""

from __future__ import annotations

import yaml


class PostList(list):
    def __init__(self, posts):
        super().__init__(posts)
        self._ids = frozenset(id(post) for post in self)

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def read_front_matter_with_libyaml(config) -> None:
    """Have the blog plugin parse story front matter with libyaml, if it has it."""
    fast = getattr(yaml, "CSafeLoader", None)
    if _blog(config) is None or fast is None:
        return
    try:
        from material.plugins.blog import structure
    except ImportError:
        return
    if getattr(structure, "SafeLoader", None) is yaml.SafeLoader:
        structure.SafeLoader = fast


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
