"""Coral's request signatures: ``X-Coral-Signature: sha256=<hex>[,sha256=<hex>...]``.

Coral signs the raw body with HMAC-SHA256 under every active signing secret of the phase and
joins the signatures with "," (coral-server ``models/settings`` ``generateSignatures``); while a
secret rotates the header carries one signature per secret. A request is genuine when any of its
signatures matches any secret Parley holds for the site.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

HEADER = "X-Coral-Signature"
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")
# A header with more than this many parts is not Coral's (it signs with a handful of secrets).
MAX_SIGNATURES = 16


class SignatureError(Exception):
    """The request is not signed (``missing``) or not signed with the site's secret."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing


def sign(secret: str, body: bytes) -> str:
    """Return one signature as Coral writes it: ``sha256=`` and the hex HMAC of the body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def parse_header(value: str) -> list[bytes]:
    """Return the signatures' digests from the header; raise SignatureError when malformed."""
    if not value.strip():
        raise SignatureError(f"The {HEADER} header is missing.", missing=True)
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if len(parts) > MAX_SIGNATURES:
        raise SignatureError(f"The {HEADER} header has too many signatures.")
    digests = []
    for part in parts:
        match = _SIGNATURE.fullmatch(part)
        if match is None:
            raise SignatureError(f'The {HEADER} header must be "sha256=<64 hex digits>", '
                                 'comma-separated when there are several.')
        digests.append(bytes.fromhex(match.group(1)))
    return digests


def verify(*, header: str, body: bytes, secrets: Iterable[str]) -> None:
    """Raise SignatureError unless one of the header's signatures is the body's HMAC under one
    of ``secrets``. Every pair is compared in constant time, and all of them are compared."""
    digests = parse_header(header)
    expected = [hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
                for secret in secrets if secret]
    matched = False
    for digest in digests:
        for candidate in expected:
            matched |= hmac.compare_digest(digest, candidate)
    if not matched:
        raise SignatureError(f"The {HEADER} signature does not match this site's Coral phase "
                             "secret.")
