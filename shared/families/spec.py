"""``FamilySpec``: the declarative description of how one Bitrix24 family is read and where it goes.

A *family* is one Bitrix24 kind of record (users, tasks, crm_deals, …). Its spec says which read method
lists it, which field is its id, how that method spells sort and filter (``user.get`` takes top-level
``SORT``/``ORDER``; legacy methods take ``ORDER``/``FILTER``; ``crm.item.list`` takes lower-case
``order``/``filter`` on camelCase ``id``), whether the records come wrapped (``result.items``), which
fields to select, the delta filter field, the parent families, the page size and the gateway's import
method. The keyset reader and the orchestrators work only from these specs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

SortStyle = Literal["sort_order", "order"]
"""``sort_order``: top-level ``SORT``/``ORDER`` pair (user.get); ``order``: an ``order`` map param."""

Paging = Literal["keyset", "children", "cursor", "offset"]
"""How the family is read: keyset over ids; per-parent children; a method-specific cursor; plain offset."""

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class FamilySpec:
    """How one family is read from the cloud portal and imported into the box.

    Attributes:
        name: canonical family name (contracts.md §2).
        list_method: the read method that lists records.
        id_field: the id key in returned records (``ID`` or ``id``).
        import_method: the gateway method that imports the family.
        sort_style: how the list method takes its sort.
        order_param: the name of the order map param (``ORDER``/``order``) for ``sort_style="order"``.
        filter_param: the name of the filter param (``FILTER``/``filter``).
        filter_id_field: the id field name used in filter and order (``ID`` even when results say ``id``).
        result_key: the key wrapping the list inside ``result`` (``items``, ``tasks``, ``types``), if any.
        select: fields to select (empty: the method's default).
        select_param: the name of the select param.
        delta_field: the "changed since" filter field (bitrix24-api.md §19), if the method has one.
        parents: families that must be migrated first (their ids are referenced).
        page_size: rows per page (Bitrix24 fixes 50 for list methods).
        paging: how the family is read.
        base_params: params sent with every list call (``entityTypeId``, ``IS_ADMIN``, …).
        parent_family: for ``children`` paging, the family whose ids drive the calls.
        parent_param: for ``children`` paging, the param that takes the parent id.
        fields_method: the ``*.fields`` method describing the custom fields, if any.
        sort_direction: ``ASC`` (or ``asc`` where a method documents lower case).
        parent_field: for child families, the field added to each record naming its parent's id.
        cursor_param: for ``cursor`` paging, the param that takes the cursor id (``FIRST_ID``, ``LAST_ID``).
        limit_param: for ``cursor`` paging, the page-size param (``LIMIT``).
        detail_methods: other read methods the family needs (details, members, file metadata).
        delta_scan_field: for newest-first cursor families without a date filter, the record's date field:
            a delta read keeps records at or after ``since`` and stops a parent at the first older one.
        delta_param: a method param that takes ``since`` directly (``LOG_DATE_FROM`` of the feed).
        notes: why the family is read the way it is (shown in docs and reports).
    """

    name: str
    list_method: str
    id_field: str
    import_method: str
    sort_style: SortStyle = "order"
    order_param: str = "order"
    filter_param: str = "filter"
    filter_id_field: str = "ID"
    result_key: str | None = None
    select: tuple[str, ...] = ()
    select_param: str = "select"
    delta_field: str | None = None
    parents: tuple[str, ...] = ()
    page_size: int = 50
    paging: Paging = "keyset"
    base_params: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    parent_family: str | None = None
    parent_param: str | None = None
    fields_method: str | None = None
    sort_direction: str = "ASC"
    parent_field: str | None = None
    cursor_param: str | None = None
    limit_param: str | None = None
    detail_methods: tuple[str, ...] = ()
    delta_scan_field: str | None = None
    delta_param: str | None = None
    notes: str = ""

    def with_params(self, **params: Any) -> FamilySpec:
        """A copy whose ``base_params`` also hold ``params`` (e.g. one smart process's ``entityTypeId``)."""
        return replace(self, base_params=MappingProxyType({**self.base_params, **params}))

    @property
    def methods(self) -> tuple[str, ...]:
        """Every read method the family uses (for the allow-list check and the docs' method table)."""
        names = [self.list_method, *self.detail_methods]
        if self.fields_method:
            names.append(self.fields_method)
        return tuple(dict.fromkeys(names))

    def keyset_params(self, after: int | str, extra_filter: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Params of one keyset page: sorted by id ascending, ``>id`` after ``after``, ``start=-1``.

        Args:
            after: the last id already read, or a batch reference such as ``$result[req_0][49][ID]``.
            extra_filter: more filter conditions (an id range's upper bound, a delta filter, …).

        Returns:
            A fresh params dict for ``list_method``.
        """
        params: dict[str, Any] = dict(self.base_params)
        if self.sort_style == "sort_order":
            params["SORT"] = self.filter_id_field
            params["ORDER"] = self.sort_direction
        else:
            params[self.order_param] = {self.filter_id_field: self.sort_direction}
        filters: dict[str, Any] = dict(extra_filter or {})
        filters[f">{self.filter_id_field}"] = after
        params[self.filter_param] = filters
        if self.select:
            params[self.select_param] = list(self.select)
        # start=-1 switches off the portal's COUNT query (bitrix24-api.md §5.2)
        params["start"] = -1
        return params

    def reference(self, command_key: str) -> str:
        """The batch expression for the id of the last row of a full page of command ``command_key``."""
        wrapped = f"[{self.result_key}]" if self.result_key else ""
        return f"$result[{command_key}]{wrapped}[{self.page_size - 1}][{self.id_field}]"

    def records_of(self, result: Any) -> list[dict[str, Any]]:
        """The list of records inside one page's ``result`` (unwrapping ``result_key``)."""
        page = result.get(self.result_key) if self.result_key and isinstance(result, Mapping) else result
        if isinstance(page, Mapping):
            if self.id_field in page:
                # a single-record method (disk.attachedObject.get, task.item.getdata)
                return [dict(page)]
            # PHP serialises a list with gaps as a map; keep its order
            page = list(page.values())
        if not isinstance(page, list):
            return []
        return [dict(item) for item in page if isinstance(item, Mapping)]

    def record_id(self, record: Mapping[str, Any]) -> int:
        """The integer id of one record (legacy methods send ids as strings)."""
        return int(record[self.id_field])

    def delta_filter(self, since_iso: str) -> dict[str, Any]:
        """The "changed since" filter for this family, or ``{}`` when the method has none."""
        return {f">{self.delta_field}": since_iso} if self.delta_field else {}
