"""Tests build the sample campaign as git holds it, never the live content/ a campaign edits.

`make run` publishes approved stories into content/stories/posts/; a developer who
tried it and then runs `make test` must get the same builds as a fresh clone.
"""

import subprocess

import pytest

from .support import ROOT, NotACheckout, copy_sample


def git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def checkout(tmp_path):
    """A small campaign repository: mkdocs.yml, two pages, a story and a mailing, committed."""
    repo = tmp_path / "repo"
    files = {
        "mkdocs.yml": "site_name: Sample\ndocs_dir: content\n",
        "content/index.md": "# Home\n",
        "content/stories/posts/2026-10-05-sample.md": "# A sample story\n",
        "content/stories/.authors.yml": "authors: {}\n",
        "mailings/example.md": "subject: Hello\n",
        "notes.txt": "not part of a build\n",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "sample")
    return repo


def copied(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_story_published_by_make_run_never_reaches_the_tests(checkout, tmp_path):
    published = checkout / "content" / "stories" / "posts" / "2026-12-01-supporter-story-7.md"
    published.write_text("# A parent in New York\n", encoding="utf-8")
    (checkout / "mailings" / "my-own-update.md").write_text("subject: Mine\n", encoding="utf-8")

    config = copy_sample(tmp_path / "copy", root=checkout)

    assert config == tmp_path / "copy" / "mkdocs.yml"
    assert copied(tmp_path / "copy") == [
        "content/index.md",
        "content/stories/.authors.yml",
        "content/stories/posts/2026-10-05-sample.md",
        "mailings/example.md",
        "mkdocs.yml",
    ]


def test_a_developer_sees_their_uncommitted_edits_to_the_sample(checkout, tmp_path):
    (checkout / "content" / "index.md").write_text("# Home, edited\n", encoding="utf-8")
    (checkout / "content" / "stories" / "posts" / "2026-10-05-sample.md").unlink()
    (checkout / "content" / "added.md").write_text("# Staged, not committed\n", encoding="utf-8")
    git(checkout, "add", "content/added.md")

    copy_sample(tmp_path / "copy", root=checkout)

    assert (tmp_path / "copy" / "content" / "index.md").read_text() == "# Home, edited\n"
    assert (tmp_path / "copy" / "content" / "added.md").is_file()
    assert not (tmp_path / "copy" / "content" / "stories" / "posts").exists()


def test_tests_outside_a_git_checkout_say_why_they_cannot_build_the_sample(tmp_path):
    (tmp_path / "unpacked" / "content").mkdir(parents=True)
    (tmp_path / "unpacked" / "mkdocs.yml").write_text("site_name: Sample\n", encoding="utf-8")

    with pytest.raises(NotACheckout, match="run them from a clone"):
        copy_sample(tmp_path / "copy", root=tmp_path / "unpacked")

    assert not (tmp_path / "copy").exists()


def test_the_sample_build_holds_the_stories_git_tracks(sample_site):
    tracked = subprocess.run(
        ["git", "ls-files", "content/stories/posts/*.md"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    built = list((sample_site / "stories").glob("2*/*/*/*/index.html"))  # {date}/{slug}
    assert len(built) == len(tracked) == 6
