"""Read every page's front matter once, validate it, and collect what the build needs.

Problems are gathered for the whole site before anything is rendered, so an
editor sees every mistake in one run as ``file: field: what is wrong``.
"""

from __future__ import annotations

import datetime
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import charts, frontmatter, links, schema, sharetext, variants
from .variants import Variant


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Petition:
    page: str  # src_uri of the page that declares it
    slug: str
    title: str
    ask: str
    goal: int
    target: str
    opens: datetime.date | None
    closes: datetime.date | None
    email_updates_consent: str
    comment_share_consent: str | None  # None: the plugin's comment_share_consent
    variants: tuple[Variant, ...] = ()  # its pages at <page>/v/<name>/


@dataclass(frozen=True)
class StoryForm:
    """A page's story form (``story_form:`` in its front matter)."""

    page: str  # src_uri of the page that shows it
    petition: str | None  # the slug of the petition the stories go with
    thanks_page: str  # src_uri of the page the API sends the supporter to


@dataclass(frozen=True)
class DrawnChart:
    chart: charts.Chart
    labels: list[str]
    series: list[list[float]]
    # Its share graphic's words (kept out of Chart: they change no drawing of the page's).
    headline_number: str = ""
    headline: str = ""


@dataclass
class Content:
    meta: dict[str, dict] = field(default_factory=dict)  # cleaned front matter by src_uri
    petitions: list[Petition] = field(default_factory=list)
    charts: dict[str, list[DrawnChart]] = field(default_factory=dict)  # by page src_uri
    story_forms: dict[str, StoryForm] = field(default_factory=dict)  # by page src_uri
    # Story thank-you pages the build writes because content/ has none there.
    story_thanks_missing: set[str] = field(default_factory=set)
    # A published story's share: its quote (share.quote or its first sentences) and the
    # docs path of the photo its teller consented to, when one is shown.
    story_shares: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    story_page: str | None = None  # src_uri of the plugin's story_page, if it is one here
    story_thanks: str | None = None  # src_uri of the story forms' default thank-you page
    authors: dict[str, str] = field(default_factory=dict)  # story author id -> name
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Site:
    """Where the content is and how the blog is laid out in it."""

    docs_dir: Path
    shown_as: str  # the docs folder as editors see it in messages, e.g. "content"
    story_dir: str | None = None  # e.g. "stories/posts"; None without the blog plugin
    authors_file: str | None = None  # e.g. "stories/.authors.yml"
    story_page: str = "stories/tell/"  # the plugin's option: a page from the root, or an address


def page_folder(src_uri: str) -> str:
    """The folder a page's URL names: petitions/wic.md -> petitions/wic."""
    stem = src_uri.removesuffix(".md")
    if posixpath.basename(stem) in ("index", "README"):
        return posixpath.dirname(stem)
    return stem


def thanks_page(src_uri: str) -> str:
    return posixpath.join(page_folder(src_uri), "thanks.md")


def page_source(path: str, known: set[str]) -> str | None:
    """The Markdown file of a page named from the site's root, as an editor writes it:
    stories/tell/thanks/, /stories/tell/thanks/, stories/tell/thanks.md (or .html)."""
    path = path.split("#", 1)[0].split("?", 1)[0].strip().lstrip("/")
    if path.endswith(".md"):
        return path if path in known else None
    stem = posixpath.normpath(path.removesuffix(".html")) if path else "."
    if stem == "." or stem.startswith("../"):
        stem = ""
    folder = f"{stem}/" if stem else ""
    candidates = [f"{stem}.md"] if stem else []
    candidates += [f"{folder}index.md", f"{folder}README.md"]
    return next((candidate for candidate in candidates if candidate in known), None)


def default_story_thanks(story_page: str) -> str:
    """Where a story form sends supporters unless it says otherwise: the story page's
    thanks/ (stories/tell/thanks/), or stories/tell/thanks/ when that is an address."""
    if urlsplit(story_page).scheme:
        story_page = "stories/tell/"
    stem = story_page.split("?", 1)[0].strip("/").removesuffix(".html").removesuffix(".md")
    stem = stem.removesuffix("/index")
    return f"{stem}/thanks/" if stem else "thanks/"


def chart_file(src_uri: str, chart_id: str) -> str:
    return posixpath.join(page_folder(src_uri), f"{chart_id}.svg")


