"""``parley site``: create a site and set its origins, API key and FAQ from the command line.

The same actions as the workspace's "Embed and access" page (``parley.actions.sites``), so both
validate and audit alike. The audit entries name no user (shell access to the server is the
privilege) unless ``--as USERNAME`` says who acts; then that user's permissions apply.

    parley site create daily-planet --name "Daily Planet" --domain news.example.com
    parley site origins daily-planet --add https://www.example.com --remove http://old.example
    parley site origins daily-planet --list
    parley site key daily-planet --rotate
    parley site faq daily-planet --file faq.txt
    parley site embed daily-planet --url https://comments.example.com
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parley import actions
from parley.comments.errors import ParleyError
from parley.comments.models import Site
from parley.comments.origins import embed_snippet


class Command(BaseCommand):
    help = "Create a site and manage its allowed origins, API key, FAQ text and embed snippet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="acting_as", metavar="USERNAME", default="",
                            help="act as this user (their permissions apply, the audit names them)")
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="create a site; prints its API key once")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--domain", required=True,
                            help="the canonical domain, e.g. news.example.com (first origin)")
        origins = commands.add_parser("origins", help="list, add or remove allowed origins")
        origins.add_argument("slug")
        origins.add_argument("--add", action="append", default=[], metavar="URL")
        origins.add_argument("--remove", action="append", default=[], metavar="URL")
        origins.add_argument("--list", action="store_true", help="print the origins (default)")
        key = commands.add_parser("key", help="rotate the API key; prints the new key once")
        key.add_argument("slug")
        key.add_argument("--rotate", action="store_true", required=True)
        faq = commands.add_parser("faq", help="set the Comments FAQ text from a file ('-': stdin)")
        faq.add_argument("slug")
        faq.add_argument("--file", required=True, metavar="F")
        embed = commands.add_parser("embed", help="print the embed snippet")
        embed.add_argument("slug")
        embed.add_argument("--url", default="",
                           help="Parley's public address (default: PARLEY_PUBLIC_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        acting_user = self._acting_user(options["acting_as"])
        handler = getattr(self, "_" + options["subcommand"])
        try:
            handler(acting_user=acting_user, **options)
        except ParleyError as error:
            raise CommandError(error.message) from None

    def _acting_user(self, username: str) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user

    def _site(self, slug: str) -> Site:
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            raise CommandError(f"No site with the slug {slug!r} (see `parley site create`).")
        return site

    def _create(self, *, acting_user: Any, slug: str, name: str, domain: str, **_: Any) -> None:
        site, api_key = actions.create_site(acting_user=acting_user, name=name, slug=slug,
                                            domain=domain)
        self.stdout.write(f"Created site {site.slug} ({site.name}); allowed origin: "
                          f"{', '.join(site.origins)}")
        self.stdout.write(f"API key (shown once, only its hash is kept): {api_key}")

    def _origins(self, *, acting_user: Any, slug: str, add: list[str], remove: list[str],
                 **_: Any) -> None:
        site = self._site(slug)
        if add or remove:
            site = actions.update_allowed_origins(site=site, acting_user=acting_user,
                                                  add=add, remove=remove)
        for origin in site.origins:
            self.stdout.write(origin)
        if not site.origins:
            self.stderr.write(f"{site.slug} allows no origin yet: the embed works nowhere "
                              f"(`parley site origins {site.slug} --add https://...`).")

    def _key(self, *, acting_user: Any, slug: str, **_: Any) -> None:
        api_key = actions.rotate_api_key(site=self._site(slug), acting_user=acting_user)
        self.stdout.write(api_key)
        self.stderr.write("The new API key is shown once; the previous key no longer works.")

    def _faq(self, *, acting_user: Any, slug: str, file: str, **_: Any) -> None:
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        site = actions.set_faq_text(site=self._site(slug), acting_user=acting_user, text=text)
        self.stdout.write(f"FAQ text of {site.slug} set ({len(site.faq_text)} characters)."
                          if site.faq_text else f"FAQ text of {site.slug} cleared (default).")

    def _embed(self, *, slug: str, url: str, **_: Any) -> None:
        base = (url or settings.PARLEY_PUBLIC_URL).strip().rstrip("/")
        if not base.lower().startswith(("https://", "http://")):
            raise CommandError("Give Parley's public address with --url https://... or set "
                               "PARLEY_PUBLIC_URL.")
        self.stdout.write(embed_snippet(self._site(slug), base))
