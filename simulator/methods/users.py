"""`user.*` methods: `user.get`, `user.search`, `user.current`, `user.fields`; target mode `user.add`, `user.update`.

`user.get` follows the server code the docs cite: sort only when both `SORT` and `ORDER` are given (else `ID ASC`),
`FILTER` or, when it is absent, the top-level keys as the filter, ORM paging with an exact offset, `start=-1` without
COUNT, and no `total` key at all when nothing matches.  Records keep the legacy shape: string ids, `ACTIVE` as a bool.
"""

from __future__ import annotations

from typing import Any

from simulator import errors
from simulator.filters import Term
from simulator.methods.common import legacy_fields, order_of, page_cost, project, terms_of
from simulator.params import as_list, php_intval, truthy, upper_keys
from simulator.registry import Call, Reply, method

USER_SCOPES = ("user", "user_basic", "user_brief")
# top-level keys of user.get that are parameters, not filter fields
_RESERVED = {"SORT", "ORDER", "FILTER", "SELECT", "START", "ADMIN_MODE", "IMAGE_RESIZE", "AUTH"}
_BRIEF_FIELDS = (
    "ID",
    "XML_ID",
    "ACTIVE",
    "NAME",
    "LAST_NAME",
    "SECOND_NAME",
    "TITLE",
    "IS_ONLINE",
    "PERSONAL_PHOTO",
    "PERSONAL_GENDER",
    "WORK_POSITION",
    "UF_DEPARTMENT",
    "USER_TYPE",
    "TIME_ZONE",
    "TIME_ZONE_OFFSET",
)

USER_FIELDS = {
    "ID": "ID",
    "XML_ID": "External ID",
    "ACTIVE": "Active",
    "NAME": "First name",
    "LAST_NAME": "Last name",
    "SECOND_NAME": "Second name",
    "TITLE": "Title",
    "EMAIL": "E-mail",
    "LAST_LOGIN": "Last login",
    "DATE_REGISTER": "Registration date",
    "TIME_ZONE": "Time zone",
    "IS_ONLINE": "Online",
    "TIME_ZONE_OFFSET": "Time zone offset",
    "TIMESTAMP_X": "Last change",
    "LAST_ACTIVITY_DATE": "Last activity date",
    "PERSONAL_GENDER": "Gender",
    "PERSONAL_PROFESSION": "Profession",
    "PERSONAL_WWW": "Web page",
    "PERSONAL_BIRTHDAY": "Date of birth",
    "PERSONAL_PHOTO": "Photo",
    "PERSONAL_ICQ": "ICQ",
    "PERSONAL_PHONE": "Phone",
    "PERSONAL_FAX": "Fax",
    "PERSONAL_MOBILE": "Mobile",
    "PERSONAL_PAGER": "Pager",
    "PERSONAL_STREET": "Street",
    "PERSONAL_CITY": "City",
    "PERSONAL_STATE": "Region",
    "PERSONAL_ZIP": "Zip",
    "PERSONAL_COUNTRY": "Country",
    "PERSONAL_MAILBOX": "Mailbox",
    "PERSONAL_NOTES": "Notes",
    "WORK_PHONE": "Work phone",
    "WORK_COMPANY": "Company",
    "WORK_POSITION": "Position",
    "WORK_DEPARTMENT": "Department",
    "WORK_WWW": "Company web site",
    "WORK_FAX": "Work fax",
    "WORK_PAGER": "Work pager",
    "WORK_STREET": "Work street",
    "WORK_MAILBOX": "Work mailbox",
    "WORK_CITY": "Work city",
    "WORK_STATE": "Work region",
    "WORK_ZIP": "Work zip",
    "WORK_COUNTRY": "Work country",
    "WORK_PROFILE": "Company profile",
    "WORK_LOGO": "Company logo",
    "WORK_NOTES": "Work notes",
    "UF_SKYPE_LINK": "Skype chat",
    "UF_ZOOM": "Zoom",
    "UF_EMPLOYMENT_DATE": "Employment date",
    "UF_TIMEMAN": "Time tracking",
    "UF_DEPARTMENT": "Units",
    "UF_INTERESTS": "Interests",
    "UF_SKILLS": "Skills",
    "UF_WEB_SITES": "Other web sites",
    "UF_XING": "Xing",
    "UF_LINKEDIN": "LinkedIn",
    "UF_FACEBOOK": "Facebook",
    "UF_TWITTER": "Twitter",
    "UF_SKYPE": "Skype",
    "UF_DISTRICT": "District",
    "UF_PHONE_INNER": "Extension number",
    "USER_TYPE": "User type",
}


