"""Parley's actions: every write that spans comments and moderation, one module per domain.

Like Zulip's ``zerver/actions``: each public action is keyword-only and typed, owns one durable
transaction, locks the rows whose counts matter, writes its audit entry in that transaction, and
sends side effects only after commit (``effects.after_commit``). Views, the JSON API, management
commands and Celery tasks call these, never the apps' low-level writes, so they behave alike.

- ``comments``: posting a comment or a reply (the moderation pipeline is called explicitly).
- ``reports``: a reader's report, and hiding a comment once reports reach the site's threshold.
- ``moderation``: moderators' decisions (approve, reject, ban, pre-moderate, undo, bulk) and
  ``change_comment_status``, the one action that can reach any status (REMOVED included).
- ``stories``: closing, reopening and pre-moderating a story; featuring a comment.
- ``sites``: creating a site; its allowed origins, API key, FAQ text, rules, engine
  thresholds, webhook endpoints and Coral phase secret.
- ``feedback``: decisions made elsewhere (Perspective ``comments:suggestscore``, e.g. Coral's
  moderators) stored as training examples.
- ``own_comments``: a commenter editing (re-scored) or deleting their own comment, proved by
  the comment's edit token.
- ``reactions``: readers' "Recommend", one per reader.
- ``people``: a commenter's own data (export) and erasure, for site admins and the API key.

``parley.comments`` never imports this package: it is the leaf the actions build on.
"""

from parley.actions.comments import PostResult, post_comment
from parley.actions.feedback import FeedbackResult, record_suggested_score
from parley.actions.moderation import (
    approve_comment,
    ban_author,
    bulk_approve,
    bulk_reject,
    change_comment_status,
    reject_comment,
    set_author_premoderation,
    undo_last_action,
)
from parley.actions.own_comments import (
    EditRefused,
    EditResult,
    delete_own_comment,
    edit_own_comment,
)
from parley.actions.people import commenter_data, erase_commenter
from parley.actions.reactions import ReactionResult, set_recommendation
from parley.actions.reports import report_comment
from parley.actions.sites import (
    add_webhook_endpoint,
    create_site,
    rotate_api_key,
    set_coral_phase,
    set_faq_text,
    set_webhook_active,
    update_allowed_origins,
    update_site_policy,
    update_site_rules,
)
from parley.actions.stories import feature_comment, update_story_settings

__all__ = [
    "EditRefused",
    "EditResult",
    "FeedbackResult",
    "ReactionResult",
    "PostResult",
    "add_webhook_endpoint",
    "approve_comment",
    "ban_author",
    "bulk_approve",
    "bulk_reject",
    "change_comment_status",
    "commenter_data",
    "erase_commenter",
    "create_site",
    "feature_comment",
    "post_comment",
    "delete_own_comment",
    "edit_own_comment",
    "record_suggested_score",
    "reject_comment",
    "rotate_api_key",
    "report_comment",
    "set_author_premoderation",
    "set_coral_phase",
    "set_faq_text",
    "set_recommendation",
    "set_webhook_active",
    "undo_last_action",
    "update_allowed_origins",
    "update_site_policy",
    "update_site_rules",
    "update_story_settings",
]
