from governance.errors import DomainError


def add_service_errors(form, exc, rename=None):
    """Show what a service refused on `form`, so the page re-renders with the reason.

    A ValidationError's field errors stand next to the fields the form has (`rename`
    maps a service's field name to the form's); the rest, and a DomainError's message,
    go to the top of the form.
    """
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
        return
    rename = rename or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        name = rename.get(name, name)
        form.add_error(name if name in form.fields else None, errors)
