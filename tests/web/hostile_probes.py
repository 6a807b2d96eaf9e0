"""Hand-written hostile inputs for every endpoint: the OpenAPI schema's operations, the
Perspective-compatible endpoint, the reader pages and the moderator pages.

``probes(ids)`` returns the requests; ``run_probes(client, probes)`` sends them through Django's
test client (the whole middleware stack) and returns every answer of 500 or more. Used by
tests/web/test_hostile_input.py, which asserts that none is a server error.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

BIG = "99999999999999999999"  # > 2**64
JUST_OVER = str(2**63)  # one past PostgreSQL's bigint
BAD_IDS = [BIG, JUST_OVER, "0", "00000000000000000000000001", "1" * 400, "²", "٣", "1e3"]
SURROGATE = '"\\ud800"'  # a lone UTF-16 surrogate, as JSON writes it
LOW_SURROGATE = '"\\udfff"'
DEEP = "[" * 30_000
DEEP_OBJECT = '{"a":' * 5_000


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BAD_CURSORS = [
    b64("9999-12-31T23:59:59-05:00|1"), b64("9999-12-31T23:59:59+00:00|1"),
    b64("0001-01-01T00:00:00+05:00|1"), b64("0001-01-01T00:00:00|1"),
    b64(f"2024-01-01T00:00:00+00:00|{BIG}"), b64("2024-01-01T00:00:00+00:00|-1"),
    b64("2024-02-30T00:00:00+00:00|1"), b64("|"), "%%%", "a", b64("\x00|1"),
    b64("2024-01-01T00:00:00+99:00|1"),
]


@dataclass
class Probe:
    """One request: method, path, body (str or bytes) and headers."""

    method: str
    path: str
    body: str | bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    login: bool = False


def _json_fields(template: dict, names: list[str]) -> Iterator[str]:
    """For each named field, the template with that field set to each hostile JSON value."""
    for name in names:
        for raw in (SURROGATE, LOW_SURROGATE, '"a\\ud800b"', '"\\u0000"', DEEP, DEEP_OBJECT,
                    "1e400", "-1", BIG, "null", "[]", "{}", "true"):
            others = {k: v for k, v in template.items() if k != name}
            text = json.dumps(others)[:-1]
            yield (text + (", " if others else "") + f'"{name}": {raw}}}')


def probes(*, story_id: int, comment_id: int, slug: str, site_slug: str, api_key: str,
           origin: str) -> list[Probe]:
    """The hostile requests, built around one real story, comment, site and key."""
    out: list[Probe] = []
    api = "/api/v1"
    # Ids in paths, API and pages.
    for bad in BAD_IDS:
        out += [
            Probe("GET", f"{api}/stories/{bad}"),
            Probe("GET", f"{api}/stories/{bad}/comments"),
            Probe("POST", f"{api}/stories/{bad}/comments", '{"text": "hi", "author_name": "A"}'),
            Probe("POST", f"{api}/comments/{bad}/reports", '{"reason": "spam"}'),
            Probe("POST", f"/comments/{bad}/report/", "reason=spam",
                  "application/x-www-form-urlencoded"),
            Probe("GET", f"/moderate/comments/{bad}/", login=True),
            Probe("POST", f"/moderate/comments/{bad}/approve/", "", login=True,
                  content_type="application/x-www-form-urlencoded"),
            Probe("GET", f"/moderate/stories/{bad}/settings/", login=True),
            Probe("POST", f"/moderate/webhooks/{bad}/toggle/", "", login=True,
                  content_type="application/x-www-form-urlencoded"),
            Probe("GET", f"/moderate/?story={bad}", login=True),
            Probe("GET", f"/moderate/?from={bad}", login=True),
            Probe("GET", f"/moderate/poll/?after={bad}", login=True),
            Probe("GET", f"/moderate/dashboard/?days={bad}", login=True),
            Probe("POST", "/moderate/bulk/", f"ids={bad}&action=approve", login=True,
                  content_type="application/x-www-form-urlencoded"),
            Probe("GET", f"/faq/?story={bad}"),
        ]
    # Query parameters of the thread.
    for cursor in BAD_CURSORS:
        out += [Probe("GET", f"{api}/stories/{story_id}/comments?cursor={cursor}"),
                Probe("GET", f"/stories/{slug}/?cursor={cursor}"),
                Probe("GET", f"/stories/{slug}/comments/?cursor={cursor}")]
    for limit in ("0", "-1", "101", BIG, "abc", "1.5"):
        out.append(Probe("GET", f"{api}/stories/{story_id}/comments?limit={limit}"))
    for url in ("http://[::1", "http://%5B::1", "%00", "%ED%A0%80", "x" * 3000, ""):
        out.append(Probe("GET", f"{api}/stories?url={url}"))
    # JSON bodies: each text field of each operation with each hostile value.
    comment = {"text": "A fair point.", "author_name": "Ann", "author_email": "a@example.org"}
    for body in _json_fields(comment, ["text", "author_name", "author_email", "parent_id"]):
        out.append(Probe("POST", f"{api}/stories/{story_id}/comments", body))
    for body in _json_fields({"reason": "spam", "note": "x"}, ["reason", "note"]):
        out.append(Probe("POST", f"{api}/comments/{comment_id}/reports", body))
    for body in _json_fields({}, ["urls"]):
        out.append(Probe("POST", f"{api}/counts", body))
    for urls in (["http://[::1"], ["http://[::1]:99999/"], ["http://a:b@[v1.x]/"], [1, None],
                 ["\x00"], ["http://" + "a" * 5000], [["a"]], "str"):
        out.append(Probe("POST", f"{api}/counts", json.dumps({"urls": urls})))
    key = {"Authorization": f"Bearer {api_key}"}
    story = {"url": f"{origin}/hostile", "title": "T"}
    for body in _json_fields(story, ["url", "title", "slug", "standfirst", "body",
                                      "published_at", "closes_at"]):
        out.append(Probe("POST", f"{api}/stories", body, headers=key))
    for stamp in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                  "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z",
                  "0000-01-01T00:00:00Z", "2024-13-01T00:00:00Z", "1e30"):
        for name in ("published_at", "closes_at"):
            out.append(Probe("POST", f"{api}/stories", json.dumps(story | {name: stamp}),
                             headers=key))
    for url in ("http://[::1", "http://[::1]:99999/a", "javascript:alert(1)",
                f"{origin}/" + "a" * 2000):
        out.append(Probe("POST", f"{api}/stories", json.dumps(story | {"url": url}),
                         headers=key))
    for body in _json_fields({"url": f"{origin}/e", "title": "T"}, ["url", "title"]):
        out.append(Probe("POST", f"{api}/embed/stories", body, headers={"Origin": origin}))
    for url in ("http://[::1", f"{origin}:99999/a"):
        out.append(Probe("POST", f"{api}/embed/stories", json.dumps({"url": url, "title": "T"}),
                         headers={"Origin": origin}))
    # Bodies that are not JSON objects, on every JSON operation.
    for path, headers in ((f"{api}/stories/{story_id}/comments", {}),
                          (f"{api}/comments/{comment_id}/reports", {}), (f"{api}/counts", {}),
                          (f"{api}/stories", key), (f"{api}/embed/stories", {"Origin": origin})):
        for raw in (b"", b"[]", b"null", b'"x"', b"\xff\xfe", b"\xef\xbb\xbf{}", b"{",
                    DEEP.encode(), b"NaN", b'{"a": 1e999999}', b"\x00"):
            out.append(Probe("POST", path, raw, headers=headers))
    # The Perspective-compatible endpoint.
    analyze = f"/v1alpha1/comments:analyze?key={api_key}"
    request = {"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}}
    for raw in (DEEP, DEEP_OBJECT, "[]", "\x00", '{"comment": {"text": ' + SURROGATE + '}}'):
        out.append(Probe("POST", analyze, raw))
    for raw in (SURROGATE, LOW_SURROGATE, DEEP, "1e400", BIG):
        body = json.dumps(request).replace('"hello"', raw)
        out.append(Probe("POST", analyze, body))
        context = json.dumps(request | {"context": {"entries": [{"text": "x"}]}})
        out.append(Probe("POST", analyze, context.replace('"x"', raw)))
        out.append(Probe("POST", analyze, json.dumps(request).replace('"TOXICITY"', raw)))
        out.append(Probe("POST", analyze,
                         json.dumps(request | {"languages": ["en"]}).replace('"en"', raw)))
    return out


def run_probes(client, items: list[Probe]) -> list[tuple[int, Probe]]:
    """Send each probe; return (status, probe) for every answer of 500 or more."""
    failures = []
    for probe in items:
        kwargs = {"headers": probe.headers}
        if probe.method == "POST":
            response = client.post(probe.path, probe.body or b"",
                                   content_type=probe.content_type, **kwargs)
        else:
            response = client.get(probe.path, **kwargs)
        if response.status_code >= 500:
            failures.append((response.status_code, probe))
    return failures
