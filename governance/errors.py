from contextlib import contextmanager

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A rule of the domain refused an action (an illegal transition, say).

    Services raise it; form views show it as an error and the API answers with
    `http_status` (409 unless a subclass says otherwise) and `as_data()` as the body.
    """

    http_status = 409

    def __init__(self, message, *, code="conflict"):
        super().__init__(message)
        self.message = message
        self.code = code

    def as_data(self):
        return {"detail": str(self.message), "code": self.code}


class FieldErrors:
    """Collects the field errors of several checks, so that a service names every wrong
    field in one answer instead of stopping at the first:

        errors = FieldErrors()
        with errors.check():
            check_due_date(value)
        with errors.check():
            hours = parse_hours(raw)
        errors.raise_any()  # one ValidationError with all of them, or nothing
    """

    def __init__(self):
        self.errors = {}

    @contextmanager
    def check(self):
        try:
            yield
        except ValidationError as exc:
            self.errors = exc.update_error_dict(self.errors)

    def add(self, field, message):
        self.errors.setdefault(field, []).append(message)

    def raise_any(self):
        if self.errors:
            raise ValidationError(self.errors)
