"""The versioned form definitions: the shipped 2026.1 file and the rules its validator enforces."""

import copy
import dataclasses

import pytest
import yaml

from app.questionnaires import (
    COMPUTED_SOURCES,
    DEFINITIONS_DIR,
    Computed,
    DefinitionError,
    KeyFigureTable,
    Question,
    UnknownVersionError,
    available_versions,
    load,
    load_path,
    parse,
)

VERSION = "2026.1"
SOURCE = "2026.1.yaml"


@pytest.fixture(scope="module")
def shipped():
    return load(VERSION)


# --- the shipped definition -------------------------------------------------------------------


def test_shipped_definition_loads_with_all_three_forms(shipped):
    assert shipped.version == VERSION
    assert VERSION in available_versions()
    assert set(shipped.forms) == {"HOUSING_REPORT", "ADMIN_REPORT", "ESTATE_FORM"}
    assert shipped.form("HOUSING_REPORT").annex == "Bilag 3"
    assert shipped.form("ESTATE_FORM").annex == "Bilag 4"
    assert shipped.form("ADMIN_REPORT").annex == "Bilag 5"
    assert shipped.form("ESTATE_FORM").title == "Oplysningsskema for afdeling"


def test_load_is_cached_and_definitions_are_immutable(shipped):
    assert load(VERSION) is shipped
    question = shipped.form("HOUSING_REPORT").question("q8_status")
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.required = False
    with pytest.raises(TypeError):
        shipped.forms["HOUSING_REPORT"] = None


def test_load_refuses_an_unknown_version():
    with pytest.raises(UnknownVersionError, match="1999.1"):
        load("1999.1")
    with pytest.raises(UnknownVersionError):
        load("../2026.1")


def test_housing_report_has_the_sections_of_bilag_3(shipped):
    form = shipped.form("HOUSING_REPORT")
    assert form.title == "Styringsrapport for almen boligorganisation med egne boligafdelinger"
    assert [(s.key, s.title) for s in form.sections] == [
        ("organisation", "I. Boligorganisationen"),
        ("estates", "II. De enkelte afdelinger"),
        ("previous_matters", "III. Tidligere drøftede forhold"),
        ("organisation_facts", "IV. Centrale facts om boligorganisationen"),
        ("estate_facts", "V. Centrale facts om afdelingerne"),
        ("efficiency_annex", "Bilag 1: Effektivitetstal"),
    ]
    assert all(section.applies_to is None for section in form.sections)
    assert form.section("organisation").intro == (
        "Pkt. I omhandler boligorganisationens generelle forhold på tværs af de enkelte afdelinger."
    )
    # the header line stands above part I, as in the annex
    (head,) = form.head
    assert isinstance(head, Computed)
    assert head.source == "organisation_master_data"
    assert head.label == (
        "Boligorganisationens nummer og navn, organisationstype og regnskabsperiode"
    )
    assert form.section("organisation").items[0].key == "q1_proposals"
    assert form.intro is None  # the annex has no text between the header and part I


def test_housing_report_has_the_eight_numbered_questions_of_bilag_3(shipped):
    form = shipped.form("HOUSING_REPORT")
    yes_no_with_text = {
        1: ("q1_proposals", "forslag til fremtidigt samarbejde, koordination eller drøftelse"),
        2: ("q2_strategy", "strategiske overvejelser om egne muligheder, udfordringer"),
        3: ("q3_construction", "omkostninger, kvalitet og bæredygtighed ved renovering"),
        4: ("q4_efficiency", "effektivisering af administration og drift"),
        5: ("q5_governance", "ledelse og beboerdemokrati"),
    }
    for number, (key, wording) in yes_no_with_text.items():
        question = form.question(key)
        assert question.kind == "yes_no"
        assert question.required is True
        assert question.label.startswith(f"{number}. ")
        assert wording in question.label
        assert question.help
        follow_up = form.question(f"{key}_text")
        assert follow_up.kind == "text"
        assert follow_up.label.startswith("Hvis ja, hvilke?")
        assert follow_up.max_length == 4000
        if key == "q4_efficiency":
            continue
        assert follow_up.label == "Hvis ja, hvilke?"
        assert follow_up.required is False
        assert dict(follow_up.required_when) == {key: True}

    # almenboligloven § 14 b, stk. 4: the efficiency targets are asked for whatever the answer
    targets = form.question("q4_efficiency_text")
    assert (targets.required, targets.required_when) == (True, None)
    assert "mål og initiativer for forbedring af effektiviteten" in targets.label
    assert "§ 14 b, stk. 4" in targets.label

    # question 6 has no "Hvis ja, hvilke?" in Bilag 3: a yes or a no only
    q6 = form.question("q6_new_estates")
    assert (q6.kind, q6.required) == ("yes_no", True)
    assert q6.label == "6. Er der ønske om etablering af nye afdelinger?"
    assert "q6_new_estates_text" not in {q.key for q in form.questions()}

    q7 = form.item("q7_estate_conclusions")
    assert isinstance(q7, Computed)
    assert q7.source == "estate_conclusions"
    assert q7.label.startswith("7. Hvilke afdelinger har særlige udfordringer")
    assert q7.preface == "Svar overført fra afdelingsskemaer, punkt A:"
    assert form.section("estates").items[-1] is q7

    q8 = form.question("q8_status")
    assert (q8.kind, q8.required) == ("text", True)
    assert q8.label == "8. Hvad er status for tidligere drøftede forhold?"
    assert form.section("previous_matters").items == (q8,)


