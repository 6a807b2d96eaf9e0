"""INSERT a model row with SQL that Django compiled once, for the posting hot path.

Why: compiling an ``objects.create()`` costs more CPU than SQLite spends writing the row, and
posting inserts two rows (the comment and its moderation record) while it holds the database's
write lock, so every microsecond there is paid by every waiting poster. The statement is
compiled by Django's own ``SQLInsertCompiler`` (so quoting, placeholders and ``RETURNING`` are
the backend's), once per model and database vendor; each insert then only prepares the values,
exactly as ``save()`` does (``pre_save`` for ``auto_now`` fields, ``get_db_prep_save``), and sends
``pre_save``/``post_save`` as ``save()`` would.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=Model)

_compiled: dict[tuple[type[Model], str], tuple[list[Any], str]] = {}


def _statement(model: type[Model], connection: Any) -> tuple[list[Any], str]:
    key = (model, connection.vendor)
    found = _compiled.get(key)
    if found is None:
        pk = model._meta.pk
        fields = [f for f in model._meta.local_concrete_fields if f is not pk]
        query = InsertQuery(model)
        query.insert_values(fields, [model()], raw=False)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [pk]
        [(sql, _params)] = compiler.as_sql()
        found = _compiled[key] = (fields, sql)
    return found


def insert(obj: M, *, using: str = "default") -> M:
    """Insert ``obj`` as a new row, set its primary key and return it (like ``save()`` on a new
    instance, without Django's per-call query compilation)."""
    model = type(obj)
    connection = connections[using]
    fields, sql = _statement(model, connection)
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            pk_value = cursor.fetchone()[0]
        else:  # pragma: no cover - every backend Parley supports returns columns
            pk_value = connection.ops.last_insert_id(cursor, model._meta.db_table,
                                                     model._meta.pk.column)
    obj.pk = pk_value
    obj._state.adding = False
    obj._state.db = using
    post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False,
                   using=using)
    return obj
