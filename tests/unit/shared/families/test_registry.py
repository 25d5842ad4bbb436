"""The family registry: canonical names, dependency order, read-only methods and the keyset param shapes."""

from __future__ import annotations

import pytest

from shared.bitrix24.readonly import is_read_method
from shared.families import FAMILY_NAMES, REGISTRY, get_family

CANONICAL = [
    "users", "groups", "group_members", "chats", "chat_messages", "feed_posts", "feed_comments", "feed_images",
    "tasks", "task_comments", "crm_companies", "crm_contacts", "crm_deals", "crm_sp_items", "workflow_templates",
]
IMPORT_METHODS = {
    "import.users.batch", "import.groups.batch", "import.chats.batch", "import.chat.messages", "import.feed.posts",
    "import.feed.comments", "import.media.upload", "import.tasks.batch", "import.task.comments",
    "import.crm.companies", "import.crm.contacts", "import.crm.deals", "import.crm.spitems", "import.workflows.tpls",
}


def test_registry_holds_the_fifteen_canonical_families_in_order() -> None:
    assert list(FAMILY_NAMES) == CANONICAL


def test_parents_come_first() -> None:
    seen: set[str] = set()
    for spec in REGISTRY:
        assert set(spec.parents) <= seen, spec.name
        if spec.parent_family:
            assert spec.parent_family in spec.parents
        seen.add(spec.name)


@pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: s.name)
def test_every_method_is_a_read_method_and_every_target_exists(spec: object) -> None:
    from shared.families.spec import FamilySpec

    assert isinstance(spec, FamilySpec)
    assert all(is_read_method(m) for m in spec.methods), spec.methods
    assert spec.import_method in IMPORT_METHODS


def test_users_use_top_level_sort_order() -> None:
    params = get_family("users").keyset_params(120, {"<=ID": 500})
    assert params == {"ADMIN_MODE": True, "SORT": "ID", "ORDER": "ASC", "FILTER": {"<=ID": 500, ">ID": 120},
                      "start": -1}
    assert get_family("users").reference("req_3") == "$result[req_3][49][ID]"


def test_crm_items_use_camel_case_and_wrapped_results() -> None:
    spec = get_family("crm_sp_items").with_params(entityTypeId=1036)
    params = spec.keyset_params(7)
    assert params == {"entityTypeId": 1036, "order": {"id": "ASC"}, "filter": {">id": 7}, "select": ["*"],
                      "start": -1}
    assert spec.reference("req_0") == "$result[req_0][items][49][id]"
    assert spec.records_of({"items": [{"id": 8}, {"id": 9}]}) == [{"id": 8}, {"id": 9}]
    assert get_family("crm_sp_items").base_params == {}


def test_legacy_methods() -> None:
    deals = get_family("crm_deals").keyset_params(0)
    assert deals["select"] == ["*", "UF_*"] and deals["order"] == {"ID": "ASC"} and deals["filter"] == {">ID": 0}
    groups = get_family("groups").keyset_params(0)
    assert groups["IS_ADMIN"] == "Y" and groups["ORDER"] == {"ID": "ASC"} and groups["FILTER"] == {">ID": 0}
    tasks = get_family("tasks").keyset_params(0)
    assert tasks["PARAMS"] == {"NAV_PARAMS": {"nPageSize": 50}} and tasks["FILTER"] == {">ID": 0}


def test_records_of_accepts_php_maps_and_ids_as_strings() -> None:
    users = get_family("users")
    records = users.records_of({"0": {"ID": "5"}, "1": {"ID": "6"}})
    assert [users.record_id(r) for r in records] == [5, 6]
    assert users.records_of(None) == []


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        ("users", {">TIMESTAMP_X": "2026-01-01T00:00:00+03:00"}),
        ("crm_deals", {">DATE_MODIFY": "2026-01-01T00:00:00+03:00"}),
        ("crm_sp_items", {">updatedTime": "2026-01-01T00:00:00+03:00"}),
        ("tasks", {">CHANGED_DATE": "2026-01-01T00:00:00+03:00"}),
        ("feed_posts", {}),
    ],
    ids=["users", "deals", "sp-items", "tasks", "feed-none"],
)
def test_delta_filters(family: str, expected: dict[str, str]) -> None:
    assert get_family(family).delta_filter("2026-01-01T00:00:00+03:00") == expected


def test_unknown_family() -> None:
    with pytest.raises(KeyError, match="unknown family 'leads'"):
        get_family("leads")
