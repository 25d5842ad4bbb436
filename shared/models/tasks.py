"""Canonical tasks and task comments: what ``import.tasks.batch`` and ``import.task.comments`` accept."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.models.base import CanonicalModel


class Task(CanonicalModel):
    """A task (``task.item.list`` + ``task.item.getdata``); ``sourceId`` is ``cloud:task:<id>``."""

    KIND: ClassVar[str] = "task"

    title: str = Field(min_length=1)
    description: str = ""
    responsibleSourceId: str
    createdBySourceId: str | None = None
    groupSourceId: str | None = None
    parentSourceId: str | None = None
    """A parent task; it must be imported in an earlier batch."""
    auditorSourceIds: list[str] = Field(default_factory=list)
    accompliceSourceIds: list[str] = Field(default_factory=list)
    status: int = 2
    """Bitrix24 task status code (2 pending, 3 in progress, 5 completed, ...)."""
    priority: int = 1
    deadline: str | None = None
    createdDate: str | None = None
    closedDate: str | None = None
    tags: list[str] = Field(default_factory=list)


class TaskComment(CanonicalModel):
    """A ``task.commentitem.getlist`` item; ``sourceId`` is ``cloud:task:comment:<id>``."""

    KIND: ClassVar[str] = "task:comment"

    taskSourceId: str
    authorSourceId: str
    text: str = ""
    dateCreate: str | None = None
    """ISO 8601 UTC."""
