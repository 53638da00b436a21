"""The sandbox's state in one SQLite file: consumers, accounts, tokens, nonces, lockers, faults.

One connection guarded by a lock (the server is threaded); WAL lets the CLI's `reset` run against
a file a server is using. Every mutation is one short transaction, so counts survive restarts.
"""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .catalogue import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET
from .demo import ACCOUNTS, LockerRow, demo_locker_rows

SCHEMA_VERSION = 3
SCHEMA = """
CREATE TABLE consumers (key TEXT PRIMARY KEY, secret TEXT NOT NULL);
CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password TEXT NOT NULL);
CREATE TABLE request_tokens (
    token TEXT PRIMARY KEY, secret TEXT NOT NULL, consumer_key TEXT NOT NULL, callback TEXT,
    account_id TEXT, status TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE access_tokens (
    token TEXT PRIMARY KEY, secret TEXT NOT NULL, consumer_key TEXT NOT NULL,
    account_id TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, demo INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE TABLE nonces (
    consumer_key TEXT NOT NULL, nonce TEXT NOT NULL, signature TEXT NOT NULL, seen REAL NOT NULL,
    PRIMARY KEY (consumer_key, nonce)
);
CREATE INDEX nonces_seen ON nonces (seen);
CREATE TABLE locker (
    account_id TEXT NOT NULL, release_id INTEGER NOT NULL, track_id INTEGER NOT NULL,
    purchase_id INTEGER NOT NULL, purchase_date TEXT NOT NULL, complete_album INTEGER NOT NULL,
    remaining INTEGER NOT NULL, PRIMARY KEY (account_id, release_id, track_id)
);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE locker_seed AS SELECT * FROM locker;
CREATE TABLE locker_changed (
    account_id TEXT NOT NULL, release_id INTEGER NOT NULL, track_id INTEGER NOT NULL,
    PRIMARY KEY (account_id, release_id, track_id)
) WITHOUT ROWID;
CREATE TRIGGER locker_inserted AFTER INSERT ON locker BEGIN
    INSERT OR IGNORE INTO locker_changed VALUES (NEW.account_id, NEW.release_id, NEW.track_id);
END;
CREATE TRIGGER locker_updated AFTER UPDATE ON locker BEGIN
    INSERT OR IGNORE INTO locker_changed VALUES (OLD.account_id, OLD.release_id, OLD.track_id);
    INSERT OR IGNORE INTO locker_changed VALUES (NEW.account_id, NEW.release_id, NEW.track_id);
END;
CREATE TRIGGER locker_deleted AFTER DELETE ON locker BEGIN
    INSERT OR IGNORE INTO locker_changed VALUES (OLD.account_id, OLD.release_id, OLD.track_id);
END;
"""
# What a reset empties; the locker gets back only the rows changed since the last reset (the
# triggers above note them, whichever connection made the change): copying its 20,000 rows again
# for every test cost the suite ~20 s.
EMPTIED_BY_RESET = (
    "consumers",
    "accounts",
    "request_tokens",
    "access_tokens",
    "nonces",
    "settings",
)
RESTORE_CHANGED = (
    "DELETE FROM locker WHERE (account_id, release_id, track_id) IN (SELECT * FROM locker_changed)",
    "INSERT INTO locker SELECT s.* FROM locker_seed s"
    " JOIN locker_changed USING (account_id, release_id, track_id)",
    "DELETE FROM locker_changed",
)
TABLES = (*EMPTIED_BY_RESET, "locker", "locker_seed", "locker_changed")
NONCE_KEEP_SECONDS = 900  # longer than the ±300 s timestamp window, so a replay is always caught
REQUEST_TOKEN_TTL = 900


@dataclass(frozen=True)
class Account:
    id: str
    email: str


@dataclass(frozen=True)
class Token:
    token: str
    secret: str
    consumer_key: str
    account_id: str | None
    status: str  # request tokens: pending, authorised, denied, used; access tokens: ok, revoked
    callback: str | None = None


