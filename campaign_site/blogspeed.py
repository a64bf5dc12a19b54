"""Keep mkdocs-material's blog plugin fast when a campaign has thousands of stories.

Four costs grow faster than they need to:

- The plugin asks ``page in blog.posts`` for every page. List membership
  falls back to ``Page.__eq__``, which compares titles, and a title is re-read
  from the Markdown on each comparison: quadratic in the number of stories.
  The answer only ever depends on identity (the plugin keeps the very page
  objects), so the plugin gets a list that answers by identity (PostList).
- Each story's excerpt is rendered once per list it appears in (the index,
  its year's archive, each category) by converting the whole story and
  cutting at ``<!-- more -->``. Once the story's own page is rendered its
  Markdown is not needed again, so only the part before the cut is kept
  (without_the_body).
- A story's excerpt is then converted again for every list it is in, though
  the lists at the same depth under ``stories/`` (``page/2/``, ``archive/2024/``,
  ``category/wic/``) get byte-identical excerpts: only relative links differ
  between lists, and relurls.py says when those are alike. The first
  conversion is kept and reused wherever the links come out the same
  (ExcerptOncePerLinkClass). All excerpts convert with one Markdown parser
  instead of one kept per story, about 20 KB each (SharedParser).
- The plugin reads each story's front matter with PyYAML's pure-Python
  loader, about 2 ms a story; libyaml's loader builds the same values many
  times faster (material_internals.py swaps it in).

These classes stand in for parts of the plugin's objects, so they follow the
plugin's code exactly; material_internals.py applies them, and only on the
mkdocs-material versions they were tested with.
"""

from __future__ import annotations

from collections import Counter

from . import relurls


class PostList(list):
    def __init__(self, posts):
        super().__init__(posts)
        self._ids = frozenset(id(post) for post in self)

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


class ExcerptOncePerLinkClass:
    """Stands in for one excerpt's ``render(view, separator)``."""

    def __init__(self, excerpt, render, used: Counter) -> None:
        self.excerpt = excerpt
        self.render = render
        self.used = used
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
                self.used["excerpts reused"] += 1
                return None
        result = self.render(view, separator)
        if self.prefixes is None:
            html = f"{excerpt.content}{excerpt.more or ''}"
            self.prefixes = relurls.prefixes(
                [excerpt.post.url, *relurls.targets_in(html, view.url)]
            )
            key = (separator, relurls.link_class(view.url, self.prefixes))
        self.done[key] = (excerpt.content, excerpt.more, excerpt.toc)
        return result


class _Processors:
    """The two tree processors the plugin looks up on an excerpt's parser, by name."""

    def __init__(self, own) -> None:
        self.items = {name: own[name] for name in SharedParser.PROCESSORS}
        self._names = list(self.items)

    def get_index_for_name(self, name: str) -> int:
        return self._names.index(name)

    def __getitem__(self, key):
        return self.items[self._names[key] if isinstance(key, int) else key]


class SharedParser:
    """Stands in for an excerpt's own Markdown parser.

    Converts with one parser for all excerpts, given this excerpt's two
    processors (its story, and links relative to the list) and reset first,
    as a parser of its own would start out.
    """

    PROCESSORS = ("excerpt", "relpath")

    def __init__(self, shared, own) -> None:
        self._shared = shared
        self.treeprocessors = _Processors(own.treeprocessors)
        self.toc_tokens: list = []

    def convert(self, text: str) -> str:
        shared = self._shared
        shared.reset()
        for priority, name in enumerate(self.PROCESSORS):
            shared.treeprocessors.register(self.treeprocessors[name], name, priority)
        html = shared.convert(text)
        self.toc_tokens = getattr(shared, "toc_tokens", [])
        return html


def without_the_body(markdown: str, separator: str) -> str | None:
    """The story up to the excerpt cut, or None if there is nothing after the cut to drop."""
    head, cut, rest = markdown.partition(separator)
    if not (cut and rest.strip()):
        return None
    # Something must follow the cut so the lists still offer "Continue reading".
    return f"{head}{cut}\n\n…\n"
