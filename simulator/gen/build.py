"""Fill a portal for a profile and seed: every family, with relations between them.

Each family gets its own random stream derived from the seed, so adding records to one family does not change the
others.  In target mode nothing is generated: the target portal starts empty.
"""

from __future__ import annotations

import random

from simulator.gen import users
from simulator.gen.profiles import PROFILES
from simulator.portal import Portal


def stream(seed: int, family: str) -> random.Random:
    return random.Random(f"{seed}:{family}")


def offset_seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    hours, _, minutes = text.lstrip("+-").partition(":")
    return sign * (int(hours or 0) * 3600 + int(minutes or 0) * 60)


def populate(portal: Portal, profile_name: str, seed: int) -> None:
    profile = PROFILES[profile_name]
    offset_s = offset_seconds(portal.settings.time_zone_offset)
    admin = portal.settings.webhook_user_id
    for row in users.generate(stream(seed, "users"), profile.users, profile.departments, admin, offset_s):
        portal.table("users").insert(row)
