"""Stories in the search index by their title, summary and tags, not their full text.

The theme's search downloads one index file on every first page load and
builds it in the browser before the first search. Indexed in full, stories
are nine tenths of it and it grows with each one: about 1.4 MB at 1,000
stories, 7 MB at 5,000, a long wait on a phone for a supporter who came to
sign. Every story already has a description (required: it is the summary in
the lists, the feed and shares), so the index gets one entry per story with
its title, description and tags: a story is found by what it is about, and
its full text is one click away. Petitions, policy and statistics pages are
indexed in full as before. This also spares the search plugin from parsing
every story's HTML.

How: each story's page asks the search plugin to leave it out (``search:
exclude``, a documented front-matter setting), and after the build we add
the entries to ``search/search_index.json`` in the plugin's own format
(``location``, ``title``, ``text``, ``tags``). A story whose front matter
already says ``search: {exclude: true}`` stays out.
"""

from __future__ import annotations

import html
import json
import os


def leave_out_of_full_text(page) -> bool:
    """Ask the search plugin to skip this story; False if the story is excluded anyway."""
    search = page.meta.get("search")
    search = dict(search) if isinstance(search, dict) else {}
    if search.get("exclude"):
        return False
    page.meta["search"] = {**search, "exclude": True}
    return True


def entry(page, description: str, tags) -> dict:
    """The story's entry, as the search plugin writes one for a page's first section."""
    item = {
        "location": page.url,
        "title": page.title or "",
        "text": f"<p>{html.escape(description, quote=False)}</p>" if description else "",
    }
    if isinstance(tags, list):
        item["tags"] = [str(tag) for tag in tags if tag]
    boost = (page.meta.get("search") or {}).get("boost")
    if boost is not None:
        item["boost"] = boost
    return item


def add_to_index(site_dir: str, entries: list[dict]) -> None:
    """Append the entries to the index the search plugin wrote, if it wrote one."""
    path = os.path.join(site_dir, "search", "search_index.json")
    if not entries or not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        index = json.load(handle)
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(docs, list):
        return  # not the format we know: leave the plugin's index as it is
    docs.extend(entries)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(index, handle, separators=(",", ":"), default=str)
