"""Raw records of groups, tasks and CRM → canonical models: references, conversions and refusals."""

from __future__ import annotations

import pytest

from shared.transforms import TRANSFORMS, TransformError
from shared.transforms.work import MEMBERS_KEY

GROUP = {"ID": "3", "NAME": "Склад", "OWNER_ID": "181", "VISIBLE": "Y", "OPENED": "N", "PROJECT": "N",
         "CLOSED": "N", "DATE_CREATE": "2023-11-10T18:20:26+03:00",
         MEMBERS_KEY: [{"USER_ID": "181", "ROLE": "A"}, {"USER_ID": "7", "ROLE": "K"},
                       {"USER_ID": "9", "ROLE": "Z"}]}
TASK = {"ID": "12", "PARENT_ID": "0", "TITLE": "Отчёт", "RESPONSIBLE_ID": "146", "CREATED_BY": "15",
        "GROUP_ID": "3", "STATUS": "3", "PRIORITY": "2", "DEADLINE": "", "CREATED_DATE": "2023-09-07T01:17:55+03:00",
        "AUDITORS": ["4", "0"], "ACCOMPLICES": []}
DEAL = {"ID": "1", "TITLE": "Сделка", "STAGE_ID": "WON", "CATEGORY_ID": "0", "OPPORTUNITY": "2595566.41",
        "CURRENCY_ID": "RUB", "COMPANY_ID": "16", "CONTACT_ID": "0", "ASSIGNED_BY_ID": "161", "CLOSED": "Y",
        "BEGINDATE": "2023-08-29T08:27:34+03:00"}


def test_group_nests_members_and_drops_unknown_roles() -> None:
    group = TRANSFORMS["groups"](GROUP)
    assert group.model_dump()["ownerSourceId"] == "cloud:user:181"
    members = group.model_dump()["members"]
    assert members == [{"userSourceId": "cloud:user:181", "role": "A"}, {"userSourceId": "cloud:user:7", "role": "K"}]


def test_task_references_and_empty_dates() -> None:
    task = TRANSFORMS["tasks"](TASK).model_dump()
    assert task["sourceId"] == "cloud:task:12"
    assert task["responsibleSourceId"] == "cloud:user:146"
    assert task["groupSourceId"] == "cloud:group:3"
    assert task["parentSourceId"] is None
    assert task["auditorSourceIds"] == ["cloud:user:4"]
    assert task["deadline"] is None and task["createdDate"] == "2023-09-06T22:17:55Z"
    assert (task["status"], task["priority"]) == (3, 2)


def test_deal_without_contact_keeps_company() -> None:
    deal = TRANSFORMS["crm_deals"](DEAL).model_dump()
    assert deal["sourceId"] == "cloud:crm:deal:1"
    assert deal["companySourceId"] == "cloud:crm:company:16"
    assert deal["contactSourceIds"] == []
    assert deal["opportunity"] == pytest.approx(2595566.41)
    assert deal["closed"] is True


def test_contact_and_company_multifields() -> None:
    contact = TRANSFORMS["crm_contacts"]({"ID": "5", "NAME": "Анна", "COMPANY_ID": "2",
                                          "PHONE": [{"VALUE": "+7 900", "VALUE_TYPE": "WORK"}],
                                          "EMAIL": [{"VALUE": "a@x.ru"}]}).model_dump()
    assert contact["phones"] == ["+7 900"] and contact["emails"] == ["a@x.ru"]
    assert contact["companySourceId"] == "cloud:crm:company:2"
    company = TRANSFORMS["crm_companies"]({"ID": "2", "TITLE": "ООО Ромашка"}).model_dump()
    assert company["title"] == "ООО Ромашка" and company["phones"] == []


@pytest.mark.parametrize(
    ("family", "raw", "reason"),
    [("tasks", {**TASK, "TITLE": ""}, "title"), ("crm_companies", {"ID": "2", "TITLE": ""}, "title"),
     ("groups", {**GROUP, "ID": "0"}, "no numeric ID"), ("crm_deals", {**DEAL, "OPPORTUNITY": "abc"}, "invalid")],
    ids=["task-title", "company-title", "group-id", "deal-money"],
)
def test_refusals_name_the_record(family: str, raw: dict[str, object], reason: str) -> None:
    with pytest.raises(TransformError) as info:
        TRANSFORMS[family](raw)
    assert reason in info.value.reason
    assert info.value.source_id.startswith("cloud:")


def test_post_links_own_attachments_and_is_sanitised() -> None:
    post = TRANSFORMS["feed_posts"]({
        "ID": "4", "AUTHOR_ID": "9", "TITLE": "t", "FILES": ["11"],
        "DETAIL_TEXT": "see [DISK FILE ID=11] and [DISK FILE ID=99] <script>x()</script>[DISK FILE ID=n5]",
    }).model_dump()
    assert post["message"] == "see [DISK FILE ID=cloud:feed:image:11] and [DISK FILE ID=99] [DISK FILE ID=n5]"
    assert post["mediaSourceIds"] == ["cloud:feed:image:11"]


def test_task_description_is_sanitised() -> None:
    task = TRANSFORMS["tasks"]({**TASK, "DESCRIPTION": "<b>ok</b><img src=x onerror=alert(1)>"}).model_dump()
    assert task["description"] == '<b>ok</b><img src="x">'
