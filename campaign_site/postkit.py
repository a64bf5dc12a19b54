"""The social team's posts, as pages declare them in front matter (``social:``).

Each post is checked with the rest of the content, so a mistake in one is a
``file: field: what is wrong`` line beside every other; kitpages.py writes the
kit (site/post-kit/: a page per day and posts.csv). Each post's link carries
``utm_source=<network>&utm_medium=social&utm_campaign=<slug>&utm_content=<id>``,
which the console's dashboard counts by post (petition_api/counting/tallies.py).

The campaign (``utm_campaign``) is the petition the post leads to: the one it
names (``petition:``), else the page's own petition, the petition a supporter's
story or story form is for, or the first petition the page links to; a page
that leads to none is counted under the site's name as a slug (families-first).
"""

from __future__ import annotations

import datetime
import re
import string
from dataclasses import dataclass

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from petition_api.formulas import looks_like_formula

from . import checks, frontmatter, links, networks, schema, sharefiles, variantpages

log = get_plugin_logger("campaign_site")


@dataclass(frozen=True)
class Post:
    id: str
    page: str  # src_uri of the page that declares it, and that it links to
    date: datetime.date
    network: str  # a key of networks.NETWORKS
    texts: tuple[str, ...]  # the words, or a message test's variants a, b, ...
    tested: bool  # declared as variants
    graphic: str | None  # the share graphic's path from the site's root
    fmt: str | None  # its format (sharefiles.FORMATS)
    campaign: str  # utm_campaign
    petition: checks.Petition | None  # the petition the post leads to, if any
    links_to: str  # src_uri of the page its link opens: its page, or a variant's

    def versions(self) -> list[tuple[str, str, str]]:
        """(variant letter or "", utm_content, text) for each version of the post: a
        message test's variants are told apart as <id>.a, <id>.b (a dot is never in an
        id, so no variant can pass for another post)."""
        if not self.tested:
            return [("", self.id, self.texts[0])]
        letters = string.ascii_lowercase
        return [(letters[i], f"{self.id}.{letters[i]}", t) for i, t in enumerate(self.texts)]


def read(site: checks.Site, content: checks.Content, site_name: str) -> list[Post]:
    """Every page's posts, by day; problems go to ``content.problems``."""
    posts: list[Post] = []
    declared: dict[str, str] = {}  # post id -> the file declaring it, as editors see it
    for src_uri, meta in content.meta.items():
        entries = meta.get("social")
        if entries is None:
            continue
        shown = f"{site.shown_as}/{src_uri}"
        page = _Page(site, content, src_uri, meta, site_name)
        for n, entry in enumerate(entries, 1):
            post = page.post(n, entry, lambda f, m, s=shown: _report(content, s, f, m))
            if post is None:
                continue
            if post.id in declared:
                where = declared[post.id]
                message = f"{post.id!r} is already a post in {where}"
                _report(content, shown, f"social.{post.id}.id", message)
                continue
            declared[post.id] = shown
            posts.append(post)
    return sorted(posts, key=lambda p: (p.date, p.network, p.id))


def warn(posts: list[Post], site: checks.Site, options) -> None:
    """The build's warnings (errors with --strict): posts to closed petitions, text past
    the fold, and days of the campaign (the plugin's options) with nothing to post."""
    first_day, last_day = options.campaign_first_day, options.campaign_last_day
    for post in posts:
        shown = f"{site.shown_as}/{post.page}: social.{post.id}"
        closes = post.petition.closes if post.petition else None
        if closes and post.date > closes:
            log.warning(
                "%s: goes out on %s, after petition %r closes (%s): its link leads to a "
                "closed petition",
                shown,
                post.date,
                post.petition.slug,
                closes,
            )
        network = networks.NETWORKS[post.network]
        for letter, _, text in post.versions():
            count = networks.length(network, text)
            if network.shown and count > network.shown:
                log.warning(
                    '%s.%s: %d characters; %s shows about %d before "See more"',
                    shown,
                    f"variants.{letter}" if letter else "text",
                    count,
                    network.name,
                    network.shown,
                )
    days = campaign_days(first_day, last_day)
    empty = sorted(days - {post.date for post in posts})
    if empty:
        log.warning(
            "post kit: no post on %s (the campaign runs from campaign_first_day %s to "
            "campaign_last_day %s)",
            ", ".join(day.isoformat() for day in empty),
            first_day,
            last_day,
        )


