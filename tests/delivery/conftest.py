"""Fixtures for the delivery stories: an app whose district table is loaded, a staff token."""

import pytest

from ..conftest import prepared_app
from .support import load_congress, staff_token


@pytest.fixture
def app(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path)
    load_congress(app)
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def token(app):
    return staff_token(app)
