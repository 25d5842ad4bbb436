"""The family registry: every family spec in dependency order (architecture.md "Families").

Orchestrators iterate ``REGISTRY`` in order; ``get_family`` looks one up by its canonical name
(contracts.md §2). ``crm_types`` is a helper spec (smart-process discovery), not a migrated family, so it
is in ``HELPERS``, not in ``REGISTRY``. Adding a family is one module, one line here and its tests.
"""

from __future__ import annotations

from shared.families.chats import CHAT_MESSAGES, CHATS
from shared.families.crm import CRM_COMPANIES, CRM_CONTACTS, CRM_DEALS, CRM_SP_ITEMS, CRM_TYPES
from shared.families.feed import FEED_COMMENTS, FEED_IMAGES, FEED_POSTS
from shared.families.groups import GROUP_MEMBERS, GROUPS
from shared.families.spec import FamilySpec, Paging, SortStyle
from shared.families.tasks import TASK_COMMENTS, TASKS
from shared.families.users import USERS
from shared.families.workflows import WORKFLOW_TEMPLATES

REGISTRY: tuple[FamilySpec, ...] = (
    USERS,
    GROUPS,
    GROUP_MEMBERS,
    CHATS,
    CHAT_MESSAGES,
    FEED_POSTS,
    FEED_COMMENTS,
    FEED_IMAGES,
    TASKS,
    TASK_COMMENTS,
    CRM_COMPANIES,
    CRM_CONTACTS,
    CRM_DEALS,
    CRM_SP_ITEMS,
    WORKFLOW_TEMPLATES,
)
"""All migrated families, parents before children."""

HELPERS: tuple[FamilySpec, ...] = (CRM_TYPES,)
"""Specs that are read but not migrated on their own."""

BY_NAME: dict[str, FamilySpec] = {spec.name: spec for spec in (*REGISTRY, *HELPERS)}

FAMILY_NAMES: tuple[str, ...] = tuple(spec.name for spec in REGISTRY)


def get_family(name: str) -> FamilySpec:
    """The spec of family ``name``.

    Raises:
        KeyError: for an unknown family, naming the known ones.
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown family {name!r}; known: {', '.join(FAMILY_NAMES)}") from None


__all__ = ["BY_NAME", "FAMILY_NAMES", "HELPERS", "REGISTRY", "FamilySpec", "Paging", "SortStyle", "get_family"]
