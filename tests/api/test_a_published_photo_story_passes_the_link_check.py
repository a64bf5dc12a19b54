"""A supporter's story published with its photo leaves the sample campaign building under
--strict: the build's link check finds the photo from every page that shows it."""

from __future__ import annotations

import io

from ..site.support import copy_sample, run_build
from .support import mailbox, send_mail
from .test_supporter_offers_a_story import STORY, jpeg_with_gps, stories


def test_staff_publish_a_photo_story_and_the_strict_build_finds_nothing_broken(
    app, client, runner, tmp_path
):
    config = copy_sample(tmp_path)
    data = {k: ("y" if v is True else "" if v is False else v) for k, v in STORY.items()}
    data["photo"] = (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg", "image/jpeg")
    client.post("/api/stories", data=data, content_type="multipart/form-data")
    send_mail(runner)
    link = next(w for m in mailbox(app) for w in m.get_body(("plain",)).get_content().split()
                if "/confirm-story/" in w)  # fmt: skip
    client.post(link.split("8000", 1)[1])
    story_id = stories(app)[0].id
    runner.invoke(args=["stories", "approve", str(story_id)])
    content = tmp_path / "content"
    done = runner.invoke(args=["stories", "publish", str(story_id), "--content", str(content)])
    assert done.exit_code == 0, done.output
    assert list((content / "stories" / "posts").glob(f"*-supporter-story-{story_id}.jpg"))

    build = run_build(config, tmp_path / "site", "--strict")
    assert build.returncode == 0, build.output
    assert "resolves to nothing" not in build.output
