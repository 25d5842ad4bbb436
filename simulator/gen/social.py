"""Generated workgroups with members, chats with messages, and news-feed posts with comments and images.

Relations are real: group owners and members are existing users, chat members include the webhook admin (so an admin
webhook can read every generated chat, see docs/simulator.md), messages mention users in BB-code, posts attach
images whose ids lead to `disk.attachedObject.get` and `disk.file.get`.
"""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta
from typing import Any

from simulator.gen import texts
from simulator.gen.media import png
from simulator.gen.profiles import Profile

Row = dict[str, Any]


def groups(rng: random.Random, profile: Profile, user_ids: list[int], offset_s: int) -> tuple[list[Row], list[Row]]:
    """`sonet_group.get` items and `sonet_group.user.get` items (plus GROUP_ID)."""
    rows: list[Row] = []
    members: list[Row] = []
    for group_id in range(1, profile.groups + 1):
        created = texts.moment(rng, days=600)
        updated = created + timedelta(days=rng.randint(0, 120))
        owner = rng.choice(user_ids)
        others = rng.sample(
            [u for u in user_ids if u != owner],
            k=min(
                len(user_ids) - 1,
                rng.randint(max(profile.members_per_group // 2, 1), profile.members_per_group * 3 // 2 + 1),
            ),
        )
        secret = rng.random() < 0.15
        russian = rng.random() < 0.6
        rows.append(
            {
                "ID": str(group_id),
                "SITE_ID": "s1",
                "NAME": (
                    ("Проект " if russian else "Project ")
                    + " ".join(rng.choice(texts.RU_WORDS if russian else texts.EN_WORDS) for _ in range(2))
                ).strip(),
                "DESCRIPTION": texts.sentence(rng, 10, russian),
                "DATE_CREATE": texts.iso(created, offset_s),
                "DATE_UPDATE": texts.iso(updated, offset_s),
                "ACTIVE": "Y",
                "VISIBLE": "N" if secret else "Y",
                "OPENED": "N" if secret or rng.random() < 0.5 else "Y",
                "CLOSED": "N" if rng.random() < 0.95 else "Y",
                "SUBJECT_ID": "1",
                "OWNER_ID": str(owner),
                "KEYWORDS": "",
                "NUMBER_OF_MEMBERS": str(len(others) + 1),
                "DATE_ACTIVITY": texts.iso(updated + timedelta(hours=rng.randint(0, 500)), offset_s),
                "SUBJECT_NAME": "Рабочие группы",
                "PROJECT": "Y" if rng.random() < 0.3 else "N",
                "IS_EXTRANET": "N",
            }
        )
        members.append({"USER_ID": str(owner), "ROLE": "A", "GROUP_ID": str(group_id)})
        for user in others:
            members.append(
                {"USER_ID": str(user), "ROLE": "E" if rng.random() < 0.1 else "K", "GROUP_ID": str(group_id)}
            )
    return rows, members


def chat(
    chat_id: int,
    name: str,
    owner: int,
    users: list[int],
    created: datetime,
    offset_s: int,
    entity_type: str = "",
    entity_id: str = "",
    kind: str = "chat",
) -> Row:
    return {
        "id": chat_id,
        "name": name,
        "owner": owner,
        "type": kind,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "date_create": texts.iso(created, offset_s),
        "users": users,
    }


# one shared, never-mutated empty list: a million messages without params cost one object, not a million
_NO_PARAMS: list[Any] = []
_POOL: list[str] = []


def _pool() -> list[str]:
    """4,096 message bodies shared by reference, so that large portals stay compact in memory.

    The pool has its own fixed seed: building it never consumes a family's random stream, so generation stays
    deterministic whichever family asks first.
    """
    if not _POOL:
        rng = random.Random("message-pool")
        _POOL.extend(_decorate(rng, texts.sentence(rng, rng.randint(3, 14))) for _ in range(4096))
    return _POOL


def _decorate(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.12:
        return f"[B]{text}[/B]"
    if roll < 0.18:
        return f"{text} [URL=https://example.com/{rng.randint(1, 999)}]ссылка[/URL]"
    return text


def _mention(rng: random.Random, users: list[int], text: str) -> str:
    if rng.random() < 0.15:
        user = rng.choice(users)
        return f"[USER={user}]{user}[/USER], {text[0].lower()}{text[1:]}"
    return text


def messages(rng: random.Random, chat_row: Row, count: int, first_id: int, offset_s: int) -> list[Row]:
    rows: list[Row] = []
    pool = _pool()
    when = datetime.fromisoformat(chat_row["date_create"])
    users = chat_row["users"]
    for index in range(count):
        when = when + timedelta(seconds=rng.randint(30, 3 * 86400))
        system = index == 0
        rows.append(
            {
                "id": first_id + index,
                "chat_id": chat_row["id"],
                "author_id": 0 if system else rng.choice(users),
                "date": texts.iso(when, offset_s),
                "text": "Чат создан" if system else _mention(rng, users, pool[rng.getrandbits(12)]),
                "params": {"CODE": "CHAT_JOIN"}
                if system
                else ({"LIKE": [rng.choice(users)]} if rng.random() < 0.1 else _NO_PARAMS),
            }
        )
    return rows


def chats(
    rng: random.Random,
    profile: Profile,
    user_ids: list[int],
    admin: int,
    offset_s: int,
    first_chat: int = 1,
    first_message: int = 1,
) -> tuple[list[Row], list[Row]]:
    chat_rows: list[Row] = []
    message_rows: list[Row] = []
    next_message = first_message
    for index in range(profile.chats):
        chat_id = first_chat + index
        people = sorted({admin, *rng.sample(user_ids, k=min(len(user_ids), rng.randint(2, 12)))})
        russian = rng.random() < 0.6
        name = ("Обсуждение: " if russian else "Discussion: ") + rng.choice(
            texts.RU_WORDS if russian else texts.EN_WORDS
        )
        row = chat(
            chat_id,
            name,
            rng.choice(people),
            people,
            texts.moment(rng, days=500),
            offset_s,
            kind="open" if rng.random() < 0.2 else "chat",
        )
        chat_rows.append(row)
        count = max(1, int(profile.messages_per_chat * (0.5 + rng.random())))
        message_rows += messages(rng, row, count, next_message, offset_s)
        next_message += count + (1 if rng.random() < 0.1 else 0)
    return chat_rows, message_rows


def feed(
    rng: random.Random, profile: Profile, user_ids: list[int], offset_s: int
) -> tuple[list[Row], list[Row], list[Row]]:
    """`log.blogpost.get` items, their comments and their attached images."""
    posts: list[Row] = []
    comments: list[Row] = []
    images: list[Row] = []
    comment_id = 1
    attach_id = 1
    for post_id in range(1, profile.posts + 1):
        author = rng.choice(user_ids)
        published = texts.moment(rng, days=700)
        russian = rng.random() < 0.6
        files: list[int] = []
        if rng.random() < profile.image_share:
            for _ in range(rng.randint(1, 2)):
                data = png(rng)
                images.append(
                    {
                        "ID": str(attach_id),
                        "OBJECT_ID": str(10000 + attach_id),
                        "MODULE_ID": "blog",
                        "ENTITY_TYPE": "blog_post",
                        "ENTITY_ID": str(post_id),
                        "CREATE_TIME": texts.iso(published, offset_s),
                        "CREATED_BY": str(author),
                        "NAME": f"image_{attach_id}.png",
                        "SIZE": str(len(data)),
                        "CONTENT_B64": base64.b64encode(data).decode("ascii"),
                    }
                )
                files.append(attach_id)
                attach_id += 1
        body = texts.sentence(rng, rng.randint(10, 40), russian)
        if rng.random() < 0.3:
            body = (
                f"[B]{texts.sentence(rng, 3, russian)}[/B]\n{body}\n[LIST][*]{texts.sentence(rng, 3, russian)}[/LIST]"
            )
        count = int(rng.random() * profile.comments_per_post * 2)
        post_comments: list[Row] = []
        when = published
        for _ in range(count):
            when = when + timedelta(seconds=rng.randint(60, 86400 * 3))
            post_comments.append(
                {
                    "id": comment_id,
                    "comment_id": comment_id + 5000,
                    "log_id": post_id,
                    "date": texts.iso(when, offset_s),
                    "text": texts.sentence(rng, rng.randint(3, 12), russian),
                    "attach": [],
                    "author_id": rng.choice(user_ids),
                    "post_id": post_id,
                }
            )
            comment_id += 1
        comments += post_comments
        posts.append(
            {
                "ID": str(post_id),
                "BLOG_ID": str(author),
                "PUBLISH_STATUS": "P",
                "TITLE": texts.sentence(rng, 4, russian).rstrip("."),
                "AUTHOR_ID": str(author),
                "ENABLE_COMMENTS": "Y",
                "NUM_COMMENTS": str(len(post_comments)),
                "CODE": "",
                "MICRO": "N",
                "DETAIL_TEXT": body,
                "DATE_PUBLISH": texts.iso(published, offset_s),
                "CATEGORY_ID": "",
                "HAS_SOCNET_ALL": "Y",
                "HAS_TAGS": "N",
                "HAS_IMAGES": "Y" if files else "N",
                "HAS_PROPS": "Y" if files else "N",
                "HAS_COMMENT_IMAGES": "N",
                "UF_BLOG_POST_FILE": {
                    "ENTITY_ID": "BLOG_POST",
                    "FIELD_NAME": "UF_BLOG_POST_FILE",
                    "USER_TYPE_ID": "disk_file",
                    "MULTIPLE": "Y",
                    "VALUE": [str(f) for f in files] or False,
                },
                "FILES": [str(f) for f in files],
            }
        )
    return posts, comments, images
