"""``parley retrain``: recalibrate a site's engine thresholds on its moderators' decisions.

Prints a before/after report on a held-out part of the decisions; ``--apply`` saves the new
thresholds as the site's policy (audited, as ``--user``) only when they do better there. The
shipped model files are never changed, so the default policy and model remain the fallback.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parley import actions
from parley.comments.models import Site
from parley.moderation.models import DecisionLabel, HumanDecision
from parley.moderation.recalibration import Examples, recalibrate

MIN_DECISIONS = 40
MIN_PER_LABEL = 5


class Command(BaseCommand):
    help = "Recalibrate a site's engine thresholds on its own moderation decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="The site's slug.")
        parser.add_argument("--holdout", type=float, default=0.3,
                            help="Share of decisions kept aside for the report (default 0.3).")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the split.")
        parser.add_argument("--apply", action="store_true",
                            help="Save the new thresholds if they do better on the held-out part.")
        parser.add_argument("--user", help="The site admin applying it (for the audit log).")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"--site: no site with slug {options['site']!r}.")
        if not 0.1 <= options["holdout"] <= 0.5:
            raise CommandError("--holdout: choose between 0.1 and 0.5.")
        rows = [
            (scores, language, label == DecisionLabel.REJECTED)
            for scores, language, label in HumanDecision.objects.filter(
                site=site, undone_at__isnull=True).values_list("scores", "language", "label")
            if any(isinstance(v, int | float) for v in (scores or {}).values())
        ]
        rejected = sum(r for _, _, r in rows)
        if len(rows) < MIN_DECISIONS or min(rejected, len(rows) - rejected) < MIN_PER_LABEL:
            raise CommandError(
                f"{site.name} has {len(rows)} scored decisions ({rejected} rejections); "
                f"recalibrating needs at least {MIN_DECISIONS}, with {MIN_PER_LABEL} of each kind."
            )
        base = (site.moderation_settings or {}).get("policy", {})
        report = recalibrate(Examples.from_rows(rows), base, holdout=options["holdout"],
                             random_state=options["seed"])
        better = report["after"]["cost"] < report["before"]["cost"]
        report["improves"] = better
        report["applied"] = False
        if options["apply"]:
            if not options["user"]:
                raise CommandError("--apply needs --user (who applies it, for the audit log).")
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user {options['user']!r}.")
            if better:
                actions.update_site_policy(site=site, acting_user=user,
                                            policy_data=report["policy"])
                report["applied"] = True
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self._print(site, report)

    def _print(self, site: Site, report: dict[str, Any]) -> None:
        def line(name: str, e: dict[str, Any]) -> str:
            return (f"  {name:<7} published {e['published']:>4}  held {e['held']:>4}  "
                    f"rejected {e['rejected']:>4}  misses {e['misses']:>3}  "
                    f"wrong rejections {e['wrong_rejections']:>3}  cost {e['cost']:.0f}")

        self.stdout.write(f"{site.name}: {report['train']} decisions to fit, "
                          f"{report['held_out']} held out.")
        self.stdout.write("On the held-out decisions:")
        self.stdout.write(line("before", report["before"]))
        self.stdout.write(line("after", report["after"]))
        self.stdout.write("New thresholds: " + json.dumps(report["policy"]))
        if report["applied"]:
            self.stdout.write("Applied as the site's policy.")
        elif not report["improves"]:
            self.stdout.write("Not better on the held-out part: the current policy stays.")
        else:
            self.stdout.write("Run again with --apply --user <admin> to use them.")
        self.stdout.write("The shipped model heads are unchanged (only thresholds are fitted).")
