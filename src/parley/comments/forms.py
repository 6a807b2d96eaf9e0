"""Reader forms: a comment (or reply) and a report.

The forms only declare fields and labels and coerce types; the rules (empty text, lengths, email,
closed story, rate limits) live in ``services`` and ``parley.actions.post_comment`` so pages, the
API and the embed agree exactly.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from parley.comments.models import ReportReason

# Where an htmx post inserts the new comment: the top-level list or one comment's replies.
REPLY_TARGET_RE = re.compile(r"^#(comment-list|replies-\d+)$")


class CommentForm(forms.Form):
    """A new comment; ``parent_id`` makes it a reply."""

    text = forms.CharField(
        label=_("Your comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    author_name = forms.CharField(
        label=_("Name"), required=False, strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    author_email = forms.CharField(
        label=_("Email (optional, never shown)"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    parent_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    reply_target = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_reply_target(self) -> str:
        """Accept only the two shapes the page itself writes; anything else means the list."""
        value = self.cleaned_data.get("reply_target") or ""
        return value if REPLY_TARGET_RE.match(value) else "#comment-list"


class ReportForm(forms.Form):
    """A reader's report on one comment."""

    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EditForm(forms.Form):
    """A commenter's new text for their own comment."""

    text = forms.CharField(
        label=_("Your comment"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
