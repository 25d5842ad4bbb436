"""Chats and chat messages: only what the webhook user can reach, and the rest reported.

There is no portal-wide chat listing: ``im.recent.list`` lists the calling user's chats (``OFFSET`` +
``LIMIT`` ≤ 200, pages overlap, so records are de-duplicated), ``im.dialog.get`` and ``im.chat.user.list``
give each chat's data and members, and ``im.dialog.messages.get`` (participants only) gives its history
backwards with ``LAST_ID`` (≤ 50 per call). A chat the webhook user cannot read answers ``ACCESS_ERROR``
and is reported as unreachable with that reason (bitrix24-api.md §15).
"""

from __future__ import annotations

from shared.families.spec import FamilySpec

CHATS = FamilySpec(
    name="chats",
    list_method="im.recent.list",
    id_field="id",
    import_method="import.chats.batch",
    paging="cursor",
    parents=("users",),
    cursor_param="OFFSET",
    limit_param="LIMIT",
    result_key="items",
    page_size=200,
    detail_methods=("im.dialog.get", "im.chat.user.list"),
    notes="im.recent.list lists only the webhook user's chats; im.dialog.get + im.chat.user.list per chat",
)

CHAT_MESSAGES = FamilySpec(
    name="chat_messages",
    list_method="im.dialog.messages.get",
    id_field="id",
    import_method="import.chat.messages",
    paging="cursor",
    parents=("users", "chats"),
    parent_family="chats",
    parent_param="DIALOG_ID",
    parent_field="chat_id",
    cursor_param="LAST_ID",
    limit_param="LIMIT",
    result_key="messages",
    delta_scan_field="date",
    notes="backward scan with LAST_ID = min(id), 50 per call, 50 chats per batch; a delta read stops each chat at "
          "its first message older than since",
)
