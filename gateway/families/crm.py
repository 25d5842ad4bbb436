"""CRM: companies, contacts, deals (``crm.<type>.add``/``update``, ``ORIGINATOR_ID`` + ``ORIGIN_ID`` = sourceId)
and smart-process items (``crm.item.add``/``update`` with ``xmlId`` = sourceId).

Phones and e-mails are written on create only: an update of a multi-field adds values in Bitrix24 instead of
replacing them, so a changed phone list would duplicate entries (docs/limitations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer, mapped, mapped_list, matching_id, ref_list, ref_opt, yn
from shared.models.base import CanonicalModel
from shared.models.crm import Company, Contact, Deal, SpItem

ORIGINATOR = "b24migrate"
"""``ORIGINATOR_ID`` of every CRM record the gateway creates."""


def _multi(values: list[str]) -> list[dict[str, str]]:
    return [{"VALUE": v, "VALUE_TYPE": "WORK"} for v in values]


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


@dataclass(frozen=True)
class _ClassicCrmWriter(Writer):
    """Shared shape of ``crm.company``/``crm.contact``/``crm.deal``."""

    ENTITY: ClassVar[str] = ""

    def fields(self, item: Any, refs: dict[str, str]) -> dict[str, Any]:
        """Entity-specific fields (without origin and multi-fields)."""
        raise NotImplementedError

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``crm.<entity>.add`` with origin ids and multi-fields."""
        fields = {**self.fields(item, refs), "ORIGINATOR_ID": ORIGINATOR, "ORIGIN_ID": item.sourceId}
        if getattr(item, "phones", None):
            fields["PHONE"] = _multi(item.phones)
        if getattr(item, "emails", None):
            fields["EMAIL"] = _multi(item.emails)
        return f"crm.{self.ENTITY}.add", {"fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}}

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``crm.<entity>.update`` of the plain fields."""
        return f"crm.{self.ENTITY}.update", {
            "id": int(target_id),
            "fields": self.fields(item, refs),
            "params": {"REGISTER_SONET_EVENT": "N"},
        }

    def find(self, item: Any) -> Call | None:
        """``crm.<entity>.list`` by originator and origin id."""
        return f"crm.{self.ENTITY}.list", {
            "filter": {"ORIGINATOR_ID": ORIGINATOR, "ORIGIN_ID": item.sourceId},
            "select": ["ID", "ORIGIN_ID"],
        }

    def found_id(self, result: Any, item: Any) -> str | None:
        """The row whose ``ORIGIN_ID`` is the sourceId."""
        return matching_id(result, "ORIGIN_ID", item.sourceId)


@dataclass(frozen=True)
class CompanyWriter(_ClassicCrmWriter):
    """``crm.company.*``."""

    MODEL: ClassVar[type[CanonicalModel]] = Company
    ENTITY: ClassVar[str] = "company"

    def references(self, item: Any) -> dict[str, str]:
        """The responsible user."""
        return ref_opt("assignedSourceId", item.assignedSourceId)

    def fields(self, item: Any, refs: dict[str, str]) -> dict[str, Any]:
        """Company fields."""
        return _clean({
            "TITLE": item.title,
            "COMPANY_TYPE": item.companyType or None,
            "INDUSTRY": item.industry or None,
            "COMMENTS": item.comments,
            "ASSIGNED_BY_ID": mapped(refs, item.assignedSourceId),
        })


@dataclass(frozen=True)
class ContactWriter(_ClassicCrmWriter):
    """``crm.contact.*``; the company is optional but, when given, must be imported."""

    MODEL: ClassVar[type[CanonicalModel]] = Contact
    ENTITY: ClassVar[str] = "contact"

    def references(self, item: Any) -> dict[str, str]:
        """Company and responsible user."""
        return {**ref_opt("companySourceId", item.companySourceId),
                **ref_opt("assignedSourceId", item.assignedSourceId)}

    def fields(self, item: Any, refs: dict[str, str]) -> dict[str, Any]:
        """Contact fields."""
        return _clean({
            "NAME": item.name,
            "LAST_NAME": item.lastName,
            "SECOND_NAME": item.secondName,
            "POST": item.post,
            "COMMENTS": item.comments,
            "COMPANY_ID": mapped(refs, item.companySourceId),
            "ASSIGNED_BY_ID": mapped(refs, item.assignedSourceId),
        })


@dataclass(frozen=True)
class DealWriter(_ClassicCrmWriter):
    """``crm.deal.*``; company and contacts must be imported (the plan's FK checks)."""

    MODEL: ClassVar[type[CanonicalModel]] = Deal
    ENTITY: ClassVar[str] = "deal"

    def references(self, item: Any) -> dict[str, str]:
        """Company, contacts and responsible user."""
        return {**ref_opt("companySourceId", item.companySourceId),
                **ref_list("contactSourceIds", item.contactSourceIds),
                **ref_opt("assignedSourceId", item.assignedSourceId)}

    def fields(self, item: Any, refs: dict[str, str]) -> dict[str, Any]:
        """Deal fields."""
        return _clean({
            "TITLE": item.title,
            "STAGE_ID": item.stageId or None,
            "CATEGORY_ID": item.categoryId,
            "OPPORTUNITY": item.opportunity,
            "CURRENCY_ID": item.currencyId or None,
            "COMPANY_ID": mapped(refs, item.companySourceId),
            "CONTACT_IDS": mapped_list(refs, item.contactSourceIds),
            "ASSIGNED_BY_ID": mapped(refs, item.assignedSourceId),
            "BEGINDATE": item.beginDate,
            "CLOSEDATE": item.closeDate,
            "CLOSED": yn(item.closed),
            "COMMENTS": item.comments,
        })


@dataclass(frozen=True)
class SpItemWriter(Writer):
    """``crm.item.*`` for smart processes, by ``entityTypeId``."""

    MODEL: ClassVar[type[CanonicalModel]] = SpItem

    def references(self, item: Any) -> dict[str, str]:
        """Company, contacts and responsible user."""
        return {**ref_opt("companySourceId", item.companySourceId),
                **ref_list("contactSourceIds", item.contactSourceIds),
                **ref_opt("assignedSourceId", item.assignedSourceId)}

    def _fields(self, item: Any, refs: dict[str, str]) -> dict[str, Any]:
        return _clean({
            **item.fields,
            "title": item.title,
            "stageId": item.stageId or None,
            "categoryId": item.categoryId,
            "opportunity": item.opportunity,
            "currencyId": item.currencyId or None,
            "companyId": mapped(refs, item.companySourceId),
            "contactIds": mapped_list(refs, item.contactSourceIds),
            "assignedById": mapped(refs, item.assignedSourceId),
            "begindate": item.begindate,
            "closedate": item.closedate,
            "xmlId": item.sourceId,
        })

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``crm.item.add``."""
        return "crm.item.add", {"entityTypeId": item.entityTypeId, "fields": self._fields(item, refs)}

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``crm.item.update``."""
        return "crm.item.update", {"entityTypeId": item.entityTypeId, "id": int(target_id),
                                   "fields": self._fields(item, refs)}

    def find(self, item: Any) -> Call | None:
        """``crm.item.list`` filtered by ``xmlId``."""
        return "crm.item.list", {"entityTypeId": item.entityTypeId, "filter": {"xmlId": item.sourceId},
                                 "select": ["id", "xmlId"]}

    def found_id(self, result: Any, item: Any) -> str | None:
        """``{"items": [{"id": n, "xmlId": …}]}``."""
        return matching_id(result, "xmlId", item.sourceId)
