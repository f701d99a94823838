"""CSV downloads: the one writer every export in the project uses.

    return csv_response("requests.csv", header, rows)   # rows: any iterable of sequences

Two guarantees:
- **No formula injection.** A spreadsheet runs a cell that starts with `=`, `+`, `-` or
  `@` (and some read a leading tab or carriage return the same way) as a formula, so a
  request titled `=HYPERLINK(...)` would act when a manager opens the export. `safe_cell`
  prefixes such text with a single quote, which spreadsheets show as plain text. Numbers
  (int, Decimal, float) are written as numbers: they are ours, not typed by a user, and a
  negative number is no formula.
- **Streamed.** Rows are written as they come (pass a queryset's `.iterator(chunk_size=...)`),
  so 100,000 rows never sit in memory at once. The active language and time zone of the
  request are kept while the rows are written, after the view has returned.
"""

import csv
import datetime
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

# Leading characters a spreadsheet may read as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a UTF-8 file as the local code page unless it starts with this mark.
BOM = "\ufeff"


def safe_cell(value):
    """`value` as a CSV cell: None is empty, numbers stay numbers, dates are ISO 8601
    (datetimes in the current time zone, to the minute), and text that a spreadsheet
    would run as a formula starts with a single quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value).lower()
    elif isinstance(value, (int, float, Decimal)):
        return str(value)
    elif isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    elif isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """The CSV text of `header` and `rows`, one line at a time, every cell through safe_cell."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def _in_request_locale(lines):
    # The response is written after the view returned: keep the view's language and zone.
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def generate():
        with translation.override(language), timezone.override(zone):
            yield from lines

    return generate()


def csv_response(filename, header, rows):
    """A streamed CSV download named `filename`; `rows` is consumed while it is sent."""
    lines = _in_request_locale(csv_lines(header, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
