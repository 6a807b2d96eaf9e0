"""Celery tasks of the imports: another caller of ``rescore``."""

from __future__ import annotations

from celery import shared_task

from parley.imports.rescore import rescore_comments


@shared_task(ignore_result=False)
def rescore_imported(comment_ids: list[int], apply_decisions: bool = False) -> dict[str, int]:
    return rescore_comments(comment_ids, apply_decisions=apply_decisions)