def check(site: Site) -> Content:
    content = Content()
    known = set(_files(site.docs_dir))
    authors = _authors(site)
    content.authors = authors or {}
    bodies: dict[str, tuple[str, int]] = {}
    for src_uri in sorted(p for p in known if p.endswith(".md")):
        report = _reporter(content, f"{site.shown_as}/{src_uri}")
        text = (site.docs_dir / src_uri).read_text(encoding="utf-8")
        try:
            data, body, first_line = frontmatter.split(text)
        except frontmatter.FrontMatterError as error:
            report("front matter", str(error))
            continue
        bodies[src_uri] = (body, first_line)
        is_story = bool(site.story_dir) and src_uri.startswith(f"{site.story_dir}/")
        page_schema = schema.StoryConfig if is_story else schema.PageConfig
        cleaned, problems = schema.validate(page_schema, data)
        for name, message in problems:
            report(name, message)
        content.meta[src_uri] = cleaned
        if is_story and authors is not None:
            _check_authors(cleaned.get("authors") or [], authors, site, report)
        if cleaned.get("image") and cleaned["image"] not in known:
            report("image", f"no file at {cleaned['image']} (a path from {site.shown_as}/)")
        if cleaned.get("petition") is not None:
            _petition(content, src_uri, cleaned["petition"], known, site.shown_as, report)
        if cleaned.get("charts") is not None:
            _charts(content, site, src_uri, cleaned["charts"], report)
        if cleaned.get("story_form"):
            _story_form(content, src_uri, cleaned["story_form"], report)
        share = _share(cleaned, src_uri, is_story, known, report)
        if is_story and not cleaned.get("draft") and share is not None:
            quote = share.get("quote") or sharetext.first_sentences(body)
            photo = _story_photo(src_uri, cleaned, share, known, report)
            content.story_shares[src_uri] = (quote, photo)
    known |= {thanks_page(p.page) for p in content.petitions}
    for src_uri in list(content.story_forms):
        report = _reporter(content, f"{site.shown_as}/{src_uri}")
        _story_form_targets(content, site, src_uri, known, report)
    known |= content.story_thanks_missing
    if not urlsplit(site.story_page).scheme:
        content.story_page = page_source(site.story_page, known)
    content.story_thanks = page_source(default_story_thanks(site.story_page), known)
    for src_uri, (body, first_line) in bodies.items():
        _links(src_uri, body, first_line, known, _reporter(content, f"{site.shown_as}/{src_uri}"))
    return content


def _reporter(content: Content, shown: str):
    def report(name: str, message: str) -> None:
        content.problems.append(Problem(shown, name, message))

    return report


def _files(docs_dir: Path):
    for root, dirs, names in os.walk(docs_dir):
        # MkDocs leaves dot-files and dot-folders out of the site; so do we.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folder = Path(root).relative_to(docs_dir).as_posix()
        for name in names:
            if not name.startswith("."):
                yield name if folder == "." else f"{folder}/{name}"


def _authors(site: Site) -> dict[str, str] | None:
    """Author id -> display name, from the blog's authors file."""
    if not site.authors_file:
        return None
    path = site.docs_dir / site.authors_file
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        key: (value or {}).get("name", key) if isinstance(value, dict) else key
        for key, value in (data.get("authors") or {}).items()
    }


def _check_authors(names, authors: dict[str, str], site: Site, report) -> None:
    for name in names:
        if name not in authors:
            report("authors", f"{name!r} is not in {site.shown_as}/{site.authors_file}")


def _petition(content: Content, src_uri: str, data: dict, known, shown_as: str, report) -> None:
    cleaned, problems = schema.validate(schema.PetitionConfig, data, prefix="petition.")
    for name, message in problems:
        report(name, message)
    declared = variants.check(src_uri, cleaned.pop("variants", None), known, shown_as, report)
    if problems:
        return
    if cleaned["opens"] and cleaned["closes"] and cleaned["closes"] < cleaned["opens"]:
        report("petition.closes", f"{cleaned['closes']} is before opens ({cleaned['opens']})")
        return
    for other in content.petitions:
        if other.slug == cleaned["slug"]:
            report("petition.slug", f"{other.slug!r} is already declared in {other.page}")
            return
    content.petitions.append(Petition(page=src_uri, **cleaned, variants=declared))


def _share(cleaned: dict, src_uri: str, is_story: bool, known: set[str], report) -> dict | None:
    """The page's ``share:`` block, checked (None when it has problems)."""
    share, problems = schema.validate(schema.ShareConfig, cleaned.get("share") or {}, "share.")
    for name, message in problems:
        report(name, message)
    photo = share.get("photo")
    if problems or not isinstance(photo, str):
        return None if problems else share
    told = cleaned.get("supporter_story") or {}
    consented = told.get("image") if isinstance(told, dict) else None
    path = links.resolve(src_uri, photo)
    if not is_story:
        report("share.photo", "only a story's graphics show a photo")
    elif path is None or path not in known:
        report("share.photo", f"no file at {photo} (a path from this page's folder)")
    elif not consented:
        report(
            "share.photo",
            "this story has no photo published with its teller's consent "
            "(supporter_story.image); remove share.photo or write false",
        )
    elif path != links.resolve(src_uri, consented):
        report("share.photo", f"{photo} is not the photo its teller consented to ({consented})")
    else:
        return share
    return None