@pytest.mark.parametrize(
    ("kind", "subject"),
    [("HOUSING_REPORT", "boligorganisationen"), ("ADMIN_REPORT", "administrationsorganisationen")],
)
def test_the_lead_into_questions_3_to_5_stands_between_questions_2_and_3(shipped, kind, subject):
    form = shipped.form(kind)
    items = form.section("organisation").items
    keys = [item.key for item in items]
    assert keys.index("q2_strategy_text") + 1 == keys.index("q3_construction")
    assert form.item("q3_construction").preface == (
        f"Spørgsmål 3 – 5 belyser, om {subject} har haft indsatser, som modsvarer "
        "almenboliglovens målsætninger vedrørende hhv. nybyggeri og renovering, administration "
        "og drift samt ledelse og beboerdemokrati."
    )
    assert not any("Spørgsmål 3 – 5" in (section.intro or "") for section in form.sections)
    assert [
        item.key for item in form.items() if item.preface and "Spørgsmål 3" in item.preface
    ] == ["q3_construction"]


def test_the_estate_forms_maintenance_tables_stand_under_regnskabets_noegletal(shipped):
    """Bilag 4, B. Økonomi og drift: "Leje for afdelingens boliger", then the heading
    "Regnskabets nøgletal" over the tables of the year's and the saved provisions."""
    section = shipped.form("ESTATE_FORM").section("economy")
    assert [(item.key, item.heading) for item in section.items[:3]] == [
        ("rents", None),
        ("maintenance_annual", "Regnskabets nøgletal"),
        ("maintenance_accumulated", None),
    ]


@pytest.mark.parametrize(
    ("kind", "lines"),
    [
        # "Boligorganisationens nummer og navn, organisationstype og regnskabsperiode"
        (
            "HOUSING_REPORT",
            [
                ("number", "Nummer"),
                ("name", "Navn"),
                ("kind", "Organisationstype"),
                ("accounting_period", "Regnskabsperiode"),
            ],
        ),
        # "Administrationsorganisationens nummer, navn og regnskabsperiode"
        (
            "ADMIN_REPORT",
            [("number", "Nummer"), ("name", "Navn"), ("accounting_period", "Regnskabsperiode")],
        ),
    ],
)
def test_each_reports_header_names_the_lines_its_annex_asks_for(shipped, kind, lines):
    head = shipped.form(kind).item("organisation_master_data")
    assert list(head.labels.items()) == lines


def test_housing_report_accounts_table_has_the_five_rows_of_bilag_3(shipped):
    table = shipped.form("HOUSING_REPORT").item("accounts_key_figures")
    assert isinstance(table, KeyFigureTable)
    assert table.label == "Regnskabets nøgletal"
    assert [(row.figure, row.label) for row in table.rows] == [
        ("admin_contribution_per_unit", "Administrationsbidrag, kr. pr. lejemålsenhed"),
        ("building_fee_new_share", "Byggesagshonorar, nybyggeri, andel af anskaffelsessum"),
        (
            "building_fee_renovation_share",
            "Byggesagshonorar, støttet renovering, andel af anskaffelsessum",
        ),
        ("disposition_fund_per_unit", "Dispositionsfond, kr. pr. lejemålsenhed"),
        ("working_capital_per_unit", "Arbejdskapital, kr. pr. lejemålsenhed"),
    ]
    assert table.columns == ("value", "benchmark", "last_year")
    assert dict(table.column_labels) == {
        "value": "Værdi",
        "benchmark": "Benchmark",
        "last_year": "Sidste års værdi",
    }
    assert table.comment_key == "accounts_comment"
    assert table.comment.label == "Evt. kommentarer"


def test_housing_report_section_iv_has_efficiency_letting_tools_and_complaints(shipped):
    form = shipped.form("HOUSING_REPORT")
    section = form.section("organisation_facts")
    assert [item.key for item in section.items] == [
        "efficiency_distribution",
        "letting_tools",
        "accounts_key_figures",
        "complaint_cases",
    ]
    efficiency = form.item("efficiency_distribution")
    assert efficiency.source == "efficiency_distribution"
    assert efficiency.comment_key == "efficiency_comment"
    assert efficiency.comment.label.startswith(
        "Evt. kommentarer (Om redegørelse for effektivitetstal, se i øvrigt bilag 1)"
    )
    letting = form.item("letting_tools")
    assert letting.source == "letting_tools"
    assert letting.comment_key == "letting_tools_comment"
    assert [
        letting.labels[key]
        for key in ("waiting_list", "flexible", "municipal_referral", "advertising", "combined")
    ] == ["Venteliste", "Fleksibel", "Kommunal anvisning", "Annoncering", "Kombineret udlejning"]
    complaints = form.item("complaint_cases")
    assert complaints.source == "complaint_cases"
    assert complaints.comment_key == "complaint_cases_comment"
    assert complaints.comment.label == (
        "Evt. kommentarer, herunder om boligorganisationens opfølgning på tabte sager"
    )
    assert [
        complaints.labels[key]
        for key in ("total", "utility_accounts", "move_out", "house_rules", "other")
    ] == ["I alt", "Forbrugsregnskaber", "Fraflytning", "Husordenssager", "Andet"]
    assert (complaints.labels["decided"], complaints.labels["lost"]) == (
        "Afgjorte sager",
        "Helt/delvist tabte",
    )


