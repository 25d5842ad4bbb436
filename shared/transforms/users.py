"""``user.get`` item → canonical ``User``."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.models.base import source_id
from shared.models.users import User
from shared.transforms.errors import TransformError
from shared.transforms.values import to_bool, to_int, to_int_list, to_str, to_utc_iso


def user_from_raw(raw: dict[str, Any]) -> User:
    """Map one ``user.get`` record (UPPER keys, string numbers) to a ``User`` with its checksum.

    Raises:
        TransformError: no usable ID, no e-mail, or a field the model rejects.
    """
    rid = to_int(raw.get("ID"))
    sid = source_id("user", rid if rid > 0 else to_str(raw.get("ID")) or "?")
    if rid <= 0:
        raise TransformError(sid, "record has no numeric ID")
    email = to_str(raw.get("EMAIL"))
    if not email:
        raise TransformError(sid, "user has no e-mail; the target portal requires one")
    try:
        date_register = to_utc_iso(raw.get("DATE_REGISTER"))
        user = User(
            sourceId=sid,
            email=email,
            name=to_str(raw.get("NAME")),
            lastName=to_str(raw.get("LAST_NAME")),
            secondName=to_str(raw.get("SECOND_NAME")),
            active=to_bool(raw.get("ACTIVE", True)),
            workPosition=to_str(raw.get("WORK_POSITION")),
            personalPhone=to_str(raw.get("PERSONAL_MOBILE") or raw.get("PERSONAL_PHONE")),
            workPhone=to_str(raw.get("WORK_PHONE")),
            departmentIds=to_int_list(raw.get("UF_DEPARTMENT")),
            timeZone=to_str(raw.get("TIME_ZONE")),
            userType=to_str(raw.get("USER_TYPE")) or "employee",
            dateRegister=date_register,
        )
    except (ValidationError, ValueError) as exc:
        raise TransformError(sid, f"invalid field: {exc}".splitlines()[0][:300]) from exc
    return user.with_checksum()
