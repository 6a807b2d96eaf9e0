"""``parley export --site SLUG [--output FILE]``: the whole site as JSON lines (a backup)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parley.comments.models import Site
from parley.imports.backup import export_site


class Command(BaseCommand):
    help = "Write a site's stories, comments, moderation records, reports and decisions as " \
           "JSON lines; `parley import parley FILE` reads it back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", dest="site_slug", required=True)
        parser.add_argument("--output", type=Path, help="the file to write (default: stdout)")

    def handle(self, *args, site_slug: str, output: Path | None, **options) -> None:
        site = Site.objects.filter(slug=site_slug).first()
        if site is None:
            raise CommandError(f"No site with the slug {site_slug!r}.")
        if output is None:
            counts = export_site(site, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as out:
                counts = export_site(site, out)
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stderr.write(f"Exported {site.slug}: {summary}")
