"""Canonical CRM records: companies, contacts, deals and smart-process items (basic fields, no history).

Phones and e-mails are plain value lists; ``assignedSourceId`` is the responsible user. Smart-process items
carry their ``entityTypeId``, which must match the type in their ``sourceId`` (``cloud:crm:sp:<type>:<id>``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import Field, model_validator

from shared.models.base import CanonicalModel


class Company(CanonicalModel):
    """A ``crm.company.list`` item; ``sourceId`` is ``cloud:crm:company:<id>``."""

    KIND: ClassVar[str] = "crm:company"

    title: str = Field(min_length=1)
    companyType: str = ""
    industry: str = ""
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    comments: str = ""
    assignedSourceId: str | None = None
    dateCreate: str | None = None


class Contact(CanonicalModel):
    """A ``crm.contact.list`` item; ``sourceId`` is ``cloud:crm:contact:<id>``."""

    KIND: ClassVar[str] = "crm:contact"

    name: str = ""
    lastName: str = ""
    secondName: str = ""
    post: str = ""
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    comments: str = ""
    companySourceId: str | None = None
    assignedSourceId: str | None = None
    dateCreate: str | None = None


class Deal(CanonicalModel):
    """A ``crm.deal.list`` item; ``sourceId`` is ``cloud:crm:deal:<id>``."""

    KIND: ClassVar[str] = "crm:deal"

    title: str = Field(min_length=1)
    stageId: str = ""
    categoryId: int = 0
    opportunity: float | None = None
    currencyId: str = ""
    companySourceId: str | None = None
    contactSourceIds: list[str] = Field(default_factory=list)
    assignedSourceId: str | None = None
    beginDate: str | None = None
    closeDate: str | None = None
    closed: bool = False
    comments: str = ""
    dateCreate: str | None = None


class SpItem(CanonicalModel):
    """A ``crm.item.list`` item of a smart process; ``sourceId`` is ``cloud:crm:sp:<entityTypeId>:<id>``."""

    KIND: ClassVar[str] = "crm:sp"
    KIND_EXACT: ClassVar[bool] = False

    entityTypeId: int = Field(gt=0)
    title: str = ""
    stageId: str = ""
    categoryId: int | None = None
    opportunity: float | None = None
    currencyId: str = ""
    companySourceId: str | None = None
    contactSourceIds: list[str] = Field(default_factory=list)
    assignedSourceId: str | None = None
    begindate: str | None = None
    closedate: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    """Extra (``uf*``) fields, written as given."""

    @model_validator(mode="after")
    def _type_matches_source_id(self) -> Self:
        kind = self.sourceId.split(":")
        if len(kind) != 5 or kind[3] != str(self.entityTypeId):
            raise ValueError(f"sourceId must be cloud:crm:sp:{self.entityTypeId}:<id>")
        return self