def test_housing_report_section_v_and_annex_show_estate_facts(shipped):
    form = shipped.form("HOUSING_REPORT")
    critical = form.item("critical_estates")
    assert critical.source == "critical_estates"
    assert critical.labels["lead"].startswith("Er der afdelinger med kritiske nøgletal")
    assert set(critical.figures) == {
        "vacancy_rate_family",
        "vacancy_rate_elderly",
        "vacancy_rate_youth",
        "move_out_rate_family",
        "move_out_rate_elderly",
        "move_out_rate_youth",
        "maintenance_provision_annual_per_lease",
        "maintenance_provision_annual_per_m2",
        "maintenance_provision_accumulated_per_lease",
        "maintenance_provision_accumulated_per_m2",
    }
    family = form.item("family_dwellings")
    assert family.source == "family_dwellings"
    assert family.label == (
        "Familieboliger i alle afdelinger – anvisning og arbejdsmarkedstilknytning"
    )
    assert family.figures == ("employment_rate",)
    assert family.labels["letting_rules"] == "Anvendte anvisningsregler"

    annex = form.section("efficiency_annex")
    assert annex.intro.startswith("NB: Der redegøres i boligorganisationens årsberetning")
    (table,) = annex.items
    assert table.source == "efficiency_table"
    assert table.label == "Effektivitet for boligorganisationens afdelinger"
    assert [
        table.labels[key]
        for key in ("organisation_average", "municipality_average", "region_average")
    ] == ["Organisation pct.", "Kommune pct.", "Region pct."]


def test_estate_form_part_a_applies_to_every_estate(shipped):
    form = shipped.form("ESTATE_FORM")
    part_a = form.sections[0]
    assert (part_a.key, part_a.title) == ("conclusion", "A. Konklusion")
    assert part_a.applies_to == ("in_operation", "under_construction")
    assert part_a.applies("under_construction") and part_a.applies("in_operation")
    # the master data and "Afdeling under opførelse?" stand above part A, as in the annex
    assert [(item.key, item.kind) for item in form.head] == [
        ("estate_master_data", "computed"),
        ("estate_under_construction", "computed"),
    ]
    assert [(item.key, item.kind) for item in part_a.items] == [
        ("a_challenges", "yes_no"),
        ("a_items", "prioritised_list"),
    ]
    assert form.item("estate_master_data").source == "estate_master_data"
    assert form.item("estate_master_data").label == "Afdelingens navn, nr., adresse, stamdata m.v."
    assert form.item("estate_under_construction").source == "estate_under_construction"
    assert form.item("estate_under_construction").label == "Afdeling under opførelse?"

    challenges = form.question("a_challenges")
    assert challenges.required is True
    assert challenges.label == (
        "Er der særlige udfordringer, indsatser eller behov for aftaler, som ønskes drøftet, "
        "herunder om anvisning, fysiske og sociale forhold og foranstaltninger m.v.?"
    )
    items = form.question("a_items")
    assert items.label.startswith("Hvis ja, gives i prioriteret rækkefølge")
    assert dict(items.required_when) == {"a_challenges": True}
    assert items.required is False
    assert items.max_items == 10
    assert items.max_length


def test_estate_form_part_b_applies_only_to_estates_in_operation(shipped):
    form = shipped.form("ESTATE_FORM")
    part_b = form.sections[1:]
    assert [section.key for section in part_b] == ["economy", "resident_democracy", "letting"]
    topics = ["Økonomi og drift", "Beboerdemokrati", "Udlejning"]
    for section, topic in zip(part_b, topics, strict=True):
        assert section.title.startswith("B. Gennemgang af afdeling")
        assert section.title.endswith(topic)
        assert section.applies_to == ("in_operation",)
        assert not section.applies("under_construction")


def test_estate_form_economy_has_rents_maintenance_tables_and_rating(shipped):
    form = shipped.form("ESTATE_FORM")
    rents = form.item("rents")
    assert rents.source == "rents"
    assert rents.label == "Leje for afdelingens boliger"
    assert rents.figures == ("rent_per_m2_family", "rent_per_m2_youth", "rent_per_m2_elderly")
    assert [rents.labels[k] for k in ("family", "youth", "elderly")] == [
        "Familieboliger",
        "Ungdomsboliger",
        "Ældreboliger",
    ]
    for key, label, prefix in [
        ("maintenance_annual", "Årets henlæggelser til vedligeholdelse", "annual"),
        ("maintenance_accumulated", "Opsparede henlæggelser til vedligeholdelse", "accumulated"),
    ]:
        table = form.item(key)
        assert table.label == label
        assert [(row.figure, row.label) for row in table.rows] == [
            (f"maintenance_provision_{prefix}_per_lease", "Kr. pr. lejemål"),
            (f"maintenance_provision_{prefix}_per_m2", "Kr. pr. m²"),
        ]
        assert table.columns == ("value", "benchmark", "last_year")
        assert dict(table.column_labels) == {
            "value": "Afdeling",
            "benchmark": "Benchmark",
            "last_year": "Sidste års værdi",
        }
        assert table.comment_key == f"{key}_comment"

    rating = form.question("maintenance_condition")
    assert rating.kind == "choice"
    assert rating.label == "Vurdering af afdelingens vedligeholdelsestilstand"
    assert [option.label for option in rating.options] == [
        "Tilfredsstillende",
        "Mindre tilfredsstillende",
        "Ikke tilfredsstillende",
    ]
    assert rating.option_label("satisfactory") == "Tilfredsstillende"
    assert form.question("maintenance_condition_comment").label == "Evt. kommentarer"
    board = form.question("has_estate_board")
    assert (board.kind, board.label) == ("yes_no", "Er der en afdelingsbestyrelse?")


