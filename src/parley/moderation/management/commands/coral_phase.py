"""``parley coral-phase --site SLUG``: set up or rotate a site's Coral moderation phase.

The signing secret is Coral's: copy it from Coral's admin (Configure -> Moderation -> External
moderation phases -> your phase -> Signing secret). It is read from standard input, never from
the command line, so it does not land in the shell history or the process list:

    echo "$CORAL_SECRET" | parley coral-phase --site SLUG --timeout-ms 1000
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parley import actions
from parley.comments.errors import InvalidInput
from parley.comments.models import Site


class Command(BaseCommand):
    help = ("Set a site's Coral phase signing secret (read from stdin) and/or timeout; "
            "the previous secret keeps working for --keep-previous-hours.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="The Parley site (its slug).")
        parser.add_argument("--timeout-ms", type=int,
                            help="The phase's timeout as set in Coral (100-10000, default 1000).")
        parser.add_argument("--keep-previous-hours", type=float, default=24.0,
                            help="How long the replaced secret still works (default 24).")
        parser.add_argument("--no-secret", action="store_true",
                            help="Change only the timeout; keep the secret.")

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"--site: no site with slug {options['site']!r}.")
        secret = None
        if not options["no_secret"]:
            if sys.stdin.isatty():
                self.stderr.write("Paste Coral's signing secret and press Enter:")
            secret = sys.stdin.readline().strip()
        try:
            phase = actions.set_coral_phase(
                site=site, acting_user=None, secret=secret, timeout_ms=options["timeout_ms"],
                keep_previous_for=timedelta(hours=options["keep_previous_hours"]),
            )
        except InvalidInput as error:
            raise CommandError(error.message) from error
        rotating = phase.previous_secret and phase.previous_expires_at
        self.stdout.write(
            f"Coral phase of {site.name}: timeout {phase.timeout_ms} ms"
            + (f"; previous secret accepted until {phase.previous_expires_at:%Y-%m-%d %H:%M} UTC"
               if rotating else "")
            + f".\nPhase URL for Coral: https://YOUR-PARLEY/api/v1/coral/phase?site={site.slug}"
        )
