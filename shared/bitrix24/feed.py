"""News-feed reading: posts despite their unstable order, and the image chain to a fresh download link.

``log.blogpost.get`` sorts by ``LOG_UPDATE DESC`` and takes no id filter, so a comment written during the
export moves its post to the top. Offsets are read 50 pages per batch and de-duplicated by ``ID`` (a
post pushed down is read twice, the copy dropped); then the top pages are re-read until a page brings
nothing new (a post moved *up* past our offset is found there), and if the portal's ``total`` still
exceeds what was seen (a deletion shifted pages up), one more full pass runs. Post files are
attached-object ids: ``disk.attachedObject.get`` gives ``OBJECT_ID``, and ``disk.file.get`` on it gives a
``DOWNLOAD_URL`` fetched right before each download, because links may be single-use or expire.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import aiohttp
import yarl

from shared.bitrix24.batching import run_commands
from shared.bitrix24.client import MAX_BATCH, Bitrix24Client
from shared.errors import ConnectionFailed, InvalidResponse, MigrationError
from shared.families.spec import FamilySpec

PAGE = 50
# browsers' headers: without them the cloud may answer a download with an nginx 404 or an HTML page
_DOWNLOAD_HEADERS = {"Accept": "*/*", "Accept-Language": "en-US,en;q=0.8", "User-Agent": "b24migrate/0.1"}


def page_params(spec: FamilySpec, start: int, since: str | None = None) -> dict[str, Any]:
    """Params of one offset page of the feed (a delta read adds ``LOG_DATE_FROM``)."""
    params: dict[str, Any] = {"start": start}
    if since and spec.delta_param:
        params[spec.delta_param] = since
    return params


async def _pages(client: Bitrix24Client, spec: FamilySpec, offsets: list[int], since: str | None
                 ) -> dict[int, list[dict[str, Any]]]:
    outcomes = await run_commands(client, {f"o{off}": (spec.list_method, page_params(spec, off, since))
                                           for off in offsets})
    pages: dict[int, list[dict[str, Any]]] = {}
    for off in offsets:
        outcome = outcomes[f"o{off}"]
        if outcome.error is not None:
            raise outcome.error
        pages[off] = spec.records_of(outcome.result)
    return pages


async def stream_feed_posts(client: Bitrix24Client, spec: FamilySpec, *, max_passes: int = 3,
                            since: str | None = None) -> AsyncIterator[list[dict[str, Any]]]:
    """Every published post the webhook user can read, each exactly once (yielded in page groups).

    Args:
        since: ISO time of a delta read: only posts published since then (edits are not detectable).

    Raises:
        Bitrix24APIError: a page failed for good.
    """
    seen: set[int] = set()

    def fresh(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        new = [r for r in page if spec.record_id(r) not in seen]
        seen.update(spec.record_id(r) for r in new)
        return new

    for _ in range(max_passes):
        first = await client.call(spec.list_method, page_params(spec, 0, since))
        total = first.total or 0
        head = fresh(spec.records_of(first.result))
        if head:
            yield head
        offsets = list(range(PAGE, total, PAGE))
        for start in range(0, len(offsets), MAX_BATCH):
            pages = await _pages(client, spec, offsets[start:start + MAX_BATCH], since)
            group = [record for off in sorted(pages) for record in fresh(pages[off])]
            if group:
                yield group
        # posts that jumped to the top while we paged further down
        offset = 0
        while True:
            top = await client.call(spec.list_method, page_params(spec, offset, since))
            new = fresh(spec.records_of(top.result))
            if new:
                yield new
            if not new or top.next is None:
                total = max(total, top.total or 0)
                break
            offset = top.next
        if len(seen) >= total:
            return


def attachment_ids(post: Mapping[str, Any]) -> list[str]:
    """The attached-object ids of a post (``FILES``, or ``UF_BLOG_POST_FILE.VALUE``)."""
    files = post.get("FILES")
    if not files:
        field = post.get("UF_BLOG_POST_FILE")
        files = field.get("VALUE") if isinstance(field, Mapping) else None
    if isinstance(files, Mapping):
        files = list(files.values())
    if not isinstance(files, list):
        return []
    return [str(f).lstrip("n") for f in files if str(f).strip()]


def image_parents(posts: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """attached-object id → ``{"post_id": …}`` for every file of every post."""
    parents: dict[str, dict[str, Any]] = {}
    for post in posts:
        for attached in attachment_ids(post):
            parents[attached] = {"post_id": int(post["ID"])}
    return parents


def absolute(client: Bitrix24Client, url: str) -> str:
    """Links may be relative (``/bitrix/tools/…``): prefix them with the portal's origin."""
    return client.webhook.origin + url if url.startswith("/") else url