def new_token_pair() -> tuple[str, str]:
    # base64 secrets end in "==" and may hold "+" and "/", like 7digital's.
    return secrets.token_hex(12), base64.b64encode(secrets.token_bytes(16)).decode()


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=10000")
        # WAL + NORMAL survives a crashed process (not a power cut): plenty for a sandbox, and
        # it spares every request (each records a nonce) an fsync.
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._migrate()
        if not self._query("SELECT 1 FROM accounts LIMIT 1"):
            self.reset()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, *args: object) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _migrate(self) -> None:
        with self._lock:
            if self._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return
            # A new or older sandbox file: start again, it only ever holds demo data.
            drops = "".join(f"DROP TABLE IF EXISTS {t};\n" for t in TABLES)
            self._conn.executescript(
                f"BEGIN;\n{drops}{SCHEMA}PRAGMA user_version={SCHEMA_VERSION};\nCOMMIT;"
            )
            # The demo lockers (over 20,000 rows with the big account) are generated once per
            # file, kept as the seed that a reset restores changed rows from.
            with self._transaction() as db:
                db.executemany(
                    "INSERT INTO locker_seed VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (r.account_id, r.release_id, r.track_id, r.purchase_id, r.purchase_date,
                         int(r.complete_album), r.remaining)
                        for r in demo_locker_rows()
                    ],
                )  # fmt: skip
                db.execute("INSERT INTO locker SELECT * FROM locker_seed")
                db.execute("DELETE FROM locker_changed")

    def reset(self) -> None:
        """Forget everything (tokens, counts, faults) and load the demo data again."""
        with self._transaction() as db:
            for table in EMPTIED_BY_RESET:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (our own constant names)
            db.execute(
                "INSERT INTO consumers VALUES (?, ?)", (DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET)
            )
            now = time.time()
            for a in ACCOUNTS:
                db.execute("INSERT INTO accounts VALUES (?, ?, ?)", (a.id, a.email, a.password))
                db.execute(
                    "INSERT INTO access_tokens VALUES (?, ?, ?, ?, 0, 1, ?)",
                    (a.token, a.token_secret, DEMO_CONSUMER_KEY, a.id, now),
                )
            for statement in RESTORE_CHANGED:
                db.execute(statement)

    # Consumers and accounts

    def consumer_secret(self, key: str) -> str | None:
        rows = self._query("SELECT secret FROM consumers WHERE key = ?", key)
        return rows[0][0] if rows else None

    def accounts(self) -> list[Account]:
        return [Account(*r) for r in self._query("SELECT id, email FROM accounts ORDER BY id")]

    def account(self, account_id: str) -> Account | None:
        rows = self._query("SELECT id, email FROM accounts WHERE id = ?", account_id)
        return Account(*rows[0]) if rows else None

    def account_by_email(self, email: str) -> Account | None:
        rows = self._query(
            "SELECT id, email FROM accounts WHERE email = ? COLLATE NOCASE", email.strip()
        )
        return Account(*rows[0]) if rows else None

    def check_password(self, email: str, password: str) -> Account | None:
        rows = self._query(
            "SELECT id, email, password FROM accounts WHERE email = ? COLLATE NOCASE", email.strip()
        )
        if rows and secrets.compare_digest(rows[0][2].encode(), password.encode()):
            return Account(rows[0][0], rows[0][1])
        return None

    # Request tokens

    def create_request_token(self, consumer_key: str, callback: str | None) -> Token:
        token, secret = new_token_pair()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO request_tokens VALUES (?, ?, ?, ?, NULL, 'pending', ?)",
                (token, secret, consumer_key, callback, time.time()),
            )
        return Token(token, secret, consumer_key, None, "pending", callback)

    def request_token(self, token: str) -> Token | None:
        """A live request token (unknown, expired and already-exchanged ones give None)."""
        rows = self._query(
            "SELECT token, secret, consumer_key, account_id, status, callback FROM request_tokens"
            " WHERE token = ? AND status != 'used' AND created > ?",
            token,
            time.time() - REQUEST_TOKEN_TTL,
        )
        return Token(*rows[0]) if rows else None

    def decide_request_token(self, token: str, account_id: str | None, authorised: bool) -> None:
        status = "authorised" if authorised else "denied"
        with self._transaction() as db:
            db.execute(
                "UPDATE request_tokens SET status = ?, account_id = ? WHERE token = ?",
                (status, account_id, token),
            )

    def exchange_request_token(self, token: str) -> Token | None:
        """Trade an authorised request token (once) for a new access token."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT consumer_key, account_id FROM request_tokens"
                " WHERE token = ? AND status = 'authorised'",
                (token,),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE request_tokens SET status = 'used' WHERE token = ?", (token,))
            access, secret = new_token_pair()
            db.execute(
                "INSERT INTO access_tokens VALUES (?, ?, ?, ?, 0, 0, ?)",
                (access, secret, row[0], row[1], time.time()),
            )
        return Token(access, secret, row[0], row[1], "ok")

    # Access tokens

    def access_token(self, token: str) -> Token | None:
        rows = self._query(
            "SELECT token, secret, consumer_key, account_id,"
            " CASE revoked WHEN 1 THEN 'revoked' ELSE 'ok' END FROM access_tokens WHERE token = ?",
            token,
        )
        return Token(*rows[0]) if rows else None

    def demo_token(self, email: str) -> tuple[str, str] | None:
        rows = self._query(
            "SELECT t.token, t.secret FROM access_tokens t JOIN accounts a ON a.id = t.account_id"
            " WHERE a.email = ? COLLATE NOCASE AND t.demo = 1",
            email.strip(),
        )
        return rows[0] if rows else None

    def revoke(self, email: str | None = None, token: str | None = None) -> int:
        """Revoke one access token, or every access token of an account; returns how many."""
        with self._transaction() as db:
            if token is not None:
                cursor = db.execute(
                    "UPDATE access_tokens SET revoked = 1 WHERE token = ?", (token,)
                )
            else:
                cursor = db.execute(
                    "UPDATE access_tokens SET revoked = 1 WHERE account_id IN"
                    " (SELECT id FROM accounts WHERE email = ? COLLATE NOCASE)",
                    ((email or "").strip(),),
                )
            return cursor.rowcount

    # Nonces

    def use_nonce(self, consumer_key: str, nonce: str, signature: str, replay_for: float) -> bool:
        """Record a nonce; False if this consumer used it already.

        The exact same signed request may come back within `replay_for` seconds (a browser
        re-requesting a stream with Range headers); a new signature with an old nonce may not.
        """
        now = time.time()
        with self._transaction() as db:
            db.execute("DELETE FROM nonces WHERE seen < ?", (now - NONCE_KEEP_SECONDS,))
            row = db.execute(
                "SELECT signature, seen FROM nonces WHERE consumer_key = ? AND nonce = ?",
                (consumer_key, nonce),
            ).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO nonces VALUES (?, ?, ?, ?)", (consumer_key, nonce, signature, now)
                )
                return True
            return row[0] == signature and now - row[1] <= replay_for

    # Lockers

    def locker_rows(self, account_id: str) -> list[LockerRow]:
        rows = self._query(
            "SELECT account_id, release_id, track_id, purchase_id, purchase_date, complete_album,"
            " remaining FROM locker WHERE account_id = ?",
            account_id,
        )
        return [LockerRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]

    def remaining(self, account_id: str, release_id: int, track_id: int) -> int | None:
        rows = self._query(
            "SELECT remaining FROM locker WHERE account_id = ? AND release_id = ? AND track_id = ?",
            account_id,
            release_id,
            track_id,
        )
        return rows[0][0] if rows else None

    def use_download(self, account_id: str, release_id: int, track_id: int) -> bool:
        """Take one download off the count; False when none were left."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE locker SET remaining = remaining - 1 WHERE account_id = ?"
                " AND release_id = ? AND track_id = ? AND remaining > 0",
                (account_id, release_id, track_id),
            )
            return cursor.rowcount == 1

    def remove_purchase(self, account_id: str, release_id: int, track_id: int | None = None) -> int:
        """A refund or removal: the release (or one of its tracks) leaves the account's locker."""
        with self._transaction() as db:
            sql = "DELETE FROM locker WHERE account_id = ? AND release_id = ?"
            args: tuple = (account_id, release_id)
            if track_id is not None:
                sql, args = sql + " AND track_id = ?", (*args, track_id)
            return db.execute(sql, args).rowcount

    # Settings

    def setting(self, name: str) -> object | None:
        rows = self._query("SELECT value FROM settings WHERE name = ?", name)
        return json.loads(rows[0][0]) if rows else None

    def set_setting(self, name: str, value: object) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ?",
                (name, json.dumps(value), json.dumps(value)),
            )
