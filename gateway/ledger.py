"""The gateway's idempotency ledger: one SQLite file (WAL) holding every record it wrote and every batch key.

``records`` maps the plan's idempotency key (``source:user:15``) to the target id and the fingerprint of the
content last written. A create first commits an *intent* (a row without target id); after the portal answers,
the target id is committed. A row still without target id after a crash means "maybe written": the importer
looks the record up in the portal by its external id before creating it again. ``batches`` stores the response
of each ``X-Idempotency-Key`` with a hash of the body, for replay and conflict detection.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    key TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    target_id TEXT,
    checksum TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    idem_key TEXT NOT NULL,
    method TEXT NOT NULL,
    body_sha TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (idem_key, method)
);
"""
# sqlite caps host parameters per statement; stay well below the lowest common default
_CHUNK = 500


@dataclass(frozen=True)
class LedgerRow:
    """One record the gateway knows: ``target_id`` is ``None`` while the create is only an intent."""

    key: str
    family: str
    target_id: str | None
    checksum: str
    extra: str = ""

    @property
    def pending(self) -> bool:
        """True when the portal write may or may not have happened (intent without a committed id)."""
        return self.target_id is None


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class Ledger:
    """Synchronous SQLite access; every method is one short transaction, safe to call from the event loop."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against a killed process (the crash we guard against); only power loss may drop
        # the last commits, and those are re-sent and reconciled like any retry
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        self._db.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, LedgerRow]:
        """The rows for ``keys`` that exist."""
        found: dict[str, LedgerRow] = {}
        unique = list(dict.fromkeys(keys))
        for part in _chunks(unique):
            marks = ",".join("?" * len(part))
            sql = f"SELECT key, family, target_id, checksum, extra FROM records WHERE key IN ({marks})"
            for key, family, target_id, checksum, extra in self._db.execute(sql, tuple(part)):
                found[key] = LedgerRow(key, family, target_id, checksum, extra)
        return found

    def record_intents(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Commit ``(key, family, checksum)`` create intents in one transaction; existing intents get the new
        checksum, committed rows are never downgraded to intents."""
        now = time.time()
        with self._tx():
            self._db.executemany(
                "INSERT INTO records (key, family, target_id, checksum, updated_at) VALUES (?, ?, NULL, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET checksum = excluded.checksum, updated_at = excluded.updated_at "
                "WHERE records.target_id IS NULL",
                [(key, family, checksum, now) for key, family, checksum in rows],
            )

    def commit(self, rows: Sequence[tuple[str, str, str, str]], extras: dict[str, str] | None = None) -> None:
        """Commit ``(key, family, target_id, checksum)`` after the portal write, in one transaction."""
        now = time.time()
        extras = extras or {}
        with self._tx():
            self._db.executemany(
                "INSERT INTO records (key, family, target_id, checksum, extra, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET target_id = excluded.target_id, checksum = excluded.checksum, "
                "extra = CASE WHEN excluded.extra = '' THEN records.extra ELSE excluded.extra END, "
                "updated_at = excluded.updated_at",
                [(key, fam, tid, chk, extras.get(key, ""), now) for key, fam, tid, chk in rows],
            )

    def counts(self) -> dict[str, int]:
        """Committed records per family."""
        rows = self._db.execute(
            "SELECT family, COUNT(*) FROM records WHERE target_id IS NOT NULL GROUP BY family"
        ).fetchall()
        return {family: int(n) for family, n in rows}

    def get_batch(self, idem_key: str, method: str, not_before: float = 0.0) -> tuple[str, str] | None:
        """``(body_sha, response_json)`` stored for an ``X-Idempotency-Key`` since ``not_before``, if any."""
        row = self._db.execute(
            "SELECT body_sha, response FROM batches WHERE idem_key = ? AND method = ? AND created_at >= ?",
            (idem_key, method, not_before),
        ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def put_batch(self, idem_key: str, method: str, body_sha: str, response: str, expired_before: float = 0.0) -> None:
        """Store the response of a batch key; an entry older than ``expired_before`` is replaced."""
        with self._tx():
            self._db.execute(
                "INSERT INTO batches (idem_key, method, body_sha, response, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(idem_key, method) DO UPDATE SET body_sha = excluded.body_sha, "
                "response = excluded.response, created_at = excluded.created_at "
                "WHERE batches.created_at < ?",
                (idem_key, method, body_sha, response, time.time(), expired_before),
            )

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error) for the autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