def test_estate_form_letting_has_move_out_and_vacancy_tables_per_dwelling_type(shipped):
    form = shipped.form("ESTATE_FORM")
    for key, label, period, stem in [
        ("move_out", "Fraflytningsprocent", "Fra året", "move_out_rate"),
        ("vacancy", "Ledige boliger opgjort i procent", "Opgørelsestidspunkt", "vacancy_rate"),
    ]:
        table = form.item(key)
        assert (table.label, table.period_label) == (label, period)
        assert [(row.figure, row.label) for row in table.rows] == [
            (f"{stem}_family", "Almene familieboliger"),
            (f"{stem}_elderly", "Almene ældreboliger"),
            (f"{stem}_youth", "Almene ungdomsboliger"),
        ]
        assert table.columns == ("value", "benchmark", "last_year")
        assert table.comment_key == f"{key}_comment"


def test_admin_report_has_the_sections_and_questions_of_bilag_5(shipped):
    form = shipped.form("ADMIN_REPORT")
    assert form.title == "Styringsrapport for almen administrationsorganisation"
    assert [item.key for item in form.head] == ["organisation_master_data"]
    assert form.intro == (
        "Rapporten omfatter administrationsorganisationens egne forhold, herunder hvordan "
        "administrationsorganisationen bistår de administrerede organisationer med at "
        "opretholde en god organisationsdrift."
    )
    assert [(s.key, s.title) for s in form.sections] == [
        ("organisation", "A. Administrationsorganisationen – vurdering"),
        ("facts", "B. Administrationsorganisationen – centrale facts"),
        ("agreements", "C. Status for tidligere indgåede aftaler mv."),
    ]
    assert form.item("organisation_master_data").label == (
        "Administrationsorganisationens nummer, navn og regnskabsperiode"
    )
    for number, key in enumerate(
        ["q1_proposals", "q2_strategy", "q3_construction", "q4_efficiency", "q5_governance"], 1
    ):
        question = form.question(key)
        assert question.label.startswith(f"{number}. Har administrationsorganisationen")
        assert (question.kind, question.required) == ("yes_no", True)
        assert dict(form.question(f"{key}_text").required_when) == {key: True}
    status = form.question("c_status")
    assert (status.kind, status.required) == ("text", True)
    assert status.label.startswith(
        "Hvad er status for tidligere drøftede forhold, indgåede aftaler"
    )


def test_admin_report_accounts_table_has_the_four_rows_of_bilag_5(shipped):
    form = shipped.form("ADMIN_REPORT")
    table = form.item("accounts_key_figures")
    assert table.figures == (
        "admin_contribution_per_unit",
        "building_fee_new_share",
        "building_fee_renovation_share",
        "working_capital_per_unit",
    )
    assert table.columns == ("value", "benchmark", "last_year")
    assert table.comment_key == "accounts_comment"
    complaints = form.item("complaint_cases")
    assert complaints.source == "complaint_cases"
    assert complaints.comment.label == (
        "Evt. kommentarer, herunder om administrationsorganisationens opfølgning på tabte sager"
    )


def test_key_figures_have_their_critical_rules(shipped):
    figures = shipped.key_figures
    worse_when_low = {
        "disposition_fund_per_unit",
        "working_capital_per_unit",
        "maintenance_provision_annual_per_lease",
        "maintenance_provision_annual_per_m2",
        "maintenance_provision_accumulated_per_lease",
        "maintenance_provision_accumulated_per_m2",
    }
    worse_when_high = {
        "admin_contribution_per_unit",
        "building_fee_new_share",
        "building_fee_renovation_share",
        *(
            f"{stem}_{dwelling}"
            for stem in ("move_out_rate", "vacancy_rate")
            for dwelling in ("family", "elderly", "youth")
        ),
    }
    no_rule = {"rent_per_m2_family", "rent_per_m2_youth", "rent_per_m2_elderly", "employment_rate"}
    assert set(figures) == worse_when_low | worse_when_high | no_rule
    for key in worse_when_low:
        assert figures[key].direction == "lower_is_worse", key
    for key in worse_when_high:
        assert figures[key].direction == "higher_is_worse", key
    for key in worse_when_low | worse_when_high:
        assert 0 <= figures[key].yellow <= figures[key].red, key
    for key in no_rule:
        definition = figures[key]
        assert (definition.direction, definition.yellow, definition.red) == (None, None, None)
    assert figures["maintenance_provision_annual_per_m2"].unit == "kr. pr. m²"
    assert figures["move_out_rate_family"].unit == "pct."
    assert all(definition.help for definition in figures.values())


def test_every_key_figure_is_shown_by_some_form(shipped):
    shown = set()
    for form in shipped.forms.values():
        for item in form.items():
            if isinstance(item, KeyFigureTable | Computed):
                shown.update(item.figures)
    assert shown == set(shipped.key_figures)


def test_every_answerable_question_has_a_help_text_or_is_a_follow_up(shipped):
    for form in shipped.forms.values():
        for question in form.questions():
            if (
                question.comment_for
                or question.required_when
                or question.label.startswith("Evt. kommentarer")
            ):
                continue
            assert question.help, f"{form.kind}.{question.key}"


