"""The operator documents stay true to the code: methods, settings, secret names, roles, commands, no secrets.

docs/methods.md must name a real, allow-listed method for every method the families call and for every plan method
that does not exist; docs/runbook.md must cover the CLI commands, the Key Vault secret names and the plan's
troubleshooting rows; docs/security.md must list the roles rbac.bicep grants.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bicep_secret_scan import secret_hits
from bicep_tree import ROOT

from shared.bitrix24.readonly import READ_METHODS
from shared.families import HELPERS, REGISTRY

DOCS = ROOT / "docs"
MISSING_IN_BITRIX = {
    "log.blogpost.getcomments": "log.blogcomment.user.get",
    "task.item.get": "task.item.getdata",
    "im.chat.message.list": "im.dialog.messages.get",
}


def read(name: str) -> str:
    """A document's text."""
    return (DOCS / name).read_text(encoding="utf-8")


def table_rows(text: str, heading: str) -> list[list[str]]:
    """Cells of the markdown table that follows a heading (header and separator rows dropped)."""
    section = text.split(heading, 1)[1]
    rows: list[list[str]] = []
    started = False
    for line in section.splitlines():
        if line.startswith("|"):
            started = True
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif started:
            break
    return rows[2:]


def called_methods(text: str) -> set[str]:
    """Backticked method names in the 'Method the migrator calls' column of methods.md §1."""
    rows = table_rows(text, "## 1. The plan's §5 rows")
    names: set[str] = set()
    for row in rows:
        names.update(re.findall(r"`([a-zA-Z_]+(?:\.[a-zA-Z_]+)+)`", row[4]))
    return names


def test_methods_doc_maps_every_missing_plan_method_to_the_real_one() -> None:
    rows = table_rows(read("methods.md"), "## 1. The plan's §5 rows")
    by_plan = {re.sub(r"[`*]| \(.*\)", "", row[2]).strip(): row for row in rows}
    for missing, real in MISSING_IN_BITRIX.items():
        row = by_plan[missing]
        assert "no" in row[3].lower(), f"{missing} must be marked as not existing"
        assert f"`{real}`" in row[4], f"{missing} must point at {real}"


def test_every_called_method_is_on_the_read_only_allow_list() -> None:
    called = called_methods(read("methods.md"))
    assert called, "no called methods found in docs/methods.md §1"
    refused = {m for m in called if m.lower() not in READ_METHODS}
    assert not refused, f"docs/methods.md claims calls the read-only client refuses: {sorted(refused)}"
    assert not set(MISSING_IN_BITRIX) & called


def test_every_family_method_is_documented() -> None:
    text = read("methods.md")
    for spec in (*REGISTRY, *HELPERS):
        for method in spec.methods:
            assert f"`{method}`" in text, f"{spec.name}: {method} is missing from docs/methods.md"


def test_methods_doc_lists_every_gateway_method() -> None:
    text = read("methods.md")
    contracts = ("import.users.batch import.groups.batch import.chats.batch import.chat.messages import.feed.posts "
                 "import.feed.comments import.media.upload import.tasks.batch import.task.comments "
                 "import.crm.companies import.crm.contacts import.crm.deals import.crm.spitems import.workflows.tpls")
    for method in contracts.split():
        assert f"`{method}`" in text


def test_runbook_covers_commands_secrets_and_troubleshooting() -> None:
    text = read("runbook.md")
    for command in ("start", "watch", "status", "terminate", "rewind", "validate"):
        assert re.search(rf"b24migrate {command}\b", text), f"runbook lacks b24migrate {command}"
    for step in ("azd provision", "azd deploy", "azd env new", "--test-limit", "DELTA_SCHEDULE"):
        assert step in text
    for secret in ("b24-source-webhook-url", "b24-gateway-url", "b24-target-read-webhook-url"):
        assert secret in text
    trouble = "\n".join(" ".join(r) for r in table_rows(text, "## 9. Troubleshooting"))
    for symptom in ("403", "409", "QUERY_LIMIT_EXCEEDED", "Dead letters"):
        assert symptom in trouble, f"troubleshooting table lacks {symptom}"
    for scope in ("user", "sonet_group", "im", "log", "disk", "task", "crm", "bizproc"):
        assert re.search(rf"^\| `{scope}` \|", text, re.MULTILINE), f"runbook scope table lacks {scope}"


def test_runbook_phases_match_the_function_app() -> None:
    from starters.migrations import STARTABLE_PHASES

    text = read("runbook.md")
    for phase in STARTABLE_PHASES:
        assert f"`{phase}`" in text or f" {phase} " in text, f"runbook never mentions phase {phase}"


def test_security_doc_lists_the_granted_roles() -> None:
    text = read("security.md")
    rbac = (ROOT / "bicep" / "modules" / "rbac.bicep").read_text(encoding="utf-8")
    granted = set(re.findall(r"roles\.(\w+)\)", rbac))
    assert granted
    for key in granted:
        # camelCase role key → the role's display name words ("storageBlobDataOwner" → "Storage Blob Data Owner")
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", key).split()
        name = " ".join(w.capitalize() for w in words)
        assert name.lower() in text.lower(), f"security.md does not list role {name}"


@pytest.mark.parametrize("doc", ["runbook.md", "security.md", "methods.md"])
def test_docs_contain_no_secret(doc: str) -> None:
    path: Path = DOCS / doc
    assert not secret_hits(path.read_text(encoding="utf-8")), f"{doc} contains what looks like a secret"
