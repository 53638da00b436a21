"""Run a sandbox inside a test process: `with SandboxServer() as sandbox: ... sandbox.api_url`."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType

from . import faults
from .app import SandboxApp
from .catalogue import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET
from .server import make_server
from .store import Store

__all__ = ["DEMO_CONSUMER_KEY", "DEMO_CONSUMER_SECRET", "SandboxServer"]


class SandboxServer:
    """A sandbox on 127.0.0.1 and a free port, in a daemon thread, over its own seeded database.

    Without `db_path` the database is a fresh temporary file, removed by `stop()`.
    """

    def __init__(self, db_path: str | Path | None = None, auto_approve: str | None = None) -> None:
        self._tempdir = None if db_path else tempfile.mkdtemp(prefix="sandbox-")
        self.db_path = Path(db_path or Path(self._tempdir or "") / "sandbox.sqlite3")
        self.store = Store(self.db_path)
        self._server = make_server("127.0.0.1", 0)
        self.host = f"127.0.0.1:{self._server.server_address[1]}"
        self.url = f"http://{self.host}"
        self.api_url = f"{self.url}/1.2"
        self.app = SandboxApp(self.store, self.url, auto_approve)
        self._server.set_app(self.app)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self.app.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.store.close()
        if self._tempdir:
            shutil.rmtree(self._tempdir, ignore_errors=True)

    def reset(self) -> None:
        """Demo data back to its initial state: counts, tokens, nonces and faults."""
        self.store.reset()

    def set_faults(self, **changes: object) -> dict:
        """Merge into the fault config, e.g. `set_faults(mode="error500", paths=["/1.2/user"])`."""
        return faults.update(self.store, changes)

    def clear_faults(self) -> dict:
        return faults.update(self.store, dict(faults.DEFAULTS))

    def remaining(self, email: str, release_id: int, track_id: int) -> int:
        account = self.store.account_by_email(email)
        count = self.store.remaining(account.id, release_id, track_id) if account else None
        if count is None:
            raise KeyError(f"{email} does not own track {track_id} of release {release_id}")
        return count

    def revoke(self, email: str | None = None, token: str | None = None) -> int:
        return self.store.revoke(email, token)

    def log(self, path_prefix: str = "") -> list[dict]:
        return self.app.request_log.entries(path_prefix)

    def clear_log(self) -> None:
        self.app.request_log.clear()

    def token_for(self, email: str) -> tuple[str, str]:
        """The account's demo access token and secret (always valid until revoked or reset)."""
        pair = self.store.demo_token(email)
        if pair is None:
            raise KeyError(f"no sandbox account {email!r}")
        return pair[0], pair[1]
