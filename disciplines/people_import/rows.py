"""Validating one row of the people import: every problem goes to the plan with the row's
number; a valid row becomes a `Row`."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import override

from disciplines.models import Discipline, Membership
from disciplines.services import normalise_tags

MAX_CAPACITY = Decimal("60")
TRUE = {"1", "yes", "y", "true", "x", "ja", "j", "wahr"}
FALSE = {"", "0", "no", "n", "false", "nein", "falsch"}


def lookup_tables():
    disciplines = {}
    for discipline in Discipline.objects.only("pk", "slug", "name", "name_de"):
        for key in (discipline.slug, discipline.name, discipline.name_de):
            if key:
                disciplines.setdefault(key.strip().lower(), discipline)
    functions = {}
    for value, label in Membership.Function.choices:
        functions[value] = value
        for language in ("en", "de"):
            with override(language):
                functions[str(label).lower()] = value
    functions.update(
        {"experte": "expert", "expertin": "expert", "managerin": "manager", "kommunikator": "communicator"}
    )
    languages = {}
    for code, name in settings.LANGUAGES:
        languages[code.lower()] = code
        languages[str(name).lower()] = code
    languages.update({"english": "en", "englisch": "en", "german": "de", "deutsch": "de"})
    return disciplines, functions, languages


@dataclass
class Row:
    number: int
    email: str
    first_name: str | None
    last_name: str | None
    discipline: Discipline
    function: str
    capacity: Decimal | None
    tags: list | None
    manager: bool
    language: str | None


def clean_row(number, raw, plan, tables):
    disciplines, functions, languages = tables
    email = " ".join((raw.get("email") or "").split()).lower()
    errors_before = plan.error_count

    def error(field_name, message):
        plan.add_error(number, field_name, message, email)

    if not email:
        error("email", _("The e-mail is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            error("email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
        if len(email) > 150:
            error("email", _("The e-mail has more than 150 characters."))

    first = last = None
    if raw.get("first_name", "").strip() or raw.get("last_name", "").strip():
        first, last = raw.get("first_name", "").strip(), raw.get("last_name", "").strip()
    elif raw.get("name", "").strip():
        first, _space, last = " ".join(raw["name"].split()).rpartition(" ")
        if not first:
            first, last = last, ""
    if (first and len(first) > 150) or (last and len(last) > 150):
        error("name", _("A name has more than 150 characters."))

    discipline_text = (raw.get("discipline") or "").strip()
    discipline = disciplines.get(discipline_text.lower())
    if not discipline_text:
        error("discipline", _("The discipline is missing."))
    elif discipline is None:
        error(
            "discipline",
            _("There is no discipline “%(value)s” (give its short name or name).") % {"value": discipline_text},
        )

    function_text = (raw.get("function") or "").strip()
    function = functions.get(function_text.lower())
    if function is None:
        error(
            "function",
            _("“%(value)s” is not a function; use expert, manager or communicator.") % {"value": function_text},
        )

    capacity = None
    capacity_text = (raw.get("capacity") or "").strip().replace(",", ".")
    if capacity_text:
        try:
            capacity = Decimal(capacity_text)
            if not capacity.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            error("capacity", _("“%(value)s” is not a number of hours.") % {"value": raw.get("capacity")})
        else:
            if capacity < 0:
                error("capacity", _("The weekly capacity cannot be negative."))
            elif capacity > MAX_CAPACITY:
                error("capacity", _("The weekly capacity is at most %(max)s hours.") % {"max": MAX_CAPACITY})
            capacity = capacity.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    tags = None
    tags_text = (raw.get("tags") or "").strip()
    if tags_text:
        try:
            tags = normalise_tags(tags_text.replace("|", ";").split(";"))
        except ValidationError as exc:
            error("tags", " ".join(exc.messages))

    manager_text = (raw.get("manager") or "").strip().lower()
    if manager_text not in TRUE | FALSE:
        error("manager", _("“%(value)s” is not yes or no.") % {"value": raw.get("manager")})
    manager = manager_text in TRUE

    language = None
    language_text = (raw.get("language") or "").strip().lower()
    if language_text:
        language = languages.get(language_text)
        if language is None:
            error(
                "language",
                _("“%(value)s” is not an offered language (%(codes)s).")
                % {"value": raw.get("language"), "codes": ", ".join(code for code, _n in settings.LANGUAGES)},
            )

    if plan.error_count > errors_before:
        return None
    return Row(number, email, first, last, discipline, function, capacity, tags, manager, language)