def test_comments_under_tables_are_optional_text_questions_of_the_form(shipped):
    form = shipped.form("HOUSING_REPORT")
    comments = [q for q in form.questions() if q.comment_for]
    assert [(q.key, q.comment_for) for q in comments] == [
        ("efficiency_comment", "efficiency_distribution"),
        ("letting_tools_comment", "letting_tools"),
        ("accounts_comment", "accounts_key_figures"),
        ("complaint_cases_comment", "complaint_cases"),
    ]
    assert all(q.kind == "text" and not q.required and q.max_length for q in comments)
    assert form.question("accounts_comment") is form.item("accounts_key_figures").comment


def test_computed_labels_use_only_their_source_vocabulary(shipped):
    for form in shipped.forms.values():
        for item in form.items():
            if isinstance(item, Computed):
                assert set(item.labels) <= COMPUTED_SOURCES[item.source]


# --- the validator ----------------------------------------------------------------------------


def minimal_document() -> dict:
    """A small valid definition that each rejection test breaks in one place."""
    return {
        "version": "2026.1",
        "key_figures": {
            "admin_contribution_per_unit": {
                "label": "Administrationsbidrag, kr. pr. lejemålsenhed",
                "unit": "kr.",
                "decimals": 0,
                "direction": "higher_is_worse",
                "yellow": 25,
                "red": 50,
            },
            "rent_per_m2_family": {"label": "Leje", "unit": "kr. pr. m²", "decimals": 0},
        },
        "forms": {
            "HOUSING_REPORT": {
                "title": "Styringsrapport",
                "annex": "Bilag 3",
                "sections": [
                    {
                        "key": "organisation",
                        "title": "I. Boligorganisationen",
                        "items": [
                            {
                                "key": "q1",
                                "kind": "yes_no",
                                "label": "1. Forslag?",
                                "required": True,
                            },
                            {
                                "key": "q1_text",
                                "kind": "text",
                                "label": "Hvis ja, hvilke?",
                                "required_when": {"q1": True},
                            },
                        ],
                    },
                    {
                        "key": "facts",
                        "title": "IV. Centrale facts",
                        "items": [
                            {
                                "key": "accounts",
                                "kind": "key_figures",
                                "label": "Regnskabets nøgletal",
                                "rows": [{"figure": "admin_contribution_per_unit"}],
                                "columns": ["value", "benchmark", "last_year"],
                                "comment_key": "accounts_comment",
                            },
                            {
                                "key": "complaints",
                                "kind": "computed",
                                "source": "complaint_cases",
                                "label": "Sager ved beboerklagenævnet",
                                "comment_key": "complaints_comment",
                            },
                        ],
                    },
                ],
            },
            "ADMIN_REPORT": {
                "title": "Styringsrapport for administrationsorganisation",
                "annex": "Bilag 5",
                "sections": [
                    {
                        "key": "agreements",
                        "title": "C. Status",
                        "items": [
                            {
                                "key": "c_status",
                                "kind": "text",
                                "label": "Status?",
                                "required": True,
                            }
                        ],
                    }
                ],
            },
            "ESTATE_FORM": {
                "title": "Oplysningsskema for afdeling",
                "annex": "Bilag 4",
                "sections": [
                    {
                        "key": "conclusion",
                        "title": "A. Konklusion",
                        "applies_to": ["in_operation", "under_construction"],
                        "items": [
                            {"key": "a_challenges", "kind": "yes_no", "label": "Udfordringer?"},
                            {
                                "key": "a_items",
                                "kind": "prioritised_list",
                                "label": "Hvis ja",
                                "required_when": {"a_challenges": True},
                            },
                        ],
                    },
                    {
                        "key": "economy",
                        "title": "B. Økonomi og drift",
                        "applies_to": ["in_operation"],
                        "items": [
                            {
                                "key": "rents",
                                "kind": "computed",
                                "source": "rents",
                                "label": "Leje",
                                "figures": ["rent_per_m2_family"],
                            },
                            {
                                "key": "maintenance_condition",
                                "kind": "choice",
                                "label": "Vedligeholdelsestilstand",
                                "options": [
                                    {"value": "satisfactory", "label": "Tilfredsstillende"},
                                    {
                                        "value": "not_satisfactory",
                                        "label": "Ikke tilfredsstillende",
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
        },
    }


def housing_items(doc: dict, section: int = 0) -> list:
    return doc["forms"]["HOUSING_REPORT"]["sections"][section]["items"]


def estate_items(doc: dict, section: int) -> list:
    return doc["forms"]["ESTATE_FORM"]["sections"][section]["items"]


def assert_rejected(doc: dict, path: str, reason: str, source: str = SOURCE) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse(doc, source)
    error = caught.value
    assert str(error).startswith(f"{source}: {path}: "), str(error)
    assert reason in str(error), str(error)
    assert (error.source, error.path) == (source, path)


def test_minimal_document_is_valid():
    questionnaire = parse(minimal_document(), SOURCE)
    form = questionnaire.form("ESTATE_FORM")
    assert form.question("a_items").max_items == 10
    assert form.question("a_items").max_length == 500
    assert questionnaire.form("HOUSING_REPORT").question("q1_text").max_length == 4000
    assert questionnaire.form("HOUSING_REPORT").item("accounts").rows[0].label == (
        "Administrationsbidrag, kr. pr. lejemålsenhed"
    )


def test_every_kind_of_item_may_carry_the_annexs_heading_and_preface():
    doc = minimal_document()
    for item in housing_items(doc, 0) + housing_items(doc, 1):
        item["heading"] = f"Overskrift over {item['key']}"
        item["preface"] = f"Tekst før {item['key']}"
    form = parse(doc, SOURCE).form("HOUSING_REPORT")
    for key in ("q1", "q1_text", "accounts", "complaints"):
        item = form.item(key)
        assert (item.heading, item.preface) == (f"Overskrift over {key}", f"Tekst før {key}")
    assert form.question("accounts_comment").heading is None


@pytest.mark.parametrize("key", ["heading", "preface"])
def test_definition_rejects_an_empty_heading_or_preface(key):
    doc = minimal_document()
    housing_items(doc, 1)[0][key] = "  "
    assert_rejected(doc, f"forms.HOUSING_REPORT.sections[1].items[0].{key}", "non-empty text")


def test_definition_rejects_an_organisation_header_that_names_no_line():
    doc = minimal_document()
    housing_items(doc, 1).append(
        {
            "key": "head",
            "kind": "computed",
            "source": "organisation_master_data",
            "label": "Boligorganisationens nummer og navn",
        }
    )
    assert_rejected(doc, "forms.HOUSING_REPORT.sections[1].items[2].labels", "name at least one")


def test_a_forms_head_holds_generated_lines_above_its_sections():
    doc = minimal_document()
    doc["forms"]["HOUSING_REPORT"]["head"] = [
        {
            "key": "head",
            "kind": "computed",
            "source": "organisation_master_data",
            "label": "Nummer og navn",
            "labels": {"number": "Nummer", "name": "Navn"},
        }
    ]
    form = parse(doc, SOURCE).form("HOUSING_REPORT")
    assert [item.key for item in form.head] == ["head"]
    assert form.items()[0] is form.item("head")
    assert all(item.key != "head" for section in form.sections for item in section.items)


@pytest.mark.parametrize(
    "item",
    [
        {"key": "q9", "kind": "yes_no", "label": "9. Spørgsmål?"},
        {
            "key": "complaints",
            "kind": "computed",
            "source": "complaint_cases",
            "label": "Sager ved beboerklagenævnet",
            "comment_key": "complaints_comment",
        },
    ],
)
def test_definition_rejects_anything_to_answer_in_a_forms_head(item):
    doc = minimal_document()
    housing_items(doc, 1).pop()  # the complaints part, so its key is free
    doc["forms"]["HOUSING_REPORT"]["head"] = [item]
    assert_rejected(doc, "forms.HOUSING_REPORT.head[0]", "without a comment_key only")


def test_definition_rejects_unknown_top_level_key():
    doc = minimal_document()
    doc["questions"] = {}
    assert_rejected(doc, "questions", "unknown key 'questions'")


@pytest.mark.parametrize(
    ("remove", "path"),
    [
        (lambda doc: doc.pop("forms"), "forms"),
        (lambda doc: doc["forms"].pop("ADMIN_REPORT"), "forms.ADMIN_REPORT"),
        (lambda doc: doc["forms"]["ESTATE_FORM"].pop("title"), "forms.ESTATE_FORM.title"),
        (
            lambda doc: doc["key_figures"]["rent_per_m2_family"].pop("unit"),
            "key_figures.rent_per_m2_family.unit",
        ),
        (
            lambda doc: housing_items(doc)[0].pop("label"),
            "forms.HOUSING_REPORT.sections[0].items[0].label",
        ),
        (
            lambda doc: estate_items(doc, 1)[1].pop("options"),
            "forms.ESTATE_FORM.sections[1].items[1].options",
        ),
    ],
)
def test_definition_rejects_missing_required_key(remove, path):
    doc = minimal_document()
    remove(doc)
    assert_rejected(doc, path, "is missing")


def test_definition_rejects_unknown_item_kind():
    doc = minimal_document()
    estate_items(doc, 1)[0] = {"key": "rents", "kind": "slider", "label": "Leje"}
    assert_rejected(
        doc, "forms.ESTATE_FORM.sections[1].items[0].kind", "unknown item kind 'slider'"
    )


def test_definition_rejects_unknown_key_on_an_item():
    doc = minimal_document()
    housing_items(doc)[0]["options"] = []
    assert_rejected(doc, "forms.HOUSING_REPORT.sections[0].items[0].options", "unknown key")


def test_definition_rejects_duplicate_section_key_within_form():
    doc = minimal_document()
    doc["forms"]["HOUSING_REPORT"]["sections"][1]["key"] = "organisation"
    assert_rejected(
        doc, "forms.HOUSING_REPORT.sections[1].key", "duplicate section key 'organisation'"
    )


def test_definition_rejects_duplicate_item_key_within_form():
    doc = minimal_document()
    housing_items(doc, 1)[1]["key"] = "q1"
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[1].key",
        "item key 'q1' collides with the key declared at forms.HOUSING_REPORT.sections[0].items[0]",
    )


def test_definition_allows_the_same_question_key_in_different_forms():
    doc = minimal_document()
    doc["forms"]["ADMIN_REPORT"]["sections"][0]["items"][0]["key"] = "q1"
    assert parse(doc, SOURCE).form("ADMIN_REPORT").question("q1").kind == "text"


def test_definition_rejects_choice_without_options():
    doc = minimal_document()
    estate_items(doc, 1)[1]["options"] = []
    assert_rejected(
        doc, "forms.ESTATE_FORM.sections[1].items[1].options", "needs at least two options"
    )


def test_definition_rejects_choice_with_duplicate_option_values():
    doc = minimal_document()
    estate_items(doc, 1)[1]["options"][1]["value"] = "satisfactory"
    assert_rejected(
        doc,
        "forms.ESTATE_FORM.sections[1].items[1].options[1].value",
        "duplicate option value 'satisfactory'",
    )


def test_definition_rejects_required_when_pointing_at_unknown_question():
    doc = minimal_document()
    housing_items(doc)[1]["required_when"] = {"q9": True}
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[0].items[1].required_when.q9",
        "not a question of this form",
    )


def test_definition_rejects_required_when_pointing_at_question_of_another_form():
    doc = minimal_document()
    estate_items(doc, 0)[1]["required_when"] = {"q1": True}
    assert_rejected(
        doc,
        "forms.ESTATE_FORM.sections[0].items[1].required_when.q1",
        "not a question of this form",
    )


def test_definition_rejects_required_when_pointing_at_non_yes_no_question():
    doc = minimal_document()
    estate_items(doc, 0)[1]["required_when"] = {"maintenance_condition": True}
    assert_rejected(
        doc,
        "forms.ESTATE_FORM.sections[0].items[1].required_when.maintenance_condition",
        "must be a yes_no question",
    )


def test_definition_rejects_required_when_with_a_non_boolean_value():
    doc = minimal_document()
    housing_items(doc)[1]["required_when"] = {"q1": "ja"}
    assert_rejected(
        doc, "forms.HOUSING_REPORT.sections[0].items[1].required_when.q1", "true or false"
    )


def test_definition_rejects_question_both_required_and_required_when():
    doc = minimal_document()
    housing_items(doc)[1]["required"] = True
    assert_rejected(doc, "forms.HOUSING_REPORT.sections[0].items[1].required_when", "not both")


def test_definition_rejects_key_figure_row_naming_undefined_figure():
    doc = minimal_document()
    housing_items(doc, 1)[0]["rows"].append({"figure": "profit_per_unit"})
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[0].rows[1].figure",
        "unknown key figure 'profit_per_unit'",
    )


def test_definition_rejects_computed_figure_not_in_key_figures():
    doc = minimal_document()
    estate_items(doc, 1)[0]["figures"] = ["rent_per_m2_castle"]
    assert_rejected(
        doc,
        "forms.ESTATE_FORM.sections[1].items[0].figures[0]",
        "unknown key figure 'rent_per_m2_castle'",
    )


def test_definition_rejects_table_column_outside_allowed_set():
    doc = minimal_document()
    housing_items(doc, 1)[0]["columns"] = ["value", "median"]
    assert_rejected(
        doc, "forms.HOUSING_REPORT.sections[1].items[0].columns[1]", "'median' is not one of"
    )


def test_definition_rejects_table_with_critical_figure_but_no_comment_key():
    doc = minimal_document()
    del housing_items(doc, 1)[0]["comment_key"]
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[0].comment_key",
        "a critical value must be commented",
    )


def test_definition_rejects_comment_key_colliding_with_question_key():
    doc = minimal_document()
    housing_items(doc, 1)[0]["comment_key"] = "q1_text"
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[0].comment_key",
        "comment_key 'q1_text' collides with the key declared at",
    )


def test_definition_rejects_comment_key_colliding_with_another_comment_key():
    doc = minimal_document()
    housing_items(doc, 1)[1]["comment_key"] = "accounts_comment"
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[1].comment_key",
        "comment_key 'accounts_comment' collides with the key declared at "
        "forms.HOUSING_REPORT.sections[1].items[0].comment_key",
    )


def test_definition_rejects_unknown_direction():
    doc = minimal_document()
    doc["key_figures"]["admin_contribution_per_unit"]["direction"] = "up_is_bad"
    assert_rejected(
        doc,
        "key_figures.admin_contribution_per_unit.direction",
        "must be one of higher_is_worse, lower_is_worse",
    )


def test_definition_rejects_critical_rule_given_in_part():
    doc = minimal_document()
    del doc["key_figures"]["admin_contribution_per_unit"]["red"]
    assert_rejected(doc, "key_figures.admin_contribution_per_unit.red", "must be given together")


def test_definition_rejects_negative_threshold():
    doc = minimal_document()
    doc["key_figures"]["admin_contribution_per_unit"]["yellow"] = -5
    assert_rejected(doc, "key_figures.admin_contribution_per_unit.yellow", "must not be negative")


def test_definition_rejects_red_threshold_below_yellow():
    doc = minimal_document()
    doc["key_figures"]["admin_contribution_per_unit"].update(yellow=50, red=25)
    assert_rejected(
        doc,
        "key_figures.admin_contribution_per_unit.red",
        "red (25) must not be smaller than yellow (50)",
    )


def test_definition_rejects_unknown_computed_source():
    doc = minimal_document()
    housing_items(doc, 1)[1]["source"] = "weather"
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[1].source",
        "unknown computed source 'weather'",
    )


