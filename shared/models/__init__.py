"""Canonical models: the records as they travel from the transform step to the import gateway.

One module per family. Every model is a frozen pydantic model with camelCase fields exactly as the
gateway contract (docs/contracts.md §4, the plan's 12.3/12.4) names them: ``sourceId`` of the form
``cloud:<kind>:<id>``, references as ``...SourceId`` fields, and a ``checksum`` over the content.
"""

from __future__ import annotations

from shared.models.base import CanonicalModel
from shared.models.chats import Chat, ChatMessage
from shared.models.crm import Company, Contact, Deal, SpItem
from shared.models.feed import FeedComment, FeedPost, MediaFile
from shared.models.groups import Group, GroupMember
from shared.models.tasks import Task, TaskComment
from shared.models.users import User
from shared.models.workflows import WorkflowTemplate

MODELS: dict[str, type[CanonicalModel]] = {
    "users": User,
    "groups": Group,
    "chats": Chat,
    "chat_messages": ChatMessage,
    "feed_posts": FeedPost,
    "feed_comments": FeedComment,
    "feed_images": MediaFile,
    "tasks": Task,
    "task_comments": TaskComment,
    "crm_companies": Company,
    "crm_contacts": Contact,
    "crm_deals": Deal,
    "crm_sp_items": SpItem,
    "workflow_templates": WorkflowTemplate,
}
"""The canonical model of each family (group members travel nested in ``Group``)."""

__all__ = [
    "MODELS",
    "CanonicalModel",
    "Chat",
    "ChatMessage",
    "Company",
    "Contact",
    "Deal",
    "FeedComment",
    "FeedPost",
    "Group",
    "GroupMember",
    "MediaFile",
    "SpItem",
    "Task",
    "TaskComment",
    "User",
    "WorkflowTemplate",
]