def campaign_days(first_day, last_day) -> set[datetime.date]:
    """The campaign's days, from the plugin's options; none when neither is set."""
    if first_day is None and last_day is None:
        return set()
    if first_day is None or last_day is None:
        raise PluginError(
            "campaign-site: campaign_first_day and campaign_last_day go together: "
            f"set both or neither (first: {first_day}, last: {last_day})"
        )
    if last_day < first_day:
        raise PluginError(
            f"campaign-site: campaign_last_day {last_day} is before campaign_first_day {first_day}"
        )
    return {first_day + datetime.timedelta(n) for n in range((last_day - first_day).days + 1)}


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "campaign"


def _report(content: checks.Content, shown: str, name: str, message: str) -> None:
    content.problems.append(checks.Problem(shown, name, message))


class _Page:
    """A page that declares posts: what kind of share graphics it has, and where it leads."""

    def __init__(self, site: checks.Site, content: checks.Content, src_uri, meta, site_name):
        self.src_uri = src_uri
        self.charts = list(meta.get("charts") or {})
        self.kind = _kind(site, src_uri, meta)
        self.petitions = {p.slug: p for p in content.petitions}
        self.own = next((p for p in content.petitions if p.page == src_uri), None)
        self.leads_to = _leads_to(site, content, src_uri, meta)
        self.site_slug = slug_of(site_name)

    def post(self, n: int, entry, report) -> Post | None:
        if not isinstance(entry, dict):
            report(f"social[{n}]", "expected a post: id, date, text or variants, ...")
            return None
        name = entry.get("id")
        prefix = f"social.{name}." if isinstance(name, str) and name else f"social[{n}]."
        cleaned, problems = schema.validate(schema.SocialPostConfig, entry, prefix)
        for field, message in problems:
            report(field, message)
        if problems:
            return None
        texts = _texts(cleaned, prefix, report)
        target = self._target(cleaned, prefix, report)
        graphic = self._graphic(cleaned, prefix, report, target[1] if target else self.src_uri)
        petition = self._petition(cleaned, prefix, report)
        if texts is None or target is None or graphic is None or petition is None:
            return None
        if not _within_limit(cleaned, texts, prefix, report):
            return None
        path, fmt = graphic
        return Post(
            id=cleaned["id"],
            page=self.src_uri,
            date=cleaned["date"],
            network=cleaned["network"],
            texts=tuple(texts),
            tested=cleaned["variants"] is not None,
            graphic=path,
            fmt=fmt,
            campaign=petition.slug if petition else self.site_slug,
            petition=petition or None,
            links_to=target[0],
        )

    def _target(self, cleaned, prefix: str, report) -> tuple[str, str] | None:
        """(the src_uri its link opens, the page its graphic is of, as a file): the page's
        own, or its ``page_variant``'s; None when that is no variant of the page's."""
        name = cleaned.get("page_variant")
        if name is None:
            return self.src_uri, self.src_uri
        if self.own is None:
            report(prefix + "page_variant", "only a petition page has variants to link to")
            return None
        names = [variant.name for variant in self.own.variants]
        if name not in names:
            has = f"its variants: {', '.join(names)}" if names else "it declares none"
            report(prefix + "page_variant", f"{name!r} is not a variant of this petition ({has})")
            return None
        return variantpages.source(self.src_uri, name), variantpages.address_source(
            self.src_uri, name
        )

    def _graphic(self, cleaned, prefix: str, report, of: str) -> tuple | None:
        """(path, format), (None, None) for a post with no graphic, None when it is wrong;
        ``of``: the page the graphic is of, as a file (a variant's, or this page)."""
        fmt, chart = cleaned.get("graphic"), cleaned.get("chart")
        if fmt is None:
            if chart is not None:
                report(prefix + "chart", "a chart is for a graphic: add graphic: card or portrait")
                return None
            return None, None
        allowed = sharefiles.FORMATS_OF.get(self.kind, ())
        if fmt not in allowed:
            offered = ", ".join(allowed) or "none: only petition, statistics and story pages"
            report(prefix + "graphic", f"{fmt!r} is not a graphic of this page (it has: {offered})")
            return None
        if self.kind != "statistic":
            if chart is not None:
                report(prefix + "chart", "only a statistics page (with charts:) has charts")
                return None
            return sharefiles.graphic_path(of, fmt), fmt
        if chart is None and len(self.charts) == 1:
            chart = self.charts[0]
        if chart not in self.charts:
            said = f"{chart!r} is not" if chart else "which chart? none is"
            report(prefix + "chart", f"{said} a chart of this page ({', '.join(self.charts)})")
            return None
        return sharefiles.graphic_path(self.src_uri, fmt, chart), fmt

    def _petition(self, cleaned, prefix: str, report) -> checks.Petition | bool | None:
        """The petition the post leads to; False for none (the site's slug); None: wrong."""
        named = cleaned.get("petition")
        if named is None:
            return self.petitions.get(self.leads_to) or False
        if named not in self.petitions:
            slugs = ", ".join(sorted(self.petitions)) or "none yet"
            report(prefix + "petition", f"no petition {named!r} is declared (declared: {slugs})")
            return None
        return self.petitions[named]


