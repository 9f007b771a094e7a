"""Every register format LBF imports is documented in docs/registers.md: its key and each of
its columns."""

from pathlib import Path

import pytest

from app.rules.registers import FORMATS

DOCS = (Path(__file__).parent.parent / "docs" / "registers.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(FORMATS))
def test_each_register_format_and_its_columns_are_documented(key):
    assert f"(`{key}`)" in DOCS
    missing = [c.name for c in FORMATS[key].columns if f"`{c.name}`" not in DOCS]
    assert missing == []
