"""Versioned form definitions: the questions, tables and key figures of Bilag 3, 4 and 5.

A definition is data, `<version>.yaml` beside this module; a new year's form is a new file, not new
code. `load(version)` reads and validates one file into frozen dataclasses that the engine, the
views and the exports read. Nothing here touches Flask or the database: the module imports only
the standard library and PyYAML, so its rules can be tested without an app.

Validation stops at the first problem and raises `DefinitionError`, whose message names the file,
the path inside the document (`forms.ESTATE_FORM.sections[2].items[0].kind`) and the reason.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

__all__ = [
    "ANNEX_TEXT",
    "APPLIES_TO",
    "BenchmarkDefinition",
    "COLUMNS",
    "COMPUTED_SOURCES",
    "DEFAULT_COLUMN_LABELS",
    "DEFAULT_COMMENT_LABEL",
    "DIRECTIONS",
    "FORM_KINDS",
    "ITEM_KINDS",
    "PEER_GROUPS",
    "QUESTION_KINDS",
    "STATISTICS",
    "AnnexText",
    "Computed",
    "DefinitionError",
    "FormDefinition",
    "Item",
    "KeyFigureDefinition",
    "KeyFigureRow",
    "KeyFigureTable",
    "Option",
    "Question",
    "Questionnaire",
    "Section",
    "UnknownVersionError",
    "available_versions",
    "load",
    "load_path",
    "parse",
]

DEFINITIONS_DIR = Path(__file__).resolve().parent

FORM_KINDS = ("HOUSING_REPORT", "ADMIN_REPORT", "ESTATE_FORM")
QUESTION_KINDS = ("yes_no", "text", "choice", "prioritised_list")
ITEM_KINDS = (*QUESTION_KINDS, "key_figures", "computed")
ANNEX_TEXT = ("heading", "preface")  # the keys of AnnexText, allowed on every item
APPLIES_TO = ("in_operation", "under_construction")
DIRECTIONS = ("higher_is_worse", "lower_is_worse", "either_way")
COLUMNS = ("value", "benchmark", "last_year")
DEFAULT_COLUMN_LABELS = MappingProxyType(
    {"value": "Værdi", "benchmark": "Benchmark", "last_year": "Sidste års værdi"}
)
DEFAULT_COMMENT_LABEL = "Evt. kommentarer"
DEFAULT_TEXT_MAX_LENGTH = 4000
DEFAULT_LIST_ITEM_MAX_LENGTH = 500
DEFAULT_MAX_ITEMS = 10

_LETTING_TOOLS = ("waiting_list", "flexible", "municipal_referral", "advertising", "combined")
_ESTATE_COLUMNS = ("municipality", "estate_number", "estate_name")

# The read-only parts the engine generates, each with the label keys its renderer looks up.
COMPUTED_SOURCES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "estate_master_data": frozenset(
            {"estate_number", "estate_name", "address", "municipality", "organisation"}
        ),
        "organisation_master_data": frozenset({"number", "name", "kind", "accounting_period"}),
        "estate_under_construction": frozenset({"yes", "no"}),
        "estate_conclusions": frozenset({"estate_number", "estate_name", "items", "empty"}),
        "efficiency_distribution": frozenset({"green", "yellow", "red", "estates", "average"}),
        "efficiency_table": frozenset(
            {
                *_ESTATE_COLUMNS,
                "efficiency_mark",
                "estate_efficiency",
                "averages",
                "organisation_average",
                "municipality_average",
                "region_average",
            }
        ),
        "letting_tools": frozenset({"lead", "municipality", *_LETTING_TOOLS}),
        "critical_estates": frozenset(
            {
                "lead",
                *_ESTATE_COLUMNS,
                "critical_figures",
                "vacancy",
                "move_out",
                "maintenance",
                "empty",
            }
        ),
        "family_dwellings": frozenset(
            {
                *_ESTATE_COLUMNS,
                "family_dwellings",
                "letting_rules",
                "employment",
                "employment_estate",
                "employment_municipality",
                *_LETTING_TOOLS,
            }
        ),
        "complaint_cases": frozenset(
            {
                "this_year",
                "last_year",
                "decided",
                "lost",
                "total",
                "utility_accounts",
                "move_out",
                "house_rules",
                "other",
            }
        ),
        "rents": frozenset({"family", "youth", "elderly"}),
    }
)

# the parts that show exactly the lines their labels name, in the labels' order: each form's
# header asks for its own (Bilag 3: number, name, kind and accounting period; Bilag 5: no kind)
SOURCES_SHOWN_BY_LABELS = frozenset({"organisation_master_data"})

_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION_PATTERN = re.compile(r"^\d{4}\.\d+$")
_MAX_KEY_LENGTH = 80  # answer.question_key and key_figure_value.key are String(80)


# --- errors -----------------------------------------------------------------------------------


class DefinitionError(ValueError):
    """A definition file breaks a rule; names the file, the path in the document and the reason."""

    def __init__(self, source: str, path: str, reason: str) -> None:
        self.source = source
        self.path = path or "(document)"
        self.reason = reason
        super().__init__(f"{source}: {self.path}: {reason}")


class UnknownVersionError(LookupError):
    """No definition file exists for the requested version."""


# --- the definition as frozen dataclasses -----------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, kw_only=True)
class AnnexText:
    """What the ministry's template prints before an item: a `heading` over it and the items
    after it, then a `preface`, a line of text that leads into it."""

    heading: str | None = None
    preface: str | None = None


@dataclass(frozen=True, kw_only=True)
class Question(AnnexText):
    """Something the user answers. `comment_for` names the table or part a comment belongs to."""

    key: str
    kind: str
    label: str
    help: str | None = None
    required: bool = False
    required_when: Mapping[str, bool] | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    max_items: int | None = None
    comment_for: str | None = None

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        raise KeyError(value)


@dataclass(frozen=True, kw_only=True)
class KeyFigureRow:
    figure: str
    label: str  # the row's own label, else the key figure's label


@dataclass(frozen=True, kw_only=True)
class KeyFigureTable(AnnexText):
    """A read-only table of key figures, with its "Evt. kommentarer" text question."""

    key: str
    kind: str = "key_figures"
    label: str
    help: str | None = None
    rows: tuple[KeyFigureRow, ...]
    columns: tuple[str, ...]
    column_labels: Mapping[str, str]
    comment_key: str | None = None
    comment: Question | None = None
    period_label: str | None = None  # "Fra året", "Opgørelsestidspunkt": the engine adds the date

    @property
    def figures(self) -> tuple[str, ...]:
        return tuple(row.figure for row in self.rows)


@dataclass(frozen=True, kw_only=True)
class Computed(AnnexText):
    """A read-only part the engine generates from `source`, optionally with a comment question."""

    key: str
    kind: str = "computed"
    label: str
    help: str | None = None
    source: str
    comment_key: str | None = None
    comment: Question | None = None
    figures: tuple[str, ...] = ()  # key figures the part shows
    # the part's key figures by column, when it shows one mark per group of figures
    figure_groups: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # column and row labels for the renderer, from the source's vocabulary in COMPUTED_SOURCES
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


Item = Question | KeyFigureTable | Computed


@dataclass(frozen=True, kw_only=True)
class Section:
    key: str
    title: str
    intro: str | None = None
    applies_to: tuple[str, ...] | None = None  # None: every form of the kind
    items: tuple[Item, ...]

    def questions(self) -> tuple[Question, ...]:
        """The section's questions in order, each table's or part's comment right after it."""
        return tuple(_questions_of(self.items))

    def applies(self, estate_state: str) -> bool:
        return self.applies_to is None or estate_state in self.applies_to


