"""Importing people from a directory export: one service for the upload page, the API and
`manage.py import_people`.

Contract:
- `parse_csv(text)` and `rows_from_json(items)` turn a file or JSON rows into the same
  list of row dicts; `people_import(actor=..., rows=..., apply=..., deactivate_missing=...)`
  plans the change and, when `apply` is true and no row has an error, carries it out.
- The dry run and the apply compute the plan with the same function (`build_plan`), so what
  the dry run shows is what applying does. Applying re-plans inside one transaction; the
  caller never hands over a diff.
- One bad row (unknown discipline or function, bad e-mail, negative capacity, a repeated
  e-mail...) and nothing is saved: every error is reported with its row number (the line
  of the CSV, the header being line 1; for JSON the position in the list, from 1).
- Idempotent: applying the same rows twice changes nothing the second time.
- People are never deleted. Those with a membership who are not in the file are listed;
  they are deactivated only with `deactivate_missing`. Superusers, staff and the person
  importing are never deactivated.
- Bulk by construction: existing users, memberships, profiles, expertise and role groups
  are read in a few queries (chunked IN lists), writes are bulk_create/bulk_update.

What a row says, for the person with that e-mail (matched case-insensitively):
- name (or first/last name): set when given; blank leaves the stored name.
- discipline + function + weekly capacity: within that discipline the file decides: the
  person's memberships there become the row's function, plus `manager` when the manager
  flag is set. Memberships in other disciplines are left alone (a person may belong to
  several disciplines; the directory knows only the main one). Blank capacity keeps an
  existing membership's hours (a new one gets the default, 4).
- expertise tags (separated by ; or |): replace the person's tags; blank leaves them.
- language (en/de, or the language's name): the preferred language; blank leaves it.
- New people get an account with an unusable password (they sign in through single
  sign-on, or an admin sets a password) and the e-mail as user name. A deactivated person
  who is back in the file is reactivated.
- Each membership's function brings its role (Django group), as `services.membership_save`
  does; a role goes when the import removed the person's last membership of that function.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from disciplines.people_import.plan import Plan, build_plan, execute
from disciplines.people_import.reading import (
    COLUMNS,
    MAX_ROWS,
    ImportConflict,
    ImportError_,
    decode,
    parse_csv,
    rows_from_json,
    sample_csv,
)
from disciplines.permissions import can_edit_catalogue
from governance.access import log_denied

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "ImportConflict",
    "ImportError_",
    "Plan",
    "decode",
    "parse_csv",
    "people_import",
    "rows_from_json",
    "sample_csv",
]


def people_import(*, actor, rows, apply=False, deactivate_missing=False):
    """Plan (and with `apply`, carry out) the import of `rows` (from parse_csv or rows_from_json).

    `actor` is the lead or admin importing; None only for the management command, which
    whoever runs it on the server is trusted to run. Returns the Plan; `plan.applied`
    says whether anything was written (never when a row has an error).
    """
    if actor is not None and not can_edit_catalogue(actor):
        log_denied(actor, "people_import")
        raise PermissionDenied(_("Only governance leads import people."))
    if not apply:
        return build_plan(rows, actor=actor, deactivate_missing=deactivate_missing)
    try:
        with transaction.atomic():
            plan = build_plan(rows, actor=actor, deactivate_missing=deactivate_missing, lock=True)
            if plan.ok:
                execute(plan)
                plan.applied = True
    except IntegrityError:
        # Another import (or an admin) created one of these people or memberships at the
        # same moment; the transaction is rolled back whole, and running it again is safe.
        raise ImportConflict(
            _("Someone changed these people at the same moment; nothing was saved. Try again.")
        ) from None
    return plan
