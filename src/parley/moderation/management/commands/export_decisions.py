"""``parley export-decisions``: the moderators' decisions as JSON lines (labelled examples)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from parley.comments.models import Site
from parley.moderation.models import HumanDecision


def decision_record(decision: HumanDecision) -> dict[str, Any]:
    """Return one decision as the exported JSON object."""
    return {
        "id": decision.pk,
        "comment_id": decision.comment_id,
        "site": decision.site.slug,
        "story_id": decision.comment.story_id if decision.comment is not None else None,
        # "moderator" (Parley's workspace) or "suggestscore" (another system's moderators,
        # e.g. Coral's, whose comment has no Parley id: external_id is theirs).
        "source": decision.source,
        "external_id": decision.external_id or None,
        "label": decision.label,
        "reason": decision.reason,
        "text": decision.text,
        "language": decision.language,
        "scores": decision.scores,
        "engine_decision": decision.engine_decision,
        "decided_by": decision.decided_by.get_username() if decision.decided_by else None,
        "decided_at": decision.decided_at.isoformat(),
        "undone_at": decision.undone_at.isoformat() if decision.undone_at else None,
    }


def _since(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD) or date-time.")
        parsed = datetime.combine(day, datetime.min.time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


class Command(BaseCommand):
    help = "Write the moderators' approve/reject decisions as JSON lines (one object a line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", help="Only this site (its slug).")
        parser.add_argument("--since", help="Only decisions from this date (YYYY-MM-DD) on.")
        parser.add_argument("--include-undone", action="store_true",
                            help="Also decisions a moderator undid or replaced (marked).")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        decisions = HumanDecision.objects.select_related("site", "comment", "decided_by")
        if options["site"]:
            site = Site.objects.filter(slug=options["site"]).first()
            if site is None:
                raise CommandError(f"--site: no site with slug {options['site']!r}.")
            decisions = decisions.filter(site=site)
        if options["since"]:
            decisions = decisions.filter(decided_at__gte=_since(options["since"]))
        if not options["include_undone"]:
            decisions = decisions.filter(undone_at__isnull=True)
        out = open(options["output"], "w", encoding="utf-8") if options["output"] else self.stdout  # noqa: SIM115
        count = 0
        try:
            for decision in decisions.order_by("id").iterator(chunk_size=500):
                out.write(json.dumps(decision_record(decision), ensure_ascii=False) + "\n")
                count += 1
        finally:
            if options["output"]:
                out.close()
        if options["output"]:
            self.stderr.write(f"{count} decision(s) written to {options['output']}")
