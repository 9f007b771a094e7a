import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_municipality_user_logs_in_and_sees_exactly_its_packages(live_server, page):
    login(page, live_server, "roskilde")
    assert "/overview" in page.url
    rows = page.locator("table tbody tr").all_inner_texts()
    screenshot(page, "municipality-overview")
    assert len(rows) == 1
    assert "Boligselskabet Hovedstaden" in rows[0]
    assert "Klar til udarbejdelse" in rows[0]

    page.goto(f"{live_server}/packageview/list/")
    listed = page.locator("table.table-hover tbody tr, .table tbody tr").all_inner_texts()
    screenshot(page, "municipality-package-list")
    assert [r for r in listed if "2026" in r] and all(
        "Hovedstaden" in r for r in listed if "2026" in r
    )
    assert "Aarhus" not in page.content().split("<table")[-1]


def test_public_visitor_sees_the_about_page_without_login(live_server, page):
    page.goto(live_server)
    assert page.locator("h1").first.inner_text() == "Om almen styringsdialog"
    screenshot(page, "about")
