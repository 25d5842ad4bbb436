"""Feed posts despite their moving order, and the image chain to a fresh download link."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.feed import (
    attachment_ids,
    download_object,
    download_objects,
    fresh_download_url,
    stream_feed_posts,
)
from shared.families import get_family

SimFactory = Callable[..., Awaitable[Any]]
FEED = get_family("feed_posts")


class MovingFeed:
    """A portal whose feed order changes while it is read: a post deep down is commented and jumps to the top."""

    def __init__(self, count: int) -> None:
        self.order = list(range(count, 0, -1))
        self.calls = 0

    def page(self, start: int) -> dict[str, Any]:
        self.calls += 1
        if self.calls == 2:
            # someone comments the oldest post while we are paging: it moves above our offset
            self.order.insert(0, self.order.pop())
        rows = [{"ID": str(i), "TITLE": f"post {i}"} for i in self.order[start:start + 50]]
        body: dict[str, Any] = {"result": rows, "total": len(self.order)}
        if start + 50 < len(self.order):
            body["next"] = start + 50
        return body


@pytest.fixture
async def moving_feed() -> AsyncIterator[tuple[str, MovingFeed]]:
    feed = MovingFeed(260)

    async def handle(request: web.Request) -> web.Response:
        body = json.loads(await request.read() or b"{}")
        if request.match_info["method"] == "batch":
            results: dict[str, Any] = {}
            for key, command in body["cmd"].items():
                start = int(dict(parse_qsl(command.partition("?")[2])).get("start", 0))
                page = feed.page(start)
                results[key] = page["result"]
            return web.json_response({"result": {"result": results, "result_error": [], "result_total": [],
                                                 "result_next": [], "result_time": []}, "time": {}})
        return web.json_response({**feed.page(int(body.get("start", 0))), "time": {}})

    app = web.Application()
    app.router.add_post("/rest/{uid}/{code}/{method}", handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}/rest/1/feedcode/", feed
    await server.close()


async def test_a_post_moving_to_the_top_is_neither_lost_nor_duplicated(moving_feed: tuple[str, MovingFeed]) -> None:
    url, feed = moving_feed
    async with Bitrix24Client(url, limits="off") as client:
        ids = [FEED.record_id(r) async for group in stream_feed_posts(client, FEED) for r in group]
    assert sorted(ids) == list(range(1, 261))
    assert len(ids) == len(set(ids))
    assert feed.order[0] == 1  # the move really happened during the read


def test_attachment_ids_from_files_or_userfield() -> None:
    assert attachment_ids({"FILES": ["12", "n13"]}) == ["12", "13"]
    assert attachment_ids({"UF_BLOG_POST_FILE": {"VALUE": {"0": 5}}}) == ["5"]
    assert attachment_ids({"FILES": False}) == []


async def test_image_chain_downloads_the_original_bytes(start_sim: SimFactory) -> None:
    sim = await start_sim(seed=5)
    dump = await sim.get("/_sim/dump")
    images = dump["feed_images"][:3]
    assert images
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        for image in images:
            first = await fresh_download_url(client, image["OBJECT_ID"])
            assert first.startswith(sim.base)
            assert await download_object(client, image["OBJECT_ID"]) == base64.b64decode(image["CONTENT_B64"])


async def test_many_images_take_one_rest_request_per_fifty(start_sim: SimFactory) -> None:
    sim = await start_sim(seed=5)
    dump = await sim.get("/_sim/dump")
    images = dump["feed_images"]
    assert len(images) >= 10
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        before = client.stats.http_requests
        contents = await download_objects(client, [i["OBJECT_ID"] for i in images] + ["999999"])
        rest_requests = client.stats.http_requests - before
    assert rest_requests == -(-(len(images) + 1) // 50)
    for image in images:
        assert contents[str(image["OBJECT_ID"])] == base64.b64decode(image["CONTENT_B64"])
    # an unknown object fails alone, with the portal's reason
    assert isinstance(contents["999999"], Exception)
