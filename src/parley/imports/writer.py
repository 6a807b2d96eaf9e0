"""The one writer every importer feeds: stories, comments in batches, parents, counters, report.

Importers read their file as a stream and call ``add_thread`` / ``add_comment``; the writer
keeps only the current batch (and a small map of threads to stories) in memory. Each batch is
one transaction: the comments (``bulk_create``, in parent-before-child rounds), the source-id
map (``ImportedComment``, unique per site, source and id, so a rerun creates nothing), a
moderation record per comment, and the stories' counters through
``comments.services.update_story_counters``. A parent that comes after its child, in a later
batch, is linked by ``finish`` (the child is written as a top-level comment with its parent's
source id noted, then moved under the parent with its whole sub-thread).
"""

from __future__ import annotations

import io
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parley.comments.client_address import hash_client_address
from parley.comments.errors import InvalidInput
from parley.comments.models import Comment, CommentStatus, Site, Story
from parley.comments.services import canonical_story_url, ensure_story, update_story_counters
from parley.imports.models import ImportedComment, ImportedStory
from parley.imports.text import plain_title
from parley.moderation.models import Decision, ModerationRecord

DELETED_TEXT = "[deleted]"
DECISION_FOR_STATUS = {
    CommentStatus.PUBLISHED: Decision.PUBLISH,
    CommentStatus.PENDING: Decision.REVIEW,
    CommentStatus.REJECTED: Decision.REJECT,
    CommentStatus.REMOVED: Decision.REJECT,
}


@dataclass
class SourceThread:
    """A page of the source platform: its comments become one story's."""

    source_id: str
    url: str
    title: str = ""
    created_at: datetime | None = None


@dataclass
class SourceComment:
    """One post of the source, already turned into Parley's plain text."""

    source_id: str
    thread_id: str
    text: str
    author_name: str
    created_at: datetime
    status: str = CommentStatus.PUBLISHED
    parent_id: str | None = None
    author_email: str = ""
    address: str = ""  # the client address as the source kept it (stored only hashed)
    # Why the source did not publish it ("marked as spam in Disqus"), for moderators.
    note: str = ""
    # Parley's own backups only: the id to keep (when free), other Comment fields, and the
    # moderation record as it was.
    keep_id: int | None = None
    fields: dict[str, Any] | None = None
    record: dict[str, Any] | None = None
    without_record: bool = False  # the backup had none: restore none


@dataclass
class Skip:
    """A record an importer read but will not write, with the reason the report gives."""

    reason: str


@dataclass
class ImportReport:
    """What an import did; printed at the end of the command."""

    source: str
    stories_created: int = 0
    stories_found: int = 0
    comments: int = 0
    replies: int = 0
    already_imported: int = 0
    not_public: int = 0
    parents_linked_late: int = 0
    authors: int = 0
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        lines = [
            f"Import from {self.source}:",
            f"  stories: {self.stories_created} created, {self.stories_found} already there",
            f"  comments: {self.comments} top-level, {self.replies} replies "
            f"({self.not_public} kept for moderators only: deleted, spam or unapproved)",
            f"  authors: {self.authors}",
            f"  already imported (unchanged): {self.already_imported}",
        ]
        if self.parents_linked_late:
            lines.append(f"  replies linked to a parent that came later: "
                         f"{self.parents_linked_late}")
        total = sum(self.skipped.values())
        lines.append(f"  skipped: {total}")
        lines += [f"    {n} {reason}" for reason, n in self.skipped.most_common()]
        lines += [f"  note: {n} {text}" for text, n in self.notes.most_common()]
        return lines


