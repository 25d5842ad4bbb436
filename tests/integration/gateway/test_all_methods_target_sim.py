"""Every import.* method into the target-mode simulator: each family lands once, and a resend is all duplicate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import CASES, SEED, url

FAMILY_OF = {"import.users.batch": "users", "import.groups.batch": "groups", "import.chats.batch": "chats",
             "import.chat.messages": "chat_messages", "import.media.upload": "feed_images",
             "import.feed.posts": "feed_posts", "import.feed.comments": "feed_comments",
             "import.tasks.batch": "tasks", "import.task.comments": "task_comments",
             "import.crm.companies": "crm_companies", "import.crm.contacts": "crm_contacts",
             "import.crm.deals": "crm_deals", "import.crm.spitems": "crm_sp_items",
             "import.workflows.tpls": "workflow_templates"}
ORDER = [m for m, _ in SEED] + [m for m in CASES if m not in dict(SEED)]


async def test_every_family_lands_once_in_the_simulator(target_sim: Any, make_gateway: Any) -> None:
    webhook, control = target_sim
    async with aiohttp.ClientSession() as s:
        await s.post(webhook + "crm.type.add", json={"fields": {"title": "Requests", "entityTypeId": 128}})
    gw = await make_gateway(webhook)
    sent: dict[str, list[dict[str, Any]]] = {}
    for method in ORDER:
        items = [*dict(SEED).get(method, []), CASES[method][0](10, "one"), CASES[method][0](11, "two")]
        sent[method] = items
        data = await (await gw.post(url(method), json=items)).json()
        assert data["failed"] == [] and data["imported"] == len(items), (method, data)
    async with aiohttp.ClientSession() as s, s.get(control + "_sim/counts") as resp:
        counts = await resp.json()
    for method, family in FAMILY_OF.items():
        assert counts[family] == len(sent[method]), (family, counts)
    for method in ORDER:
        again = await (await gw.post(url(method), json=sent[method])).json()
        assert again["imported"] == 0 and len(again["duplicate"]) == len(sent[method]), (method, again)
    async with aiohttp.ClientSession() as s, s.get(control + "_sim/counts") as resp:
        assert await resp.json() == counts
