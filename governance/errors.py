class DomainError(Exception):
    """A rule of the domain refused an action (an illegal transition, say).

    Services raise it; form views show it as an error and the API answers 409.
    """

    def __init__(self, message, *, code="conflict"):
        super().__init__(message)
        self.message = message
        self.code = code
