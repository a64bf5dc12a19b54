"""Generate a synthetic campaign site with many stories, for build benchmarks.

    python bench/generate_stories.py N OUT_DIR

Copies the sample campaign as git holds it (mkdocs.yml, content/, mailings/: never
stories `make run` published into the live content/, so every machine measures
the same site) to OUT_DIR, and adds N dated stories under
content/stories/posts/generated/ (spread over 2020-2026, three authors, the
three allowed categories, a few tags each, an excerpt cut and a link to another
page, like the sample stories), as a campaign would (the campaign-site plugin
comes from the installed package).
Build it with

    python build.py --config OUT_DIR/mkdocs.yml --site-dir OUT_DIR/built --quiet

The output is deterministic: the same N gives the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script, like the other benchmarks

from sample_campaign import copy_sample  # noqa: E402 - after the path it is found on

AUTHORS = ["maria", "james", "dana"]
CATEGORIES = ["Paid leave", "WIC", "Campaign news"]
TAGS = [
    "caregivers",
    "new parents",
    "grandparents",
    "elder care",
    "clinic staff",
    "rural",
    "small business",
    "nutrition",
    "rent",
    "child care",
    "health",
    "volunteers",
]
OPENINGS = [
    "When the baby came early, {name} had three days of sick leave and a landlord who would"
    " not wait.",
    "{name} works the morning shift at a clinic in a county with one bus line.",
    "For {name}, the WIC office was the first place anyone asked how the family was eating.",
    "{name} used every vacation day in two years to sit beside a parent in hospital.",
    "The letter said the benefits would stop on Friday; {name} found out on Thursday.",
]
PARAGRAPHS = [
    "Families told us what a week without pay means: rent paid late, a car payment "
    "missed, a child care slot lost to the next family on the list. None of it shows "
    "up in an unemployment figure, and all of it lasts longer than the week itself.",
    "The programs in states like New Jersey and Washington cover caring for a seriously "
    "ill parent, not only bonding with a new child. A national program should too, and "
    "it should reach people who change jobs or work for small employers.",
    "WIC pays for formula, fruit and vegetables, and nutrition advice from people who "
    "know the neighbourhood. Where clinics have closed, families drive an hour or go "
    "without; the money saved on paper costs far more later.",
    "{name} asked us to share this because the people making the decision rarely hear "
    "it told plainly: the difference between making it and not making it was a few "
    "hundred dollars and a few weeks of time.",
    "Every signature on the petition is delivered with the exact words of the ask, to "
    "the office of the member who represents the signer. That is why we ask for a "
    "street address, and why we never use it for anything else.",
]
FIRST_NAMES = ["Luis", "Aisha", "Tom", "Mei", "Grace", "Omar", "Rosa", "Dmitri", "Nia", "Sam"]

STORY = """---
date: {date}
authors: [{authors}]
categories: [{category}]
tags: [{tags}]
description: {description}
---

# {title}

{opening}

<!-- more -->

{body}

See [who has paid family leave today](../../../statistics/paid-leave-access.md)
and [sign the petition](../../../petitions/paid-family-leave.md).
"""


def story(n: int) -> tuple[str, str]:
    """(file name, Markdown) of generated story ``n``."""
    day = dt.date(2020, 1, 1) + dt.timedelta(days=(n * 7) % 2500)
    name = FIRST_NAMES[n % len(FIRST_NAMES)]
    category = CATEGORIES[n % len(CATEGORIES)]
    authors = [AUTHORS[n % 3]] + ([AUTHORS[(n + 1) % 3]] if n % 5 == 0 else [])
    tags = sorted({TAGS[n % len(TAGS)], TAGS[(n * 5 + 3) % len(TAGS)]})
    opening = OPENINGS[n % len(OPENINGS)].format(name=name)
    body = "\n\n".join(
        PARAGRAPHS[(n + i) % len(PARAGRAPHS)].format(name=name) for i in range(3 + n % 3)
    )
    text = STORY.format(
        date=day.isoformat(),
        authors=", ".join(authors),
        category=category,
        tags=", ".join(tags),
        description=f"Story {n}, {name} on why {category.lower()} matters.",
        title=f"{name}'s story, number {n}: why {category.lower()} matters",
        opening=opening,
        body=body,
    )
    return f"{day.isoformat()}-story-{n:05d}.md", text


def generate(stories: int, out: Path) -> Path:
    """Write the site to ``out``; return the path of its mkdocs.yml."""
    shutil.rmtree(out / "content", ignore_errors=True)  # no stories of an earlier N
    config = copy_sample(out)
    posts = out / "content" / "stories" / "posts" / "generated"
    if stories:  # none: the sample alone, as build.sample measures it
        posts.mkdir(parents=True, exist_ok=True)
    for n in range(stories):
        name, text = story(n)
        (posts / name).write_text(text, encoding="utf-8")
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stories", type=int, help="how many stories to generate")
    parser.add_argument("out", type=Path, help="folder for content/ and mkdocs.yml")
    args = parser.parse_args(argv)
    config = generate(args.stories, args.out)
    print(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
