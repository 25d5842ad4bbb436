"""Settings of one simulated portal: which data it holds, how it authenticates and which limits and faults it models.

`SimSettings` is the single input of `simulator.app.create_app`; the CLI (`b24migrate sim serve`) and the tests build it
directly.  Field names are part of the project's contracts, so new knobs are only ever added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.faults import parse_spec

PROFILES = ("tiny", "small", "medium", "large")
MODES = ("source", "target")
LIMIT_PLANS = ("standard", "enterprise", "box", "off")

# every scope the simulator knows; a webhook created with `scopes=None` gets all of them
ALL_SCOPES = (
    "basic",
    "user",
    "user_basic",
    "user_brief",
    "sonet_group",
    "im",
    "log",
    "disk",
    "task",
    "tasks",
    "crm",
    "bizproc",
    "department",
)


@dataclass
class SimSettings:
    """Everything that makes one simulator instance differ from another."""

    profile: str = "tiny"
    fixture: Path | None = None
    seed: int = 1
    mode: str = "source"
    limits: str = "off"
    faults: str = ""
    webhook_user_id: int = 1
    webhook_code: str = "simcode"
    scopes: list[str] | None = None
    # seconds of simulated time per real second; tests set it high to pass a 10-minute window in milliseconds
    clock_speed: float = 1.0
    # per-method operating budget in a sliding 10-minute window (the docs' example value)
    operating_limit_s: float = 480.0
    # portal time zone of every date the portal prints
    time_zone_offset: str = "+03:00"
    # lifetime of signed download links
    download_ttl_s: float = 3600.0
    # how long a `timeout` fault holds the request before dropping the connection (the cloud cuts at 60 s)
    fault_timeout_s: float = 65.0
    # override the plan's leaky bucket (burst, drain per second); None uses the plan's values
    bucket: tuple[float, float] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.fixture is None and self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; expected one of {', '.join(PROFILES)}")
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; expected source or target")
        if self.limits not in LIMIT_PLANS:
            raise ValueError(f"unknown limits {self.limits!r}; expected one of {', '.join(LIMIT_PLANS)}")
        parse_spec(self.faults)

    def granted_scopes(self) -> frozenset[str]:
        """The scopes of the webhook; `basic` is always granted, as on a real portal."""
        chosen = set(ALL_SCOPES if self.scopes is None else self.scopes)
        chosen.add("basic")
        return frozenset(chosen)

    def __repr__(self) -> str:
        # the webhook code is a secret: never print it
        return (
            f"SimSettings(profile={self.profile!r}, fixture={self.fixture!r}, seed={self.seed}, mode={self.mode!r}, "
            f"limits={self.limits!r}, faults={self.faults!r}, webhook_user_id={self.webhook_user_id}, "
            f"webhook_code='***', scopes={self.scopes!r})"
        )
