"""Onboarding a site without a shell: the actions, the workspace's "Embed and access" pages (who
may use them, what they refuse), the API key's rotation as the API sees it, CORS picking up an
origin change at once, and ``parley site`` on the same actions."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from parley import actions
from parley.comments.errors import Forbidden, InvalidInput, NotFound
from parley.comments.models import Site, hash_api_key
from parley.comments.selectors import site_for_api_key
from parley.moderation.models import AuditEntry, Role, SiteMembership
from tests.moderation.conftest import make_user

pytestmark = pytest.mark.django_db

ORIGIN = "https://planet.example"


@pytest.fixture
def admin(site):
    return make_user("siteadmin", site=site, role=Role.ADMIN)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-secret-123")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def setup_urls(slug: str) -> list[tuple[str, str, dict]]:
    """Every admin action of the workspace: (method, url, data)."""
    return [
        ("get", f"/moderate/sites/{slug}/setup/", {}),
        ("post", f"/moderate/sites/{slug}/setup/origins/", {"origins": "https://x.example"}),
        ("post", f"/moderate/sites/{slug}/setup/key/", {}),
        ("post", f"/moderate/sites/{slug}/setup/faq/", {"faq_text": "Be kind."}),
    ]


def snapshot(site: Site) -> tuple:
    site.refresh_from_db()
    return site.allowed_origins, site.api_key_hash, site.faq_text


# --- Who may do what --------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(client, site):
    before = snapshot(site)
    for method, url, data in [*setup_urls(site.slug), ("get", "/moderate/sites/", {}),
                              ("get", "/moderate/new-site/", {}),
                              ("post", "/moderate/new-site/",
                               {"name": "X", "slug": "x", "domain": "x.example"})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert snapshot(site) == before
    assert not Site.objects.filter(slug="x").exists()
    assert not AuditEntry.objects.exists()


def test_a_moderator_who_is_not_a_site_admin_gets_403_on_every_admin_action(site, moderator):
    client = client_for(moderator)
    before = snapshot(site)
    for method, url, data in [*setup_urls(site.slug), ("get", "/moderate/sites/", {}),
                              ("get", "/moderate/new-site/", {}),
                              ("post", "/moderate/new-site/",
                               {"name": "X", "slug": "x", "domain": "x.example"})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
    assert snapshot(site) == before
    assert not Site.objects.filter(slug="x").exists()
    assert not AuditEntry.objects.exists()


def test_another_site_s_admin_does_not_even_learn_the_site_exists(site, other_site):
    client = client_for(make_user("elsewhere", site=other_site, role=Role.ADMIN))
    for method, url, data in setup_urls(site.slug):
        assert getattr(client, method)(url, data).status_code == 404, url


def test_a_site_admin_may_not_create_sites_only_a_superuser_may(site, admin, superuser):
    assert client_for(admin).get("/moderate/new-site/").status_code == 403
    with pytest.raises(Forbidden):
        actions.create_site(acting_user=admin, name="X", slug="x", domain="x.example")
    assert client_for(superuser).get("/moderate/new-site/").status_code == 200


def test_the_sites_page_lists_only_the_sites_the_user_administers(site, other_site, admin):
    page = client_for(admin).get("/moderate/sites/").content.decode()
    assert site.name in page and other_site.name not in page
    assert "Add a site" not in page


def test_forms_need_the_csrf_token(site, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    before = snapshot(site)
    for _method, url, data in setup_urls(site.slug)[1:]:
        assert client.post(url, data).status_code == 403
    assert snapshot(site) == before


# --- The workspace flow -----------------------------------------------------------------------

def test_a_superuser_creates_a_site_and_sees_its_key_once(superuser, settings):
    settings.PARLEY_PUBLIC_URL = "https://comments.example.org"
    client = client_for(superuser)
    response = client.post("/moderate/new-site/", {"name": "Daily Planet", "slug": "planet",
                                                   "domain": "News.Planet.example/"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    site = Site.objects.get(slug="planet")
    assert site.origins == ["https://news.planet.example"]
    key = page.split('<code id="api-key" class="secret">')[1].split("</code>")[0]
    assert site_for_api_key(key) == site and site.api_key_hash == hash_api_key(key)
    assert key not in client.get("/moderate/sites/planet/setup/").content.decode()
    # The snippet is shown as text (escaped), to be copied, never as markup of the workspace.
    assert "src=&quot;https://comments.example.org/embed.js&quot;" in page
    assert SiteMembership.objects.filter(user=superuser, site=site, role=Role.ADMIN).exists()
    entry = AuditEntry.objects.get(site=site)
    assert (entry.actor, entry.reason) == (superuser, "site_created")
    assert entry.after["origins"] == ["https://news.planet.example"]


def test_validation_errors_are_shown_in_the_form_and_nothing_is_saved(site, admin, superuser):
    client = client_for(admin)
    before = snapshot(site)
    bad = client.post(f"/moderate/sites/{site.slug}/setup/origins/",
                      {"origins": "https://ok.example\nhttps://*.planet.example"})
    assert bad.status_code == 422
    assert "wildcards are not supported" in bad.content.decode()
    assert 'data-field-error="origins"' in bad.content.decode()
    # The refused text stays in the form, to be corrected rather than typed again.
    assert "https://*.planet.example" in bad.content.decode()
    path = client.post(f"/moderate/sites/{site.slug}/setup/origins/",
                       {"origins": "https://planet.example/news/"})
    assert "without a path; write https://planet.example" in path.content.decode()
    long_faq = client.post(f"/moderate/sites/{site.slug}/setup/faq/", {"faq_text": "x" * 20_001})
    assert long_faq.status_code == 422
    assert 'data-field-error="faq_text"' in long_faq.content.decode()
    assert snapshot(site) == before

    create = client_for(superuser).post("/moderate/new-site/",
                                        {"name": "", "slug": site.slug, "domain": "ftp://x"})
    assert create.status_code == 422
    text = create.content.decode()
    assert "This field is required." in text
    assert f"A site with the slug &#x27;{site.slug}&#x27; already exists." in text
    assert "an origin starts with https://" in text
    assert not AuditEntry.objects.exists()


def test_saving_origins_and_faq_writes_audit_entries(site, admin):
    client = client_for(admin)
    saved = client.post(f"/moderate/sites/{site.slug}/setup/origins/",
                        {"origins": "https://planet.example\nhttp://localhost:8080/\n"},
                        follow=True)
    assert saved.redirect_chain == [
        (f"/moderate/sites/{site.slug}/setup/?saved=origins#origins", 302)]
    assert "Allowed origins saved." in saved.content.decode()
    site.refresh_from_db()
    assert site.origins == ["https://planet.example", "http://localhost:8080"]
    client.post(f"/moderate/sites/{site.slug}/setup/faq/", {"faq_text": "Be kind.\r\n\r\nThanks"})
    site.refresh_from_db()
    assert site.faq_text == "Be kind.\n\nThanks"
    entries = list(AuditEntry.objects.filter(site=site).order_by("id"))
    assert [(e.actor, e.reason) for e in entries] == [(admin, "origins"), (admin, "faq")]
    assert entries[0].before == {"origins": []}
    assert entries[0].after == {"origins": ["https://planet.example", "http://localhost:8080"]}
    assert entries[1].after["faq_chars"] == len("Be kind.\n\nThanks")


def test_the_faq_text_reaches_readers_escaped(client, site, admin):
    actions.set_faq_text(site=site, acting_user=admin,
                         text="<script>alert(1)</script>\x00 Read https://planet.example/rules")
    page = client.get(f"/faq/?site={site.slug}").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="https://planet.example/rules"' in page
    site.refresh_from_db()
    assert "\x00" not in site.faq_text


def test_rotating_the_key_stops_the_old_key_at_once_for_the_api(site, admin):
    old = site.set_api_key()
    site.save(update_fields=["api_key_hash"])
    api = Client()
    story = {"url": "https://planet.example/2026/budget", "title": "Budget"}

    def save_story(key: str) -> int:
        return api.post("/api/v1/stories", json.dumps(story), content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {key}").status_code

    assert save_story(old) == 201
    page = client_for(admin).post(f"/moderate/sites/{site.slug}/setup/key/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    new = page.content.decode().split('<code id="api-key" class="secret">')[1].split("</code>")[0]
    assert new != old
    assert save_story(old) == 401
    assert save_story(new) == 200
    entry = AuditEntry.objects.get(site=site, reason="api_key")
    assert entry.actor == admin
    assert old not in json.dumps([entry.before, entry.after]) and new not in json.dumps(entry.after)


def test_an_origin_change_takes_effect_on_cors_at_once(site, admin):
    api = Client()
    url = "/api/v1/counts"

    def preflight(origin: str) -> int:
        return api.options(url, HTTP_ORIGIN=origin,
                           HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST").status_code

    new = "https://partner.example"
    assert preflight(new) == 403  # asked once while refused: nothing may keep that answer
    assert "Access-Control-Allow-Origin" not in api.get(url, HTTP_ORIGIN=new)
    client_for(admin).post(f"/moderate/sites/{site.slug}/setup/origins/", {"origins": new})
    assert preflight(new) == 204
    answer = api.post(url, json.dumps({"urls": []}), content_type="application/json",
                      HTTP_ORIGIN=new)
    assert answer["Access-Control-Allow-Origin"] == new
    client_for(admin).post(f"/moderate/sites/{site.slug}/setup/origins/", {"origins": ""})
    assert preflight(new) == 403


# --- The actions directly --------------------------------------------------------------------

def test_adding_and_removing_origins_validates_and_refuses_unknown_removals(site, admin):
    site = actions.update_allowed_origins(site=site, acting_user=admin,
                                          add=["https://a.example", "b.example"])
    assert site.origins == ["https://a.example", "https://b.example"]
    site = actions.update_allowed_origins(site=site, acting_user=admin,
                                          remove=["https://a.example/"], add=["https://a.example"])
    assert site.origins == ["https://b.example", "https://a.example"]
    with pytest.raises(InvalidInput, match="is not one of the site's origins"):
        actions.update_allowed_origins(site=site, acting_user=admin, remove=["https://c.example"])
    with pytest.raises(InvalidInput) as raised:
        actions.update_allowed_origins(site=site, acting_user=admin, add=["https://*.example"])
    assert raised.value.field == "add"


def test_strangers_and_moderators_are_refused_by_the_actions_too(site, moderator, other_site):
    stranger = make_user("stranger", site=other_site, role=Role.ADMIN)
    for user, error in [(stranger, NotFound), (moderator, Forbidden)]:
        with pytest.raises(error):
            actions.rotate_api_key(site=site, acting_user=user)
        with pytest.raises(error):
            actions.update_allowed_origins(site=site, acting_user=user, add=["https://x.example"])
        with pytest.raises(error):
            actions.set_faq_text(site=site, acting_user=user, text="x")


# --- parley site ----------------------------------------------------------------------------

def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("site", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_site_command_does_what_the_workspace_does(tmp_path):
    out, _ = run("create", "planet", "--name", "Daily Planet", "--domain", "planet.example")
    key = out.split("kept): ")[1].strip()
    site = Site.objects.get(slug="planet")
    assert site_for_api_key(key) == site and site.origins == [ORIGIN]

    out, _ = run("origins", "planet", "--add", "http://localhost:8080/", "--add", "b.example")
    assert out.split() == [ORIGIN, "http://localhost:8080", "https://b.example"]
    out, _ = run("origins", "planet", "--remove", "https://b.example")
    assert out.split() == [ORIGIN, "http://localhost:8080"]
    assert run("origins", "planet", "--list")[0].split() == [ORIGIN, "http://localhost:8080"]

    new_key, warning = run("key", "planet", "--rotate")
    new_key = new_key.strip()
    assert "shown once" in warning
    with pytest.raises(Forbidden):
        site_for_api_key(key)
    assert site_for_api_key(new_key) == site

    faq = tmp_path / "faq.txt"
    faq.write_text("Our rules.\n\nNo abuse.", encoding="utf-8")
    run("faq", "planet", "--file", str(faq))
    site.refresh_from_db()
    assert site.faq_text == "Our rules.\n\nNo abuse."

    snippet, _ = run("embed", "planet", "--url", "https://comments.example.org")
    assert 'src="https://comments.example.org/embed.js"' in snippet
    assert f'data-story-url="{ORIGIN}/PATH-OF-THE-ARTICLE"' in snippet

    entries = AuditEntry.objects.filter(site=site).order_by("id")
    assert [e.reason for e in entries] == ["site_created", "origins", "origins", "api_key", "faq"]
    assert {(e.actor, e.note) for e in entries} == {(None, "command line")}


def test_the_site_command_reports_bad_input_as_errors(site, moderator):
    with pytest.raises(CommandError, match="wildcards are not supported"):
        run("origins", site.slug, "--add", "https://*.example")
    with pytest.raises(CommandError, match="No site with the slug 'nope'"):
        run("key", "nope", "--rotate")
    with pytest.raises(CommandError, match="already exists"):
        run("create", site.slug, "--name", "Again", "--domain", "x.example")
    with pytest.raises(CommandError, match="PARLEY_PUBLIC_URL"):
        run("embed", site.slug)
    with pytest.raises(CommandError, match="Only a site admin"):
        run("--as", moderator.username, "key", site.slug, "--rotate")
    assert not AuditEntry.objects.exists()
