"""Fixtures for the delivery stories: an app whose district table is loaded, a staff token,
and the campaign's sender details every packet's cover letter needs."""

import pytest

from ..conftest import SENDER, load_congress, prepared_app
from .support import staff_token


@pytest.fixture
def app(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, **SENDER)
    load_congress(app)
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def token(app):
    return staff_token(app)
