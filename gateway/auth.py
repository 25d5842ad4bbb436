"""Who may call the gateway: the import user id and the active import codes, plus an optional IP allow-list.

Codes are compared with ``hmac.compare_digest`` against every active code without stopping early, and the
user id is always compared too, so a wrong code and a wrong user id take the same path and get the same bytes.
With a codes file the active set is re-read whenever the file changes (rotation and revocation without a
restart); otherwise the codes given at start are used and can be changed through :meth:`CodeRegistry.replace`.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def _digest_input(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


def read_codes_file(path: Path) -> list[str]:
    """Active codes from a file: one per line, blank lines and ``#`` comments ignored."""
    codes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            codes.append(text)
    return codes


class CodeRegistry:
    """The set of active import codes; never shows them in a repr."""

    def __init__(self, import_user_id: int, codes: list[str], codes_file: Path | None = None) -> None:
        self._user_id = str(import_user_id)
        self._codes = [c for c in codes if c]
        self._file = codes_file
        self._file_stamp: tuple[int, int] | None = None
        self.reload()

    def __repr__(self) -> str:
        return f"CodeRegistry(active={len(self._codes)})"

    @property
    def active_count(self) -> int:
        """How many codes are accepted right now."""
        return len(self._codes)

    def replace(self, codes: list[str]) -> None:
        """Swap the active codes at once (used by tests and embedders; the file takes over if configured)."""
        self._codes = [c for c in codes if c]

    def reload(self) -> None:
        """Re-read the codes file when its size or mtime changed; a missing or empty file accepts nothing."""
        if self._file is None:
            return
        try:
            stat = self._file.stat()
        except FileNotFoundError:
            if self._file_stamp != (-1, -1):
                log.warning("import codes file is missing; every request is refused until it returns")
            self._codes, self._file_stamp = [], (-1, -1)
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._file_stamp:
            self._codes = read_codes_file(self._file)
            self._file_stamp = stamp
            log.info("import codes reloaded: %d active", len(self._codes))

    def check(self, user_id: str, code: str) -> bool:
        """True when both the user id and the code match; runs in time independent of which part is wrong."""
        self.reload()
        user_ok = hmac.compare_digest(_digest_input(user_id), _digest_input(self._user_id))
        code_ok = False
        for active in self._codes:
            code_ok |= hmac.compare_digest(_digest_input(code), _digest_input(active))
        return user_ok & code_ok


class IpAllowList:
    """Client networks allowed to call; empty means everyone (the default for loopback deployments)."""

    def __init__(self, networks: list[str]) -> None:
        self._nets = [ipaddress.ip_network(n, strict=False) for n in networks]

    def allows(self, remote: str | None) -> bool:
        """True when ``remote`` is inside one of the networks (or no list is configured)."""
        if not self._nets:
            return True
        if not remote:
            return False
        try:
            addr = ipaddress.ip_address(remote)
        except ValueError:
            return False
        return any(addr in net for net in self._nets)
