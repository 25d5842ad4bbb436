"""Canonical business-process template: what ``import.workflows.tpls`` accepts."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from shared.models.base import CanonicalModel


class WorkflowTemplate(CanonicalModel):
    """A ``bizproc.workflow.template.list`` item; ``sourceId`` is ``cloud:workflow:tpl:<id>``."""

    KIND: ClassVar[str] = "workflow:tpl"

    name: str = Field(min_length=1)
    description: str = ""
    moduleId: str = ""
    entity: str = ""
    documentType: list[str] = Field(min_length=3, max_length=3)
    """``[module, entity, document type]``, e.g. ``["crm", "CCrmDocumentDeal", "DEAL"]``."""
    autoExecute: int = 0
    template: Any = None
    """The ``TEMPLATE`` structure as the source returned it (kept for the record)."""
    templateDataB64: str = ""
    """An exported ``.bpt`` file, base64; needed to create the template in the target."""
    parameters: Any = None
    variables: Any = None
    constants: Any = None
    userSourceId: str | None = None
    """The template's author."""
