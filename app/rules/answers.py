"""What an answer may hold: checked before anything is saved."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.questionnaires import FormDefinition, Question
from app.rules.enums import N_
from app.rules.violations import Violation

DEFAULT_TEXT_LENGTH = 4000
DEFAULT_LIST_ITEMS = 10
DEFAULT_ITEM_LENGTH = 500


@dataclass(frozen=True)
class Checked:
    value: object
    violations: tuple[Violation, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.violations


def _refuse(code: str, message: str, key: str, **params) -> Checked:
    return Checked(None, (Violation(code, message, key, tuple(params.items())),))


def check_answer(definition: FormDefinition, key: str, value: object) -> Checked:
    """Validate and normalise one answer; `None` clears it."""
    try:
        question = definition.question(key)
    except KeyError:
        return _refuse("unknown_question", N_("Spørgsmålet findes ikke i skemaet."), key)
    if value is None:
        return Checked(None)
    return _CHECKS[question.kind](question, value)


def _check_yes_no(question: Question, value) -> Checked:
    if not isinstance(value, bool):
        return _refuse("not_yes_no", N_("Svaret skal være ja eller nej."), question.key)
    return Checked(value)


def _check_text(question: Question, value) -> Checked:
    if not isinstance(value, str):
        return _refuse("not_text", N_("Svaret skal være tekst."), question.key)
    limit = question.max_length or DEFAULT_TEXT_LENGTH
    if len(value) > limit:
        return _refuse(
            "too_long", N_("Teksten er for lang: højst %(max)s tegn."), question.key, max=limit
        )
    return Checked(value if value.strip() else None)


def _check_choice(question: Question, value) -> Checked:
    if not isinstance(value, str) or value not in {option.value for option in question.options}:
        return _refuse("not_an_option", N_("Vælg et af de mulige svar."), question.key)
    return Checked(value)


def _check_list(question: Question, value) -> Checked:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return _refuse("not_a_list", N_("Svaret skal være en liste af punkter."), question.key)
    items = [item.strip() for item in value if item.strip()]
    limit = question.max_items or DEFAULT_LIST_ITEMS
    if len(items) > limit:
        return _refuse("too_many_items", N_("Højst %(max)s punkter."), question.key, max=limit)
    length = question.max_length or DEFAULT_ITEM_LENGTH
    if any(len(item) > length for item in items):
        return _refuse(
            "item_too_long",
            N_("Et punkt er for langt: højst %(max)s tegn."),
            question.key,
            max=length,
        )
    return Checked(items or None)


_CHECKS = {
    "yes_no": _check_yes_no,
    "text": _check_text,
    "choice": _check_choice,
    "prioritised_list": _check_list,
}


def is_answered(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    return True


def condition_holds(condition: Mapping[str, bool] | None, answers: Mapping[str, object]) -> bool:
    """A `required_when` condition holds when every named yes/no answer has the named value."""
    if not condition:
        return False
    return all(answers.get(key) is expected for key, expected in condition.items())
