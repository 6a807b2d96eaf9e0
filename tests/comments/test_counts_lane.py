"""The counts lane answers plain counts requests exactly as the full stack does, and leaves
everything else to it."""

from __future__ import annotations

import io
import json

import pytest
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from parley.comments.counts_lane import CountsLane
from tests.comments.core_fixtures import ORIGIN, post

pytestmark = [pytest.mark.usefixtures("rules_only"), pytest.mark.django_db(transaction=True)]


class CountingApp:
    """The real Django application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.app = get_wsgi_application()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def call(app, body: bytes, *, content_type: str = "application/json", path: str = "/api/v1/counts",
         **extra) -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": content_type, "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1",
        **extra,
    }
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    body_out = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body_out


@pytest.fixture
def lane():
    inner = CountingApp()
    return CountsLane(inner), inner


def test_a_plain_request_is_answered_by_the_lane_as_the_full_stack_answers_it(lane, story):
    post(story)
    post(story, text="Another fair point.")
    app, inner = lane
    body = json.dumps({"urls": [story.url, "https://elsewhere.example/x", story.url + "#c1"]})
    full = call(app, body.encode())  # the first one teaches the lane the headers
    assert inner.calls == 1
    fast = call(app, body.encode())
    assert inner.calls == 1  # answered in front of Django
    assert fast[0] == full[0] and fast[2] == full[2]
    assert {k: v for k, v in fast[1].items() if k != "Content-Length"} == full[1]
    status, headers, answer = fast
    assert headers["Content-Length"] == str(len(answer))
    assert status == "200 OK" and headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(answer) == {"counts": {story.url: 2, "https://elsewhere.example/x": 0,
                                             story.url + "#c1": 2}}


@pytest.mark.parametrize(("body", "extra", "status"), [
    (b'{"urls": [', {}, "400"),
    (json.dumps({"urls": [f"https://a.example/{i}" for i in range(101)]}).encode(), {}, "422"),
    (b'{"urls": "https://a.example/"}', {}, "422"),
    (b'{"urls": [1, 2]}', {}, "422"),
    (b'{"urls": []}', {"CONTENT_TYPE": "text/plain"}, None),
    (b'{"urls": [], "more": 1}', {}, "200"),
    (b'{"urls": []}', {"HTTP_ORIGIN": ORIGIN}, "200"),
])
def test_anything_else_goes_to_the_full_stack(lane, story, body, extra, status):
    app, inner = lane
    call(app, b'{"urls": []}')  # headers learnt
    inner.calls = 0
    answer_status, headers, _ = call(app, body, **extra)
    assert inner.calls == 1
    if status:
        assert answer_status.startswith(status)
    if "HTTP_ORIGIN" in extra:
        assert headers["Access-Control-Allow-Origin"] == ORIGIN


def test_other_paths_and_oversized_bodies_go_to_the_full_stack(lane, story, settings):
    app, inner = lane
    call(app, b'{"urls": []}')
    inner.calls = 0
    assert call(app, b"x" * (settings.PARLEY_MAX_BODY_BYTES + 1))[0].startswith("413")
    assert call(app, b'{"urls": []}', path="/api/v1/counts/")[0].startswith("404")
    assert inner.calls == 2


def test_gunicorn_serves_the_lane(db):
    from parley import wsgi

    assert isinstance(wsgi.application, CountsLane)


# Bodies a listing page, a confused client or an attacker might send.
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30)
    | st.sampled_from([ORIGIN + "/world/raids", "https://elsewhere.example/x", ""]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=12,
)
_bodies = st.one_of(
    st.builds(lambda urls: json.dumps({"urls": urls}).encode(),
              st.lists(_json_values, max_size=5)),
    st.builds(lambda value: json.dumps(value).encode(), _json_values),
    st.binary(max_size=40),
)


@hypothesis_settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies, content_type=st.sampled_from(["application/json", "application/json; "
                                                   "charset=utf-8", "text/plain", ""]))
@example(body=b'{"urls": [1]}', content_type="application/json")
@example(body=b'{"urls": [null, ["a"]]}', content_type="application/json")
@example(body=b'{"urls": {"a": 1}}', content_type="application/json")
@example(body=b'["urls"]', content_type="application/json")
def test_the_lane_never_answers_differently_from_the_full_stack(lane, story, body, content_type):
    app, inner = lane
    call(app, b'{"urls": []}')  # headers learnt
    through_lane = call(app, body, content_type=content_type)
    full_stack = call(inner.app, body, content_type=content_type)
    assert through_lane[0] == full_stack[0]
    assert through_lane[2] == full_stack[2]
    assert {k: v for k, v in through_lane[1].items() if k != "Content-Length"} == full_stack[1]