async def fresh_download_url(client: Bitrix24Client, object_id: int | str) -> str:
    """A new ``DOWNLOAD_URL`` for disk object ``object_id`` (via ``disk.file.get``), absolute.

    The link carries its own credentials: never log it unredacted, never store it.
    """
    response = await client.call("disk.file.get", {"id": object_id})
    url = response.result.get("DOWNLOAD_URL") if isinstance(response.result, Mapping) else None
    if not url:
        raise InvalidResponse(f"disk.file.get on {client.portal} gave no DOWNLOAD_URL for object {object_id}",
                              portal=client.portal, method="disk.file.get")
    return absolute(client, str(url))


async def download_object(client: Bitrix24Client, object_id: int | str) -> bytes:
    """The bytes of disk object ``object_id``, through a link fetched right now.

    Raises:
        InvalidResponse: the portal answered with HTML (a login page) or an error status.
        Bitrix24APIError: ``disk.file.get`` failed.
    """
    return await _download(client, object_id, await fresh_download_url(client, object_id))


async def download_objects(client: Bitrix24Client, object_ids: Iterable[int | str], *, concurrency: int = 4
                           ) -> dict[str, bytes | MigrationError]:
    """The bytes of many disk objects: their links come from ``disk.file.get`` 50 to a batch request.

    One REST request per 50 images instead of one per image (the portal's rate limit is the bottleneck);
    the downloads themselves are plain file GETs, ``concurrency`` at a time. A failure is returned for that
    object only, as the error, so one broken file never costs the others.
    """
    ids = [str(i) for i in object_ids]
    outcomes = await run_commands(client, {f"f{i}": ("disk.file.get", {"id": oid}) for i, oid in enumerate(ids)})
    results: dict[str, bytes | MigrationError] = {}
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, object_id: str) -> None:
        outcome = outcomes[f"f{index}"]
        if outcome.error is not None:
            results[object_id] = outcome.error
            return
        url = outcome.result.get("DOWNLOAD_URL") if isinstance(outcome.result, Mapping) else None
        if not url:
            results[object_id] = InvalidResponse(
                f"disk.file.get on {client.portal} gave no DOWNLOAD_URL for object {object_id}",
                portal=client.portal, method="disk.file.get")
            return
        async with gate:
            try:
                results[object_id] = await _download(client, object_id, absolute(client, str(url)))
            except MigrationError as exc:
                results[object_id] = exc

    await asyncio.gather(*(one(i, oid) for i, oid in enumerate(ids)))
    return results


async def _download(client: Bitrix24Client, object_id: int | str, url: str) -> bytes:
    headers = {**_DOWNLOAD_HEADERS, "Referer": client.webhook.origin + "/"}
    try:
        async with client.session.get(yarl.URL(url, encoded=True), headers=headers) as resp:
            body = await resp.read()
            kind = resp.headers.get("Content-Type", "")
            status = resp.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        # aiohttp's errors may quote the URL, and the URL carries the download token: never chain them
        raise ConnectionFailed(f"download of object {object_id} from {client.portal} failed "
                               f"({type(exc).__name__})", portal=client.portal, method="download") from None
    if status != 200 or kind.startswith("text/html"):
        raise InvalidResponse(f"download of object {object_id} from {client.portal} answered HTTP {status} "
                              f"({kind or 'no content type'})", portal=client.portal, method="download",
                              status=status)
    return body
