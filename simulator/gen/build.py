"""Fill a portal for a profile and seed: every family, with relations between them.

Each family gets its own random stream derived from the seed, so adding records to one family does not change the
others.  In target mode nothing is generated: the target portal starts empty.
"""

from __future__ import annotations

import random

from simulator.gen import social, users, work
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
    user_rows = users.generate(stream(seed, "users"), profile.users, profile.departments, admin, offset_s)
    portal.table("users").extend(user_rows)
    user_ids = [int(u["ID"]) for u in user_rows]
    groups, members = social.groups(stream(seed, "groups"), profile, user_ids, offset_s)
    portal.table("groups").extend(groups)
    portal.table("group_members").extend(members)
    chats, chat_messages = social.chats(stream(seed, "chats"), profile, user_ids, admin, offset_s)
    task_rows, comments, task_chats, task_messages = work.tasks(
        stream(seed, "tasks"),
        profile,
        user_rows,
        [int(g["ID"]) for g in groups],
        offset_s,
        first_chat=len(chats) + 1,
        first_message=(chat_messages[-1]["id"] + 1) if chat_messages else 1,
    )
    portal.table("chats").extend(chats + task_chats)
    portal.table("chat_messages").extend(chat_messages + task_messages)
    portal.table("tasks").extend(task_rows)
    portal.table("task_comments").extend(comments)
    posts, feed_comments, images = social.feed(stream(seed, "feed"), profile, user_ids, offset_s)
    portal.table("feed_posts").extend(posts)
    portal.table("feed_comments").extend(feed_comments)
    portal.table("feed_images").extend(images)
    for family, rows in work.crm(stream(seed, "crm"), profile, user_ids, offset_s).items():
        portal.table(family).extend(rows)
    types, items = work.smart_processes(stream(seed, "sp"), profile, user_ids, offset_s)
    portal.crm_types = types
    portal.table("crm_sp_items").extend(items)
    portal.table("workflow_templates").extend(work.templates(stream(seed, "bizproc"), profile, admin, offset_s))
