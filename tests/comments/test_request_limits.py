"""One body-size rule: the JSON API and the Perspective endpoint agree."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory, override_settings

from parley.comments.errors import PayloadTooLarge
from parley.comments.request_limits import declared_length_fits, read_body

pytestmark = pytest.mark.django_db


@override_settings(PARLEY_MAX_BODY_BYTES=200)
def test_the_limit_is_read_in_one_place():
    factory = RequestFactory()
    assert read_body(factory.post("/x", "a" * 200, content_type="text/plain")) == b"a" * 200
    with pytest.raises(PayloadTooLarge, match="larger than 0 kB"):
        read_body(factory.post("/x", "a" * 201, content_type="text/plain"))
    assert declared_length_fits("200") and not declared_length_fits("201")


@override_settings(PARLEY_MAX_BODY_BYTES=200)
def test_api_and_perspective_refuse_the_same_body(client):
    from parley.comments.models import Site

    site = Site(name="Limits", slug="limits")
    site.set_api_key("k")
    site.save()
    body = json.dumps({"text": "x" * 300})
    api = client.post("/api/v1/counts", body, content_type="application/json")
    perspective = client.post("/v1alpha1/comments:analyze?key=k", body,
                              content_type="application/json")
    assert (api.status_code, perspective.status_code) == (413, 413)
