"""The filling use cases under their former names, for callers that import them from here.

Each lives in its own module: `reading` (forms, answers, key figures, progress as an actor
sees them), `save_answer` (autosave), `statuses` (deriving form and package status, the
year's refresh), `last_year` (last year's answers), `errors` (the refusals)."""

from app.services.errors import Conflict, FormError, Invalid, Locked, NotFound
from app.services.last_year import (
    LastYearResult,
    last_year_refusal,
    load_last_year,
    previous_package,
)
from app.services.reading import (
    answers_of,
    definition_of,
    flagged_items,
    form_figures,
    may_edit,
    package_forms,
    progress_of,
    questionnaire_of,
    report_form,
    visible_form,
    visible_package,
)
from app.services.save_answer import Saved, save_answer
from app.services.statuses import (
    refresh_package_status,
    refresh_statuses,
    refresh_year_statuses,
)

__all__ = [
    "Conflict",
    "FormError",
    "Invalid",
    "LastYearResult",
    "Locked",
    "NotFound",
    "Saved",
    "answers_of",
    "definition_of",
    "flagged_items",
    "form_figures",
    "last_year_refusal",
    "load_last_year",
    "may_edit",
    "package_forms",
    "previous_package",
    "progress_of",
    "questionnaire_of",
    "refresh_package_status",
    "refresh_statuses",
    "refresh_year_statuses",
    "report_form",
    "save_answer",
    "visible_form",
    "visible_package",
]
