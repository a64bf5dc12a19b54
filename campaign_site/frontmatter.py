"""Split a Markdown file into its YAML front matter and body."""

from __future__ import annotations

import re

import yaml

# The C loader is many times faster; it matters when a campaign has
# thousands of stories. Fall back to the pure-Python one where libyaml is missing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The same shape MkDocs accepts: a leading '---' line, YAML, then '---' or '...'.
_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\r?\n(.*?\r?\n)?(?:-{3}|\.{3})[ \t]*(?:\r?\n|\Z)", re.S)


class FrontMatterError(ValueError):
    pass


def split(text: str) -> tuple[dict, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    try:
        data = yaml.load(match.group(1) or "", Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        raise FrontMatterError(" ".join(str(error).split())) from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("expected 'key: value' lines between the '---' lines")
    return data, text[match.end() :], match.group(0).count("\n") + 1
