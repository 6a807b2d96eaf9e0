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


class EmbedNotAllowed(ParleyError):
    """The embed was loaded where its site does not allow it.

    ``code`` says which case ("origin_not_allowed": the page's origin is on no site's list;
    "story_origin_not_allowed": the story URL is on an origin its site does not list),
    ``origin`` is the origin to allow, and ``hint`` tells the site owner how. The embed shows
    readers a plain sentence and puts these in the page's console and data attributes.
    """

    status = 403

    def __init__(self, *, code: str, origin: str, message: str, hint: str) -> None:
        self.code = code
        self.origin = origin
        self.hint = hint
        super().__init__(message)

    @property
    def extra(self) -> dict[str, str]:
        return {"code": self.code, "origin": self.origin, "hint": self.hint}


class RateLimited(ParleyError):
    """Too many posts; ``retry_after`` seconds is sent as the Retry-After header."""

    status = 429
    message = "You are posting too quickly. Please wait a moment and try again."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)
