"""Setting up Coral's phase: the command (secret from stdin), the demo's environment variable,
and who may read the secret (superusers only)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from parley.comments.models import Site
from parley.moderation.models import AuditEntry, CoralPhase

from .conftest import SECRET


def run_command(monkeypatch, stdin: str, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("coral_phase", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
class TestCommand:
    def test_the_secret_comes_from_stdin_and_the_url_is_printed(self, monkeypatch):
        Site.objects.create(name="Plain", slug="plain")
        out = run_command(monkeypatch, SECRET + "\n", "--site", "plain", "--timeout-ms", "500")
        phase = CoralPhase.objects.get(site__slug="plain")
        assert (phase.secret, phase.timeout_ms) == (SECRET, 500)
        assert "/api/v1/coral/phase?site=plain" in out
        assert SECRET not in out

    def test_a_new_secret_keeps_the_old_one_for_the_given_hours(self, monkeypatch, site):
        new = "ssc_" + "ab" * 20
        out = run_command(monkeypatch, new, "--site", site.slug, "--keep-previous-hours", "2")
        phase = CoralPhase.objects.get(site=site)
        assert phase.active_secrets() == [new, SECRET]
        expires = phase.previous_expires_at - timezone.now()
        assert timedelta(hours=1, minutes=59) < expires <= timedelta(hours=2)
        assert "previous secret accepted until" in out

    def test_only_the_timeout_can_change(self, monkeypatch, site):
        run_command(monkeypatch, "", "--site", site.slug, "--no-secret", "--timeout-ms", "2500")
        phase = CoralPhase.objects.get(site=site)
        assert (phase.secret, phase.timeout_ms, phase.previous_secret) == (SECRET, 2500, "")

    @pytest.mark.parametrize("stdin, args, message", [
        ("short", ("--site", "coral-news"), "at least 16"),
        ("ssc_with a space_0123456789", ("--site", "coral-news"), "without spaces"),
        (SECRET, ("--site", "nowhere"), "no site"),
        (SECRET, ("--site", "coral-news", "--timeout-ms", "50"), "between 100 and 10000"),
    ])
    def test_bad_input_is_refused(self, monkeypatch, site, stdin, args, message):
        with pytest.raises(CommandError, match=message):
            run_command(monkeypatch, stdin, *args)


@pytest.mark.django_db
class TestDemo:
    def test_seed_demo_takes_the_phase_secret_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("PARLEY_DEMO_CORAL_SECRET", SECRET)
        monkeypatch.setenv("PARLEY_DEMO_MODERATOR_PASSWORD", "a-demo-password-123")
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=io.StringIO())
        phase = CoralPhase.objects.get(site__slug="express-tribune-demo")
        assert phase.active_secrets() == [SECRET]
        assert "/api/v1/coral/phase?site=express-tribune-demo" in out.getvalue()
        # Running it again with the same secret changes (and audits) nothing.
        assert AuditEntry.objects.filter(reason="coral_phase").count() == 1

    def test_without_the_variable_there_is_no_phase(self, monkeypatch):
        monkeypatch.delenv("PARLEY_DEMO_CORAL_SECRET", raising=False)
        call_command("seed_demo", stdout=io.StringIO())
        assert not CoralPhase.objects.exists()


@pytest.mark.django_db
class TestAdmin:
    def test_superusers_see_the_secret_and_staff_do_not(self, client, site):
        url = "/admin/moderation/coralphase/"
        staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
        client.force_login(staff)
        assert client.get(url).status_code == 403
        admin = get_user_model().objects.create_superuser("root", password="x")
        client.force_login(admin)
        page = client.get(f"{url}{CoralPhase.objects.get().pk}/change/")
        assert page.status_code == 200
        assert SECRET in page.content.decode()
