"""The import sources by name: how each one's file is opened, streamed and fed to the writer."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from parley.comments.models import Site
from parley.imports import commento, disqus, isso, remark42, wordpress
from parley.imports.writer import ImportReport, ImportWriter, Progress, TrackedFile, run

SOURCES = ("disqus", "wordpress", "isso", "remark42", "commento", "parley")


def _bytes_progress(path: Path, enabled: bool) -> Progress:
    return Progress(total=path.stat().st_size, unit="B", enabled=enabled)


def _stream(path: Path, progress: Progress) -> io.BufferedReader:
    return io.BufferedReader(TrackedFile(path.open("rb"), progress), buffer_size=1 << 16)


def import_file(*, source: str, path: Path, site: Site | None, site_slug: str | None = None,
                base_url: str = "", batch_size: int = 1000,
                progress: bool = True) -> tuple[ImportReport, list[int], Site]:
    """Import one file; return the report, the new comments' ids and the site written to."""
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if source == "parley":
        from parley.imports.backup import BackupImporter

        bar = _bytes_progress(path, progress)
        importer = BackupImporter(site_slug=site_slug, batch_size=batch_size)
        try:
            with _stream(path, bar) as stream:
                report = importer.run(stream)
        finally:
            bar.close()
        assert importer.writer is not None
        return report, importer.writer.created_ids, importer.writer.site
    if site is None:
        raise ValueError("a site is needed")
    base = base_url or (site.origins[0] if site.origins else "")
    writer = ImportWriter(site=site, source=source, batch_size=batch_size,
                          default_base_url=base)
    readers: dict[str, Callable[[io.BufferedReader], object]] = {
        "disqus": disqus.read, "wordpress": wordpress.read, "remark42": remark42.read,
    }
    if source in readers:
        bar = _bytes_progress(path, progress)
        try:
            with _stream(path, bar) as stream:
                report = run(writer, readers[source](stream))  # type: ignore[arg-type]
        finally:
            bar.close()
    elif source == "isso":
        bar = Progress(total=isso.count(path), unit=" comments", enabled=progress)
        try:
            report = run(writer, isso.read(path, bar))
        finally:
            bar.close()
    elif source == "commento":
        bar = Progress(total=2 * path.stat().st_size, unit="B", enabled=progress)
        try:
            report = run(writer, commento.read(lambda: _stream(path, bar)))
        finally:
            bar.close()
    else:
        raise ValueError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}")
    return report, writer.created_ids, site
