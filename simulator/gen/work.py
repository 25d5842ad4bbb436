"""Generated tasks with comments, CRM companies, contacts, deals, smart-process items and business-process templates.

Tasks belong to groups and users; about one task in ten uses the new task card, whose comments live in a task chat
(`im.dialog.messages.get`) instead of `task.commentitem.getlist`.  Deals link to companies and contacts, contacts to
companies; smart-process items link to companies.  Legacy CRM records use string values, smart-process items typed
camelCase values, as the two APIs return them.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from simulator.gen import texts
from simulator.gen.profiles import Profile
from simulator.gen.social import chat, messages

Row = dict[str, Any]


def tasks(
    rng: random.Random,
    profile: Profile,
    users: list[Row],
    group_ids: list[int],
    offset_s: int,
    first_chat: int,
    first_message: int,
) -> tuple[list[Row], list[Row], list[Row], list[Row]]:
    """Task rows, legacy comment rows, and the chats and messages of new-card tasks."""
    user_ids = [int(u["ID"]) for u in users]
    names = {int(u["ID"]): (f"{u.get('NAME', '')} {u.get('LAST_NAME', '')}".strip(), u.get("EMAIL", "")) for u in users}
    task_rows: list[Row] = []
    comment_rows: list[Row] = []
    chat_rows: list[Row] = []
    message_rows: list[Row] = []
    comment_id = 1
    chat_id, message_id = first_chat, first_message
    for task_id in range(1, profile.tasks + 1):
        created = texts.moment(rng, days=700)
        changed = created + timedelta(seconds=rng.randint(0, 86400 * 60))
        creator, responsible = rng.choice(user_ids), rng.choice(user_ids)
        status = rng.choice(("2", "2", "3", "5", "5", "5"))
        russian = rng.random() < 0.6
        new_card = rng.random() < 0.1
        task_chat = 0
        count = int(rng.random() * profile.comments_per_task * 2)
        if new_card:
            task_chat = chat_id
            people = sorted({user_ids[0], creator, responsible})
            row = chat(chat_id, f"Задача #{task_id}", creator, people, created, offset_s, "TASKS_TASK", str(task_id))
            chat_rows.append(row)
            message_rows += messages(rng, row, count + 1, message_id, offset_s)
            chat_id += 1
            message_id += count + 1
        task_rows.append(
            {
                "ID": str(task_id),
                "PARENT_ID": "0",
                "TITLE": texts.sentence(rng, rng.randint(2, 6), russian).rstrip("."),
                "DESCRIPTION": texts.sentence(rng, rng.randint(5, 30), russian),
                "DESCRIPTION_IN_BBCODE": "Y",
                "PRIORITY": rng.choice(("0", "1", "1", "2")),
                "STATUS": status,
                "REAL_STATUS": status,
                "RESPONSIBLE_ID": str(responsible),
                "CREATED_BY": str(creator),
                "CREATED_DATE": texts.iso(created, offset_s),
                "CHANGED_BY": str(creator),
                "CHANGED_DATE": texts.iso(changed, offset_s),
                "CLOSED_DATE": texts.iso(changed, offset_s) if status == "5" else "",
                "DEADLINE": texts.iso(created + timedelta(days=rng.randint(1, 60)), offset_s)
                if rng.random() < 0.6
                else "",
                "GROUP_ID": str(rng.choice(group_ids)) if group_ids and rng.random() < 0.5 else "0",
                "ACCOMPLICES": [str(u) for u in rng.sample(user_ids, k=rng.randint(0, 2))],
                "AUDITORS": [str(u) for u in rng.sample(user_ids, k=rng.randint(0, 2))],
                "UF_CRM_TASK": [],
                "UF_TASK_WEBDAV_FILES": [],
                "CHAT_ID": str(task_chat),
            }
        )
        if new_card:
            continue
        when = created
        for _ in range(count):
            when = when + timedelta(seconds=rng.randint(60, 86400 * 2))
            author = rng.choice(user_ids)
            text = texts.sentence(rng, rng.randint(3, 15), russian)
            comment_rows.append(
                {
                    "ID": str(comment_id),
                    "TASK_ID": str(task_id),
                    "AUTHOR_ID": str(author),
                    "AUTHOR_NAME": names[author][0],
                    "AUTHOR_EMAIL": names[author][1],
                    "POST_DATE": texts.iso(when, offset_s),
                    "POST_MESSAGE": text,
                    "POST_MESSAGE_HTML": text,
                    "ATTACHED_OBJECTS": [],
                }
            )
            comment_id += 1
    return task_rows, comment_rows, chat_rows, message_rows


def _crm_common(rng: random.Random, row_id: int, user_ids: list[int], offset_s: int) -> Row:
    created = texts.moment(rng, days=700)
    modified = created + timedelta(seconds=rng.randint(0, 86400 * 90))
    who = str(rng.choice(user_ids))
    return {
        "ID": str(row_id),
        "ASSIGNED_BY_ID": who,
        "CREATED_BY_ID": who,
        "MODIFY_BY_ID": str(rng.choice(user_ids)),
        "DATE_CREATE": texts.iso(created, offset_s),
        "DATE_MODIFY": texts.iso(modified, offset_s),
        "OPENED": "Y",
        "ORIGINATOR_ID": None,
        "ORIGIN_ID": None,
        "COMMENTS": texts.sentence(rng, rng.randint(0, 12)) if rng.random() < 0.5 else "",
        "SOURCE_ID": rng.choice(("CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER")),
    }


def _multi(rng: random.Random, counter: list[int], name: str) -> dict[str, list[Row]]:
    """PHONE and EMAIL multi-fields as `crm.*.get` returns them."""
    counter[0] += 2
    phone = f"+7 {rng.randint(900, 999)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    return {
        "PHONE": [{"ID": str(counter[0] - 1), "VALUE_TYPE": "WORK", "VALUE": phone, "TYPE_ID": "PHONE"}],
        "EMAIL": [{"ID": str(counter[0]), "VALUE_TYPE": "WORK", "VALUE": f"{name}@example.org", "TYPE_ID": "EMAIL"}],
    }


def crm(rng: random.Random, profile: Profile, user_ids: list[int], offset_s: int) -> dict[str, list[Row]]:
    multi_ids = [0]
    companies: list[Row] = []
    for company_id in range(1, profile.companies + 1):
        row = _crm_common(rng, company_id, user_ids, offset_s)
        row.update(
            {
                "TITLE": texts.company_name(rng),
                "COMPANY_TYPE": rng.choice(("CUSTOMER", "PARTNER", "SUPPLIER", "COMPETITOR")),
                "INDUSTRY": rng.choice(("IT", "MANUFACTURING", "BANKING", "CONSULTING", "OTHER")),
                "EMPLOYEES": rng.choice(("EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3")),
                "CURRENCY_ID": "RUB",
                "REVENUE": f"{rng.randint(0, 10_000_000)}.00",
                "HAS_PHONE": "Y",
                "HAS_EMAIL": "Y",
                "UF_CRM_INN": str(rng.randint(10**9, 10**10 - 1)),
            }
        )
        row.update(_multi(rng, multi_ids, f"office{company_id}"))
        companies.append(row)
    contacts: list[Row] = []
    for contact_id in range(1, profile.contacts + 1):
        who = texts.person(rng)
        row = _crm_common(rng, contact_id, user_ids, offset_s)
        row.update(
            {
                "NAME": who["NAME"],
                "LAST_NAME": who["LAST_NAME"],
                "SECOND_NAME": who["SECOND_NAME"],
                "POST": who["WORK_POSITION"],
                "TYPE_ID": rng.choice(("CLIENT", "SUPPLIER", "PARTNER")),
                "COMPANY_ID": str(rng.randint(1, profile.companies))
                if profile.companies and rng.random() < 0.8
                else "0",
                "HAS_PHONE": "Y",
                "HAS_EMAIL": "Y",
                "UF_CRM_BIRTHDAY": "",
            }
        )
        row.update(_multi(rng, multi_ids, texts.translit(f"{who['NAME']}.{who['LAST_NAME']}.{contact_id}")))
        contacts.append(row)
    deals: list[Row] = []
    for deal_id in range(1, profile.deals + 1):
        row = _crm_common(rng, deal_id, user_ids, offset_s)
        stage = rng.choice(("NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "WON", "LOSE"))
        row.update(
            {
                "TITLE": f"Сделка #{deal_id}: {texts.sentence(rng, 2).rstrip('.')}",
                "TYPE_ID": rng.choice(("SALE", "COMPLEX", "SERVICE")),
                "STAGE_ID": stage,
                "CATEGORY_ID": "0",
                "CURRENCY_ID": "RUB",
                "OPPORTUNITY": f"{rng.randint(1000, 5_000_000)}.{rng.randint(0, 99):02d}",
                "COMPANY_ID": str(rng.randint(1, profile.companies)) if profile.companies else "0",
                "CONTACT_ID": str(rng.randint(1, profile.contacts)) if profile.contacts and rng.random() < 0.9 else "0",
                "BEGINDATE": row["DATE_CREATE"],
                "CLOSEDATE": row["DATE_MODIFY"],
                "CLOSED": "Y" if stage in ("WON", "LOSE") else "N",
                "UF_CRM_CONTRACT": f"Д-{deal_id:05d}",
            }
        )
        deals.append(row)
    return {"crm_companies": companies, "crm_contacts": contacts, "crm_deals": deals}


def smart_processes(
    rng: random.Random, profile: Profile, user_ids: list[int], offset_s: int
) -> tuple[list[Row], list[Row]]:
    types: list[Row] = []
    items: list[Row] = []
    item_id = 1
    for index in range(profile.sp_types):
        entity_type_id = 128 + 2 * index
        created = texts.iso(texts.moment(rng, days=100), offset_s)
        types.append(
            {
                "id": index + 1,
                "title": ("Заявки", "Проекты", "Договоры", "Поставки")[index % 4],
                "code": "",
                "createdBy": user_ids[0],
                "entityTypeId": entity_type_id,
                "customSectionId": None,
                "isCategoriesEnabled": "N",
                "isStagesEnabled": "Y",
                "isBeginCloseDatesEnabled": "Y",
                "isClientEnabled": "Y",
                "isUseInUserfieldEnabled": "N",
                "isLinkWithProductsEnabled": "N",
                "isMycompanyEnabled": "N",
                "isDocumentsEnabled": "N",
                "isSourceEnabled": "N",
                "isObserversEnabled": "Y",
                "isRecyclebinEnabled": "Y",
                "isAutomationEnabled": "Y",
                "isBizProcEnabled": "Y",
                "isSetOpenPermissions": "Y",
                "isPaymentsEnabled": "N",
                "isCountersEnabled": "N",
                "createdTime": created,
                "updatedTime": created,
                "updatedBy": user_ids[0],
            }
        )
        for _ in range(profile.sp_items_per_type):
            made = texts.moment(rng, days=600)
            updated = made + timedelta(seconds=rng.randint(0, 86400 * 30))
            who = rng.choice(user_ids)
            items.append(
                {
                    "id": item_id,
                    "xmlId": "",
                    "title": texts.sentence(rng, 3).rstrip("."),
                    "createdBy": who,
                    "updatedBy": who,
                    "movedBy": who,
                    "createdTime": texts.iso(made, offset_s),
                    "updatedTime": texts.iso(updated, offset_s),
                    "movedTime": texts.iso(updated, offset_s),
                    "categoryId": 0,
                    "opened": "Y",
                    "stageId": f"DT{entity_type_id}_{index + 1}:NEW",
                    "previousStageId": "",
                    "begindate": texts.iso(made, offset_s),
                    "closedate": None,
                    "companyId": rng.randint(1, profile.companies) if profile.companies else 0,
                    "contactId": None,
                    "opportunity": round(rng.random() * 100000, 2),
                    "isManualOpportunity": "N",
                    "taxValue": 0,
                    "currencyId": "RUB",
                    "mycompanyId": 0,
                    "sourceId": "",
                    "sourceDescription": "",
                    "assignedById": who,
                    "lastActivityBy": who,
                    "lastActivityTime": texts.iso(updated, offset_s),
                    f"ufCrm{index + 1}_Comment": texts.sentence(rng, 5),
                    "entityTypeId": entity_type_id,
                }
            )
            item_id += 1
    return types, items


def templates(rng: random.Random, profile: Profile, admin: int, offset_s: int) -> list[Row]:
    documents = (
        ("crm", "CCrmDocumentDeal", "DEAL"),
        ("crm", "CCrmDocumentCompany", "COMPANY"),
        ("lists", "BizprocDocument", "iblock_1"),
        ("disk", "Bitrix\\Disk\\BizProcDocument", "STORAGE_1"),
    )
    rows: list[Row] = []
    for template_id in range(1, profile.templates + 1):
        module, entity, kind = rng.choice(documents)
        rows.append(
            {
                "ID": str(template_id),
                "MODULE_ID": module,
                "ENTITY": entity,
                "DOCUMENT_TYPE": [module, entity, kind],
                "AUTO_EXECUTE": rng.choice(("0", "1", "2", "3")),
                "NAME": f"Согласование {template_id}" if rng.random() < 0.6 else f"Approval {template_id}",
                "TEMPLATE": [
                    {
                        "Type": "SequentialWorkflowActivity",
                        "Name": "Template",
                        "Properties": {"Title": "Start"},
                        "Children": [{"Type": "SetFieldActivity", "Name": f"A{template_id}_1", "Properties": {}}],
                    }
                ],
                "PARAMETERS": [],
                "VARIABLES": [],
                "CONSTANTS": [],
                "MODIFIED": texts.iso(texts.moment(rng, days=700), offset_s),
                "IS_MODIFIED": "N",
                "USER_ID": str(admin),
                "SYSTEM_CODE": "",
            }
        )
    return rows
