"""Target mode: every write method the gateway uses stores what it received and reads it back through read methods."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp

W = "/rest/1/simcode"


async def call(client: Any, method_name: str, **params: Any) -> Any:
    response = await client.post(f"{W}/{method_name}", json=params)
    body = await response.json()
    assert response.status == 200, body
    return body["result"]


async def test_every_write_method_round_trips(sim: Any) -> None:
    client = await sim(mode="target")
    user = await call(client, "user.add", EMAIL="a@example.ru", NAME="Анна", XML_ID="cloud:user:5", UF_DEPARTMENT=[1])
    group = await call(client, "sonet_group.create", NAME="Проект", XML_ID="cloud:group:3", OWNER_ID=user)
    assert await call(client, "sonet_group.user.add", GROUP_ID=group, USER_ID=[1, 7]) is True
    chat = await call(client, "im.chat.add", TITLE="Обсуждение", USERS=[user], XML_ID="cloud:chat:9")
    message = await call(client, "im.message.add", DIALOG_ID=f"chat{chat}", MESSAGE="[B]Привет[/B]", XML_ID="m1")
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nrest").decode()
    uploaded = await call(client, "disk.folder.uploadfile", id=1, data={"NAME": "a.png"}, fileContent=["a.png", png])
    post = await call(client, "log.blogpost.add", POST_MESSAGE="Текст", FILES=[f"n{uploaded['ID']}"], XML_ID="p1")
    comment = await call(client, "log.blogcomment.add", POST_ID=post, TEXT="Коммент")
    task = await call(client, "task.item.add", TASKDATA={"TITLE": "Задача", "RESPONSIBLE_ID": user, "XML_ID": "t1"})
    task_comment = await call(client, "task.commentitem.add", TASKID=task, FIELDS={"POST_MESSAGE": "ok"})
    company = await call(
        client, "crm.company.add", fields={"TITLE": "ООО", "ORIGIN_ID": "cloud:crm:company:1", "ORIGINATOR_ID": "cloud"}
    )
    contact = await call(client, "crm.contact.add", fields={"NAME": "Иван", "COMPANY_ID": company})
    deal = await call(client, "crm.deal.add", fields={"TITLE": "Сделка", "COMPANY_ID": company, "CONTACT_ID": contact})
    sp_type = await call(client, "crm.type.add", fields={"title": "Заявки", "entityTypeId": 128})
    item = await call(client, "crm.item.add", entityTypeId=sp_type["type"]["entityTypeId"], fields={"title": "x"})
    template = await call(
        client,
        "bizproc.workflow.template.add",
        NAME="Согласование",
        DOCUMENT_TYPE=["crm", "CCrmDocumentDeal", "DEAL"],
        TEMPLATE_DATA="...",
    )
    assert all(
        isinstance(v, int)
        for v in (user, group, chat, message, post, comment, task, task_comment, company, contact, deal, template)
    )
    assert item["item"]["entityTypeId"] == 128
    counts = await (await client.get("/_sim/counts")).json()
    assert counts == {
        "users": 1,
        "groups": 1,
        "group_members": 2,
        "chats": 1,
        "chat_messages": 1,
        "feed_posts": 1,
        "feed_comments": 1,
        "feed_images": 1,
        "tasks": 1,
        "task_comments": 1,
        "crm_companies": 1,
        "crm_contacts": 1,
        "crm_deals": 1,
        "crm_sp_items": 1,
        "workflow_templates": 1,
    }
    groups = await call(client, "sonet_group.get", FILTER={"XML_ID": "cloud:group:3"}, IS_ADMIN="Y")
    assert groups[0]["OWNER_ID"] == str(user)
    history = await call(client, "im.dialog.messages.get", DIALOG_ID=f"chat{chat}")
    assert history["messages"][0]["text"] == "[B]Привет[/B]"
    posts = await call(client, "log.blogpost.get")
    # FILES are attachment ids, not disk file ids, as on the real portal
    assert len(posts[0]["FILES"]) == 1 and posts[0]["XML_ID"] == "p1"
    attached = await call(client, "disk.attachedObject.get", id=posts[0]["FILES"][0])
    assert attached["OBJECT_ID"] == uploaded["ID"] and attached["ENTITY_ID"] == str(post)
    async with aiohttp.ClientSession() as session, session.get(attached["DOWNLOAD_URL"]) as response:
        assert await response.read() == b"\x89PNG\r\n\x1a\nrest"
    companies = await call(client, "crm.company.list", filter={"ORIGIN_ID": "cloud:crm:company:1"})
    assert companies[0]["ORIGINATOR_ID"] == "cloud"
    deals = await call(client, "crm.item.list", entityTypeId=2)
    assert deals["items"][0]["companyId"] == company
    tasks = await call(client, "task.item.list", ORDER={"ID": "ASC"}, FILTER={"XML_ID": "t1"})
    assert tasks[0]["RESPONSIBLE_ID"] == str(user)
    audit = await (await client.get("/_sim/audit")).json()
    assert len(audit["writes"]) == 16 and all(w["accepted"] for w in audit["writes"])
    assert (await (await client.get("/_sim/stats")).json())["writes"] == 16
