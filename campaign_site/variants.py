"""A petition page's variants: the same page with another headline, lead and image.

A petition's front matter may declare ``variants:``, each at its own address,
``<petition page>/v/<name>/``, for an ad or a post to link to, so staff learn
which words bring signatures. A variant page is the petition page with the
variant's headline, lead (the opening paragraph, before the first heading) and
image (the opening picture) in their place; the form, counter and share box
are the petition page's. It names the petition page as canonical, asks search
engines not to index it, and is in no menu, sitemap.xml or search index. Its
form sends the variant's name with the signature (no script needed), and its
head says it (``<meta name="gs:variant">``) for the view counter.

This module checks the declarations with the rest of the content;
variantpages.py makes the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import links, schema

NAME_LENGTH = 100  # the API keeps a signature's variant in 100 characters
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")


@dataclass(frozen=True)
class Variant:
    name: str
    headline: str
    lead: str | None = None
    image: str | None = None  # the picture's path in the docs folder
    image_alt: str | None = None
    share_headline: str | None = None  # its share graphics' words; the headline otherwise
    share_alt: str | None = None

    @property
    def graphic_headline(self) -> str:
        return self.share_headline or self.headline


def check(
    src_uri: str, data: list | None, known: set[str], docs_shown: str, report
) -> tuple[Variant, ...]:
    """The petition's variants (``petition.variants`` in ``src_uri``); each problem is
    reported as ``petition.variants.<name>.<field>`` (``variants[n]`` without a name).
    ``docs_shown``: the docs folder as editors see it (content)."""
    if data is None:  # none declared, or not a list (schema.VariantList said so)
        return ()
    found: dict[str, int] = {}  # name -> its place in the list, from 1
    variants = []
    for n, entry in enumerate(data, 1):
        variant = _variant(src_uri, n, entry, known, docs_shown, report)
        if variant is None:
            continue
        if variant.name in found:
            report(
                f"petition.variants.{variant.name}.name",
                f"{variant.name!r} names variants {found[variant.name]} and {n}: each "
                "needs a name of its own (it is the end of its page's address)",
            )
            continue
        found[variant.name] = n
        variants.append(variant)
    return tuple(variants)


def _variant(src_uri: str, n: int, entry, known: set[str], docs_shown: str, report):
    """The ``n``th entry as a Variant, or None (its problems reported)."""
    if not isinstance(entry, dict):
        report(f"petition.variants[{n}]", "expected a variant: name, headline, lead, image")
        return None
    named = entry.get("name")
    good_name = isinstance(named, str) and schema.Slug.PATTERN.fullmatch(named)
    prefix = f"petition.variants.{named}." if good_name else f"petition.variants[{n}]."
    cleaned, problems = schema.validate(schema.VariantConfig, entry, prefix)
    share, share_problems = schema.validate(
        schema.VariantShareConfig,
        cleaned.get("share") if isinstance(cleaned.get("share"), dict) else {},
        prefix + "share.",
    )
    for field, message in problems + share_problems:
        report(field, message)
    if good_name and len(named) > NAME_LENGTH:
        message = f"{len(named)} characters; a variant's name has at most {NAME_LENGTH}"
        report(prefix + "name", message)
        return None
    image = _image(src_uri, cleaned, prefix, known, docs_shown, report) if not problems else None
    if problems or share_problems or image is False:
        return None
    return Variant(
        name=cleaned["name"],
        headline=cleaned["headline"].strip(),
        lead=(cleaned["lead"] or "").strip() or None,
        image=image,
        image_alt=cleaned["image_alt"],
        share_headline=share.get("headline"),
        share_alt=share.get("alt"),
    )


def _image(src_uri: str, cleaned: dict, prefix: str, known: set[str], docs_shown: str, report):
    """The picture's docs path; None for none; False when it is wrong (reported)."""
    image, alt = cleaned.get("image"), cleaned.get("image_alt")
    if image is None:
        if alt is not None:
            report(prefix + "image_alt", "describes a picture, and this variant has no image:")
            return False
        return None
    path = links.resolve(src_uri, image)
    if path is None:
        report(prefix + "image", f"{image} leads out of {docs_shown}/: the picture must be in it")
    elif path not in known:
        report(prefix + "image", f"no file at {image} (a path from this page's folder)")
    elif not path.lower().endswith(PICTURES):
        report(prefix + "image", f"{image} is not a picture ({', '.join(PICTURES)})")
    elif alt is None:
        report(prefix + "image_alt", "required with image: what the picture shows, in words")
    else:
        return path
    return False
