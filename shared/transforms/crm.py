"""CRM records (``crm.company/contact/deal.list`` with ``select: ["*", "UF_*"]``) → canonical CRM models."""

from __future__ import annotations

from typing import Any

from shared.models.crm import Company, Contact, Deal
from shared.transforms.guard import build, record_source_id
from shared.transforms.refs import multifield, ref, refs
from shared.transforms.values import to_bool, to_int, to_str, to_utc_iso


def _money(value: Any) -> float | None:
    text = to_str(value)
    return float(text) if text else None


def company_from_raw(raw: dict[str, Any]) -> Company:
    """One ``crm.company.list`` item."""
    sid = record_source_id("crm:company", raw)
    return build(sid, lambda: Company(
        sourceId=sid, title=to_str(raw.get("TITLE")), companyType=to_str(raw.get("COMPANY_TYPE")),
        industry=to_str(raw.get("INDUSTRY")), phones=multifield(raw.get("PHONE")),
        emails=multifield(raw.get("EMAIL")), comments=to_str(raw.get("COMMENTS")),
        assignedSourceId=ref("user", raw.get("ASSIGNED_BY_ID")), dateCreate=to_utc_iso(raw.get("DATE_CREATE")),
    ))


def contact_from_raw(raw: dict[str, Any]) -> Contact:
    """One ``crm.contact.list`` item."""
    sid = record_source_id("crm:contact", raw)
    return build(sid, lambda: Contact(
        sourceId=sid, name=to_str(raw.get("NAME")), lastName=to_str(raw.get("LAST_NAME")),
        secondName=to_str(raw.get("SECOND_NAME")), post=to_str(raw.get("POST")),
        phones=multifield(raw.get("PHONE")), emails=multifield(raw.get("EMAIL")),
        comments=to_str(raw.get("COMMENTS")), companySourceId=ref("crm:company", raw.get("COMPANY_ID")),
        assignedSourceId=ref("user", raw.get("ASSIGNED_BY_ID")), dateCreate=to_utc_iso(raw.get("DATE_CREATE")),
    ))


def deal_from_raw(raw: dict[str, Any]) -> Deal:
    """One ``crm.deal.list`` item; ``CONTACT_ID`` 0 means no contact."""
    sid = record_source_id("crm:deal", raw)
    contacts = refs("crm:contact", raw.get("CONTACT_IDS") or raw.get("CONTACT_ID"))
    return build(sid, lambda: Deal(
        sourceId=sid, title=to_str(raw.get("TITLE")), stageId=to_str(raw.get("STAGE_ID")),
        categoryId=to_int(raw.get("CATEGORY_ID")), opportunity=_money(raw.get("OPPORTUNITY")),
        currencyId=to_str(raw.get("CURRENCY_ID")), companySourceId=ref("crm:company", raw.get("COMPANY_ID")),
        contactSourceIds=contacts, assignedSourceId=ref("user", raw.get("ASSIGNED_BY_ID")),
        beginDate=to_utc_iso(raw.get("BEGINDATE")), closeDate=to_utc_iso(raw.get("CLOSEDATE")),
        closed=to_bool(raw.get("CLOSED")), comments=to_str(raw.get("COMMENTS")),
        dateCreate=to_utc_iso(raw.get("DATE_CREATE")),
    ))
