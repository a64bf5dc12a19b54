import pytest

from .support import SAMPLE_CONFIG, run_build


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The sample campaign, built once with --strict."""
    build = run_build(SAMPLE_CONFIG, tmp_path_factory.mktemp("sample") / "site", "--strict")
    assert build.returncode == 0, build.output
    return build.site
