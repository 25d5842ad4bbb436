"""Canonical workgroup with its members nested: what ``import.groups.batch`` accepts."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.models.base import CanonicalModel


class GroupMember(BaseModel):
    """One member of a group; ``role`` uses Bitrix24's codes: ``A`` owner, ``E`` moderator, ``K`` member."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    userSourceId: str
    role: Literal["A", "E", "K"] = "K"


class Group(CanonicalModel):
    """A workgroup or project (``sonet_group.get`` item) plus its members (``sonet_group.user.get``)."""

    KIND: ClassVar[str] = "group"

    name: str = Field(min_length=1, max_length=255)
    description: str = ""
    ownerSourceId: str
    visible: bool = True
    opened: bool = False
    project: bool = False
    closed: bool = False
    keywords: str = ""
    dateCreate: str | None = None
    """ISO 8601 UTC."""
    members: list[GroupMember] = Field(default_factory=list)
    """Every member except the owner, who is implied by ``ownerSourceId``."""
