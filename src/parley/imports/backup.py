"""Parley's own export: a whole site as JSON lines, and reading it back (``import parley``).

One object a line, in an order a reader can stream: a header, the site, its stories, its
comments (parents before replies, each with its moderation record), then readers' reports and
moderators' decisions. Ids are the database's; a restore into a database where they are free
keeps them, so export → restore → export gives the same file. Accounts are named by username
(a restore links them when such an account exists). What is left out, on purpose: the audit
log (append-only, it belongs to the database it was written in), webhooks and their secrets,
author restrictions, and caches. The file holds e-mail addresses: keep it as private as the
database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from parley.comments.models import Comment, Report, Site, Story
from parley.imports.dates import parse_datetime
from parley.imports.models import ImportedStory
from parley.imports.writer import ImportReport, ImportWriter, SourceComment
from parley.moderation.models import HumanDecision, ModerationRecord

SOURCE = "parley"
FORMAT = "parley-export"
VERSION = 1
SITE_FIELDS = ("name", "slug", "allowed_origins", "faq_text", "moderation_settings",
               "created_at", "api_key_hash")
STORY_FIELDS = ("url", "slug", "title", "standfirst", "dateline", "body", "publication_line",
                "published_at", "created_at", "is_closed", "closes_at", "premoderate",
                "published_count")
COMMENT_FIELDS = ("author_name", "author_email", "author_ip_hash", "text", "language", "status",
                  "public_reasons", "is_featured", "created_at")
RECORD_FIELDS = ("decision", "reasons", "scores", "language", "engine_version", "created_at",
                 "hidden_by_reports", "human_label", "reviewed_at")
REPORT_FIELDS = ("reason", "note", "reporter_ip_hash", "created_at", "resolved")
DECISION_FIELDS = ("label", "reason", "note", "text", "scores", "engine_decision", "language",
                   "decided_at", "undone_at")
DATE_FIELDS = {"created_at", "published_at", "closes_at", "reviewed_at", "decided_at",
               "undone_at"}


# --- export -------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _line(out: IO[str], data: dict[str, Any]) -> None:
    out.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


def export_site(site: Site, out: IO[str], chunk_size: int = 2000) -> dict[str, int]:
    """Write the site as JSON lines to ``out``; return how many of each kind were written."""
    counts = {"stories": 0, "comments": 0, "reports": 0, "decisions": 0}
    _line(out, {"type": FORMAT, "version": VERSION})
    _line(out, {"type": "site", **{f: _plain(getattr(site, f)) for f in SITE_FIELDS}})
    for story in Story.objects.filter(site=site).order_by("pk").values(
            "pk", *STORY_FIELDS).iterator(chunk_size=chunk_size):
        _line(out, {"type": "story", "id": story.pop("pk"),
                    **{k: _plain(v) for k, v in story.items()}})
        counts["stories"] += 1
    comments = Comment.objects.filter(story__site=site).order_by("pk").values(
        "pk", "story_id", "parent_id", "author_user__username", *COMMENT_FIELDS,
        *(f"moderation__{f}" for f in RECORD_FIELDS), "moderation__reviewed_by__username",
        "moderation__pk")
    for row in comments.iterator(chunk_size=chunk_size):
        record = None
        if row["moderation__pk"] is not None:
            record = {f: _plain(row[f"moderation__{f}"]) for f in RECORD_FIELDS}
            record["reviewed_by"] = row["moderation__reviewed_by__username"]
        _line(out, {"type": "comment", "id": row["pk"], "story": row["story_id"],
                    "parent": row["parent_id"], "author_user": row["author_user__username"],
                    **{f: _plain(row[f]) for f in COMMENT_FIELDS}, "moderation": record})
        counts["comments"] += 1
    reports = Report.objects.filter(comment__story__site=site).order_by("pk").values(
        "comment_id", "reporter_user__username", *REPORT_FIELDS)
    for row in reports.iterator(chunk_size=chunk_size):
        _line(out, {"type": "report", "comment": row.pop("comment_id"),
                    "reporter_user": row.pop("reporter_user__username"),
                    **{k: _plain(v) for k, v in row.items()}})
        counts["reports"] += 1
    decisions = HumanDecision.objects.filter(site=site).order_by("pk").values(
        "comment_id", "decided_by__username", *DECISION_FIELDS)
    for row in decisions.iterator(chunk_size=chunk_size):
        _line(out, {"type": "decision", "comment": row.pop("comment_id"),
                    "decided_by": row.pop("decided_by__username"),
                    **{k: _plain(v) for k, v in row.items()}})
        counts["decisions"] += 1
    return counts


# --- import -------------------------------------------------------------------------------------

class BackupError(ValueError):
    """The file is not a Parley export this version can read."""


def _dates(data: dict[str, Any]) -> dict[str, Any]:
    return {k: parse_datetime(v) if k in DATE_FIELDS and v else v for k, v in data.items()}


def read_lines(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            raise BackupError(f"line {number} is not JSON") from None
        if number == 1 and (not isinstance(data, dict) or data.get("type") != FORMAT
                            or data.get("version") != VERSION):
            raise BackupError(f"not a {FORMAT} version {VERSION} file")
        if not isinstance(data, dict) or "type" not in data:
            raise BackupError(f"line {number} has no type")
        yield data


class BackupImporter:
    """Restores an export into a site (made from the export when it does not exist)."""

    def __init__(self, *, site_slug: str | None, batch_size: int = 1000) -> None:
        self.site_slug = site_slug
        self.batch_size = batch_size
        self.writer: ImportWriter | None = None
        self._users: dict[str, Any] = {}
        self._created: set[int] | None = None

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        if username not in self._users:
            self._users[username] = get_user_model().objects.filter(username=username).first()
            if self._users[username] is None and self.writer is not None:
                self.writer.note("accounts named in the export that this server lacks")
        return self._users[username]

    def _site(self, data: dict[str, Any]) -> Site:
        slug = self.site_slug or data["slug"]
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            fields = _dates({f: data[f] for f in SITE_FIELDS if f in data})
            fields["slug"] = slug
            site = Site.objects.create(**fields)
        return site

    def run(self, stream: IO[bytes]) -> ImportReport:
        writer = None
        for number, data in enumerate(read_lines(stream), start=1):
            try:
                writer = self._one(writer, data)
            except (KeyError, TypeError, ValueError) as error:
                if isinstance(error, BackupError):
                    raise
                raise BackupError(f"record {number} ({data.get('type')}) is incomplete or "
                                  f"malformed: {error!r}") from None
        if writer is None:
            raise BackupError("the file has no site line")
        report = writer.finish()
        _reset_sequences()
        return report

    def _one(self, writer: ImportWriter | None, data: dict[str, Any]) -> ImportWriter | None:
        """Handle one line; return the writer (made by the site line)."""
        kind = data["type"]
        if kind == FORMAT:
            return writer
        if kind == "site":
            self.writer = ImportWriter(site=self._site(data), source=SOURCE,
                                       batch_size=self.batch_size)
            return self.writer
        if writer is None:
            raise BackupError("the site line must come before everything else")
        if kind == "story":
            self._story(writer, data)
        elif kind == "comment":
            self._comment(writer, data)
        elif kind in ("report", "decision"):
            self._after_comments(writer, kind, data)
        else:
            writer.skip(f"lines of unknown type {kind!r}")
        return writer

    def _story(self, writer: ImportWriter, data: dict[str, Any]) -> None:
        source_id = str(data["id"])
        mapped = ImportedStory.objects.filter(site=writer.site, source=SOURCE,
                                              source_id=source_id).values_list(
            "story_id", flat=True).first()
        if mapped is None:
            mapped = Story.objects.filter(site=writer.site, url=data["url"]).values_list(
                "pk", flat=True).first()
            if mapped is None:
                fields = _dates({f: data[f] for f in STORY_FIELDS if f in data})
                fields["published_count"] = 0  # counted again as the comments are written
                keep = not Story.objects.filter(pk=data["id"]).exists()
                with transaction.atomic():
                    story = Story.objects.create(site=writer.site, pk=data["id"] if keep else None,
                                                 **fields)
                mapped = story.pk
                writer.report.stories_created += 1
            else:
                writer.report.stories_found += 1
            ImportedStory.objects.get_or_create(site=writer.site, source=SOURCE,
                                                source_id=source_id, defaults={"story_id": mapped})
        else:
            writer.report.stories_found += 1
        writer.use_story(source_id, mapped)

    def _comment(self, writer: ImportWriter, data: dict[str, Any]) -> None:
        record = data.get("moderation")
        if record is not None:
            record = _dates({f: record.get(f) for f in RECORD_FIELDS})
            record["reviewed_by"] = self._user(data["moderation"].get("reviewed_by"))
            record = {k: v for k, v in record.items() if v is not None or k == "reviewed_at"}
        fields = _dates({f: data[f] for f in COMMENT_FIELDS if f in data})
        text = fields.pop("text", "")
        writer.add_comment(SourceComment(
            source_id=str(data["id"]), thread_id=str(data["story"]),
            parent_id=str(data["parent"]) if data.get("parent") else None,
            text=text, author_name=fields.pop("author_name", ""),
            author_email=fields.pop("author_email", ""),
            created_at=fields.pop("created_at", None), status=fields.pop("status"),
            keep_id=int(data["id"]), record=record, without_record=record is None,
            fields={**fields, "author_user": self._user(data.get("author_user"))},
        ))

    def _after_comments(self, writer: ImportWriter, kind: str, data: dict[str, Any]) -> None:
        if self._created is None:  # the comments are all read: write the last batch
            writer.flush()
            self._created = set(writer.created_ids)
        from parley.imports.models import ImportedComment

        comment_id = ImportedComment.objects.filter(
            site=writer.site, source=SOURCE, source_id=str(data["comment"])
        ).values_list("comment_id", flat=True).first()
        if comment_id is None or comment_id not in self._created:
            if comment_id is None:
                writer.skip(f"{kind}s on comments not in the export")
            return  # restored by an earlier run
        if kind == "report":
            Report.objects.create(
                comment_id=comment_id, reporter_user=self._user(data.get("reporter_user")),
                **_dates({f: data[f] for f in REPORT_FIELDS if f in data}))
        else:
            HumanDecision.objects.create(
                comment_id=comment_id, site=writer.site,
                decided_by=self._user(data.get("decided_by")),
                **_dates({f: data[f] for f in DECISION_FIELDS if f in data}))


def _reset_sequences() -> None:
    """Move PostgreSQL's id sequences past the ids a restore kept (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Story, Comment, ModerationRecord])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
