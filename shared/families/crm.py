"""CRM families: companies, contacts and deals by the legacy list methods; smart-process items by type.

``crm.company/contact/deal.list`` take lower-case ``order``/``filter``/``select`` (the server upper-cases
them) and ``select: ["*", "UF_*"]`` brings custom fields; delta reads filter on ``DATE_MODIFY``. Smart
processes are discovered with ``crm.type.list`` (``result.types``) and each type is read with
``crm.item.list`` (``entityTypeId``, camelCase ``id``, records wrapped in ``result.items``, delta on
``updatedTime``). ``*.fields`` give the custom-field metadata (bitrix24-api.md §17).
"""

from __future__ import annotations

from shared.families.spec import FamilySpec

_WIDE = ("*", "UF_*")
# phones and e-mails are multi-fields: the legacy list methods return them only when named in select
_WITH_CONTACT_DATA = (*_WIDE, "PHONE", "EMAIL")

CRM_COMPANIES = FamilySpec(
    name="crm_companies",
    list_method="crm.company.list",
    id_field="ID",
    import_method="import.crm.companies",
    select=_WITH_CONTACT_DATA,
    delta_field="DATE_MODIFY",
    parents=("users",),
    fields_method="crm.company.fields",
)

CRM_CONTACTS = FamilySpec(
    name="crm_contacts",
    list_method="crm.contact.list",
    id_field="ID",
    import_method="import.crm.contacts",
    select=_WITH_CONTACT_DATA,
    delta_field="DATE_MODIFY",
    parents=("users", "crm_companies"),
    fields_method="crm.contact.fields",
)

CRM_DEALS = FamilySpec(
    name="crm_deals",
    list_method="crm.deal.list",
    id_field="ID",
    import_method="import.crm.deals",
    select=_WIDE,
    delta_field="DATE_MODIFY",
    parents=("users", "crm_companies", "crm_contacts"),
    fields_method="crm.deal.fields",
)

CRM_SP_ITEMS = FamilySpec(
    name="crm_sp_items",
    list_method="crm.item.list",
    id_field="id",
    import_method="import.crm.spitems",
    filter_id_field="id",
    result_key="items",
    select=("*",),
    delta_field="updatedTime",
    parents=("users", "crm_companies", "crm_contacts"),
    fields_method="crm.item.fields",
    detail_methods=("crm.type.list",),
    notes="one keyset read per smart-process type from crm.type.list; spec.with_params(entityTypeId=N)",
)

CRM_TYPES = FamilySpec(
    name="crm_types",
    list_method="crm.type.list",
    id_field="id",
    import_method="",
    filter_id_field="id",
    result_key="types",
    delta_field="updatedTime",
    notes="not a migrated family: the smart-process types that crm_sp_items iterates",
)
