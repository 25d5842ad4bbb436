"""Business-process templates: ``bizproc.workflow.template.list`` (administrator only) by keyset.

The method returns only ``ID`` unless ``SELECT`` names the fields, so every documented field is selected;
its default order is ``ID ASC`` but it is given explicitly, and delta reads filter on ``MODIFIED``
(bitrix24-api.md §16).
"""

from __future__ import annotations

from shared.families.spec import FamilySpec

WORKFLOW_TEMPLATES = FamilySpec(
    name="workflow_templates",
    list_method="bizproc.workflow.template.list",
    id_field="ID",
    import_method="import.workflows.tpls",
    order_param="ORDER",
    filter_param="FILTER",
    select_param="SELECT",
    select=("ID", "MODULE_ID", "ENTITY", "DOCUMENT_TYPE", "AUTO_EXECUTE", "NAME", "TEMPLATE", "PARAMETERS",
            "VARIABLES", "CONSTANTS", "MODIFIED", "IS_MODIFIED", "USER_ID", "SYSTEM_CODE"),
    delta_field="MODIFIED",
    parents=("users",),
    notes="admin only (ACCESS_DENIED otherwise)",
)
