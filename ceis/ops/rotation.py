"""Re-encrypt every stored encrypted value with the newest field key (``manage.py rotate_encryption_key``).

The columns are found by field class (``ceis.crypto.encrypted_columns``): encrypted text, dates and the files kept
as tokens alike. Each model is walked by primary key in batches, each batch its own transaction; a value that the
newest key already opens is left alone, any other goes through ``MultiFernet.rotate``. An interrupted run is
simply run again: what was done is skipped. Each value is written back only if it is still the token that was
read (a concurrent edit wins, and is already under the newest key).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

from ceis.crypto import encrypted_columns, fernet


@dataclass
class ModelCount:
    label: str
    rows: int = 0
    values: int = 0
    changed: int = 0
    seconds: float = 0.0


def _newest() -> Fernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set.")
    return Fernet(keys[0].encode())


def _update(cursor, sql: str, params: list) -> None:
    if cursor.db.vendor == "postgresql":
        from psycopg2.extras import execute_batch

        execute_batch(cursor.cursor, sql, params, page_size=100)  # a hundred statements per round trip
    else:
        cursor.executemany(sql, params)


def rotate(
    *,
    batch_size: int = 500,
    using: str = "default",
    on_batch: Callable[[ModelCount], None] | None = None,
) -> list[ModelCount]:
    """Rotate every encrypted value; one ``ModelCount`` per model with encrypted columns."""
    newest = _newest()
    keys = fernet()
    connection = connections[using]
    quote = connection.ops.quote_name
    results = []
    for model, fields in sorted(encrypted_columns().items(), key=lambda item: item[0]._meta.label):
        count = ModelCount(model._meta.label)
        started = time.monotonic()
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = [quote(f.column) for f in fields]
        last = None
        while True:
            where = f"WHERE {pk} > %s " if last is not None else ""
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {pk}, {', '.join(columns)} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                    [last, batch_size] if last is not None else [batch_size],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                updates: dict[str, list[tuple[str, object, str]]] = {c: [] for c in columns}
                for row in rows:
                    for column, token in zip(columns, row[1:], strict=True):
                        if not token:
                            continue
                        count.values += 1
                        raw = token.encode()
                        try:
                            newest.decrypt(raw)
                            continue  # already under the newest key
                        except InvalidToken:
                            pass
                        try:
                            rotated = keys.rotate(raw).decode()
                        except InvalidToken as exc:
                            raise ImproperlyConfigured(
                                f"A value of {model._meta.label} (id {row[0]}) opens with none of the configured keys: "
                                "add the key it was written with to FIELD_ENCRYPTION_KEYS_OLD."
                            ) from exc
                        updates[column].append((rotated, row[0], token))
                for column, params in updates.items():
                    if params:
                        _update(cursor, f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s", params)
                        count.changed += len(params)
                count.rows += len(rows)
                last = rows[-1][0]
            if on_batch is not None:
                on_batch(count)
        count.seconds = time.monotonic() - started
        results.append(count)
    return results
