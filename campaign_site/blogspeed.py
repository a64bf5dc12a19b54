"""Keep mkdocs-material's blog plugin fast when a campaign has thousands of stories.

Four costs grow faster than they need to:

- The plugin asks ``page in blog.posts`` for every page. List membership
  falls back to ``Page.__eq__``, which compares titles, and a title is re-read
  from the Markdown on each comparison: quadratic in the number of stories.
  The answer only ever depends on identity (the plugin keeps the very page
  objects), so we give it a list that answers by identity.
- Each story's excerpt is rendered once per list it appears in (the index,
  its year's archive, each category) by converting the whole story and
  cutting at ``<!-- more -->``. Once the story's own page is rendered its
  Markdown is not needed again, so we keep only the part before the cut.
- A story's excerpt is then converted again for every list it is in, though
  the lists at the same depth under ``stories/`` (``page/2/``, ``archive/2024/``,
  ``category/wic/``) get byte-identical excerpts: only relative links differ
  between lists, and relurls.py says when those are alike. The first
  conversion is kept and reused wherever the links come out the same.
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

from . import relurls


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


class _ExcerptOncePerLinkClass:
    """Stands in for one excerpt's ``render(view, separator)``."""

    def __init__(self, excerpt, render) -> None:
        self.excerpt = excerpt
        self.render = render
        self.prefixes: set | None = None  # of what the excerpt links to, after one conversion
        self.done: dict[tuple, tuple] = {}

    def __call__(self, view, separator):
        excerpt = self.excerpt
        key = None
        if self.prefixes is not None:
            key = (separator, relurls.link_class(view.url, self.prefixes))
            kept = self.done.get(key)
            if kept is not None:
                excerpt.content, excerpt.more, excerpt.toc = kept
                return None
        result = self.render(view, separator)
        if self.prefixes is None:
            html = f"{excerpt.content}{excerpt.more or ''}"
            post_url = getattr(getattr(excerpt, "post", None), "url", None)
            self.prefixes = relurls.prefixes([post_url, *relurls.targets_in(html, view.url)])
            key = (separator, relurls.link_class(view.url, self.prefixes))
        self.done[key] = (excerpt.content, excerpt.more, excerpt.toc)
        return result


class _Processors:
    """The two tree processors the plugin looks up on an excerpt's parser, by name."""

    def __init__(self, own) -> None:
        self.items = {name: own[name] for name in ("excerpt", "relpath")}
        self._names = list(self.items)

    def get_index_for_name(self, name: str) -> int:
        return self._names.index(name)

    def __getitem__(self, key):
        return self.items[self._names[key] if isinstance(key, int) else key]


class _SharedParser:
    """Stands in for an excerpt's own Markdown parser (one per story, about 20 KB each).

    Converts with one parser for all excerpts, given this excerpt's two
    processors (its story, and links relative to the list) and reset first,
    as a parser of its own would start out.
    """

    def __init__(self, shared, own) -> None:
        self._shared = shared
        self.treeprocessors = _Processors(own.treeprocessors)
        self.toc_tokens: list = []

    def convert(self, text: str) -> str:
        shared = self._shared
        shared.reset()
        shared.treeprocessors.register(self.treeprocessors["excerpt"], "excerpt", 0)
        shared.treeprocessors.register(self.treeprocessors["relpath"], "relpath", 1)
        html = shared.convert(text)
        self.toc_tokens = getattr(shared, "toc_tokens", [])
        return html


def share_one_parser(page, state: dict) -> None:
    """Let this story's excerpt convert with the parser of the first excerpt."""
    excerpt = getattr(page, "excerpt", None)
    own = getattr(excerpt, "md", None)
    processors = getattr(own, "treeprocessors", None)
    try:
        ready = all(name in processors for name in ("excerpt", "relpath"))
    except TypeError:
        ready = False
    if not ready or not hasattr(own, "reset"):
        return
    if "parser" not in state:
        state["parser"] = own  # the first excerpt's parser serves them all
    excerpt.md = _SharedParser(state["parser"], own)


def convert_each_excerpt_once_per_link_class(page) -> None:
    """Wrap the excerpt the blog plugin has just made for this story, if it made one."""
    excerpt = getattr(page, "excerpt", None)
    render = getattr(excerpt, "render", None)
    if render is None or "render" in vars(excerpt) or not hasattr(excerpt, "post"):
        return
    excerpt.render = _ExcerptOncePerLinkClass(excerpt, render)


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
