"""``user.get`` records → canonical users: conversions, checksums and the records that must be refused."""

from __future__ import annotations

import pytest

from shared.transforms import TransformError
from shared.transforms.users import user_from_raw
from shared.transforms.values import to_utc_iso

RAW = {
    "ID": "15", "ACTIVE": True, "EMAIL": "ivan@example.ru", "NAME": "Иван", "LAST_NAME": "Петров",
    "UF_DEPARTMENT": [1, "7"], "DATE_REGISTER": "2024-03-01T00:00:00+03:00", "WORK_POSITION": "Инженер",
}


def test_maps_fields_and_converts_to_utc() -> None:
    user = user_from_raw(RAW)
    assert user.sourceId == "cloud:user:15"
    assert (user.name, user.lastName, user.email) == ("Иван", "Петров", "ivan@example.ru")
    assert user.departmentIds == [1, 7]
    assert user.dateRegister == "2024-02-29T21:00:00Z"
    assert len(user.checksum) == 64


def test_checksum_follows_content() -> None:
    same = user_from_raw(dict(RAW))
    changed = user_from_raw({**RAW, "LAST_NAME": "Сидоров"})
    assert user_from_raw(RAW).checksum == same.checksum
    assert changed.checksum != same.checksum


@pytest.mark.parametrize(
    ("raw", "reason"),
    [({**RAW, "EMAIL": ""}, "no e-mail"), ({**RAW, "ID": "x"}, "no numeric ID"),
     ({**RAW, "DATE_REGISTER": "yesterday"}, "invalid field")],
    ids=["no-email", "bad-id", "bad-date"],
)
def test_unusable_records_raise_with_reason(raw: dict[str, object], reason: str) -> None:
    with pytest.raises(TransformError) as info:
        user_from_raw(raw)
    assert reason in info.value.reason


def test_utc_conversion_handles_z_and_naive() -> None:
    assert to_utc_iso("2024-01-01T10:00:00Z") == "2024-01-01T10:00:00Z"
    assert to_utc_iso("2024-01-01T10:00:00") == "2024-01-01T10:00:00Z"
    assert to_utc_iso("") is None