def _kind(site: checks.Site, src_uri: str, meta: dict) -> str | None:
    """Which share graphics a page has (sharefiles.FORMATS_OF)."""
    if meta.get("petition") is not None:
        return "petition"
    if meta.get("charts"):
        return "statistic"
    if site.story_dir and src_uri.startswith(f"{site.story_dir}/"):
        return "story"
    return None


def _leads_to(site: checks.Site, content: checks.Content, src_uri: str, meta: dict) -> str | None:
    """The slug of the petition a page is for: its own, its story's or story form's, or
    the first it links to."""
    for petition in content.petitions:
        if petition.page == src_uri:
            return petition.slug
    told = (meta.get("supporter_story") or {}).get("petition")
    form = content.story_forms.get(src_uri)
    if told or (form and form.petition):
        return told or form.petition
    pages = {petition.page: petition.slug for petition in content.petitions}
    text = (site.docs_dir / src_uri).read_text(encoding="utf-8")
    body = frontmatter.split(text)[1]
    for target, _ in links.internal_links(body):
        slug = pages.get(links.resolve(src_uri, target) or "")
        if slug:
            return slug
    return None


def _texts(cleaned: dict, prefix: str, report) -> list[str] | None:
    text, variants = cleaned["text"], cleaned["variants"]
    if text is not None and variants is not None:
        report(prefix + "text", "give text or variants (a message test), not both")
        return None
    if text is None and variants is None:
        report(prefix + "text", "required but missing (or variants: for a message test)")
        return None
    if variants is not None and not 2 <= len(variants) <= len(string.ascii_lowercase):
        report(prefix + "variants", "a message test has 2 to 26 variants (one is text:)")
        return None
    texts = [text] if variants is None else variants
    fine = True
    for field, words in _fields(prefix, variants is not None, texts):
        if not words.strip():
            report(field, "empty: write the post's words")
            fine = False
        elif looks_like_formula(words):
            report(
                field,
                f"starts with {words.lstrip()[0]!r}, which a spreadsheet opening posts.csv "
                "runs as a formula: start with a word",
            )
            fine = False
    return texts if fine else None


def _within_limit(cleaned: dict, texts: list[str], prefix: str, report) -> bool:
    """A text the network refuses is an error, not a warning: it cannot go out as written."""
    network = networks.NETWORKS[cleaned["network"]]
    fine = True
    for field, words in _fields(prefix, cleaned["variants"] is not None, texts):
        count = networks.length(network, words)
        if count > network.limit:
            link = f" with its link as {network.link_weight}" if network.link_weight else ""
            report(field, f"{count} characters{link}; {network.name} takes at most {network.limit}")
            fine = False
    return fine


def _fields(prefix: str, tested: bool, texts: list[str]):
    """(field as editors see it, text): social.<id>.text, or .variants.a, .variants.b"""
    if not tested:
        return [(prefix + "text", texts[0])]
    letters = string.ascii_lowercase[: len(texts)]
    return [(f"{prefix}variants.{letter}", t) for letter, t in zip(letters, texts, strict=True)]
