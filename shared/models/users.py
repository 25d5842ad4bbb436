"""Canonical user: what ``import.users.batch`` accepts and what the users transform produces."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.models.base import CanonicalModel


class User(CanonicalModel):
    """A portal user; dates are ISO 8601 in UTC, missing values are ``None``."""

    KIND: ClassVar[str] = "user"

    email: str = Field(min_length=3, max_length=255)
    name: str = ""
    lastName: str = ""
    secondName: str = ""
    active: bool = True
    workPosition: str = ""
    personalPhone: str = ""
    workPhone: str = ""
    departmentIds: list[int] = Field(default_factory=list)
    timeZone: str = ""
    userType: str = "employee"
    dateRegister: str | None = None
    """When the user registered, ISO 8601 UTC."""
