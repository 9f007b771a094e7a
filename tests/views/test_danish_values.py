"""LBF's generated lists and pages show values as Danes read them: Ja/Nej, labels instead of
keys, 95,04 instead of 95.0400, nothing instead of "None", and roles in words.

Every expected value below is written by hand from what the test stores."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.models import AppUser, AuditEntry, Benchmark, Estate, FlagThreshold, Municipality, Package
from tests.conftest import login

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Tables(HTMLParser):
    """The rows of every table on a page, each a list of its cells' visible text (text only
    for screen readers left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._skip = 0
        self._open: list[bool] = []  # per open element: is it for screen readers only

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            classes = (dict(attrs).get("class") or "").split()
            hidden = "sr-only" in classes or "visually-hidden" in classes
            self._open.append(hidden)
            self._skip += hidden
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag not in VOID and self._open:
            self._skip -= self._open.pop()
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def list_rows(page: str) -> list[dict]:
    """A generated list's rows as {header: cell} (the header row is the one with the most
    named cells before the first data row)."""
    parser = _Tables()
    parser.feed(page)
    rows = [r for r in parser.rows if r]
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if len(row) == len(header)]


def show_fields(page: str) -> dict:
    """A generated show page's label -> value pairs."""
    parser = _Tables()
    parser.feed(page)
    return {row[0]: row[1] for row in parser.rows if len(row) == 2}


@pytest.fixture
def lbf(client, world):
    login(client, "lbf")
    return client


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (Decimal("95.0400"), "95,04"),
        (Decimal("25.0000"), "25,00"),
        (Decimal("1234.5000"), "1.234,50"),
        (Decimal("0.1234"), "0,1234"),
        (Decimal("-3.1000"), "-3,10"),
        (Decimal("1234567"), "1.234.567,00"),
        (None, ""),
    ],
)
def test_a_stored_number_is_written_with_a_decimal_comma_and_its_meaningful_decimals(stored, shown):
    from app.views.formatting import danish_decimal

    assert danish_decimal(stored) == shown


def test_thresholds_list_shows_danish_numbers(lbf, db):
    db.session.add(
        FlagThreshold(
            year=2026,
            key="admin_contribution_per_unit",
            direction="higher_is_worse",
            yellow=Decimal("25.00"),
            red=Decimal("1250.5"),
        )
    )
    db.session.commit()
    rows = list_rows(_get(lbf, "/flagthresholdview/list/"))
    row = next(r for r in rows if r.get("Styringsdialogår") == "2026")
    assert row["Gul fra (pct. afvigelse)"] == "25,00"
    assert row["Rød fra (pct. afvigelse)"] == "1.250,50"
    assert row["Retning"] == "Højere er værre"
    assert row["Nøgletal"] == "Administrationsbidrag, kr. pr. lejemålsenhed"


def test_benchmarks_list_shows_danish_numbers_and_figure_names(lbf, db):
    benchmark = db.session.scalar(
        select(Benchmark).where(Benchmark.year == 2026, Benchmark.key == "efficiency")
    )
    benchmark.value = Decimal("95.0400")
    db.session.commit()
    page = _get(lbf, "/benchmarkview/list/?psize_BenchmarkView=500")
    rows = list_rows(page)
    row = next(r for r in rows if r.get("Nøgletal") == "Effektivitetstal")
    assert row["Benchmark"] == "95,04"
    assert row["Fremskrevet (indekseret)"] == "Nej"
    assert "95.0400" not in page and ">efficiency<" not in page


def test_estate_page_writes_thousands_with_a_dot(lbf, db):
    estate = db.session.scalar(select(Estate).order_by(Estate.id))
    estate.area_m2 = 12345
    db.session.commit()
    fields = show_fields(_get(lbf, f"/estateview/show/{estate.id}"))
    assert fields["Areal m²"] == "12.345"


# --- yes/no, nothing, labels -----------------------------------------------------------------


def test_organisations_list_shows_ja_under_aktiv(lbf):
    rows = list_rows(_get(lbf, "/organisationview/list/"))
    row = next(r for r in rows if r.get("Nr.") == "101")
    assert row["Aktiv"] == "Ja"
    assert row["Type"] == "Boligorganisation"


def test_a_value_not_set_shows_as_nothing_not_none(lbf, db):
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == 101))
    municipality.notification_email = None
    db.session.commit()
    page = _get(lbf, f"/municipalityview/show/{municipality.id}")
    assert show_fields(page)["Mailadresse til notifikation"] == ""
    assert "None" not in page


def test_the_log_names_a_changed_field_by_its_header(lbf, db):
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.field == "status"))
    fields = show_fields(_get(lbf, f"/auditentryview/show/{entry.id}"))
    assert fields["Felt"] == "Status"
    assert fields["Efter"] == "Klar til udarbejdelse"


# --- users and roles -------------------------------------------------------------------------


def test_users_list_describes_roles_in_words_and_says_ja(lbf):
    page = _get(lbf, "/users/list/?psize_AppUserDBModelView=100")
    rows = {r["Brugernavn"]: r for r in list_rows(page)}
    assert rows["kbh"]["Rolle"] == "Kommune"
    assert rows["lbf"]["Rolle"] == "Landsbyggefonden"
    assert rows["adm"]["Rolle"] == "Administrationsorganisation"
    assert rows["bo"]["Rolle"] == "Boligorganisation"
    assert rows["kbh"]["Aktiv?"] == "Ja"
    assert rows["lbf"]["Tilknytning"] == "Landsbyggefonden"
    assert "True" not in page and "[LBF]" not in page


def test_user_page_shows_danish_values_and_times(lbf, db):
    user = db.session.scalar(select(AppUser).where(AppUser.username == "kbh"))
    page = _get(lbf, f"/users/show/{user.id}")
    fields = show_fields(page)
    assert fields["Rolle"] == "Kommune"
    assert fields["Aktiv?"] == "Ja"
    assert fields["Organisation"] == ""
    assert fields["Antal logins"] == "0"  # kbh never logged in in the fresh world
    assert fields["Oprettet af"] == ""
    assert "None" not in page and "True" not in page
    # a time as dd-mm-yyyy hh:mm, not as Python prints it
    created = fields["Oprettet den"]
    assert len(created) == len("23-11-2026 12:54") and created[2] == "-" and created[5] == "-"


def test_roles_list_describes_each_role(lbf):
    rows = {r["Rolle"]: r for r in list_rows(_get(lbf, "/roles/list/"))}
    assert rows["Kommune"]["Beskrivelse"].startswith("Kommune: læser de fremsendte")
    assert rows["Landsbyggefonden"]["Beskrivelse"].startswith("Landsbyggefonden: vedligeholder")
    assert "[['.*', '.*']]" not in str(rows)


def test_in_english_the_users_list_describes_roles_in_english(lbf):
    lbf.get("/lang/en")
    rows = {
        r["User Name"]: r for r in list_rows(_get(lbf, "/users/list/?psize_AppUserDBModelView=100"))
    }
    assert rows["kbh"]["Role"] == "Municipality"
    assert rows["kbh"]["Is Active?"] == "Yes"
    assert rows["lbf"]["Affiliation"] == "National Building Fund"


def test_package_list_shows_status_labels_not_keys(lbf, db):
    assert db.session.scalar(select(Package.status).limit(1)) == "READY"
    statuses = {r["Status"] for r in list_rows(_get(lbf, "/packageview/list/"))}
    assert statuses == {"Klar til udarbejdelse"}
