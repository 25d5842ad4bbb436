"""Chats and messages: ``import.chats.batch`` → ``im.chat.add``; ``import.chat.messages`` → ``im.message.add``.

A chat carries its sourceId in ``ENTITY_TYPE``/``ENTITY_ID`` (``im.chat.get`` finds it again by those two);
messages have no external id, so they cannot be found again after a crash (docs/limitations.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer, as_target_id, mapped, mapped_list, ref_list, ref_opt, yn
from shared.models.base import CanonicalModel
from shared.models.chats import Chat, ChatMessage

ENTITY_TYPE = "B24MIGRATE"
"""The ``ENTITY_TYPE`` marking chats the gateway created; ``ENTITY_ID`` holds the sourceId."""


@dataclass(frozen=True)
class ChatWriter(Writer):
    """Owner and members must be imported users; new members of a changed chat are added."""

    MODEL: ClassVar[type[CanonicalModel]] = Chat

    def references(self, item: Any) -> dict[str, str]:
        """Owner and members."""
        return {"ownerSourceId": item.ownerSourceId, **ref_list("memberSourceIds", item.memberSourceIds)}

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``im.chat.add`` with every member."""
        users = mapped_list(refs, item.memberSourceIds)
        return "im.chat.add", {
            "TYPE": "OPEN" if item.type == "open" else "CHAT",
            "TITLE": item.title,
            "DESCRIPTION": item.description,
            "USERS": users,
            "OWNER_ID": mapped(refs, item.ownerSourceId),
            "ENTITY_TYPE": ENTITY_TYPE,
            "ENTITY_ID": item.sourceId,
            "XML_ID": item.sourceId,
        }

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``im.chat.updateTitle``; members are added in :meth:`after`."""
        return "im.chat.updateTitle", {"CHAT_ID": int(target_id), "TITLE": item.title}

    def find(self, item: Any) -> Call | None:
        """``im.chat.get`` by entity type and id."""
        return "im.chat.get", {"ENTITY_TYPE": ENTITY_TYPE, "ENTITY_ID": item.sourceId}

    def found_id(self, result: Any, item: Any) -> str | None:
        """``im.chat.get`` answers ``{"ID": n}`` or ``null`` (it matched on entity type and id already)."""
        return as_target_id(result)

    def after(self, item: Any, target_id: str, refs: dict[str, str], state: str) -> tuple[list[Call], str]:
        """On the first run the members came with ``im.chat.add``; later runs add only new ones."""
        users = set(mapped_list(refs, item.memberSourceIds))
        if not state:
            return [], json.dumps(sorted(users))
        new = sorted(users - set(json.loads(state)))
        calls: list[Call] = [("im.chat.user.add", {"CHAT_ID": int(target_id), "USERS": new})] if new else []
        return calls, json.dumps(sorted(users | set(json.loads(state))))


@dataclass(frozen=True)
class ChatMessageWriter(Writer):
    """Messages are posted by the gateway's webhook user; ``AUTHOR_ID``/``DATE_CREATE`` are passed along for a
    portal that honours them (a stock box ignores them: docs/limitations.md)."""

    MODEL: ClassVar[type[CanonicalModel]] = ChatMessage

    def references(self, item: Any) -> dict[str, str]:
        """The chat and, for user messages, the author."""
        return {"chatSourceId": item.chatSourceId, **ref_opt("authorSourceId", item.authorSourceId)}

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``im.message.add`` into ``chat<id>``."""
        return "im.message.add", {
            "DIALOG_ID": f"chat{refs[item.chatSourceId]}",
            "MESSAGE": item.text,
            "SYSTEM": yn(item.system),
            "URL_PREVIEW": "N",
            "AUTHOR_ID": mapped(refs, item.authorSourceId),
            "DATE_CREATE": item.date,
            "XML_ID": item.sourceId,
        }

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``im.message.update`` with the new text."""
        return "im.message.update", {"MESSAGE_ID": int(target_id), "MESSAGE": item.text}
