"""What an allowed origin is, and the one script tag a site pastes to embed Parley.

An origin is exactly what a browser sends in the ``Origin`` header: ``scheme://host[:port]``,
lower case, no path, no default port. Parley compares origins by equality (CORS, the embed), so
a stored origin with a path, a trailing slash or a wildcard would silently never match: they are
refused here, with a message that says what to write instead.
"""

from __future__ import annotations

import html
import ipaddress
import re
from urllib.parse import urlsplit

from parley.comments.errors import InvalidInput
from parley.comments.models import Site

MAX_ORIGINS = 50
DEFAULT_PORTS = {"http": 80, "https": 443}
# One DNS label: letters, digits and inner hyphens (IDN hosts are written in their xn-- form).
# "mailto:x", "javascript:..." (a scheme without //), but not "localhost:8080" (a host and port).
_OTHER_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d+/?$)")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _host(host: str, field: str, text: str) -> str:
    """Return the host in the form browsers send (IDN as punycode), or raise InvalidInput."""
    if host.startswith("["):  # an IPv6 literal
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise InvalidInput(field, f"{text!r} has an invalid IPv6 address.") from None
        return host
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise InvalidInput(field, f"{text!r} has an invalid host name.") from None
    labels = host.split(".")
    if not all(_LABEL_RE.match(label) for label in labels) or len(host) > 253:
        raise InvalidInput(field, f"{text!r} has an invalid host name.")
    return host


def parse_origin(text: str, *, field: str = "origins") -> str:
    """Return ``text`` as a browser's Origin (``https://news.example.com[:8443]``), or raise.

    Refused: other schemes, paths, queries, fragments, user names, wildcards. A bare host name
    ("news.example.com") is read as https. A trailing slash is accepted and dropped.
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput(field, "An origin cannot be empty.")
    if "*" in raw:
        raise InvalidInput(field, f"{raw!r}: wildcards are not supported; list each origin "
                                  "(e.g. https://www.example.com and https://example.com).")
    if "://" not in raw and _OTHER_SCHEME_RE.match(raw):
        raise InvalidInput(field, f"{raw!r}: an origin starts with https:// (or http://).")
    candidate = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        raise InvalidInput(field, f"{raw!r} has an invalid port.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidInput(field, f"{raw!r}: an origin starts with https:// (or http://).")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(field, f"{raw!r}: an origin has no user name or password.")
    extra = parts.path not in ("", "/") or parts.query or parts.fragment
    if extra or candidate.endswith(("?", "#")):
        raise InvalidInput(field, f"{raw!r}: an origin is only scheme://host[:port], without a "
                                  f"path; write {scheme}://{parts.netloc.lower()}")
    if not parts.hostname:
        raise InvalidInput(field, f"{raw!r} has no host name.")
    netloc_host = parts.netloc.rsplit("@", 1)[-1]
    host_text = netloc_host[: netloc_host.rindex("]") + 1] if netloc_host.startswith("[") \
        else netloc_host.split(":", 1)[0]
    host = _host(host_text.lower(), field, raw)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def parse_origins(lines: list[str] | str, *, field: str = "origins") -> list[str]:
    """Parse several origins (a list, or text with one a line), keeping order, without repeats."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    origins = list(dict.fromkeys(parse_origin(line, field=field) for line in lines if line.strip()))
    if len(origins) > MAX_ORIGINS:
        raise InvalidInput(field, f"At most {MAX_ORIGINS} origins per site.")
    return origins


def embed_snippet(site: Site, parley_url: str) -> str:
    """Return the tag a publisher pastes into its article template, for this Parley's address.

    ``data-story-url`` is shown on the site's first origin so the publisher sees which part to
    replace with the article's canonical URL.
    """
    base = parley_url.rstrip("/")
    origin = site.origins[0] if site.origins else "https://news.example.com"
    story = f"{origin}/PATH-OF-THE-ARTICLE"
    return (
        '<div id="parley-comments"></div>\n'
        f'<script src="{html.escape(base)}/embed.js"\n'
        f'        data-story-url="{html.escape(story)}" async></script>'
    )