class Progress:
    """A progress bar on stderr: tqdm when installed, else a counter redrawn in place."""

    def __init__(self, *, total: int | None, unit: str, enabled: bool = True,
                 stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.total = total
        self.unit = unit
        self.count = 0
        self._bar: Any = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self._bar = tqdm(total=total, unit=unit, unit_scale=True, file=self.stream,
                             mininterval=0.5, dynamic_ncols=True)

    def update(self, n: int) -> None:
        self.count += n
        if self._bar is not None:
            self._bar.update(n)
        elif self.enabled and self.count // 50_000 != (self.count - n) // 50_000:
            of = f" of {self.total:,}" if self.total else ""
            self.stream.write(f"\r{self.count:,}{of} {self.unit}")
            self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.enabled:
            self.stream.write("\n")


class TrackedFile(io.RawIOBase):
    """A binary file whose reads move a progress bar by bytes (wrap it in io.BufferedReader)."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self.raw = raw
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.progress.update(len(data))
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


class ImportWriter:
    """Writes a stream of source threads and comments into one site, idempotently."""

    def __init__(self, *, site: Site, source: str, batch_size: int = 1000,
                 default_base_url: str = "") -> None:
        self.site = site
        self.source = source
        self.batch_size = batch_size
        self.default_base_url = default_base_url
        self.report = ImportReport(source=source)
        self.created_ids: list[int] = []  # new comment ids, for --rescore
        self._threads: dict[str, SourceThread] = {}
        self._story_ids: dict[str, int | None] = {}
        self._threads_used: set[str] = set()
        self._buffer: list[SourceComment] = []
        self._authors: set[str] = set()

    # --- input -------------------------------------------------------------------------------

    def add_thread(self, thread: SourceThread) -> None:
        """Remember a thread; its story is made when its first comment arrives."""
        self._threads[thread.source_id] = thread

    def add_comment(self, comment: SourceComment) -> None:
        if not comment.text and comment.status == CommentStatus.REMOVED:
            # Sources keep a deleted post's place (its replies hang on it) but not its words.
            comment.text = DELETED_TEXT
        if not comment.text:
            self.report.skipped["empty text"] += 1
            return
        self._buffer.append(comment)
        if len(self._buffer) >= self.batch_size:
            self.flush()

    def skip(self, reason: str, n: int = 1) -> None:
        self.report.skipped[reason] += n

    def note(self, text: str, n: int = 1) -> None:
        self.report.notes[text] += n

    # --- stories ------------------------------------------------------------------------------

    def use_story(self, thread_id: str, story_id: int) -> None:
        """Send the thread's comments to a story the importer made itself."""
        self._story_ids[thread_id] = story_id
        self._threads.setdefault(thread_id, SourceThread(source_id=thread_id, url=""))

    def _story_id(self, thread_id: str) -> int | None:
        if thread_id in self._story_ids:
            return self._story_ids[thread_id]
        story_id = self._resolve_story(thread_id)
        self._story_ids[thread_id] = story_id
        return story_id

    def _resolve_story(self, thread_id: str) -> int | None:
        mapped = ImportedStory.objects.filter(
            site=self.site, source=self.source, source_id=thread_id
        ).values_list("story_id", flat=True).first()
        if mapped is not None:
            self.report.stories_found += 1
            return mapped
        thread = self._threads.get(thread_id)
        if thread is None:
            return None
        url = absolute_url(thread.url, self.default_base_url)
        try:
            url = canonical_story_url(url)
        except InvalidInput:
            return None
        existed = Story.objects.filter(site=self.site, url=url).values_list(
            "pk", flat=True).first()
        try:
            story = ensure_story(site=self.site, url=url,
                                 title=plain_title(thread.title) or url[:500],
                                 published_at=thread.created_at)
        except InvalidInput:
            return None
        if existed is None:
            if thread.created_at is not None:
                Story.objects.filter(pk=story.pk).update(created_at=thread.created_at)
            self.report.stories_created += 1
        else:
            self.report.stories_found += 1
        ImportedStory.objects.get_or_create(site=self.site, source=self.source,
                                            source_id=thread_id, defaults={"story": story})
        return story.pk

    # --- comments -----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the buffered comments in one transaction (new stories included: a commit
        per story would cost more than the batch); parents first, in rounds."""
        batch, self._buffer = self._buffer, []
        if batch:
            with transaction.atomic():
                self._write_batch(batch)

    def _write_batch(self, batch: list[SourceComment]) -> None:
        ids = [c.source_id for c in batch]
        done = set(ImportedComment.objects.filter(
            site=self.site, source=self.source, source_id__in=ids
        ).values_list("source_id", flat=True))
        ids_this_batch: set[str] = set()
        todo: list[tuple[SourceComment, int]] = []
        for item in batch:
            if item.source_id in done:
                if item.source_id in ids_this_batch:
                    self.report.skipped["post repeated in the export"] += 1
                else:
                    self.report.already_imported += 1
                    self._story_id(item.thread_id)  # counted as a story already there
                    self._threads_used.add(item.thread_id)
                continue
            done.add(item.source_id)
            ids_this_batch.add(item.source_id)
            story_id = self._story_id(item.thread_id)
            if story_id is None:
                self.report.skipped["thread not in the export" if item.thread_id not in
                                    self._threads else "thread without a valid http(s) URL"] += 1
                continue
            todo.append((item, story_id))
        if not todo:
            return
        known = self._known_parents({c.parent_id for c, _ in todo if c.parent_id}
                                    - {c.source_id for c, _ in todo})
        in_batch = {c.source_id for c, _ in todo}
        deltas: Counter = Counter()
        remaining = todo
        while remaining:
            ready, later = [], []
            for item, story_id in remaining:
                if item.parent_id and item.parent_id not in known \
                        and item.parent_id in in_batch:
                    later.append((item, story_id))
                else:
                    ready.append((item, story_id))
            if not ready:  # parents in a loop: write them top-level, noted as pending
                ready, later = later, []
            self._insert(ready, known, deltas)
            in_batch -= {item.source_id for item, _ in ready}
            remaining = later
        for story_id, delta in deltas.items():
            update_story_counters(story_id=story_id, published_delta=delta)

    def _known_parents(self, parent_ids: set[str]) -> dict[str, tuple[int, int | None, int, int]]:
        """Return source id -> (comment id, root id, depth, story id) for earlier comments."""
        known: dict[str, tuple[int, int | None, int, int]] = {}
        ids = [p for p in parent_ids if p]
        for start in range(0, len(ids), 500):
            rows = ImportedComment.objects.filter(
                site=self.site, source=self.source, source_id__in=ids[start:start + 500]
            ).values_list("source_id", "comment_id", "comment__root_id", "comment__depth",
                          "comment__story_id")
            for source_id, pk, root_id, depth, story_id in rows:
                known[source_id] = (pk, root_id, depth, story_id)
        return known

    def _insert(self, items: list[tuple[SourceComment, int]],
                known: dict[str, tuple[int, int | None, int, int]], deltas: Counter) -> None:
        comments, pending = [], []
        wanted = [item.keep_id for item, _ in items if item.keep_id is not None]
        taken = set(Comment.objects.filter(pk__in=wanted).values_list("pk", flat=True)) \
            if wanted else set()
        if taken:
            self.report.notes["comments given a new id (theirs was taken)"] += len(taken)
        for item, story_id in items:
            parent = known.get(item.parent_id) if item.parent_id else None
            if parent is not None and parent[3] != story_id:
                self.report.notes["replies to a comment on another thread kept as top-level"] += 1
                parent = None
            # A parent not written yet (later in the file): linked by finish().
            pending.append(item.parent_id if item.parent_id and item.parent_id not in known
                           else "")
            values: dict[str, Any] = {
                "pk": item.keep_id if item.keep_id not in taken else None,
                "story_id": story_id,
                "parent_id": parent[0] if parent else None,
                "root_id": (parent[1] or parent[0]) if parent else None,
                "depth": parent[2] + 1 if parent else 0,
                "author_name": item.author_name,
                "author_email": item.author_email,
                "author_ip_hash": hash_client_address(item.address) if item.address else "",
                "text": item.text,
                "status": item.status,
                "created_at": item.created_at or timezone.now(),
            }
            comments.append(Comment(**{**values, **(item.fields or {})}))
        Comment.objects.bulk_create(comments)
        if any(c.pk is None for c in comments):  # a database that cannot return new ids
            raise RuntimeError("the database did not return the new comments' ids")
        ImportedComment.objects.bulk_create([
            ImportedComment(site=self.site, source=self.source, source_id=item.source_id,
                            comment=comment, pending_parent=waiting)
            for (item, _), comment, waiting in zip(items, comments, pending, strict=True)
        ])
        ModerationRecord.objects.bulk_create([
            ModerationRecord(comment=comment, **item.record) if item.record is not None
            else ModerationRecord(
                comment=comment, decision=DECISION_FOR_STATUS[comment.status],
                reasons=[f"imported from {self.source}" + (f": {item.note}" if item.note else "")],
                engine_version=f"import:{self.source}", created_at=comment.created_at,
            )
            for (item, _), comment in zip(items, comments, strict=True)
            if not item.without_record
        ])
        for (item, story_id), comment in zip(items, comments, strict=True):
            known[item.source_id] = (comment.pk, comment.root_id, comment.depth, story_id)
            self.created_ids.append(comment.pk)
            if comment.parent_id:
                self.report.replies += 1
            else:
                self.report.comments += 1
            if comment.status == CommentStatus.PUBLISHED:
                deltas[story_id] += 1
            else:
                self.report.not_public += 1
            self._authors.add(item.author_email.lower() or f"name:{item.author_name}")
            self._threads_used.add(item.thread_id)

    # --- the end ------------------------------------------------------------------------------

    def finish(self) -> ImportReport:
        """Write what is left, link late parents, and return the report."""
        self.flush()
        self._link_pending_parents()
        self.report.authors = len(self._authors)
        empty = len(set(self._threads) - self._threads_used - set(self._story_ids))
        if empty:
            self.report.skipped["threads with no comments (no story made)"] += empty
        return self.report

    def _link_pending_parents(self) -> None:
        waiting = ImportedComment.objects.filter(
            site=self.site, source=self.source).exclude(pending_parent="")
        rows = list(waiting.values_list("pk", "comment_id", "pending_parent"))
        for start in range(0, len(rows), self.batch_size):
            with transaction.atomic():
                for row_id, comment_id, parent_source_id in rows[start:start + self.batch_size]:
                    self._link_one(comment_id, parent_source_id)
                    ImportedComment.objects.filter(pk=row_id).update(pending_parent="")

    def _link_one(self, comment_id: int, parent_source_id: str) -> None:
        parent = ImportedComment.objects.filter(
            site=self.site, source=self.source, source_id=parent_source_id,
        ).values_list("comment_id", "comment__root_id", "comment__depth",
                      "comment__story_id").first()
        child = Comment.objects.filter(pk=comment_id).values_list("story_id", "parent_id").first()
        if child is None or child[1] is not None:
            return
        if parent is None:
            self.report.notes["replies whose parent is not in the export kept as top-level"] += 1
            return
        parent_pk, parent_root, parent_depth, parent_story = parent
        new_root = parent_root or parent_pk
        if parent_story != child[0]:
            self.report.notes["replies to a comment on another thread kept as top-level"] += 1
            return
        if new_root == comment_id:  # the "parent" is inside this comment's own sub-thread
            self.report.notes["replies in a parent loop kept as top-level"] += 1
            return
        depth = parent_depth + 1
        # The comment was top-level, so its whole sub-thread has it as root: move them all.
        Comment.objects.filter(root_id=comment_id).update(root_id=new_root,
                                                          depth=F("depth") + depth)
        Comment.objects.filter(pk=comment_id).update(parent_id=parent_pk, root_id=new_root,
                                                     depth=depth)
        self.report.parents_linked_late += 1
        self.report.comments -= 1
        self.report.replies += 1
        update_story_counters(story_id=parent_story, published_delta=0)


def absolute_url(url: str, base: str) -> str:
    """Return the URL made absolute against the site's base when the source kept only a path."""
    url = (url or "").strip()
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/") and base:
        return base.rstrip("/") + url
    return url


Record = SourceThread | SourceComment | Skip


def run(writer: ImportWriter, records: Iterable[Record]) -> ImportReport:
    """Feed an importer's records to the writer and finish."""
    for record in records:
        if isinstance(record, SourceThread):
            writer.add_thread(record)
        elif isinstance(record, Skip):
            writer.skip(record.reason)
        else:
            writer.add_comment(record)
    return writer.finish()


def chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
