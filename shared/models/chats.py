"""Canonical chats and chat messages: what ``import.chats.batch`` and ``import.chat.messages`` accept."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.models.base import CanonicalModel


class Chat(CanonicalModel):
    """A group chat (``im.dialog.get`` result plus its ``im.chat.user.list`` members)."""

    KIND: ClassVar[str] = "chat"

    title: str = ""
    description: str = ""
    type: str = "chat"
    """``chat`` (closed group chat), ``open`` (open channel chat) or ``private`` (a 1:1 dialog)."""
    ownerSourceId: str
    memberSourceIds: list[str] = Field(default_factory=list)
    """User sourceIds of every member, the owner included or not."""
    entityType: str = ""
    entityId: str = ""
    dateCreate: str | None = None
    """ISO 8601 UTC."""


class ChatMessage(CanonicalModel):
    """One message of a chat; ``sourceId`` is ``cloud:chat:message:<id>``."""

    KIND: ClassVar[str] = "chat:message"

    chatSourceId: str
    authorSourceId: str | None = None
    """``None`` for system messages."""
    text: str = ""
    date: str | None = None
    """ISO 8601 UTC."""
    system: bool = False
