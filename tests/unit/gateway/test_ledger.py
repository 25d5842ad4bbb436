"""The SQLite ledger: intents, commits, batch keys, WAL, and persistence across connections."""

from __future__ import annotations

from pathlib import Path

from gateway.ledger import Ledger


def test_intent_then_commit_then_reopen(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    ledger = Ledger(db)
    ledger.record_intents([("source:user:1", "users", "c1"), ("source:user:2", "users", "c2")])
    rows = ledger.get_many(["source:user:1", "source:user:2", "source:user:3"])
    assert set(rows) == {"source:user:1", "source:user:2"} and rows["source:user:1"].pending
    ledger.commit([("source:user:1", "users", "11", "c1")], {"source:user:1": "[5]"})
    ledger.close()
    again = Ledger(db)
    row = again.get_many(["source:user:1"])["source:user:1"]
    assert (row.target_id, row.checksum, row.extra, row.pending) == ("11", "c1", "[5]", False)
    assert again.counts() == {"users": 1}
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_an_intent_never_downgrades_a_committed_row(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.commit([("source:task:1", "tasks", "7", "old")])
    ledger.record_intents([("source:task:1", "tasks", "new")])
    row = ledger.get_many(["source:task:1"])["source:task:1"]
    assert row.target_id == "7" and row.checksum == "old"


def test_commit_keeps_extra_unless_given(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.commit([("source:group:1", "groups", "3", "a")], {"source:group:1": "[1]"})
    ledger.commit([("source:group:1", "groups", "3", "b")])
    assert ledger.get_many(["source:group:1"])["source:group:1"].extra == "[1]"


def test_many_keys_are_chunked(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.commit([(f"source:user:{i}", "users", str(i), "c") for i in range(1500)])
    assert len(ledger.get_many([f"source:user:{i}" for i in range(1600)])) == 1500


def test_batch_keys_first_writer_wins(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    assert ledger.get_batch("k", "import.users.batch") is None
    ledger.put_batch("k", "import.users.batch", "sha1", '{"a":1}')
    ledger.put_batch("k", "import.users.batch", "sha2", '{"a":2}')
    assert ledger.get_batch("k", "import.users.batch") == ("sha1", '{"a":1}')
    assert ledger.get_batch("k", "import.crm.deals") is None


def test_batch_keys_expire(tmp_path: Path) -> None:
    import time

    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.put_batch("k", "m", "sha1", "old")
    later = time.time() + 10
    assert ledger.get_batch("k", "m", not_before=later) is None
    ledger.put_batch("k", "m", "sha2", "new", expired_before=later)
    assert ledger.get_batch("k", "m") == ("sha2", "new")
