"""The store's tests run on both engines: every test that takes `fresh_db` runs twice."""

from __future__ import annotations

import pytest
from conftest import ENGINES


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param
