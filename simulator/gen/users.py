"""Generated users in the `user.get` shape: string ids with gaps, Russian and English names, some fired, departments.

The webhook user always exists and is the portal administrator, because real migrations run with an admin webhook.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from simulator.gen import texts


def generate(rng: random.Random, count: int, departments: int, admin_id: int, offset_s: int) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = []
    next_id = 1
    while len(users) < count:
        users.append(_user(rng, next_id, departments, offset_s))
        # deleted accounts leave gaps in the id sequence; keyset paging must not care
        next_id += 1 if rng.random() < 0.9 else rng.randint(2, 4)
    if not any(int(u["ID"]) == admin_id for u in users):
        users.append(_user(rng, admin_id, departments, offset_s))
        users.sort(key=lambda u: int(u["ID"]))
    for user in users:
        if int(user["ID"]) == admin_id:
            user["ACTIVE"] = True
            user["UF_DEPARTMENT"] = [1]
    return users


def _user(rng: random.Random, user_id: int, departments: int, offset_s: int) -> dict[str, Any]:
    who = texts.person(rng)
    registered = texts.moment(rng, days=700)
    login = registered + timedelta(days=rng.randint(0, 200), seconds=rng.randint(0, 86400))
    changed = login + timedelta(seconds=rng.randint(0, 86400 * 30))
    zone, zone_offset = rng.choice(texts.TIME_ZONES)
    domain = "example.ru" if who["LANG"] == "ru" else "example.com"
    email = f"{texts.translit(who['NAME'])}.{texts.translit(who['LAST_NAME'])}.{user_id}@{domain}"
    birthday = texts.moment(rng, days=365 * 30, after=texts.EPOCH - timedelta(days=365 * 55))
    changed_local = changed + timedelta(seconds=offset_s)
    return {
        "ID": str(user_id),
        "XML_ID": "",
        "ACTIVE": rng.random() > 0.08,
        "NAME": who["NAME"],
        "LAST_NAME": who["LAST_NAME"],
        "SECOND_NAME": who["SECOND_NAME"],
        "EMAIL": email,
        "LAST_LOGIN": texts.iso(login, offset_s),
        "DATE_REGISTER": texts.iso(registered.replace(hour=0, minute=0, second=0), offset_s),
        "IS_ONLINE": "N",
        "TIME_ZONE": zone,
        "TIME_ZONE_OFFSET": str(zone_offset),
        # returned unconverted by the real server (bitrix24-api.md §8): site format, portal local time
        "TIMESTAMP_X": changed_local.strftime("%d.%m.%Y %H:%M:%S"),
        "LAST_ACTIVITY_DATE": changed_local.strftime("%Y-%m-%d %H:%M:%S"),
        "PERSONAL_GENDER": who["PERSONAL_GENDER"],
        "PERSONAL_BIRTHDAY": texts.iso(birthday.replace(hour=0, minute=0, second=0), offset_s),
        "PERSONAL_PHOTO": f"/upload/main/avatar/{user_id}.jpg" if rng.random() < 0.5 else "",
        "PERSONAL_MOBILE": f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "PERSONAL_CITY": rng.choice(("Москва", "Санкт-Петербург", "Казань", "London", "Berlin", "")),
        "WORK_PHONE": f"+7 495 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
        "WORK_POSITION": who["WORK_POSITION"],
        "WORK_COMPANY": "",
        "UF_EMPLOYMENT_DATE": "",
        "UF_DEPARTMENT": sorted(rng.sample(range(1, departments + 1), k=1 if rng.random() < 0.85 else 2)),
        "UF_PHONE_INNER": str(100 + user_id),
        "USER_TYPE": "employee",
    }
