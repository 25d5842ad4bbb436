"""Payloads that cross the Durable boundary, and the registered names of every durable function.

Orchestrators, activities and entities exchange exactly one of these models each way, as
``model.model_dump(mode="json")``, and re-validate on arrival. They carry blob names and counts, never record
lists, so that every payload stays far below the 64 KB queue-message limit. The name constants are what
orchestrators pass to ``call_activity``/``call_sub_orchestrator``: a string, never a function reference (see
docs/style.md rule 14); a unit test checks each against the registry discovered from ``function_app.py``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# registered durable names (the Python function names in function_app's blueprints)
MIGRATION_ORCHESTRATOR = "migration_orchestrator"
FAMILY_ORCHESTRATOR = "family_orchestrator"
EXTRACT_PAGES = "extract_pages"
TRANSFORM_RECORDS = "transform_records"
LOAD_BATCH = "load_batch"
THROTTLE_ENTITY = "throttle_entity"
CHECK_SOURCE = "check_source"
RECORD_WATERMARK = "record_watermark"
VALIDATION_ORCHESTRATOR = "validation_orchestrator"
VALIDATE_FAMILY = "validate_family"
WRITE_REPORT = "write_report"
DELTA_INSTANCE_ID = "delta-singleton"
WATERMARK = "migration"

PHASES: dict[str, tuple[str, ...]] = {
    "users": ("users",),
    "groups": ("groups", "group_members"),
    "chats": ("chats", "chat_messages"),
    "feed": ("feed_images", "feed_posts", "feed_comments"),
    "tasks": ("tasks", "task_comments"),
    "crm": ("crm_companies", "crm_contacts", "crm_deals", "crm_sp_items"),
    "workflows": ("workflow_templates",),
}
"""Families of each phase, in dependency order (architecture.md); ``all`` walks the phases in this order."""


NESTED_FAMILIES: dict[str, str] = {"groups": "group_members"}
"""Parent family → child family imported nested inside the parent's records (members inside groups)."""


class Contract(BaseModel):
    """Base of every durable payload: immutable, strict, versioned."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = 1


class FamilyCounters(Contract):
    """Per-family progress; counters only ever grow within a run."""

    state: str = "pending"
    extracted: int = 0
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    duplicate: int = 0
    updated: int = 0
    dead_lettered: int = 0
    http_requests: int = 0
    unreadable: int = 0
    """Dead-lettered because the source API withholds their content (counted in ``dead_lettered`` too)."""
    children_extracted: int = 0
    """Records of a nested child family (group members of groups) read with the parents."""
    children_imported: int = 0
    children_duplicate: int = 0

    def nested(self) -> FamilyCounters:
        """The counters of the nested child family, read off this parent's counters."""
        return FamilyCounters(state=self.state, extracted=self.children_extracted, imported=self.children_imported,
                              duplicate=self.children_duplicate)

    def plus(self, **deltas: int) -> FamilyCounters:
        """A copy with the given counters increased."""
        data = self.model_dump()
        for key, value in deltas.items():
            data[key] += value
        return FamilyCounters.model_validate(data)


class MigrationInput(Contract):
    """What the HTTP starter passes to ``migration_orchestrator``."""

    run_id: str
    phase: str = "all"
    families: list[str] = Field(default_factory=list)
    """Explicit families; empty means every family of the phase."""
    test_limit: int | None = Field(default=None, ge=1)
    since: str | None = None
    """ISO timestamp for delta runs: only records changed after it."""
    steps_per_generation: int = Field(default=20, ge=1)
    """Read by the starter from settings, so orchestrators never read the environment."""
    started_at: str | None = None
    """When the starter started the run (ISO, UTC); becomes the delta watermark once the run succeeds."""


class FamilyInput(Contract):
    """Input of one family sub-orchestration; also its ``continue_as_new`` carry-over."""

    run_id: str
    family: str
    test_limit: int | None = None
    since: str | None = None
    steps_per_generation: int = Field(default=20, ge=1)
    cursor: dict[str, Any] = Field(default_factory=dict)
    """The source reader's resumable cursor (a few ids and offsets); empty before the first step."""
    step: int = 0
    counters: FamilyCounters = Field(default_factory=FamilyCounters)


class ExtractInput(Contract):
    run_id: str
    family: str
    cursor: dict[str, Any] = Field(default_factory=dict)
    step: int
    since: str | None = None
    max_records: int | None = None


class ExtractOutput(Contract):
    raw_blob: str | None
    """Blob holding the raw records of this step, or ``None`` when the step found none."""
    count: int
    cursor: dict[str, Any]
    done: bool
    http_requests: int
    unreadable_parents: int = 0
    """Parents (chats, tasks, authors) whose children could not be read; dead-lettered with the reason."""
    children: int = 0
    """Nested child records attached to the raw parents (see shared.services.nested)."""
    error: str | None = None
    """A permanent failure (auth, scope, access) that must stop the family; redacted text."""


class SourceCheck(Contract):
    """Result of the pre-flight read that makes a wrong webhook fail the run at once."""

    ok: bool
    error: str | None = None


class TransformInput(Contract):
    run_id: str
    family: str
    raw_blob: str


class TransformOutput(Contract):
    canonical_blob: str | None
    count: int
    dead_lettered: int
    unreadable: int = 0


class LoadInput(Contract):
    run_id: str
    family: str
    canonical_blob: str
    batch_size: int = Field(ge=1)
    test_limit: int | None = None


class LoadOutput(Contract):
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    duplicate: int = 0
    updated: int = 0
    dead_lettered: int = 0
    children_imported: int = 0
    children_duplicate: int = 0
    throttled: int = 0
    """How many gateway answers were 429 (the throttle entity shrinks the batch size on these)."""


class ThrottleState(Contract):
    """State of the throttle entity: the adaptive batch size and the cool-down."""

    batch_size: int = 50
    min_batch: int = 5
    max_batch: int = 100
    good_streak: int = 0
    throttled_total: int = 0
    cooldown_s: int = 0
    """Seconds the next caller should wait (with a durable timer) before loading again."""


class ThrottleReport(Contract):
    """What a family orchestrator reports to the throttle entity after one load step."""

    family: str
    throttled: int = 0
    items: int = 0


class ValidationInput(Contract):
    """Input of ``validation_orchestrator``: the run, its families and their counters."""

    run_id: str
    families: list[str]
    counters: dict[str, dict[str, Any]] = Field(default_factory=dict)
    duration_s: float = 0.0


class FamilyCount(Contract):
    """One family counted on both sides; ``None`` where a side could not be counted (``error`` says why)."""

    family: str
    source: int | None = None
    target: int | None = None
    error: str | None = None


class ReportInput(Contract):
    run_id: str
    counts: list[FamilyCount]
    counters: dict[str, dict[str, Any]] = Field(default_factory=dict)
    duration_s: float = 0.0
