"""LBF sees in the browser what a lower threshold would do before saving it: the page asks
the server while the values are typed and says how many forms change their mark."""

import pytest

from tests.e2e.conftest import login, screenshot
from tests.services.test_benchmark_computation import ADMIN, YEAR, sector  # noqa: F401
from tests.views.test_benchmark_screens import year_2030  # noqa: F401

pytestmark = pytest.mark.e2e


def test_lbf_sees_the_effect_of_a_threshold_while_typing_it(live_server, year_2030, page):  # noqa: F811
    login(page, live_server, "lbf")
    page.goto(f"{live_server}/flagthresholdview/add")
    page.fill("input[name=year]", str(YEAR))
    page.select_option("select[name=key]", ADMIN)
    page.select_option("select[name=direction]", "higher_is_worse")
    page.fill("input[name=yellow]", "10")
    page.fill("input[name=red]", "20")
    effect = page.locator("#flag-effect")
    # worked out by hand in tests/views/test_benchmark_screens.py: 751, 461 and 900 change
    effect.get_by_text("3 skemaer i 3 dokumentationspakker").wait_for()
    screenshot(page, "threshold-effect")
    page.fill("input[name=yellow]", "90")
    page.fill("input[name=red]", "95")
    # 90 % and 95 % above: 461 and 900 lose their yellow mark
    effect.get_by_text("2 skemaer i 2 dokumentationspakker").wait_for()


def test_the_benchmark_list_in_the_browser(live_server, year_2030, page):  # noqa: F811
    login(page, live_server, "lbf")
    page.goto(f"{live_server}/benchmarkview/list/?_flt_0_year={YEAR}")
    page.get_by_text("Administrationsorganisationer").first.wait_for()
    screenshot(page, "benchmarks-list")
    page.goto(f"{live_server}/benchmarkindexview/add")
    screenshot(page, "benchmark-index-add")
