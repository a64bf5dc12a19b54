"""What editors may write in a page's front matter.

Each kind of block is a typed mkdocs ``Config`` class, as mkdocs-material's
plugins declare their options; ``validate`` walks every option itself
because ``Config.validate`` stops at the first failure and editors want the
whole list at once.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError

from .networks import DEFAULT as DEFAULT_NETWORK
from .networks import NETWORKS

DEFAULT_CONSENT = (
    "Email me updates about this campaign. I can unsubscribe at any time with one click."
)


class IsoDate(BaseConfigOption[datetime.date]):
    """A calendar date: YAML's bare 2026-09-01 or the same text in quotes."""

    def run_validation(self, value: object) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise ValidationError(f"expected a date like 2026-09-01, got {value!r}")


class PositiveInt(BaseConfigOption[int]):
    def run_validation(self, value: object) -> int:
        # bool is an int in Python; "goal: yes" is a mistake, not 1.
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(f"expected a whole number above 0, got {value!r}")
        return value


class Slug(BaseConfigOption[str]):
    """Lower-case words joined by hyphens: it becomes a URL and a database key."""

    PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not self.PATTERN.fullmatch(value):
            raise ValidationError(f"expected lower-case letters, digits and hyphens, got {value!r}")
        return value


class TrueOrFalse(BaseConfigOption[bool]):
    """YAML's true or false, not "yes" in quotes or 1."""

    def run_validation(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"expected true or false, got {value!r}")
        return value


class Wording(BaseConfigOption[str]):
    """A consent's words as supporters read them beside a box; the API records them as given."""

    def __init__(self, default: str | None = None) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"expected the words shown beside the box, got {value!r}")
        return value


class StoryFormSetting(BaseConfigOption[object]):
    """``story_form: true``, or its options under it (checked by ``StoryFormConfig``)."""

    def run_validation(self, value: object) -> bool | dict:
        if isinstance(value, bool | dict):
            return value
        raise ValidationError(
            "expected true, or petition: and thanks_page: under it "
            f"(story_form: {{petition: a-slug}}), got {value!r}"
        )


class Columns(BaseConfigOption[dict]):
    """A chart's value columns: one name, a list of them, or each with its name in the
    legend ({participants: People served, eligible: People eligible}).
    Returns column -> name (None when the editor gave none)."""

    def run_validation(self, value: object) -> dict[str, str | None]:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return dict.fromkeys(value)
        if (
            isinstance(value, dict)
            and value
            and all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
            )
        ):
            return dict(value)
        raise ValidationError(
            "expected a column name, a list of them, or each column with its name in the "
            f"legend (column: Name), got {value!r}"
        )


class WebAddress(BaseConfigOption[str]):
    """A link a reader may follow: http or https, to a named host."""

    def run_validation(self, value: object) -> str:
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(
                f"expected an address like https://www.bls.gov/ebs/, got {value!r}"
            )
        return value


class PhotoSetting(BaseConfigOption[object]):
    """``photo: false`` (no photo on the graphics), or the photo's file beside the page."""

    def run_validation(self, value: object) -> bool | str:
        if value is False or (isinstance(value, str) and value.strip()):
            return value
        raise ValidationError(f"expected false or a photo's file, got {value!r}")


class Words(BaseConfigOption[str]):
    """Text a reader sees on the page: not empty, nor only spaces."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"expected words to show, got {value!r}")
        return value


class VariantList(BaseConfigOption[list]):
    """``petition.variants``: a list, each entry checked by variants.py (VariantConfig)."""

    def run_validation(self, value: object) -> list:
        if not isinstance(value, list):
            raise ValidationError("expected a list of variants, each with name: and headline:")
        return value


class ShareConfig(Config):
    """``share:``: what a page's share graphics and suggested post say (graphics/)."""

    headline = c.Optional(c.Type(str))  # a petition's graphic: instead of its title
    quote = c.Optional(c.Type(str))  # a story's graphic: instead of its first sentences
    alt = c.Optional(c.Type(str))  # og:image:alt, instead of the graphic's own words
    photo = c.Optional(PhotoSetting())  # a story's: false, or the photo its teller consented to
    text = c.Optional(c.Type(str))  # the post a supporter is offered to share


class PetitionConfig(Config):
    slug = Slug()
    title = c.Type(str)
    ask = c.Type(str)
    goal = PositiveInt()
    target = c.Type(str)
    opens = c.Optional(IsoDate())
    closes = c.Optional(IsoDate())
    email_updates_consent = c.Type(str, default=DEFAULT_CONSENT)
    # The box beside the comment; empty: the campaign-site plugin's comment_share_consent.
    comment_share_consent = c.Optional(Wording())
    # The page with another headline, lead and image at <page>/v/<name>/: VariantConfig
    # each, checked by variants.py.
    variants = c.Optional(VariantList())


