"""Property-based fuzz of the whole OpenAPI schema with schemathesis: no answer is a 5xx.

Every operation of /api/v1/openapi.json gets requests that schemathesis generates from the
schema, valid and invalid ones (both generation modes), sent through Django's WSGI application
(the whole middleware stack) into the test database. Kept short in ``make test``
(PARLEY_FUZZ_EXAMPLES, default 12 a mode and operation); ``make soak-fuzz`` runs it with
PARLEY_FUZZ_EXAMPLES=300.

Half of the cases get a real story and comment id (random ids are nearly always 404s, which
would never reach the code past the lookup), and every case carries the site's API key, so the
key-authenticated operations are fuzzed too.
"""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.comments.core_fixtures import API_KEY, post

EXAMPLES = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "12"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
_turn = itertools.count()


@pytest.fixture
def real_ids(story) -> dict[str, int]:
    return {"story_id": story.pk, "comment_id": post(story).pk}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes the database connection when a WSGI request finishes; the test's
    transaction lives on that connection, so stand the handler aside, as Django's test client
    does for its own requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("rules_only")
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_server_error(case, real_ids):
    if case.path_parameters and next(_turn) % 2 == 0:
        for name in case.path_parameters:
            if name in real_ids:
                case.path_parameters[name] = real_ids[name]
    case.call_and_validate(headers={"Authorization": f"Bearer {API_KEY}"},
                           checks=[not_a_server_error])
