"""Errors services raise for the web and CLI layers to turn into messages."""


class ServiceError(Exception):
    """A request that cannot be carried out; the message is shown to the user."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The thing asked for does not exist, or is not the caller's to see."""

    status = 404


class Forbidden(ServiceError):
    """The caller may not do this."""

    status = 403


class Conflict(ServiceError):
    """The request clashes with the current state (e.g. submitting twice)."""

    status = 409


class IdentityRejected(ServiceError):
    """The signed session names a user whose password changed or whose account is gone."""

    status = 401
