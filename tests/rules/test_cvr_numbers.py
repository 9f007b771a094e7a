"""CVR numbers in the organisations register: eight digits, each naming one organisation; a
file without the column still imports."""

from app.rules.cvr import is_cvr
from app.rules.register_files import read_register_file
from app.rules.registers import ORGANISATIONS, check_register

HEADER = "organisation;navn;type;hjemstedskommune;administreres_af;cvr\n"
MUNICIPALITIES = {101: 1, 751: 2}


def check(text: str):
    table = read_register_file("organisationer.csv", text.encode("utf-8"))
    return check_register(ORGANISATIONS, table, {}, municipalities=MUNICIPALITIES)


def problems(checked) -> list[tuple]:
    return [
        (p.code, p.params_dict().get("row"), p.field, p.params_dict().get("value"))
        for p in checked.problems
    ]


def test_a_cvr_number_is_eight_digits_and_nothing_else():
    assert is_cvr("30010108")
    for text in ("3001010", "300101080", "3001 0108", "DK30010108", "3001010x", "", None):
        assert not is_cvr(text), text


def test_the_register_gives_each_organisations_cvr_number_as_text():
    checked = check(
        HEADER
        + "900;Fælles Boligadministration;administrationsorganisation;751;;30090004\n"
        + "101;Boligselskabet Hovedstaden;boligorganisation;101;;\n"
    )
    assert checked.ok, checked.problems
    assert [row["cvr"] for row in checked.rows] == ["30090004", None]


def test_a_cvr_number_that_is_not_eight_digits_is_refused_with_its_row():
    checked = check(
        HEADER
        + "900;Fælles Boligadministration;administrationsorganisation;751;;3009000\n"
        + "101;Boligselskabet Hovedstaden;boligorganisation;101;;DK30010108\n"
    )
    assert problems(checked) == [
        ("not_a_cvr", 2, "cvr", "3009000"),
        ("not_a_cvr", 3, "cvr", "DK30010108"),
    ]
    assert checked.rows == ()


def test_one_cvr_number_on_two_organisations_is_refused():
    checked = check(
        HEADER
        + "900;Fælles Boligadministration;administrationsorganisation;751;;30090004\n"
        + "101;Boligselskabet Hovedstaden;boligorganisation;101;;30090004\n"
    )
    assert problems(checked) == [("duplicate_cvr", 3, "cvr", "30090004")]


def test_a_file_without_the_cvr_column_imports_and_says_nothing_of_cvr_numbers():
    checked = check(
        "organisation;navn;type;hjemstedskommune;administreres_af\n"
        "101;Boligselskabet Hovedstaden;boligorganisation;101;\n"
    )
    assert checked.ok
    assert "cvr" not in checked.rows[0]
