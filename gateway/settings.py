"""Settings of the import gateway: where the ledger lives, which portal it writes to, which codes it accepts.

A plain dataclass (not environment-driven) so the CLI, tests and benchmarks build it explicitly; the ``repr``
hides the import codes and the target webhook URL, whose path carries the portal's webhook secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class GatewaySettings:
    """Everything ``create_app`` needs.

    Attributes:
        db_path: the SQLite ledger file (created on start, WAL mode).
        target_webhook_url: the on-prem portal's inbound webhook base, ``http(s)://host/rest/<uid>/<code>/``.
        import_codes: the active import codes (several at once during a rotation).
        import_user_id: the ``<import_user_id>`` path segment callers must use.
        codes_file: optional file with one active code per line; when set it is re-read on change and is the
            authoritative list, so codes rotate and revoke without a restart.
        allowed_networks: optional client IP allow-list in CIDR form; empty means every client.
        rate_limits: enforce the per-method request rates of the plan's table (429 + Retry-After).
        rate_overrides: per-method requests per minute that replace the plan's defaults.
        max_body_bytes: request size limit (413 above it).
        sink_batch: write through the portal's ``batch`` method (50 commands per request) when it has one.
        sink_concurrency: parallel HTTP requests to the portal.
        sink_timeout_s: per-request timeout towards the portal.
        media_max_bytes: size cap of one uploaded media file.
        media_folder_id: target disk folder for ``import.media.upload``.
        batch_key_ttl_s: how long an ``X-Idempotency-Key`` answer is replayed (409 on a changed body).
    """

    db_path: Path
    target_webhook_url: str = field(repr=False)
    import_codes: list[str] = field(repr=False)
    import_user_id: int = 1
    codes_file: Path | None = None
    allowed_networks: list[str] = field(default_factory=list)
    rate_limits: bool = True
    rate_overrides: dict[str, int] = field(default_factory=dict)
    max_body_bytes: int = 64 * 1024 * 1024
    sink_batch: bool = True
    sink_concurrency: int = 8
    sink_timeout_s: float = 30.0
    media_max_bytes: int = 20 * 1024 * 1024
    media_folder_id: int = 1
    batch_key_ttl_s: float = 24 * 3600.0

    def target_base(self) -> str:
        """The webhook base with exactly one trailing slash."""
        return self.target_webhook_url.rstrip("/") + "/"
