"""SSO: a publisher-signed JWT signs a reader in as a commenter account tied to its subject."""

from __future__ import annotations

import time

import jwt
import pytest
from django.test import Client, override_settings

from parley import actions
from parley.comments.models import CommentStatus
from parley.moderation.models import SsoIdentity

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "a-very-long-shared-secret-of-the-publisher-123"


@pytest.fixture
def sso_site(site):
    site.moderation_settings = {"sso": {"secret": SECRET, "issuer": "planet-login"}}
    site.save()
    return site


def token(**claims):
    base = {"sub": "reader-42", "aud": "planet", "iss": "planet-login",
            "exp": int(time.time()) + 300, "name": "Lois", "email": "lois@example.com"}
    base.update(claims)
    base = {k: v for k, v in base.items() if v is not None}
    return jwt.encode(base, SECRET, algorithm="HS256")


def sso(client, tok, next_url="/stories/rates/"):
    return client.get("/accounts/sso/", {"site": "planet", "token": tok, "next": next_url})


def test_valid_token_signs_in_and_reuses_the_account(sso_site):
    client = Client()
    response = sso(client, token())
    assert response.status_code == 302 and response["Location"] == "/stories/rates/"
    identity = SsoIdentity.objects.get()
    assert identity.user.email == "lois@example.com" and identity.user.first_name == "Lois"
    assert not identity.user.has_usable_password()
    assert client.session["_auth_user_id"] == str(identity.user.pk)
    sso(Client(), token(name="Lois Lane"))
    assert SsoIdentity.objects.count() == 1
    identity.user.refresh_from_db()
    assert identity.user.first_name == "Lois Lane"


@pytest.mark.parametrize("claims, message", [
    ({"exp": int(time.time()) - 120}, b"expired"),
    ({"aud": "gazette"}, b"another site"),
    ({"iss": "someone-else"}, b"not valid"),
    ({"sub": None}, b"not valid"),
])
def test_bad_tokens_are_refused(sso_site, claims, message):
    response = sso(Client(), token(**claims))
    assert response.status_code == 400 and message in response.content
    assert not SsoIdentity.objects.exists()


def test_wrong_secret_or_no_sso(site, sso_site):
    forged = jwt.encode({"sub": "x", "aud": "planet", "iss": "planet-login",
                         "exp": int(time.time()) + 60}, "another-secret-that-is-long-enough!!",
                        algorithm="HS256")
    assert sso(Client(), forged).status_code == 400
    site.moderation_settings = {}
    site.save()
    assert sso(Client(), token()).status_code == 403


def test_next_must_stay_on_this_site(sso_site):
    assert sso(Client(), token(), next_url="https://evil.example/")["Location"] == "/"


@override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False)
def test_signed_in_reader_posts_as_the_account_and_a_ban_follows_it(sso_site, story, moderator):
    client = Client()
    sso(client, token())
    response = client.post("/stories/rates/comments/new/", {
        "text": "Signed in comment", "author_name": "Lois"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code in (200, 302, 303)
    comment = story.comments.get(text="Signed in comment")
    user = SsoIdentity.objects.get().user
    assert comment.author_user == user
    actions.ban_author(comment=comment, acting_user=moderator)
    client.post("/stories/rates/comments/new/", {
        "text": "Back under a new name", "author_name": "Not Lois"}, REMOTE_ADDR="10.2.2.2")
    again = story.comments.get(text="Back under a new name")
    assert again.status == CommentStatus.REJECTED and again.author_user == user
