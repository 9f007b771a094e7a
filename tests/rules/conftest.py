"""The shipped 2026.1 forms, for the rules tests (no app needed)."""

import pytest

from app.questionnaires import load

VERSION = "2026.1"


@pytest.fixture(scope="session")
def housing():
    return load(VERSION).form("HOUSING_REPORT")


@pytest.fixture(scope="session")
def estate():
    return load(VERSION).form("ESTATE_FORM")


@pytest.fixture(scope="session")
def admin():
    return load(VERSION).form("ADMIN_REPORT")