@dataclass(frozen=True, kw_only=True)
class FormDefinition:
    """A form as its annex prints it: the `head` (the generated lines above the first part),
    the `intro` (the annex's own text after them), then the sections. `help` is guidance
    about the whole form, shown on request."""

    kind: str
    title: str
    annex: str
    sections: tuple[Section, ...]
    head: tuple[Computed, ...] = ()
    intro: str | None = None
    help: str | None = None

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def items(self) -> tuple[Item, ...]:
        """The head's items, then every section's."""
        return (*self.head, *(item for section in self.sections for item in section.items))

    def item(self, key: str) -> Item:
        for item in self.items():
            if item.key == key:
                return item
        raise KeyError(key)

    def questions(self) -> tuple[Question, ...]:
        """Every answerable question, flattened; includes the comment questions of tables."""
        return tuple(q for section in self.sections for q in section.questions())

    def question(self, key: str) -> Question:
        for question in self.questions():
            if question.key == key:
                return question
        raise KeyError(key)

    def key_figure_tables(self) -> tuple[KeyFigureTable, ...]:
        return tuple(item for item in self.items() if isinstance(item, KeyFigureTable))


# the amounts of the accounts register (docs/registers.md, regnskabsbeløb)
ACCOUNT_AMOUNTS = (
    "administrationsbidrag",
    "lejemaalsenheder",
    "byggesagshonorar_nybyggeri",
    "anskaffelsessum_nybyggeri",
    "byggesagshonorar_renovering",
    "anskaffelsessum_renovering",
    "dispositionsfond",
    "arbejdskapital",
    "henlaeggelser_aar",
    "henlaeggelser_opsparede",
    "lejemaal",
    "bruttoetageareal",
)


