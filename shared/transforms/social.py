"""Chats, chat messages, feed posts, feed comments and feed images → canonical models.

Chat and feed records come from controller-style methods (lower-case keys, typed ids) except ``log.blogpost.get``
(legacy, UPPER keys). A system chat message (author 0) keeps no author. Feed images arrive with their content
attached by the extract step (``CONTENT_B64``); the checksum and the declared type are computed here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from shared.models.base import source_id
from shared.models.chats import Chat, ChatMessage
from shared.models.feed import FeedComment, FeedPost, MediaFile
from shared.sanitize import sanitize_html
from shared.transforms.errors import UNREADABLE, TransformError
from shared.transforms.guard import build, record_source_id
from shared.transforms.refs import ref, refs
from shared.transforms.values import to_bool, to_int, to_str, to_utc_iso

_DISK_TAG = re.compile(r"\[DISK FILE ID=(\d+)\]", re.IGNORECASE)


def link_media(text: str, attachment_ids: list[int]) -> str:
    """``[DISK FILE ID=<attachment id>]`` of the post's own attachments → ``[DISK FILE ID=<media sourceId>]``.

    The gateway rewrites those to the target's file ids after the images were uploaded. Tags with the ``n``
    prefix name disk objects, not attachments; they are left as they are (docs/limitations.md).
    """
    own = set(attachment_ids)
    return _DISK_TAG.sub(
        lambda m: f"[DISK FILE ID={source_id('feed:image', m.group(1))}]" if int(m.group(1)) in own else m.group(0),
        text,
    )


_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif", b"RIFF": "image/webp"}


def chat_from_raw(raw: dict[str, Any]) -> Chat:
    """``im.dialog.get`` result plus its ``users`` (``im.chat.user.list``)."""
    sid = record_source_id("chat", raw, "id")
    return build(sid, lambda: Chat(
        sourceId=sid, title=to_str(raw.get("name")), description=to_str(raw.get("description")),
        type=to_str(raw.get("type")) or "chat", ownerSourceId=ref("user", raw.get("owner")) or "",
        memberSourceIds=refs("user", raw.get("users")), entityType=to_str(raw.get("entity_type")),
        entityId=to_str(raw.get("entity_id")), dateCreate=to_utc_iso(raw.get("date_create")),
    ))


def chat_message_from_raw(raw: dict[str, Any]) -> ChatMessage:
    """``im.dialog.messages.get`` message with its ``chat_id``."""
    sid = record_source_id("chat:message", raw, "id")
    author = ref("user", raw.get("author_id"))
    return build(sid, lambda: ChatMessage(
        sourceId=sid, chatSourceId=ref("chat", raw.get("chat_id")) or "", authorSourceId=author,
        text=to_str(raw.get("text")), date=to_utc_iso(raw.get("date")), system=author is None,
    ))


def feed_post_from_raw(raw: dict[str, Any]) -> FeedPost:
    """``log.blogpost.get`` item; ``FILES`` are attachment ids, i.e. the feed images' ids."""
    sid = record_source_id("feed:post", raw)
    attachments = [i for i in (to_int(x) for x in raw.get("FILES") or []) if i > 0]
    media = [source_id("feed:image", i) for i in attachments]
    message = link_media(sanitize_html(to_str(raw.get("DETAIL_TEXT"))), attachments)
    return build(sid, lambda: FeedPost(
        sourceId=sid, authorSourceId=ref("user", raw.get("AUTHOR_ID")) or "", title=to_str(raw.get("TITLE")),
        message=message, datePublish=to_utc_iso(raw.get("DATE_PUBLISH")),
        toAll=to_bool(raw.get("HAS_SOCNET_ALL", "Y")), mediaSourceIds=media,
    ))


def feed_comment_from_raw(raw: dict[str, Any]) -> FeedComment:
    """``log.blogcomment.user.get`` comment; the post is ``post_id`` (older portals) or ``log_id``."""
    sid = record_source_id("feed:comment", raw, "id")
    post = ref("feed:post", raw.get("post_id") or raw.get("log_id"))
    if post is None:
        raise TransformError(sid, "comment names no post (neither post_id nor log_id)")
    if not to_str(raw.get("text")) and not raw.get("attach"):
        # log.blogcomment.user.get blanks the text of other users' comments for an admin webhook
        # (bitrix24-api.md §12): importing an empty comment would be silent data loss, so it is reported
        raise TransformError(sid, "the source API returned the comment without its text (it blanks other "
                             "users' comments for an admin webhook)", UNREADABLE)
    return build(sid, lambda: FeedComment(
        sourceId=sid, postSourceId=post, authorSourceId=ref("user", raw.get("author_id")) or "",
        text=sanitize_html(to_str(raw.get("text"))), dateCreate=to_utc_iso(raw.get("date")),
    ))


def feed_image_from_raw(raw: dict[str, Any]) -> MediaFile:
    """``disk.attachedObject.get`` result with the downloaded bytes in ``CONTENT_B64``."""
    sid = record_source_id("feed:image", raw)
    try:
        content = base64.b64decode(to_str(raw.get("CONTENT_B64")), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TransformError(sid, "image content is not valid base64") from exc
    if not content:
        raise TransformError(sid, f"image content could not be downloaded: {to_str(raw.get('_download_error'))}")
    kind = next((t for magic, t in _IMAGE_TYPES.items() if content.startswith(magic)), None)
    if kind is None:
        raise TransformError(sid, "attachment is not a PNG, JPEG, GIF or WebP image")
    return build(sid, lambda: MediaFile(
        sourceId=sid, name=to_str(raw.get("NAME")) or f"image_{raw.get('ID')}", contentType=kind,
        size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        contentB64=base64.b64encode(content).decode("ascii"),
    ))
