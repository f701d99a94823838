"""Reading the input of the people import: a CSV file or the API's JSON rows, as
(row number, dict) pairs with the fields named in COLUMNS; and the sample file."""

import csv
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 20000

# Header names (lower-case, spaces and dashes as underscores) -> the field they fill.
COLUMNS = {
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "name": "name",
    "full_name": "name",
    "first_name": "first_name",
    "given_name": "first_name",
    "firstname": "first_name",
    "last_name": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "lastname": "last_name",
    "discipline": "discipline",
    "function": "function",
    "weekly_capacity": "capacity",
    "weekly_capacity_hours": "capacity",
    "capacity": "capacity",
    "hours": "capacity",
    "expertise": "tags",
    "expertise_tags": "tags",
    "tags": "tags",
    "topics": "tags",
    "manager": "manager",
    "manager_flag": "manager",
    "is_manager": "manager",
    "language": "language",
    # The same in German, as a German directory export names them.
    "vorname": "first_name",
    "nachname": "last_name",
    "disziplin": "discipline",
    "funktion": "function",
    "wochenkapazität": "capacity",
    "wochenstunden": "capacity",
    "themen": "tags",
    "sprache": "language",
}


class ImportError_(ValidationError):
    """The whole input is unusable (no e-mail column, too many rows, not text)."""


class ImportConflict(ImportError_):
    """A concurrent change made the apply fail; nothing was saved and a retry is safe."""


def _header_key(name):
    return "_".join(str(name or "").strip().lower().replace("-", " ").replace("_", " ").split())


def decode(content):
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252, which
    is what Excel writes as plain "CSV" in Germany."""
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportError_(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")) from None


def parse_csv(content):
    """Rows of a CSV file (bytes or text; comma, semicolon or tab separated; see `decode`)
    as (row number, dict) pairs with the fields of COLUMNS."""
    content = decode(content)
    if not content.strip():
        raise ImportError_(_("The file is empty."))
    first_line = content.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportError_(_("The file cannot be read as CSV: %(error)s") % {"error": exc}) from None
    keys = [COLUMNS.get(_header_key(name)) for name in header]
    if "email" not in keys:
        raise ImportError_(
            _("The first line must name the columns, with one called “email”. Download the sample to see them all.")
        )
    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportError_(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
            row = {key: value for key, value in zip(keys, values, strict=False) if key}
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ImportError_(
            _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from None
    return rows


def rows_from_json(items):
    """The API's rows: a list of objects with the CSV's column names, numbered from 1."""
    if not isinstance(items, list):
        raise ImportError_({"rows": [_("Send the rows as a list of objects.")]})
    if len(items) > MAX_ROWS:
        raise ImportError_({"rows": [_("At most %(max)s rows at once.") % {"max": MAX_ROWS}]})
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportError_({"rows": [_("Row %(row)s is not an object.") % {"row": number}]})
        row = {}
        for name, value in item.items():
            key = COLUMNS.get(_header_key(name))
            if key is None:
                continue
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            row[key] = "" if value is None else str(value)
        rows.append((number, row))
    return rows


SAMPLE_ROWS = [
    [
        "email",
        "first_name",
        "last_name",
        "discipline",
        "function",
        "weekly_capacity",
        "expertise",
        "manager",
        "language",
    ],
    ["ada.lovelace@example.com", "Ada", "Lovelace", "product", "expert", "6", "api; pricing", "no", "en"],
    ["grace.hopper@example.com", "Grace", "Hopper", "it", "expert", "4", "security|cloud", "no", "de"],
    ["max.mustermann@example.com", "Max", "Mustermann", "marketing", "manager", "2", "", "yes", "de"],
    [
        "erika.musterfrau@example.com",
        "Erika",
        "Musterfrau",
        "corporate-communications",
        "communicator",
        "8",
        "",
        "no",
        "",
    ],
]


def sample_csv():
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(SAMPLE_ROWS)
    return out.getvalue()
