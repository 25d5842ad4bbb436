"""Transforms: raw records as the portal returned them → canonical models the gateway accepts.

Each family registers one pure function ``raw dict -> CanonicalModel`` in ``TRANSFORMS``. A record that cannot
be transformed raises ``TransformError`` with a reason; the caller dead-letters it and goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.models.base import CanonicalModel
from shared.transforms.crm import company_from_raw, contact_from_raw, deal_from_raw
from shared.transforms.errors import TransformError
from shared.transforms.misc import sp_item_from_raw, task_comment_from_raw, workflow_template_from_raw
from shared.transforms.social import (
    chat_from_raw,
    chat_message_from_raw,
    feed_comment_from_raw,
    feed_image_from_raw,
    feed_post_from_raw,
)
from shared.transforms.users import user_from_raw
from shared.transforms.work import group_from_raw, task_from_raw

TRANSFORMS: dict[str, Callable[[dict[str, Any]], CanonicalModel]] = {
    "users": user_from_raw,
    "groups": group_from_raw,
    "tasks": task_from_raw,
    "crm_companies": company_from_raw,
    "crm_contacts": contact_from_raw,
    "crm_deals": deal_from_raw,
    "chats": chat_from_raw,
    "chat_messages": chat_message_from_raw,
    "feed_images": feed_image_from_raw,
    "feed_posts": feed_post_from_raw,
    "feed_comments": feed_comment_from_raw,
    "task_comments": task_comment_from_raw,
    "crm_sp_items": sp_item_from_raw,
    "workflow_templates": workflow_template_from_raw,
}

IMPORT_METHODS: dict[str, str] = {
    "users": "import.users.batch",
    "groups": "import.groups.batch",
    "tasks": "import.tasks.batch",
    "crm_companies": "import.crm.companies",
    "crm_contacts": "import.crm.contacts",
    "crm_deals": "import.crm.deals",
    "chats": "import.chats.batch",
    "chat_messages": "import.chat.messages",
    "feed_images": "import.media.upload",
    "feed_posts": "import.feed.posts",
    "feed_comments": "import.feed.comments",
    "task_comments": "import.task.comments",
    "crm_sp_items": "import.crm.spitems",
    "workflow_templates": "import.workflows.tpls",
}

MAX_BATCH: dict[str, int] = {
    "import.users.batch": 100,
    "import.groups.batch": 100,
    "import.chats.batch": 50,
    "import.chat.messages": 100,
    "import.feed.posts": 50,
    "import.feed.comments": 100,
    "import.media.upload": 20,
    "import.tasks.batch": 50,
    "import.task.comments": 100,
    "import.crm.companies": 50,
    "import.crm.contacts": 50,
    "import.crm.deals": 50,
    "import.crm.spitems": 50,
    "import.workflows.tpls": 20,
}
"""Items per gateway call: the plan's table in section 6.2 (and the gateway's 413 threshold)."""

__all__ = ["IMPORT_METHODS", "MAX_BATCH", "TRANSFORMS", "TransformError"]
