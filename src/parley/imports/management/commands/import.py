"""``parley import SOURCE FILE --site SLUG``: move a site's comments from another platform."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parley.comments.models import Site
from parley.imports.sources import SOURCES, import_file
from parley.imports.writer import chunks


class Command(BaseCommand):
    help = ("Import comments from Disqus (XML export), WordPress (WXR), Isso (its SQLite file), "
            "Remark42 (its backup), Commento (JSON export) or a Parley export. Running it again "
            "creates nothing new.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=SOURCES)
        parser.add_argument("file", type=Path)
        parser.add_argument("--site", dest="site_slug",
                            help="the site to import into (for a Parley export: made from the "
                                 "export when it does not exist)")
        parser.add_argument("--base-url", default="",
                            help="makes a source's relative page paths absolute (Isso, "
                                 "Commento); defaults to the site's first allowed origin")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--rescore", action="store_true",
                            help="score the imported comments with the engine (through Celery "
                                 "when a broker is set) so the queues start meaningful")
        parser.add_argument("--apply-decisions", action="store_true",
                            help="with --rescore: let the engine's decision change the status "
                                 "of comments that were public or waiting")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, source: str, file: Path, site_slug: str | None, base_url: str,
               batch_size: int, rescore: bool, apply_decisions: bool, no_progress: bool,
               **options) -> None:
        if apply_decisions and not rescore:
            raise CommandError("--apply-decisions needs --rescore.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        site = None
        if source != "parley":
            if not site_slug:
                raise CommandError("--site SLUG is required: the site to import into.")
            site = Site.objects.filter(slug=site_slug).first()
            if site is None:
                raise CommandError(f"No site with the slug {site_slug!r}; create it first.")
        try:
            report, created, site = import_file(
                source=source, path=file, site=site, site_slug=site_slug, base_url=base_url,
                batch_size=batch_size, progress=not no_progress and options["verbosity"] > 0)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        except Exception as error:  # a file the parser cannot read: say which, not a traceback
            from xml.etree.ElementTree import ParseError

            from parley.imports.backup import BackupError
            if isinstance(error, ParseError | BackupError | ValueError):
                raise CommandError(f"{file}: {error}") from None
            raise
        for line in report.lines():
            self.stdout.write(line)
        if rescore and created:
            self._rescore(created, apply_decisions)

    def _rescore(self, ids: list[int], apply_decisions: bool) -> None:
        import parley.celery  # noqa: F401 - configures Celery from the settings
        from parley.imports.tasks import rescore_imported

        eager = settings.CELERY_TASK_ALWAYS_EAGER
        results = [rescore_imported.delay(part, apply_decisions) for part in chunks(ids, 500)]
        if eager:
            scored = sum(r.get()["scored"] for r in results)
            changed = sum(r.get()["changed"] for r in results)
            self.stdout.write(f"  rescored: {scored} (status changed: {changed})")
        else:
            self.stdout.write(f"  rescoring {len(ids)} comments in {len(results)} Celery tasks")
