"""Domain errors raised by the comment services and the actions; pages, the API and the embed map
them to HTTP."""

from __future__ import annotations


class ParleyError(Exception):
    """A request Parley refuses, with the HTTP status and the message a reader may see."""

    status: int = 400
    message: str = "The request could not be handled."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class InvalidInput(ParleyError):
    """A field has a bad value: the message names the field so the form can point at it."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")
        self.detail = message


class PayloadTooLarge(ParleyError):
    status = 413
    message = "The request body is too large."


class BadRequest(ParleyError):
    status = 400
    message = "The request is malformed."


class NotFound(ParleyError):
    status = 404
    message = "Not found."


class CommentsClosed(ParleyError):
    status = 403
    message = "Comments are closed on this story."


class Forbidden(ParleyError):
    status = 403
    message = "You are not allowed to do that."


class RateLimited(ParleyError):
    """Too many posts; ``retry_after`` seconds is sent as the Retry-After header."""

    status = 429
    message = "You are posting too quickly. Please wait a moment and try again."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)