class VariantConfig(Config):
    """One of ``petition.variants``: what its page says instead of the petition page's."""

    name = Slug()  # the end of its address: <petition page>/v/<name>/
    headline = Words()  # instead of the page's title
    lead = c.Optional(Words())  # instead of the opening paragraph
    image = c.Optional(c.Type(str))  # instead of the opening picture: a file, from the page
    image_alt = c.Optional(Words())  # what the image shows; required with it
    share = c.Optional(c.Type(dict))  # VariantShareConfig


class VariantShareConfig(Config):
    """A variant's ``share:``: what its share graphics say (its headline otherwise)."""

    headline = c.Optional(Words())
    alt = c.Optional(Words())


class StoryFormConfig(Config):
    """``story_form:`` with options: which petition the stories go with, where the API
    sends the supporter after posting (a page of this site, from its root)."""

    petition = c.Optional(Slug())
    thanks_page = c.Optional(c.Type(str))


class ChartConfig(Config):
    data = c.Type(str)
    kind = c.Choice(("line", "bar"))
    x = c.Type(str)
    y = Columns()
    title = c.Type(str)
    alt = c.Type(str)
    # The axes' titles: the value axis always says what its numbers are; years or
    # categories along the bottom often need none. A CSV's column name is never shown.
    y_label = c.Type(str)
    x_label = c.Optional(c.Type(str))
    # Only a line may leave zero out (charts.check_options), and the chart then says so.
    y_from_zero = c.Type(bool, default=True)
    source = c.Optional(c.Type(str))
    source_url = c.Optional(WebAddress())
    # The chart's share graphic: its number in large type ("4 in 5") and what it says
    # (the chart's title when left out).
    headline_number = c.Type(str)
    headline = c.Optional(c.Type(str))


class SocialPostConfig(Config):
    """One post of the social team's kit (``social:``, a list; campaign_site/postkit.py):
    its id (utm_content), its day, its words or a message test's variants, the page's
    share graphic it carries (and the chart, on a statistics page), where it goes out."""

    id = Slug()
    date = IsoDate()
    text = c.Optional(c.Type(str))
    variants = c.Optional(c.ListOfItems(c.Type(str)))
    graphic = c.Optional(c.Type(str))  # a format of the page's kind (sharefiles.FORMATS_OF)
    chart = c.Optional(Slug())
    network = c.Choice(tuple(NETWORKS), default=DEFAULT_NETWORK)
    # The petition the post leads to (utm_campaign); by default the page's own (postkit.py).
    petition = c.Optional(Slug())
    # A variant of the page's petition (variants.py): the post links to its page and
    # carries its graphic.
    page_variant = c.Optional(Slug())


class PageConfig(Config):
    title = c.Optional(c.Type(str))
    description = c.Optional(c.Type(str))
    image = c.Optional(c.Type(str))
    template = c.Optional(c.Type(str))
    hide = c.Optional(c.ListOfItems(c.Choice(("navigation", "toc", "footer", "path", "tags"))))
    search = c.Optional(c.Type(dict))
    tags = c.Optional(c.ListOfItems(c.Type(str)))
    petition = c.Optional(c.Type(dict))
    charts = c.Optional(c.Type(dict))
    story_form = c.Optional(StoryFormSetting())
    share = c.Optional(c.Type(dict))
    social = c.Optional(c.Type(list))  # SocialPostConfig each, checked by postkit.py


class StoryConfig(PageConfig):
    """A blog post: the blog plugin's own keys, with an author and summary required."""

    date = c.Type((datetime.date, dict))
    authors = c.ListOfItems(c.Type(str))
    description = c.Type(str)
    categories = c.Optional(c.ListOfItems(c.Type(str)))
    slug = c.Optional(c.Type(str))
    draft = c.Optional(c.Type(bool))
    pin = c.Optional(c.Type(bool))
    # The home page's featured story (campaign_site/home.py): the newest one marked.
    featured = c.Optional(TrueOrFalse())
    readtime = c.Optional(c.Type(int))
    links = c.Optional(c.Type(list))
    # A supporter's story, written by `flask stories publish`: what allowed it (each
    # consent's record and wording version), the state, the petition and the image.
    supporter_story = c.Optional(c.Type(dict))


def validate(
    schema: type[Config], data: Mapping[str, Any], prefix: str = ""
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Return the cleaned values and every (field, message) problem in ``data``."""
    cleaned: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    known = set()
    for key, option in schema._schema:
        known.add(key)
        value = data.get(key, option.default)
        try:
            cleaned[key] = option.validate(value)
        except ValidationError as error:
            message = str(error)
            if value is None and option.required:
                message = "required but missing"
            problems.append((prefix + key, message))
        option.reset_warnings()
    for key in data:
        if key not in known:
            allowed = ", ".join(sorted(known))
            problems.append((prefix + str(key), f"unknown key (allowed: {allowed})"))
    return cleaned, problems