def _story_photo(src_uri: str, cleaned: dict, share: dict, known: set[str], report) -> str | None:
    """The photo a story's graphics show: the one published with consent, unless
    ``share.photo: false``. A file of content/ only: the build reads it into a public
    picture, so a path out of the folder (or to nothing) is an error."""
    told = cleaned.get("supporter_story")
    if share.get("photo") is False or not isinstance(told, dict) or not told.get("image"):
        return None
    path = links.resolve(src_uri, str(told["image"]))
    if path is None or path not in known:
        report(
            "supporter_story.image", f"no file at {told['image']} (a path from this page's folder)"
        )
        return None
    return path


def _story_form(content: Content, src_uri: str, data: bool | dict, report) -> None:
    """The form's options; the petition and thank-you page are checked once all are read."""
    options = {} if data is True else data
    cleaned, problems = schema.validate(schema.StoryFormConfig, options, prefix="story_form.")
    for name, message in problems:
        report(name, message)
    if not problems:
        content.story_forms[src_uri] = StoryForm(
            src_uri, cleaned["petition"], cleaned["thanks_page"]
        )


def _story_form_targets(
    content: Content, site: Site, src_uri: str, known: set[str], report
) -> None:
    form = content.story_forms[src_uri]
    petition = form.petition
    declared = {p.slug: p for p in content.petitions}
    if petition is None:
        # On a petition's own page, stories go with that petition.
        petition = next((p.slug for p in content.petitions if p.page == src_uri), None)
    elif petition not in declared:
        slugs = ", ".join(sorted(declared)) or "none yet"
        report("story_form.petition", f"no petition {petition!r} is declared (declared: {slugs})")
        petition = None
    default = default_story_thanks(site.story_page)
    wanted = form.thanks_page or default
    thanks = page_source(wanted, known)
    if thanks is None and _same_page(wanted, default):
        # No page there yet: the build writes the standard one (stories.py).
        thanks = f"{default.strip('/')}.md"
        content.story_thanks_missing.add(thanks)
    if thanks is None:
        report(
            "story_form.thanks_page",
            f"no page at {wanted!r} (a page of this site from its root, like {default})",
        )
        content.story_forms.pop(src_uri)
        return
    content.story_forms[src_uri] = StoryForm(src_uri, petition, thanks)


def _same_page(one: str, other: str) -> bool:
    def normal(path: str) -> str:
        return path.strip().strip("/").removesuffix(".md").removesuffix(".html")

    return normal(one) == normal(other)


def _charts(content: Content, site: Site, src_uri: str, data: dict, report) -> None:
    drawn = []
    for chart_id, options in data.items():
        prefix = f"charts.{chart_id}."
        if not isinstance(chart_id, str) or not schema.Slug.PATTERN.fullmatch(chart_id):
            report(f"charts.{chart_id}", "a chart id is lower-case letters, digits and hyphens")
            continue
        if not isinstance(options, dict):
            report(f"charts.{chart_id}", "expected the chart's options (data, kind, x, y, ...)")
            continue
        cleaned, problems = schema.validate(schema.ChartConfig, options, prefix=prefix)
        for name, message in problems:
            report(name, message)
        if problems:
            continue
        docs_path = links.resolve(src_uri, cleaned["data"])
        number, headline = cleaned.pop("headline_number"), cleaned.pop("headline")
        chart = charts.Chart(page=src_uri, id=chart_id, **{**cleaned, "data": docs_path or ""})
        try:
            charts.check_options(chart)
            if docs_path is None:
                raise charts.DataError("data", f"{cleaned['data']} is outside the docs folder")
            labels, series = charts.read_table(site.docs_dir / docs_path, chart)
        except charts.DataError as error:
            report(prefix + error.field, str(error))
            continue
        drawn.append(DrawnChart(chart, labels, series, number, headline or chart.title))
    content.charts[src_uri] = drawn


def _links(src_uri: str, body: str, first_line: int, known: set[str], report) -> None:
    for target, offset in links.internal_links(body):
        path = links.resolve(src_uri, target)
        if path is None or not links.exists(path, known):
            report("links", f"line {first_line + offset}: {target!r} points to no page or file")
