"""Chats: `im.recent.list`, `im.chat.user.list`, `im.dialog.get`, `im.dialog.users.list`, `im.dialog.messages.get`,
`im.chat.get`, and target-mode `im.chat.add` and `im.message.add`.

Only participants read a chat's history (`ACCESS_ERROR` otherwise), as documented.  Message history pages backwards
from `LAST_ID` in descending id order, or forwards from `FIRST_ID` in ascending order; `LIMIT` defaults to 20, max 50.
"""

from __future__ import annotations

from typing import Any

from simulator import errors
from simulator.filters import as_instant
from simulator.params import as_list, php_intval, truthy, upper_keys
from simulator.registry import Call, Reply, method

SCOPES = ("im",)


def _chat_of(call: Call, dialog: Any) -> dict[str, Any]:
    text = str(dialog or "").strip()
    if not text:
        raise errors.RestError("DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400)
    chat_id = php_intval(text[4:]) if text.lower().startswith("chat") else 0
    chat = call.portal.table("chats").get(chat_id) if chat_id else None
    if chat is None:
        raise errors.RestError("ACCESS_ERROR", "You do not have access to the specified dialog", 403)
    if call.user_id not in {php_intval(u) for u in chat.get("users", [])}:
        raise errors.RestError("ACCESS_ERROR", "You do not have access to the specified dialog", 403)
    return chat


def _messages_of(call: Call, chat_id: int) -> list[dict[str, Any]]:
    return call.portal.table("chat_messages").where("chat_id", chat_id)


def _user_brief(call: Call, user_id: int) -> dict[str, Any]:
    user = call.portal.table("users").get(user_id) or {}
    name = f"{user.get('NAME', '')} {user.get('LAST_NAME', '')}".strip()
    return {
        "id": user_id,
        "active": bool(user.get("ACTIVE", True)),
        "name": name,
        "first_name": user.get("NAME", ""),
        "last_name": user.get("LAST_NAME", ""),
        "work_position": user.get("WORK_POSITION", ""),
        "gender": user.get("PERSONAL_GENDER", "M"),
        "bot": False,
        "extranet": False,
    }


def _dialog(call: Call, chat: dict[str, Any]) -> dict[str, Any]:
    users = chat.get("users", [])
    result = {k: v for k, v in chat.items() if k != "users"}
    result.setdefault("description", "")
    result["user_counter"] = len(users)
    result["message_count"] = len(_messages_of(call, int(chat["id"])))
    result["dialog_id"] = f"chat{chat['id']}"
    return result


def _recent(call: Call) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """The caller's chats by last activity, newest first; cached until chats or messages change."""
    chats, messages = call.portal.table("chats"), call.portal.table("chat_messages")
    key = (len(chats), chats.max_id(), len(messages), messages.max_id())
    cached = call.portal.extra.get("recent")
    if cached is None or cached[0] != key:
        items = []
        for chat in chats:
            if call.user_id not in {php_intval(u) for u in chat.get("users", [])}:
                continue
            history = _messages_of(call, int(chat["id"]))
            last = history[-1] if history else None
            items.append((last["date"] if last else chat["date_create"], chat, last))
        items.sort(key=lambda item: as_instant(item[0]) or 0.0, reverse=True)
        cached = (key, items)
        call.portal.extra["recent"] = cached
    result: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = cached[1]
    return result


@method("im.recent.list", scopes=SCOPES, family="chats")
def im_recent_list(call: Call) -> Reply:
    params = upper_keys(call.params)
    offset = max(php_intval(params.get("OFFSET", 0)), 0)
    limit = min(max(php_intval(params.get("LIMIT", 50)) or 50, 1), 200)
    items = [] if truthy(params.get("SKIP_CHAT")) else _recent(call)
    before = as_instant(params.get("LAST_MESSAGE_DATE"))
    if before is not None:
        items = [item for item in items if (as_instant(item[0]) or 0) < before]
    page = items[offset : offset + limit]
    result = [
        {
            "id": f"chat{chat['id']}",
            "chat_id": chat["id"],
            "type": "chat",
            "avatar": {"url": "", "color": "#4ba984"},
            "title": chat.get("name", ""),
            "message": {
                "id": last["id"],
                "text": last["text"],
                "author_id": last["author_id"],
                "date": last["date"],
                "file": False,
                "attach": False,
            }
            if last
            else [],
            "counter": 0,
            "pinned": False,
            "unread": False,
            "date_update": when,
            "chat": {
                "id": chat["id"],
                "name": chat.get("name", ""),
                "owner": chat.get("owner", 0),
                "type": chat.get("type", "chat"),
                "entity_type": chat.get("entity_type", ""),
                "entity_id": chat.get("entity_id", ""),
                "date_create": chat.get("date_create", ""),
            },
        }
        for when, chat, last in page
    ]
    more = offset + limit < len(items)
    return Reply({"items": result, "hasMore": more, "hasMorePages": more}, cost_s=0.01 + 0.0002 * len(result))


@method("im.chat.user.list", scopes=SCOPES, family="chats")
def im_chat_user_list(call: Call) -> Reply:
    chat_id = php_intval(call.get("CHAT_ID", 0))
    if chat_id <= 0:
        raise errors.RestError("CHAT_ID_EMPTY", "Chat ID can't be empty", 400)
    chat = call.portal.table("chats").get(chat_id)
    users = [php_intval(u) for u in chat.get("users", [])] if chat else []
    # no permission (or no chat) reads as an empty list, as documented
    return Reply(users if call.user_id in users else [], cost_s=0.002)


@method("im.dialog.users.list", scopes=SCOPES, family="chats")
def im_dialog_users_list(call: Call) -> Reply:
    chat = _chat_of(call, call.get("DIALOG_ID"))
    return Reply([_user_brief(call, php_intval(u)) for u in chat.get("users", [])], cost_s=0.003)


@method("im.dialog.get", scopes=SCOPES, family="chats")
def im_dialog_get(call: Call) -> Reply:
    return Reply(_dialog(call, _chat_of(call, call.get("DIALOG_ID"))), cost_s=0.003)


@method("im.chat.get", scopes=SCOPES, family="chats")
def im_chat_get(call: Call) -> Reply:
    entity_type = str(call.get("ENTITY_TYPE", "") or "")
    entity_id = str(call.get("ENTITY_ID", "") or "")
    if not entity_type or not entity_id:
        raise errors.RestError("ENTITY_TYPE_EMPTY" if not entity_type else "ENTITY_ID_EMPTY", "Entity is empty", 400)
    types = {entity_type, "TASKS_TASK" if entity_type == "TASKS" else entity_type}
    for chat in call.portal.table("chats").where("entity_id", entity_id):
        if chat.get("entity_type") in types:
            return Reply({"ID": chat["id"]}, cost_s=0.002)
    return Reply(None, cost_s=0.002)


@method("im.dialog.messages.get", scopes=SCOPES, family="chat_messages")
def im_dialog_messages_get(call: Call) -> Reply:
    params = upper_keys(call.params)
    chat = _chat_of(call, params.get("DIALOG_ID"))
    for key in ("FIRST_ID", "LAST_ID"):
        value = params.get(key)
        if value not in (None, "") and not str(value).lstrip("-").isdigit():
            raise errors.RestError(f"{key}_STRING", f"{key} can't be string", 400)
    limit = min(max(php_intval(params.get("LIMIT", 20)) or 20, 1), 50)
    rows = _messages_of(call, int(chat["id"]))
    first, last = php_intval(params.get("FIRST_ID", 0)), php_intval(params.get("LAST_ID", 0))
    if first > 0:
        chosen = [m for m in rows if int(m["id"]) > first][:limit]
    else:
        older = [m for m in rows if int(m["id"]) < last] if last > 0 else rows
        chosen = list(reversed(older[-limit:]))
    authors = sorted({int(m["author_id"]) for m in chosen if int(m["author_id"]) > 0})
    messages = [{**m, "unread": False, "uuid": None, "replaces": [], "disappearing_date": None} for m in chosen]
    result = {
        "chat_id": chat["id"],
        "messages": messages,
        "users": [_user_brief(call, u) for u in authors],
        "files": [],
    }
    return Reply(result, cost_s=0.004 + 0.0001 * len(chosen))


@method("im.chat.add", scopes=SCOPES, write=True, family="chats")
def im_chat_add(call: Call) -> Reply:
    params = upper_keys(call.params)
    table = call.portal.table("chats")
    chat_id = table.max_id() + 1
    users = sorted({php_intval(u) for u in as_list(params.get("USERS"))} | {call.user_id})
    row: dict[str, Any] = {
        "id": chat_id,
        "name": str(params.get("TITLE") or f"Chat {chat_id}"),
        "owner": php_intval(params.get("OWNER_ID") or call.user_id),
        "type": "open" if str(params.get("TYPE", "")).upper() == "OPEN" else "chat",
        "entity_type": str(params.get("ENTITY_TYPE") or ""),
        "entity_id": str(params.get("ENTITY_ID") or ""),
        "date_create": call.portal.now_iso(),
        "users": users,
    }
    row.update({k: v for k, v in params.items() if k not in ("USERS", "TITLE", "TYPE", "OWNER_ID")})
    table.insert(row)
    return Reply(chat_id, cost_s=0.02)


@method("im.message.add", scopes=SCOPES, write=True, family="chat_messages")
def im_message_add(call: Call) -> Reply:
    params = upper_keys(call.params)
    chat = _chat_of(call, params.get("DIALOG_ID"))
    message = str(params.get("MESSAGE") or "")
    if not message and not params.get("ATTACH"):
        raise errors.RestError("MESSAGE_EMPTY", "Message can't be empty", 400)
    table = call.portal.table("chat_messages")
    message_id = table.max_id() + 1
    row: dict[str, Any] = {
        "id": message_id,
        "chat_id": chat["id"],
        "author_id": 0 if truthy(params.get("SYSTEM")) else php_intval(params.get("AUTHOR_ID") or call.user_id),
        "date": str(params.get("DATE") or call.portal.now_iso()),
        "text": message,
        "params": [],
    }
    row.update({k: v for k, v in params.items() if k not in ("DIALOG_ID", "MESSAGE")})
    table.insert(row)
    return Reply(message_id, cost_s=0.01)
