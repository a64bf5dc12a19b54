"""Fixtures for the petition API stories."""

import pytest

from .support import SIGN_URL, supporter


@pytest.fixture
def sign(client):
    def sign(**overrides):
        return client.post(SIGN_URL, json=supporter(**overrides))

    return sign