# how a key figure's benchmark is computed from the sector's values (`app.rules.benchmarks`)
STATISTICS = ("median", "mean")
PEER_GROUPS = ("sector", "dwelling_type", "organisation_kind")


@dataclass(frozen=True)
class BenchmarkDefinition:
    """The benchmark of a key figure: `statistic` over the values of the subject's peer group
    (the whole sector, estates of the same dwelling type, or housing and administration
    organisations apart), computed where at least `minimum_accounts` filed accounts give a
    value; below that, last year's benchmark indexed."""

    statistic: str = "median"
    peer_group: str = "sector"
    minimum_accounts: int = 20


@dataclass(frozen=True)
class Formula:
    """A key figure from the accounts: numerator / denominator × factor, each an amount of the
    accounts register (`ACCOUNT_AMOUNTS`); no value where the denominator is not positive."""

    numerator: str
    denominator: str
    factor: float = 1.0


@dataclass(frozen=True, kw_only=True)
class KeyFigureDefinition:
    """A key figure; `direction`, `yellow` and `red` are None when it has no critical rule.

    `yellow` and `red` are the percent deviation from the benchmark, in the worse direction, at
    which the value is flagged yellow or red.
    """

    key: str
    label: str
    unit: str
    decimals: int
    direction: str | None = None
    yellow: float | None = None
    red: float | None = None
    help: str | None = None
    formula: Formula | None = None  # computed from the accounts' amounts
    benchmark: BenchmarkDefinition = field(default_factory=BenchmarkDefinition)

    @property
    def has_critical_rule(self) -> bool:
        return self.direction is not None


@dataclass(frozen=True, kw_only=True)
class Questionnaire:
    version: str
    forms: Mapping[str, FormDefinition]
    key_figures: Mapping[str, KeyFigureDefinition]

    def form(self, kind: str) -> FormDefinition:
        return self.forms[str(kind)]

    def key_figure(self, key: str) -> KeyFigureDefinition:
        return self.key_figures[key]


def _questions_of(items: tuple[Item, ...]) -> Iterator[Question]:
    for item in items:
        if isinstance(item, Question):
            yield item
        elif item.comment is not None:
            yield item.comment


# --- loading ----------------------------------------------------------------------------------


def available_versions() -> list[str]:
    """The versions shipped beside this module, oldest first."""
    versions = [p.stem for p in DEFINITIONS_DIR.glob("*.yaml") if _VERSION_PATTERN.match(p.stem)]
    return sorted(versions, key=_version_order)


@functools.cache
def load(version: str) -> Questionnaire:
    """The validated definition `<version>.yaml`; read once per process."""
    if not isinstance(version, str) or not _VERSION_PATTERN.match(version):
        raise UnknownVersionError(f"not a questionnaire version: {version!r}")
    path = DEFINITIONS_DIR / f"{version}.yaml"
    if not path.is_file():
        raise UnknownVersionError(
            f"no questionnaire {version!r}; available: {', '.join(available_versions())}"
        )
    return load_path(path)


def load_path(path: str | Path) -> Questionnaire:
    """Read and validate one definition file (not cached)."""
    path = Path(path)
    source = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except DefinitionError as error:
        raise DefinitionError(source, error.path, error.reason) from None
    except yaml.YAMLError as error:
        raise DefinitionError(source, "", f"not valid YAML: {error}") from None
    return parse(data, source)


def parse(data: Any, source: str) -> Questionnaire:
    """Validate a definition already read into plain data; `source` names it in errors.

    When `source` is a file name (`2026.1.yaml`), the document's version must match it.
    """
    return _Parser(str(source)).parse(data)