def _scope_view(call: Call, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`user_brief` alone hides contact data, as the documentation's scope table says."""
    scopes = call.portal.scopes
    if "user" in scopes or "user_basic" in scopes:
        return rows
    return [{k: v for k, v in row.items() if k in _BRIEF_FIELDS} for row in rows]


def _user_list(call: Call, extra_terms: list[Term] | None = None) -> Reply:
    params = upper_keys(call.params)
    table = call.portal.table("users")
    order = []
    if params.get("SORT") not in (None, "") and params.get("ORDER") not in (None, ""):
        order = order_of({str(params["SORT"]): params["ORDER"]}, table)
    raw_filter = params.get("FILTER")
    if isinstance(raw_filter, dict | list):
        filter_map = raw_filter if isinstance(raw_filter, dict) else {}
    else:
        filter_map = {k: v for k, v in params.items() if k not in _RESERVED}
    terms = terms_of(filter_map, table)
    search = [t for t in terms if t.field.upper() in ("NAME_SEARCH", "FIND")]
    terms = [t for t in terms if t.field.upper() not in ("NAME_SEARCH", "FIND", "IS_ONLINE")]
    terms += extra_terms or []
    start = php_intval(params.get("START", 0))
    if search:
        needle = str(search[0].value).casefold()
        rows = [
            r
            for r in table
            if needle in f"{r.get('NAME', '')} {r.get('LAST_NAME', '')} {r.get('EMAIL', '')}".casefold()
        ]
        page = table.query(terms, order, start, rows=rows)
    else:
        page = table.query(terms, order, start)
    rows = _scope_view(call, project(page.rows, params.get("SELECT"), "ID"))
    if not page.rows:
        # the documented quirk (server code): an empty user.get result carries no `total` at all, counted or not
        return Reply(rows, None, None, page_cost(page))
    return Reply(rows, page.next, page.total, page_cost(page))


@method("user.get", scopes=USER_SCOPES, family="users")
def user_get(call: Call) -> Reply:
    return _user_list(call)


@method("user.search", scopes=USER_SCOPES, family="users")
def user_search(call: Call) -> Reply:
    return _user_list(call)


@method("user.current", scopes=USER_SCOPES)
def user_current(call: Call) -> Reply:
    user = call.portal.table("users").get(call.user_id)
    if user is None:
        raise errors.RestError("ERROR_CORE", "User not found", 400)
    return Reply(dict(user))


@method("user.fields", scopes=USER_SCOPES)
def user_fields(call: Call) -> Reply:
    return Reply(dict(USER_FIELDS))


def _email_key(row: dict[str, Any]) -> str:
    return str(row.get("EMAIL") or "").strip().casefold()


def _normalise_user(fields: dict[str, Any]) -> dict[str, Any]:
    """Values of a stored user in the shape user.get returns them."""
    row = legacy_fields(
        {str(k).upper(): v for k, v in fields.items() if str(k).upper() not in ("AUTH", "MESSAGE_TEXT")}
    )
    if "ACTIVE" in row:
        row["ACTIVE"] = truthy(row["ACTIVE"])
    if "UF_DEPARTMENT" in row:
        row["UF_DEPARTMENT"] = [php_intval(v) for v in as_list(row["UF_DEPARTMENT"])]
    return row


@method("user.add", scopes=("user",), write=True, admin=True, family="users")
def user_add(call: Call) -> Reply:
    table = call.portal.table("users")
    fields = _normalise_user(call.params)
    email = str(fields.get("EMAIL") or "").strip()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise errors.RestError("ERROR_ARGUMENT", "wrong_email", 400, argument="")
    if table.lookup("email", email.casefold(), _email_key):
        raise errors.RestError("ERROR_ARGUMENT", "User with this email already exists", 400, argument="")
    if not fields.get("UF_DEPARTMENT") and not truthy(fields.get("EXTRANET")):
        raise errors.RestError("ERROR_ARGUMENT", "no_extranet_field", 400, argument="")
    new_id = table.max_id() + 1
    now = call.portal.now_iso()
    row: dict[str, Any] = {"ID": str(new_id), "ACTIVE": True}
    row.update(fields)
    row["ID"] = str(new_id)
    row.setdefault("DATE_REGISTER", now)
    row.setdefault("USER_TYPE", "employee")
    table.insert(row)
    return Reply(new_id, cost_s=0.05)


@method("user.update", scopes=("user",), write=True, admin=True, family="users")
def user_update(call: Call) -> Reply:
    table = call.portal.table("users")
    fields = _normalise_user(call.params)
    row = table.get(fields.pop("ID", None))
    if row is None:
        raise errors.RestError("ERROR_CORE", "User not found", 400)
    row.update(fields)
    table.invalidate()
    return Reply(True, cost_s=0.03)
