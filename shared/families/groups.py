"""Workgroups and their members: ``sonet_group.get`` by keyset, ``sonet_group.user.get`` per group.

``sonet_group.get`` hides secret groups unless a portal admin passes ``IS_ADMIN=Y``, defaults to
``ID DESC`` (so the order is always given) and uses old-style paging, where ``start=-1`` still means "top 50,
no COUNT". Members are not paginated: one call per group returns all of them, so 50 groups go in one
batch; each member record gets ``GROUP_ID`` (bitrix24-api.md §14).
"""

from __future__ import annotations

from types import MappingProxyType

from shared.families.spec import FamilySpec

GROUPS = FamilySpec(
    name="groups",
    list_method="sonet_group.get",
    id_field="ID",
    import_method="import.groups.batch",
    order_param="ORDER",
    filter_param="FILTER",
    base_params=MappingProxyType({"IS_ADMIN": "Y"}),
    delta_field="DATE_UPDATE",
    parents=("users",),
    notes="IS_ADMIN=Y exports secret groups too; ORDER by ID ASC because the default is ID DESC",
)

GROUP_MEMBERS = FamilySpec(
    name="group_members",
    list_method="sonet_group.user.get",
    id_field="USER_ID",
    import_method="import.groups.batch",
    paging="children",
    parents=("users", "groups"),
    parent_family="groups",
    parent_param="ID",
    parent_field="GROUP_ID",
    notes="not paginated: all active members per group; 50 groups per batch; imported nested in groups; "
          "no delta filter, so a delta re-reads every group",
)
