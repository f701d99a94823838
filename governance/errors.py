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