def test_definition_rejects_computed_label_outside_its_source_vocabulary():
    doc = minimal_document()
    housing_items(doc, 1)[1]["labels"] = {"total": "I alt", "appeals": "Ankesager"}
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[1].labels.appeals",
        "complaint_cases has no label 'appeals'",
    )


def test_definition_rejects_applies_to_value_outside_allowed_set():
    doc = minimal_document()
    doc["forms"]["ESTATE_FORM"]["sections"][1]["applies_to"] = ["in_operation", "demolished"]
    assert_rejected(
        doc,
        "forms.ESTATE_FORM.sections[1].applies_to[1]",
        "'demolished' is not one of in_operation, under_construction",
    )


def test_definition_rejects_applies_to_outside_the_estate_form():
    doc = minimal_document()
    doc["forms"]["HOUSING_REPORT"]["sections"][0]["applies_to"] = ["in_operation"]
    assert_rejected(
        doc, "forms.HOUSING_REPORT.sections[0].applies_to", "only sections of ESTATE_FORM"
    )


def test_definition_rejects_version_not_matching_file_name():
    assert_rejected(
        minimal_document(),
        "version",
        "'2026.1' does not match the file name '2027.1.yaml'",
        source="2027.1.yaml",
    )


def test_definition_file_whose_version_does_not_match_its_name_is_rejected(tmp_path):
    path = tmp_path / "2027.1.yaml"
    path.write_text(yaml.safe_dump(minimal_document(), allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_path(path)
    assert str(caught.value).startswith("2027.1.yaml: version: ")
    assert "does not match the file name" in str(caught.value)


def test_definition_file_with_a_key_given_twice_is_rejected(tmp_path):
    path = tmp_path / "2026.1.yaml"
    path.write_text(
        'version: "2026.1"\nkey_figures:\n  a:\n    label: A\n  a:\n    label: B\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as caught:
        load_path(path)
    assert str(caught.value) == "2026.1.yaml: line 5: key 'a' is given twice in one mapping"


def test_shipped_file_round_trips_through_parse():
    """parse() of the shipped data gives the same definition as load()."""
    data = yaml.safe_load((DEFINITIONS_DIR / SOURCE).read_text(encoding="utf-8"))
    assert parse(copy.deepcopy(data), SOURCE) == load(VERSION)
    assert isinstance(load(VERSION).form("HOUSING_REPORT").questions()[0], Question)


def _critical_estates_part(doc, groups) -> dict:
    part = {
        "key": "critical",
        "kind": "computed",
        "source": "critical_estates",
        "label": "Afdelinger med kritiske nøgletal",
        "figure_groups": groups,
    }
    housing_items(doc, 1).append(part)
    return part


def test_definition_groups_a_parts_figures_under_its_columns():
    doc = minimal_document()
    _critical_estates_part(doc, {"maintenance": ["admin_contribution_per_unit"]})
    part = parse(doc, SOURCE).form("HOUSING_REPORT").item("critical")
    assert dict(part.figure_groups) == {"maintenance": ("admin_contribution_per_unit",)}
    assert part.figures == ("admin_contribution_per_unit",)


def test_definition_rejects_a_figure_group_its_part_has_no_column_for():
    doc = minimal_document()
    _critical_estates_part(doc, {"parking": ["admin_contribution_per_unit"]})
    assert_rejected(
        doc,
        "forms.HOUSING_REPORT.sections[1].items[2].figure_groups.parking",
        "critical_estates has no column 'parking'",
    )


def test_definition_rejects_a_figure_in_two_groups_and_figures_beside_groups():
    doc = minimal_document()
    _critical_estates_part(
        doc, {"vacancy": ["rent_per_m2_family"], "move_out": ["rent_per_m2_family"]}
    )
    assert_rejected(
        doc, "forms.HOUSING_REPORT.sections[1].items[2].figure_groups", "lists a key figure twice"
    )
    doc = minimal_document()
    _critical_estates_part(doc, {"vacancy": ["rent_per_m2_family"]})["figures"] = [
        "rent_per_m2_family"
    ]
    assert_rejected(
        doc, "forms.HOUSING_REPORT.sections[1].items[2]", "give figures or figure_groups"
    )


def test_a_key_figure_without_a_benchmark_entry_is_compared_with_the_sectors_median():
    definition = parse(minimal_document(), SOURCE).key_figures["rent_per_m2_family"].benchmark
    assert (definition.statistic, definition.peer_group, definition.minimum_accounts) == (
        "median",
        "sector",
        20,
    )


def test_the_shipped_accounts_figures_compare_organisations_by_kind_and_estates_by_type(shipped):
    figures = shipped.key_figures
    assert figures["admin_contribution_per_unit"].benchmark.peer_group == "organisation_kind"
    assert figures["maintenance_provision_annual_per_m2"].benchmark.peer_group == "dwelling_type"


@pytest.mark.parametrize(
    ("benchmark", "path", "reason"),
    [
        ({"statistic": "mode"}, "statistic", "must be one of median, mean, not 'mode'"),
        ({"peer_group": "region"}, "peer_group", "must be one of sector, dwelling_type"),
        ({"minimum_accounts": 0}, "minimum_accounts", "must be a whole number of 1 or more"),
        ({"minimum_accounts": 2.5}, "minimum_accounts", "must be a whole number of 1 or more"),
        ({"peers": "sector"}, "peers", "unknown key 'peers'"),
    ],
)
def test_definition_rejects_a_benchmark_it_cannot_compute(benchmark, path, reason):
    doc = minimal_document()
    doc["key_figures"]["admin_contribution_per_unit"]["benchmark"] = benchmark
    assert_rejected(doc, f"key_figures.admin_contribution_per_unit.benchmark.{path}", reason)
