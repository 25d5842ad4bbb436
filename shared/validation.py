"""Validation reads: count each family on the source and the target portal, sample target records.

Keyset families are counted with one offset page (``start=0``), whose ``total`` is the portal's own COUNT; the
others are counted by reading them through the export's own reader. Both portals are read through the
read-only client, so validation can never write to either side.
"""

from __future__ import annotations

from typing import Any

from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.export import keyset_all, stream_family
from shared.bitrix24.keyset import fetch_keyset_chunk
from shared.families import get_family


async def _ids(client: Bitrix24Client, family: str) -> set[str]:
    """Every id of a keyset family, read with the export's own keyset reader."""
    spec = get_family(family)
    return {str(spec.record_id(r)) async for group in keyset_all(client, spec) for r in group}


async def count_family(client: Bitrix24Client, family: str) -> int:
    """The number of records the portal reports for a family.

    Keyset families answer with the portal's own ``total``; the others (children, chats, feed, smart
    processes) are counted by reading them through the same reader the export uses.
    """
    spec = get_family(family)
    if spec.paging != "keyset" or family == "crm_sp_items":
        return sum([len(group) async for group in stream_family(client, family)])
    params: dict[str, Any] = {**spec.base_params, "start": 0}
    if spec.sort_style == "sort_order":
        params.update({"SORT": spec.filter_id_field, "ORDER": spec.sort_direction})
    response = await client.call(spec.list_method, params)
    if response.total is not None:
        return int(response.total)
    result = response.result
    if isinstance(result, dict) and spec.result_key:
        result = result.get(spec.result_key, [])
    return len(result) if isinstance(result, list) else 0


# family → (source kind, external-id field in the target, fields compared); method and filter come from the spec
SAMPLED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "users": ("user", "XML_ID", ("EMAIL", "NAME", "LAST_NAME")),
    "crm_companies": ("crm:company", "ORIGIN_ID", ("TITLE", "COMPANY_TYPE")),
    "crm_contacts": ("crm:contact", "ORIGIN_ID", ("NAME", "LAST_NAME", "POST")),
    "crm_deals": ("crm:deal", "ORIGIN_ID", ("TITLE", "STAGE_ID", "CURRENCY_ID")),
}


async def sample_family(source: Bitrix24Client, target: Bitrix24Client, family: str, limit: int = 20) -> tuple[
        int, int]:
    """Compare up to ``limit`` records of the first source chunk field by field with their target twins.

    The twin is found by the external id the gateway stores (``XML_ID`` or ``ORIGIN_ID`` = sourceId); a record
    without exactly one twin, or with a differing field, is a mismatch. Returns (sampled, mismatches).
    """
    kind, external, fields = SAMPLED[family]
    spec = get_family(family)
    chunk = await fetch_keyset_chunk(source, spec, 0, max_pages=1)
    records = chunk.records
    step = max(1, len(records) // limit) if records else 1
    sampled = mismatches = 0
    for record in records[::step][:limit]:
        twin = {external: f"cloud:{kind}:{record[spec.id_field]}"}
        found = await target.call(spec.list_method, {spec.filter_param: twin, "select": ["*", *fields, external]})
        rows = spec.records_of(found.result)
        sampled += 1
        if len(rows) != 1 or any(str(rows[0].get(k) or "") != str(record.get(k) or "") for k in fields):
            mismatches += 1
    return sampled, mismatches


# child family → (reference field, referenced family); 0 or empty means "no link" in Bitrix24
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "tasks": (("RESPONSIBLE_ID", "users"), ("CREATED_BY", "users"), ("GROUP_ID", "groups")),
    "crm_contacts": (("COMPANY_ID", "crm_companies"),),
    "crm_deals": (("COMPANY_ID", "crm_companies"), ("CONTACT_ID", "crm_contacts"), ("ASSIGNED_BY_ID", "users")),
}


async def check_references(target: Bitrix24Client, families: list[str]) -> tuple[int, int]:
    """Read the migrated records back from the target and check that every link points at a record there.

    Returns:
        (links checked, orphans found).
    """
    ids: dict[str, set[str]] = {}

    async def ids_of(family: str) -> set[str]:
        if family not in ids:
            ids[family] = await _ids(target, family)
        return ids[family]

    checked = orphans = 0
    for family, links in REFERENCES.items():
        if family not in families:
            continue
        async for group in stream_family(target, family):
            for record in group:
                for field, referenced in links:
                    value = str(record.get(field) or "0")
                    if value in ("0", ""):
                        continue
                    checked += 1
                    if value not in await ids_of(referenced):
                        orphans += 1
    return checked, orphans
