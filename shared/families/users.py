"""The ``users`` family: every portal user, read with ``user.get`` by keyset.

``user.get`` takes its sort as the top-level pair ``SORT``/``ORDER`` (both must be present, otherwise the
portal sorts by ``ID ASC`` anyway) and its filter as ``FILTER``; ``start=-1`` skips the COUNT query.
Fired users are included (no ``ACTIVE`` filter) and ``ADMIN_MODE`` lifts extranet visibility limits.
Delta reads filter on ``TIMESTAMP_X`` (bitrix24-api.md §11, §19).
"""

from __future__ import annotations

from types import MappingProxyType

from shared.families.spec import FamilySpec

USERS = FamilySpec(
    name="users",
    list_method="user.get",
    id_field="ID",
    import_method="import.users.batch",
    sort_style="sort_order",
    # lifts the extranet visibility limits for a portal admin; ignored for anyone else
    base_params=MappingProxyType({"ADMIN_MODE": True}),
    filter_param="FILTER",
    filter_id_field="ID",
    delta_field="TIMESTAMP_X",
    fields_method="user.fields",
    notes="user.get with SORT/ORDER by ID, FILTER >ID and start=-1; fired users included",
)
