"""The allow-list of ``import.*`` methods with the plan's batch maxima and rates (section 6.2).

Each entry names its family, the canonical model that validates an item, the largest accepted batch and the
request rate per minute; anything not in this table is refused with 403.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.families.base import Writer
from gateway.families.chats import ChatMessageWriter, ChatWriter
from gateway.families.crm import CompanyWriter, ContactWriter, DealWriter, SpItemWriter
from gateway.families.feed import FeedCommentWriter, FeedPostWriter
from gateway.families.groups import GroupWriter
from gateway.families.media import MediaWriter
from gateway.families.tasks import TaskCommentWriter, TaskWriter
from gateway.families.users import UserWriter
from gateway.families.workflows import WorkflowTemplateWriter

IMPORT_METHOD = re.compile(r"^import\.")


@dataclass(frozen=True)
class MethodSpec:
    """One gateway method: ``max_batch`` items per request, ``rate_per_min`` requests per minute."""

    method: str
    family: str
    max_batch: int
    rate_per_min: int
    writer: Writer


def build_methods(media_folder_id: int = 1, media_max_bytes: int = 20 * 1024 * 1024) -> dict[str, MethodSpec]:
    """The method table; rows without a plan entry (messages, comments, media) follow the transform's batches."""
    media = MediaWriter(folder_id=media_folder_id, max_bytes=media_max_bytes)
    specs = (
        MethodSpec("import.users.batch", "users", 100, 600, UserWriter()),
        MethodSpec("import.groups.batch", "groups", 100, 400, GroupWriter()),
        MethodSpec("import.chats.batch", "chats", 50, 300, ChatWriter()),
        MethodSpec("import.chat.messages", "chat_messages", 100, 300, ChatMessageWriter()),
        MethodSpec("import.media.upload", "feed_images", 20, 300, media),
        MethodSpec("import.feed.posts", "feed_posts", 50, 300, FeedPostWriter()),
        MethodSpec("import.feed.comments", "feed_comments", 100, 300, FeedCommentWriter()),
        MethodSpec("import.tasks.batch", "tasks", 50, 300, TaskWriter()),
        MethodSpec("import.task.comments", "task_comments", 100, 300, TaskCommentWriter()),
        MethodSpec("import.crm.companies", "crm_companies", 50, 200, CompanyWriter()),
        MethodSpec("import.crm.contacts", "crm_contacts", 50, 200, ContactWriter()),
        MethodSpec("import.crm.deals", "crm_deals", 50, 200, DealWriter()),
        MethodSpec("import.crm.spitems", "crm_sp_items", 50, 200, SpItemWriter()),
        MethodSpec("import.workflows.tpls", "workflow_templates", 20, 100, WorkflowTemplateWriter()),
    )
    return {spec.method: spec for spec in specs}


METHODS: dict[str, MethodSpec] = build_methods()
"""The table with default media settings (documentation, OpenAPI, rate defaults)."""


def lookup(method: str, table: dict[str, MethodSpec] | None = None) -> MethodSpec | None:
    """The spec of an allowed method, ``None`` for anything outside the allow-list."""
    if not IMPORT_METHOD.match(method):
        return None
    return (METHODS if table is None else table).get(method)
