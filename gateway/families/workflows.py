"""Workflow templates: ``import.workflows.tpls`` → ``bizproc.workflow.template.add``/``update``.

The target needs the exported template file (``TEMPLATE_DATA``); templates have no external id, so a template
whose create was interrupted by a crash can appear twice (docs/limitations.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer
from shared.models.base import CanonicalModel
from shared.models.workflows import WorkflowTemplate

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _fields(item: WorkflowTemplate) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "NAME": item.name,
        "DESCRIPTION": item.description,
        "AUTO_EXECUTE": item.autoExecute,
    }
    if item.templateDataB64:
        name = _UNSAFE.sub("_", item.sourceId) + ".bpt"
        fields["TEMPLATE_DATA"] = [name, item.templateDataB64]
    return fields


@dataclass(frozen=True)
class WorkflowTemplateWriter(Writer):
    """No references: templates belong to a document type, not to records."""

    MODEL: ClassVar[type[CanonicalModel]] = WorkflowTemplate
    BATCHABLE: ClassVar[bool] = False

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``bizproc.workflow.template.add``."""
        return "bizproc.workflow.template.add", {"DOCUMENT_TYPE": list(item.documentType), **_fields(item)}

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``bizproc.workflow.template.update``."""
        return "bizproc.workflow.template.update", {"ID": int(target_id), "FIELDS": _fields(item)}
