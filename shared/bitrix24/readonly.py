"""The read-only allow-list of the source client: the only methods it will ever send to the cloud portal.

No write call may reach the source portal (architecture.md, non-negotiables), so the client checks every
method, including every command inside a ``batch``, against this explicit list *before any I/O*. The list
names methods, not prefixes: ``crm.deal.list`` is allowed, ``crm.deal.update`` is not, and a new read
method is added here deliberately. Names are compared lower-cased, as the portal does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.bitrix24.errors import WriteRefused

READ_METHODS: frozenset[str] = frozenset(
    name.lower()
    for name in (
        # introspection and self-checks
        "profile", "scope", "methods", "method.get", "app.info", "server.time", "user.current",
        # users and structure
        "user.get", "user.search", "user.fields", "user.userfield.list", "department.get",
        # workgroups
        "sonet_group.get", "sonet_group.user.get", "socialnetwork.api.workgroup.list",
        "socialnetwork.api.workgroup.get",
        # chats
        "im.recent.list", "im.chat.get", "im.chat.user.list", "im.dialog.get", "im.dialog.users.list",
        "im.dialog.messages.get", "im.v2.File.download",
        # news feed
        "log.blogpost.get", "log.blogcomment.user.get", "log.blogpost.getusers.important",
        # files
        "disk.attachedObject.get", "disk.file.get", "disk.folder.getchildren", "disk.storage.getlist",
        # tasks (legacy and current)
        "task.item.list", "task.item.getdata", "task.item.getfiles", "task.commentitem.getlist",
        "task.commentitem.get", "tasks.task.list", "tasks.task.get", "tasks.task.getfields",
        # crm
        "crm.company.list", "crm.company.get", "crm.company.fields", "crm.company.userfield.list",
        "crm.contact.list", "crm.contact.get", "crm.contact.fields", "crm.contact.userfield.list",
        "crm.deal.list", "crm.deal.get", "crm.deal.fields", "crm.deal.userfield.list",
        "crm.deal.category.list", "crm.category.list", "crm.status.list", "crm.status.fields",
        "crm.item.list", "crm.item.get", "crm.item.fields", "crm.type.list", "crm.type.get",
        "crm.type.fields", "crm.userfield.fields", "crm.userfield.types",
        # business processes
        "bizproc.workflow.template.list", "bizproc.workflow.instances", "bizproc.workflow.instance.list",
    )
)

BATCH = "batch"


def normalize(method: str) -> str:
    """Lower-case a method name and drop a ``.json`` suffix, as the portal does before routing."""
    name = method.strip().lower()
    return name.removesuffix(".json")


def is_read_method(method: str) -> bool:
    """Whether ``method`` is on the read-only allow-list (``batch`` itself is checked per command)."""
    return normalize(method) in READ_METHODS


def ensure_read(method: str, portal: str = "") -> None:
    """Raise ``WriteRefused`` unless ``method`` is an allowed read method.

    Raises:
        WriteRefused: for any method not on the allow-list, including a bare ``batch``.
    """
    if not is_read_method(method):
        raise WriteRefused(method, portal)


def command_method(command: str) -> str:
    """The method part of a batch command string ``method?query``."""
    return command.split("?", 1)[0]


def ensure_read_commands(commands: Iterable[str] | Mapping[str, Any], portal: str = "") -> None:
    """Check every command of a raw ``batch`` ``cmd`` (strings ``method?query``) before sending.

    Raises:
        WriteRefused: on the first command whose method is not an allowed read method.
    """
    values = commands.values() if isinstance(commands, Mapping) else commands
    for command in values:
        ensure_read(command_method(str(command)), portal)