def _version_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise DefinitionError(
                    "", f"line {mark.line + 1}", f"key {key!r} is given twice in one mapping"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# --- validation -------------------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _FormScope:
    """What one form has declared so far, for uniqueness and cross references."""

    def __init__(self) -> None:
        self.section_keys: dict[str, str] = {}
        self.item_keys: dict[str, str] = {}  # key -> path of its declaration
        self.questions: dict[str, Question] = {}
        self.pending_conditions: list[tuple[str, Question]] = []  # (path, question)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, reason: str) -> DefinitionError:
        return DefinitionError(self.source, path, reason)

    # generic checks

    def mapping(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a mapping, not {_type_name(value)}")
        return value

    def sequence(self, value: Any, path: str, *, non_empty: bool = True) -> list:
        if not isinstance(value, list):
            raise self.fail(path, f"must be a list, not {_type_name(value)}")
        if non_empty and not value:
            raise self.fail(path, "must not be empty")
        return value

    def keys(self, data: dict, path: str, required: set[str], optional: set[str] = frozenset()):
        allowed = required | optional
        for key in data:
            if key not in allowed:
                raise self.fail(
                    _join(path, str(key)),
                    f"unknown key {key!r}; allowed here: {', '.join(sorted(allowed))}",
                )
        for key in sorted(required):
            if key not in data:
                raise self.fail(_join(path, key), f"required key {key!r} is missing")

    def text(self, data: dict, key: str, path: str, *, optional: bool = False) -> str | None:
        value = data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(path, key), "must be a non-empty text")
        return value.strip()

    def identifier(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not _KEY_PATTERN.match(value):
            raise self.fail(path, f"{value!r} is not a snake_case key")
        if len(value) > _MAX_KEY_LENGTH:
            raise self.fail(path, f"key {value!r} is longer than {_MAX_KEY_LENGTH} characters")
        return value

    def positive_int(self, data: dict, key: str, path: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(_join(path, key), f"must be a positive whole number, not {value!r}")
        return value

    # the document

    def parse(self, data: Any) -> Questionnaire:
        data = self.mapping(data, "")
        self.keys(data, "", {"version", "key_figures", "forms"})
        version = data["version"]
        if not isinstance(version, str) or not _VERSION_PATTERN.match(version):
            raise self.fail("version", f'must be a quoted text like "2026.1", not {version!r}')
        stem = self.source.rsplit("/", 1)[-1]
        for suffix in (".yaml", ".yml"):
            if stem.endswith(suffix):
                stem = stem.removesuffix(suffix)
                if stem != version:
                    raise self.fail(
                        "version", f"{version!r} does not match the file name {self.source!r}"
                    )
        key_figures = self.parse_key_figures(data["key_figures"], "key_figures")
        forms_data = self.mapping(data["forms"], "forms")
        self.keys(forms_data, "forms", set(FORM_KINDS))
        forms = {
            kind: self.parse_form(kind, forms_data[kind], f"forms.{kind}", key_figures)
            for kind in FORM_KINDS
        }
        return Questionnaire(
            version=version,
            forms=MappingProxyType(forms),
            key_figures=MappingProxyType(key_figures),
        )

    # key figures

    def parse_key_figures(self, data: Any, path: str) -> dict[str, KeyFigureDefinition]:
        data = self.mapping(data, path)
        if not data:
            raise self.fail(path, "must not be empty")
        result = {}
        for key, entry in data.items():
            entry_path = _join(path, str(key))
            self.identifier(key, entry_path)
            result[key] = self.parse_key_figure(key, entry, entry_path)
        return result

    def parse_key_figure(self, key: str, data: Any, path: str) -> KeyFigureDefinition:
        data = self.mapping(data, path)
        critical = {"direction", "yellow", "red"}
        self.keys(
            data, path, {"label", "unit", "decimals"}, {"help", "formula", "benchmark"} | critical
        )
        decimals = data["decimals"]
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 4:
            raise self.fail(
                _join(path, "decimals"), f"must be a whole number from 0 to 4, not {decimals!r}"
            )
        given = critical & data.keys()
        direction = yellow = red = None
        if given:
            missing = sorted(critical - given)
            if missing:
                raise self.fail(
                    _join(path, missing[0]),
                    "direction, yellow and red must be given together (or all left out)",
                )
            direction = data["direction"]
            if direction not in DIRECTIONS:
                raise self.fail(
                    _join(path, "direction"),
                    f"must be one of {', '.join(DIRECTIONS)}, not {direction!r}",
                )
            yellow = self.threshold(data, "yellow", path)
            red = self.threshold(data, "red", path)
            if red < yellow:
                raise self.fail(
                    _join(path, "red"), f"red ({red}) must not be smaller than yellow ({yellow})"
                )
        return KeyFigureDefinition(
            key=key,
            label=self.text(data, "label", path),
            unit=self.text(data, "unit", path),
            decimals=decimals,
            direction=direction,
            yellow=yellow,
            red=red,
            help=self.text(data, "help", path, optional=True),
            formula=(
                self.formula(data["formula"], _join(path, "formula")) if "formula" in data else None
            ),
            benchmark=(
                self.benchmark(data["benchmark"], _join(path, "benchmark"))
                if "benchmark" in data
                else BenchmarkDefinition()
            ),
        )

    def benchmark(self, data: Any, path: str) -> BenchmarkDefinition:
        data = self.mapping(data, path)
        self.keys(data, path, set(), {"statistic", "peer_group", "minimum_accounts"})
        default = BenchmarkDefinition()
        statistic = data.get("statistic", default.statistic)
        if statistic not in STATISTICS:
            raise self.fail(
                _join(path, "statistic"),
                f"must be one of {', '.join(STATISTICS)}, not {statistic!r}",
            )
        peer_group = data.get("peer_group", default.peer_group)
        if peer_group not in PEER_GROUPS:
            raise self.fail(
                _join(path, "peer_group"),
                f"must be one of {', '.join(PEER_GROUPS)}, not {peer_group!r}",
            )
        minimum = data.get("minimum_accounts", default.minimum_accounts)
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
            raise self.fail(
                _join(path, "minimum_accounts"),
                f"must be a whole number of 1 or more, not {minimum!r}",
            )
        return BenchmarkDefinition(statistic, peer_group, minimum)

    def formula(self, data: Any, path: str) -> Formula:
        data = self.mapping(data, path)
        self.keys(data, path, {"numerator", "denominator"}, {"factor"})
        for part in ("numerator", "denominator"):
            if data[part] not in ACCOUNT_AMOUNTS:
                raise self.fail(
                    _join(path, part),
                    f"must be an amount of the accounts register, not {data[part]!r}",
                )
        factor = data.get("factor", 1)
        if isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0:
            raise self.fail(_join(path, "factor"), f"must be a positive number, not {factor!r}")
        return Formula(data["numerator"], data["denominator"], float(factor))

    def threshold(self, data: dict, key: str, path: str) -> float:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(_join(path, key), f"must be a number, not {value!r}")
        if value < 0:
            raise self.fail(_join(path, key), f"must not be negative, not {value!r}")
        return value

    # forms and sections

    def parse_form(
        self, kind: str, data: Any, path: str, key_figures: dict[str, KeyFigureDefinition]
    ) -> FormDefinition:
        data = self.mapping(data, path)
        self.keys(data, path, {"title", "annex", "sections"}, {"head", "intro", "help"})
        scope = _FormScope()
        head = ()
        if "head" in data:
            head_path = _join(path, "head")
            head = tuple(
                self.parse_head_item(entry, f"{head_path}[{i}]", scope, key_figures)
                for i, entry in enumerate(self.sequence(data["head"], head_path))
            )
        sections_path = _join(path, "sections")
        sections = tuple(
            self.parse_section(kind, entry, f"{sections_path}[{i}]", scope, key_figures)
            for i, entry in enumerate(self.sequence(data["sections"], sections_path))
        )
        self.check_conditions(scope)
        return FormDefinition(
            kind=kind,
            title=self.text(data, "title", path),
            annex=self.text(data, "annex", path),
            sections=sections,
            head=head,
            intro=self.text(data, "intro", path, optional=True),
            help=self.text(data, "help", path, optional=True),
        )

    def parse_head_item(
        self, data: Any, path: str, scope: _FormScope, key_figures: dict[str, KeyFigureDefinition]
    ) -> Computed:
        """The head stands above every section's progress: it holds nothing to answer."""
        item = self.parse_item(data, path, scope, key_figures)
        if not isinstance(item, Computed) or item.comment is not None:
            raise self.fail(path, "the head holds computed parts without a comment_key only")
        return item

    def parse_section(
        self,
        form_kind: str,
        data: Any,
        path: str,
        scope: _FormScope,
        key_figures: dict[str, KeyFigureDefinition],
    ) -> Section:
        data = self.mapping(data, path)
        self.keys(data, path, {"key", "title", "items"}, {"intro", "applies_to"})
        key = self.identifier(data["key"], _join(path, "key"))
        if key in scope.section_keys:
            raise self.fail(
                _join(path, "key"),
                f"duplicate section key {key!r} (first used at {scope.section_keys[key]})",
            )
        scope.section_keys[key] = path
        items_path = _join(path, "items")
        items = tuple(
            self.parse_item(entry, f"{items_path}[{i}]", scope, key_figures)
            for i, entry in enumerate(self.sequence(data["items"], items_path))
        )
        return Section(
            key=key,
            title=self.text(data, "title", path),
            intro=self.text(data, "intro", path, optional=True),
            applies_to=self.applies_to(form_kind, data.get("applies_to"), path),
            items=items,
        )

    def applies_to(self, form_kind: str, value: Any, path: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        path = _join(path, "applies_to")
        if form_kind != "ESTATE_FORM":
            raise self.fail(path, "only sections of ESTATE_FORM may set applies_to")
        values = self.sequence(value, path)
        for i, entry in enumerate(values):
            if entry not in APPLIES_TO:
                raise self.fail(f"{path}[{i}]", f"{entry!r} is not one of {', '.join(APPLIES_TO)}")
        if len(set(values)) != len(values):
            raise self.fail(path, "lists a value twice")
        return tuple(values)

    # items

    def claim_key(self, key: str, path: str, scope: _FormScope, what: str) -> None:
        if key in scope.item_keys:
            raise self.fail(
                path,
                f"{what} {key!r} collides with the key declared at {scope.item_keys[key]}; "
                "question and item keys must be unique within a form",
            )
        scope.item_keys[key] = path

    def parse_item(
        self, data: Any, path: str, scope: _FormScope, key_figures: dict[str, KeyFigureDefinition]
    ) -> Item:
        data = self.mapping(data, path)
        for required in ("key", "kind"):
            if required not in data:
                raise self.fail(_join(path, required), f"required key {required!r} is missing")
        kind = data["kind"]
        if kind not in ITEM_KINDS:
            raise self.fail(
                _join(path, "kind"),
                f"unknown item kind {kind!r}; use one of {', '.join(ITEM_KINDS)}",
            )
        key = self.identifier(data["key"], _join(path, "key"))
        self.claim_key(key, _join(path, "key"), scope, "item key")
        if kind == "key_figures":
            return self.parse_table(key, data, path, scope, key_figures)
        if kind == "computed":
            return self.parse_computed(key, data, path, scope, key_figures)
        question = self.parse_question(key, kind, data, path)
        scope.questions[key] = question
        if question.required_when is not None:
            scope.pending_conditions.append((_join(path, "required_when"), question))
        return question

    def parse_question(self, key: str, kind: str, data: dict, path: str) -> Question:
        optional = {"help", "required", "required_when", *ANNEX_TEXT}
        if kind == "text":
            optional |= {"max_length"}
        elif kind == "prioritised_list":
            optional |= {"max_length", "max_items"}
        required_keys = {"key", "kind", "label"}
        if kind == "choice":
            required_keys |= {"options"}
        self.keys(data, path, required_keys, optional)
        required = data.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(_join(path, "required"), f"must be true or false, not {required!r}")
        required_when = self.required_when(data.get("required_when"), path)
        if required and required_when is not None:
            raise self.fail(
                _join(path, "required_when"),
                "a question is either required or required_when, not both",
            )
        max_length = max_items = None
        if kind == "text":
            max_length = self.positive_int(data, "max_length", path, DEFAULT_TEXT_MAX_LENGTH)
        elif kind == "prioritised_list":
            max_length = self.positive_int(data, "max_length", path, DEFAULT_LIST_ITEM_MAX_LENGTH)
            max_items = self.positive_int(data, "max_items", path, DEFAULT_MAX_ITEMS)
        options = self.options(data["options"], _join(path, "options")) if kind == "choice" else ()
        return Question(
            key=key,
            kind=kind,
            label=self.text(data, "label", path),
            help=self.text(data, "help", path, optional=True),
            **self.annex_text(data, path),
            required=required,
            required_when=required_when,
            options=options,
            max_length=max_length,
            max_items=max_items,
        )

    def required_when(self, value: Any, path: str) -> Mapping[str, bool] | None:
        if value is None:
            return None
        path = _join(path, "required_when")
        value = self.mapping(value, path)
        if not value:
            raise self.fail(path, "must name at least one yes_no question")
        for key, expected in value.items():
            if not isinstance(expected, bool):
                raise self.fail(_join(path, str(key)), f"must be true or false, not {expected!r}")
        return MappingProxyType(dict(value))

    def options(self, value: Any, path: str) -> tuple[Option, ...]:
        if value is None or value == []:
            raise self.fail(path, "a choice question needs at least two options")
        entries = self.sequence(value, path)
        if len(entries) < 2:
            raise self.fail(path, "a choice question needs at least two options")
        seen: dict[str, str] = {}
        options = []
        for i, entry in enumerate(entries):
            entry_path = f"{path}[{i}]"
            entry = self.mapping(entry, entry_path)
            self.keys(entry, entry_path, {"value", "label"})
            option_value = self.identifier(entry["value"], _join(entry_path, "value"))
            if option_value in seen:
                raise self.fail(
                    _join(entry_path, "value"),
                    f"duplicate option value {option_value!r} (first at {seen[option_value]})",
                )
            seen[option_value] = entry_path
            options.append(Option(value=option_value, label=self.text(entry, "label", entry_path)))
        return tuple(options)

    def comment(
        self, owner_key: str, data: dict, path: str, scope: _FormScope
    ) -> tuple[str | None, Question | None]:
        if "comment_key" not in data:
            for key in ("comment_label", "comment_help"):
                if key in data:
                    raise self.fail(_join(path, key), "only allowed together with comment_key")
            return None, None
        key_path = _join(path, "comment_key")
        key = self.identifier(data["comment_key"], key_path)
        self.claim_key(key, key_path, scope, "comment_key")
        question = Question(
            key=key,
            kind="text",
            label=self.text(data, "comment_label", path, optional=True) or DEFAULT_COMMENT_LABEL,
            help=self.text(data, "comment_help", path, optional=True),
            max_length=DEFAULT_TEXT_MAX_LENGTH,
            comment_for=owner_key,
        )
        scope.questions[key] = question
        return key, question

    def parse_table(
        self,
        key: str,
        data: dict,
        path: str,
        scope: _FormScope,
        key_figures: dict[str, KeyFigureDefinition],
    ) -> KeyFigureTable:
        self.keys(
            data,
            path,
            {"key", "kind", "label", "rows", "columns"},
            {
                "help",
                "comment_key",
                "comment_label",
                "comment_help",
                "column_labels",
                "period_label",
                *ANNEX_TEXT,
            },
        )
        rows_path = _join(path, "rows")
        rows = []
        seen: set[str] = set()
        for i, entry in enumerate(self.sequence(data["rows"], rows_path)):
            row_path = f"{rows_path}[{i}]"
            entry = self.mapping(entry, row_path)
            self.keys(entry, row_path, {"figure"}, {"label"})
            figure = self.figure_ref(entry["figure"], _join(row_path, "figure"), key_figures)
            if figure in seen:
                raise self.fail(_join(row_path, "figure"), f"key figure {figure!r} is listed twice")
            seen.add(figure)
            label = self.text(entry, "label", row_path, optional=True)
            rows.append(KeyFigureRow(figure=figure, label=label or key_figures[figure].label))
        columns = self.columns(data["columns"], _join(path, "columns"))
        column_labels = self.column_labels(data.get("column_labels"), columns, path)
        comment_key, comment = self.comment(key, data, path, scope)
        if comment_key is None:
            critical = [row.figure for row in rows if key_figures[row.figure].has_critical_rule]
            if critical:
                raise self.fail(
                    _join(path, "comment_key"),
                    f"required: key figure {critical[0]!r} has a critical rule, and a critical "
                    "value must be commented",
                )
        return KeyFigureTable(
            key=key,
            label=self.text(data, "label", path),
            help=self.text(data, "help", path, optional=True),
            **self.annex_text(data, path),
            rows=tuple(rows),
            columns=columns,
            column_labels=column_labels,
            comment_key=comment_key,
            comment=comment,
            period_label=self.text(data, "period_label", path, optional=True),
        )

    def annex_text(self, data: dict, path: str) -> dict[str, str | None]:
        return {key: self.text(data, key, path, optional=True) for key in ANNEX_TEXT}

    def figure_ref(self, value: Any, path: str, key_figures: dict) -> str:
        if value not in key_figures:
            raise self.fail(path, f"unknown key figure {value!r}; it is not defined in key_figures")
        return value

    def columns(self, value: Any, path: str) -> tuple[str, ...]:
        values = self.sequence(value, path)
        for i, entry in enumerate(values):
            if entry not in COLUMNS:
                raise self.fail(f"{path}[{i}]", f"{entry!r} is not one of {', '.join(COLUMNS)}")
        if len(set(values)) != len(values):
            raise self.fail(path, "lists a column twice")
        return tuple(values)

    def column_labels(self, value: Any, columns: tuple[str, ...], path: str) -> Mapping[str, str]:
        labels = {column: DEFAULT_COLUMN_LABELS[column] for column in columns}
        if value is None:
            return MappingProxyType(labels)
        path = _join(path, "column_labels")
        value = self.mapping(value, path)
        for column in value:
            if column not in columns:
                raise self.fail(
                    _join(path, str(column)), f"{column!r} is not one of this table's columns"
                )
            labels[column] = self.text(value, column, path)
        return MappingProxyType(labels)

    def parse_computed(
        self,
        key: str,
        data: dict,
        path: str,
        scope: _FormScope,
        key_figures: dict[str, KeyFigureDefinition],
    ) -> Computed:
        self.keys(
            data,
            path,
            {"key", "kind", "label", "source"},
            {
                "help",
                "comment_key",
                "comment_label",
                "comment_help",
                "figures",
                "figure_groups",
                "labels",
                *ANNEX_TEXT,
            },
        )
        source = data["source"]
        if source not in COMPUTED_SOURCES:
            raise self.fail(
                _join(path, "source"),
                f"unknown computed source {source!r}; use one of "
                f"{', '.join(sorted(COMPUTED_SOURCES))}",
            )
        figures: tuple[str, ...] = ()
        if "figures" in data:
            figures_path = _join(path, "figures")
            entries = self.sequence(data["figures"], figures_path)
            figures = tuple(
                self.figure_ref(entry, f"{figures_path}[{i}]", key_figures)
                for i, entry in enumerate(entries)
            )
            if len(set(figures)) != len(figures):
                raise self.fail(figures_path, "lists a key figure twice")
        groups: dict[str, tuple[str, ...]] = {}
        if "figure_groups" in data:
            if figures:
                raise self.fail(path, "give figures or figure_groups, not both")
            groups_path = _join(path, "figure_groups")
            for group, entries in self.mapping(data["figure_groups"], groups_path).items():
                group_path = _join(groups_path, str(group))
                if group not in COMPUTED_SOURCES[source]:
                    raise self.fail(
                        group_path, f"{source} has no column {group!r} to group figures under"
                    )
                groups[group] = tuple(
                    self.figure_ref(entry, f"{group_path}[{i}]", key_figures)
                    for i, entry in enumerate(self.sequence(entries, group_path))
                )
            figures = tuple(f for group in groups.values() for f in group)
            if len(set(figures)) != len(figures):
                raise self.fail(groups_path, "lists a key figure twice")
        labels: dict[str, str] = {}
        if "labels" in data:
            labels_path = _join(path, "labels")
            given = self.mapping(data["labels"], labels_path)
            allowed = COMPUTED_SOURCES[source]
            for label_key in given:
                if label_key not in allowed:
                    raise self.fail(
                        _join(labels_path, str(label_key)),
                        f"{source} has no label {label_key!r}; it knows "
                        f"{', '.join(sorted(allowed))}",
                    )
                labels[label_key] = self.text(given, label_key, labels_path)
        if source in SOURCES_SHOWN_BY_LABELS and not labels:
            raise self.fail(
                _join(path, "labels"),
                f"{source} shows the lines its labels name, in their order: name at least one",
            )
        comment_key, comment = self.comment(key, data, path, scope)
        return Computed(
            key=key,
            label=self.text(data, "label", path),
            help=self.text(data, "help", path, optional=True),
            **self.annex_text(data, path),
            source=source,
            comment_key=comment_key,
            comment=comment,
            figures=figures,
            figure_groups=MappingProxyType(groups),
            labels=MappingProxyType(labels),
        )

    # cross references, once the whole form is known

    def check_conditions(self, scope: _FormScope) -> None:
        for path, question in scope.pending_conditions:
            for key in question.required_when:
                target = scope.questions.get(key)
                if target is None:
                    raise self.fail(
                        _join(path, key), f"names {key!r}, which is not a question of this form"
                    )
                if target.kind != "yes_no":
                    raise self.fail(
                        _join(path, key),
                        f"names {key!r}, a {target.kind} question; it must be a yes_no question",
                    )
                if target.key == question.key:
                    raise self.fail(_join(path, key), "a question cannot depend on itself")


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )
