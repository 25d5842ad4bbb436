"""Validation reads: count each family on the source and the target portal, sample target records.

Counting uses one offset page (``start=0``) per family, whose ``total`` is the portal's own COUNT — one request
per family, cheap next to the export. Both portals are read through the read-only client, so validation can
never write to either side.
"""

from __future__ import annotations

from typing import Any

from shared.bitrix24.children import stream_children
from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.export import stream_family
from shared.bitrix24.keyset import fetch_keyset_chunk
from shared.families import get_family


async def parent_ids(client: Bitrix24Client, family: str) -> list[str]:
    """Every id of a keyset family, read in chained batches (2,500 ids per request)."""
    spec = get_family(family)
    ids: list[str] = []
    after = 0
    while True:
        chunk = await fetch_keyset_chunk(client, spec, after)
        ids.extend(str(r[spec.id_field]) for r in chunk.records)
        after = chunk.last_id
        if chunk.done or not chunk.records:
            return ids


async def count_children(client: Bitrix24Client, family: str) -> int:
    """Records of a per-parent family (members of every group), 50 parents per batch request."""
    spec = get_family(family)
    parents = await parent_ids(client, spec.parent_family or "")
    total = 0
    async for round_ in stream_children(client, spec, parents):
        total += len(round_.records)
    return total


async def count_family(client: Bitrix24Client, family: str) -> int:
    """The number of records the portal reports for a family.

    Keyset families answer with the portal's own ``total``; the others (children, chats, feed, smart
    processes) are counted by reading them through the same reader the export uses.
    """
    spec = get_family(family)
    if spec.paging == "children" and spec.parent_family == "groups":
        return await count_children(client, family)
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


async def sample_users(source: Bitrix24Client, target: Bitrix24Client, limit: int = 20) -> tuple[int, int]:
    """Compare up to ``limit`` users field by field; returns (sampled, mismatches)."""
    page = await source.call("user.get", {"SORT": "ID", "ORDER": "ASC", "start": 0})
    users = page.result if isinstance(page.result, list) else []
    step = max(1, len(users) // limit) if users else 1
    sampled = mismatches = 0
    for user in users[::step][:limit]:
        xml_id = f"cloud:user:{user['ID']}"
        found = await target.call("user.get", {"FILTER": {"XML_ID": xml_id}})
        rows = found.result if isinstance(found.result, list) else []
        sampled += 1
        if len(rows) != 1 or any(
            str(rows[0].get(k, "")) != str(user.get(k, "")) for k in ("EMAIL", "NAME", "LAST_NAME")
        ):
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
            ids[family] = set(await parent_ids(target, family))
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
