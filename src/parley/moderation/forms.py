"""Forms for the site's rules and a story's comment settings (validation only; actions write)."""

from __future__ import annotations

from typing import Any

from django import forms

from parley.comments.models import Site
from parley.moderation.labels import ATTRIBUTE_LABELS, RULE_LABELS
from parley.moderation.site_settings import site_settings


class SiteRulesForm(forms.Form):
    """The site's own rules, grouped on the page by ``GROUPS``, labelled by ``RULE_LABELS``."""

    GROUPS = (
        ("Words", ("banned_words", "suspect_words")),
        ("Holding for review", ("hold_links", "premoderate_all")),
        ("Reader reports", ("report_threshold_review", "report_threshold_hide")),
        ("Closing and alerts", ("close_after_days", "pending_alert_minutes")),
        ("Readers' own comments", ("edit_window_minutes",)),
    )

    banned_words = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One word or phrase a line: comments containing one are rejected.",
    )
    suspect_words = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: comments containing one are held for review.",
    )
    hold_links = forms.BooleanField(required=False, help_text="Hold comments with a web address.")
    premoderate_all = forms.BooleanField(required=False, help_text="Hold every new comment.")
    close_after_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650,
        help_text="Close comments this many days after a story is published (empty: never).",
    )
    report_threshold_review = forms.IntegerField(
        min_value=1, max_value=1000, help_text="Reports that put a comment in Reported.")
    report_threshold_hide = forms.IntegerField(
        min_value=1, max_value=1000, help_text="Reports that hide a comment until a decision.")
    pending_alert_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=10080,
        help_text="E-mail moderators when a comment waits longer than this (empty: never).",
    )

    edit_window_minutes = forms.IntegerField(
        required=False, min_value=0, max_value=7 * 24 * 60,
        help_text="Commenters may edit their comment this many minutes after posting (0: never; "
                  "empty: Parley's default, PARLEY_EDIT_WINDOW_MINUTES). Edits are checked again.",
    )

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        current = site_settings(site)
        kwargs.setdefault("initial", {
            "banned_words": "\n".join(current.banned_words),
            "suspect_words": "\n".join(current.suspect_words),
            "hold_links": current.hold_links,
            "premoderate_all": current.premoderate_all,
            "close_after_days": current.close_after_days,
            "report_threshold_review": current.report_threshold_review,
            "report_threshold_hide": current.report_threshold_hide,
            "pending_alert_minutes": current.pending_alert_minutes,
            "edit_window_minutes": current.edit_window_minutes,
        })
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = RULE_LABELS[name]

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Return the fields by group, in the page's order."""
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        review, hide = data.get("report_threshold_review"), data.get("report_threshold_hide")
        if review and hide and hide < review:
            self.add_error("report_threshold_hide", "Must not be below the review threshold.")
        return data

    def cleaned_settings(self) -> dict[str, Any]:
        """Return the settings as stored in ``Site.moderation_settings``."""
        data = self.cleaned_data

        def lines(text: str) -> list[str]:
            return [line.strip() for line in text.splitlines() if line.strip()]

        return {
            "banned_words": lines(data["banned_words"]),
            "suspect_words": lines(data["suspect_words"]),
            "hold_links": data["hold_links"],
            "premoderate_all": data["premoderate_all"],
            "close_after_days": data["close_after_days"],
            "report_threshold_review": data["report_threshold_review"],
            "report_threshold_hide": data["report_threshold_hide"],
            "pending_alert_minutes": data["pending_alert_minutes"],
            "edit_window_minutes": data["edit_window_minutes"],
        }


class StorySettingsForm(forms.Form):
    close_now = forms.BooleanField(required=False)
    reopen = forms.BooleanField(required=False)
    close_in_days = forms.IntegerField(required=False, min_value=1, max_value=3650)
    premoderate = forms.TypedChoiceField(
        required=False, choices=[("", "unchanged"), ("1", "yes"), ("0", "no")],
        coerce=lambda v: v == "1", empty_value=None,
    )


POLICY_ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT",
                     "IDENTITY_ATTACK", "OFF_TOPIC", "SPAM")


class PolicyForm(forms.Form):
    """The engine's thresholds for a site: review and reject per attribute, and its choices."""

    days = forms.IntegerField(min_value=1, max_value=365, initial=7,
                              help_text="Preview on the comments of this many days.")
    profanity = forms.ChoiceField(choices=[("publish", "publish"), ("review", "hold for review")])
    unsupported_language = forms.ChoiceField(
        choices=[("review", "hold for review"), ("publish", "publish")])
    nudge = forms.BooleanField(required=False, help_text="Offer to edit before posting.")

    def __init__(self, *args: Any, policy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in POLICY_ATTRIBUTES:
            label = str(ATTRIBUTE_LABELS[name]).capitalize()
            self.fields[f"review_{name}"] = forms.FloatField(
                min_value=0, max_value=1, initial=policy.review[name],
                label=f"{label}: hold for review at")
            self.fields[f"reject_{name}"] = forms.FloatField(
                min_value=0, max_value=1, required=False, initial=policy.reject.get(name),
                label=f"{label}: reject at", help_text="empty: never reject automatically")
            for kind in ("review", "reject"):  # the table shows no <label>: name each input
                field = self.fields[f"{kind}_{name}"]
                field.widget.attrs["aria-label"] = field.label
        self.fields["profanity"].initial = policy.profanity
        self.fields["unsupported_language"].initial = policy.unsupported_language
        self.fields["nudge"].initial = policy.nudge

    def attribute_rows(self) -> list[tuple[str, Any, Any]]:
        """Return (label, review field, reject field) per attribute, for the thresholds table."""
        return [(str(ATTRIBUTE_LABELS[name]).capitalize(), self[f"review_{name}"],
                 self[f"reject_{name}"]) for name in POLICY_ATTRIBUTES]

    def policy_data(self) -> dict[str, Any]:
        """Return the policy as stored in ``Site.moderation_settings["policy"]``."""
        data = self.cleaned_data
        return {
            "review": {name: data[f"review_{name}"] for name in POLICY_ATTRIBUTES},
            "reject": {name: data[f"reject_{name}"] for name in POLICY_ATTRIBUTES},
            "profanity": data["profanity"],
            "unsupported_language": data["unsupported_language"],
            "nudge": data["nudge"],
        }


class WebhookForm(forms.Form):
    url = forms.URLField(max_length=500, assume_scheme="https",
                         help_text="Your endpoint; it receives signed JSON POSTs.")
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in ("comment.created", "comment.published", "comment.rejected")],
        initial=["comment.created", "comment.published", "comment.rejected"],
        widget=forms.CheckboxSelectMultiple,
    )


# --- Onboarding a site: create it, its origins, its FAQ ----------------------------------------

class SiteCreateForm(forms.Form):
    """A new site: what readers call it, its address in URLs, and the domain that embeds it."""

    name = forms.CharField(max_length=200, help_text="What readers call it, e.g. Daily Planet.")
    slug = forms.SlugField(max_length=80, help_text="Lower-case letters, digits and hyphens; "
                                                    "used in the workspace's addresses.")
    domain = forms.CharField(max_length=300, label="Canonical domain",
                             help_text="Where the articles are, e.g. news.example.com "
                                       "(becomes the first allowed origin).")

    def clean_domain(self) -> str:
        from parley.comments.errors import InvalidInput
        from parley.comments.origins import parse_origin

        try:
            return parse_origin(self.cleaned_data["domain"], field="domain")
        except InvalidInput as error:
            raise forms.ValidationError(error.detail) from None

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug != slug.lower():
            raise forms.ValidationError("Use lower-case letters.")
        if Site.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"A site with the slug {slug!r} already exists.")
        return slug


class AllowedOriginsForm(forms.Form):
    """The origins whose pages may embed the site's comments, one a line."""

    origins = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        label="Allowed origins",
        help_text="One a line, exactly as the browser shows the page's start: scheme://host, "
                  "with :port only if not the default (https://news.example.com). No paths, "
                  "no wildcards: list www and the bare domain separately if you use both.",
    )

    def clean_origins(self) -> list[str]:
        from parley.comments.errors import InvalidInput
        from parley.comments.origins import parse_origins

        try:
            return parse_origins(self.cleaned_data["origins"])
        except InvalidInput as error:
            raise forms.ValidationError(error.detail) from None


class FaqForm(forms.Form):
    """The Comments FAQ text readers open from under the comment form (plain text)."""

    faq_text = forms.CharField(
        required=False, max_length=20_000, label="Comments FAQ text",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain text: blank lines make paragraphs and web addresses become links; "
                  "no HTML. Leave empty to show Parley's own description of your moderation.",
    )
