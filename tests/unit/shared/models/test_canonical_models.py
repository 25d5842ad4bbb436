"""Canonical models: kinds in sourceIds, strictness, and checksums that move with the content."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared.models import MODELS, Chat, ChatMessage, Deal, Group, MediaFile, SpItem, Task, User

MINIMAL: dict[str, dict[str, Any]] = {
    "users": {"sourceId": "cloud:user:1", "email": "a@example.com"},
    "groups": {"sourceId": "cloud:group:1", "name": "G", "ownerSourceId": "cloud:user:1",
               "members": [{"userSourceId": "cloud:user:2", "role": "E"}]},
    "chats": {"sourceId": "cloud:chat:1", "ownerSourceId": "cloud:user:1"},
    "chat_messages": {"sourceId": "cloud:chat:message:1", "chatSourceId": "cloud:chat:1", "text": "hi"},
    "feed_posts": {"sourceId": "cloud:feed:post:1", "authorSourceId": "cloud:user:1", "message": "x"},
    "feed_comments": {"sourceId": "cloud:feed:comment:1", "postSourceId": "cloud:feed:post:1",
                      "authorSourceId": "cloud:user:1"},
    "feed_images": {"sourceId": "cloud:feed:image:1", "name": "a.png", "contentType": "image/png", "size": 1,
                    "sha256": "0" * 64, "contentB64": "AA=="},
    "tasks": {"sourceId": "cloud:task:1", "title": "T", "responsibleSourceId": "cloud:user:1"},
    "task_comments": {"sourceId": "cloud:task:comment:1", "taskSourceId": "cloud:task:1",
                      "authorSourceId": "cloud:user:1"},
    "crm_companies": {"sourceId": "cloud:crm:company:1", "title": "ACME"},
    "crm_contacts": {"sourceId": "cloud:crm:contact:1", "name": "Ann"},
    "crm_deals": {"sourceId": "cloud:crm:deal:1", "title": "Deal", "companySourceId": "cloud:crm:company:1"},
    "crm_sp_items": {"sourceId": "cloud:crm:sp:128:1", "entityTypeId": 128, "title": "Item"},
    "workflow_templates": {"sourceId": "cloud:workflow:tpl:1", "name": "BP",
                           "documentType": ["crm", "CCrmDocumentDeal", "DEAL"]},
}


@pytest.mark.parametrize("family", sorted(MODELS), ids=str)
def test_every_family_has_a_valid_minimal_item(family: str) -> None:
    item = MODELS[family].model_validate(MINIMAL[family]).with_checksum()
    assert len(item.checksum) == 64
    assert item.model_dump(mode="json")["sourceId"] == MINIMAL[family]["sourceId"]


@pytest.mark.parametrize("family", sorted(MODELS), ids=str)
def test_unknown_fields_are_refused(family: str) -> None:
    with pytest.raises(ValidationError):
        MODELS[family].model_validate({**MINIMAL[family], "notAField": 1})


@pytest.mark.parametrize(
    ("model", "source_id"),
    [(Chat, "cloud:chat:message:1"), (Task, "cloud:task:comment:3"), (User, "cloud:group:1"),
     (Deal, "cloud:crm:company:1"), (ChatMessage, "cloud:chat:1")],
    ids=["chat-vs-message", "task-vs-comment", "user-vs-group", "deal-vs-company", "message-vs-chat"],
)
def test_a_source_id_of_another_kind_is_refused(model: type[Any], source_id: str) -> None:
    family = next(f for f, m in MODELS.items() if m is model)
    with pytest.raises(ValidationError, match="kind"):
        model.model_validate({**MINIMAL[family], "sourceId": source_id})


def test_sp_item_type_must_match_its_source_id() -> None:
    with pytest.raises(ValidationError, match="cloud:crm:sp:130"):
        SpItem(sourceId="cloud:crm:sp:128:1", entityTypeId=130)
    assert SpItem(sourceId="cloud:crm:sp:130:1", entityTypeId=130).source_numeric_id == "1"


def test_checksum_changes_with_content_and_ignores_itself() -> None:
    a = Group.model_validate(MINIMAL["groups"]).with_checksum()
    same = Group.model_validate({**MINIMAL["groups"], "checksum": "stale"}).with_checksum()
    changed = Group.model_validate({**MINIMAL["groups"], "members": []}).with_checksum()
    assert a.checksum == same.checksum != changed.checksum


def test_media_sha256_must_be_hex() -> None:
    with pytest.raises(ValidationError):
        MediaFile.model_validate({**MINIMAL["feed_images"], "sha256": "xyz"})
