"""Security properties of the templates: storage, Key Vault, identity, roles, and no secret literal anywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bicep_secret_scan import secret_hits
from bicep_tree import BICEP_DIR, ROOT, body, decorators, literal

ROLE_IDS = {
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
}

def infra_text_files() -> list[Path]:
    """Every bicep/json file of the room plus the committed settings and azd files."""
    files = sorted(BICEP_DIR.rglob("*.bicep")) + sorted(BICEP_DIR.rglob("*.json"))
    files += [ROOT / "local.settings.example.json", ROOT / "azure.yaml"]
    return files


@pytest.mark.parametrize(
    "leak",
    [
        "https://portal.bitrix24.ru/rest/1/a1b2c3d4e5f6g7h8/",
        "https://gw.example.com/webhook/7/3f9c1e2a7b/",
        "DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=abcdefghijklmnopqrstuvwxyz0123456789==",
        "InstrumentationKey=12345678-1234-1234-1234-123456789012",
        '{"importCode": "s3cr3t-value"}',
    ],
)
def test_secret_scanner_catches_real_shapes(leak: str) -> None:
    assert secret_hits(leak)


def test_no_secret_literal_in_infra_files() -> None:
    for path in infra_text_files():
        hits = secret_hits(path.read_text(encoding="utf-8"))
        assert not hits, f"{path.relative_to(ROOT)} contains what looks like a secret ({len(hits)} hits)"


def test_secret_params_are_secure_and_default_empty(parsed: dict[str, dict[str, Any]]) -> None:
    for file in ("main.bicep", "modules/keyvault.bicep"):
        params = parsed[file]["parameters"]
        for name in ("sourceWebhookUrl", "gatewayUrl", "targetReadWebhookUrl"):
            assert "secure" in decorators(params[name]), f"{file}: {name} is not @secure()"
            assert params[name]["default"] == "", f"{file}: {name} must not carry a default value"
    outputs = json.dumps(parsed["main.bicep"]["outputs"])
    assert "WebhookUrl" not in outputs and "gatewayUrl" not in outputs, "a secret parameter is echoed as an output"


def test_storage_account_is_locked_down(parsed: dict[str, dict[str, Any]]) -> None:
    props = body(parsed["modules/storage.bicep"]["resources"]["storage"])["properties"]
    assert props["allowSharedKeyAccess"] is False
    assert props["allowBlobPublicAccess"] is False
    assert props["minimumTlsVersion"] == "TLS1_2"
    assert props["supportsHttpsTrafficOnly"] is True
    assert props["defaultToOAuthAuthentication"] is True


def test_storage_has_blob_queue_and_table_children(parsed: dict[str, dict[str, Any]]) -> None:
    resources = parsed["modules/storage.bicep"]["resources"].values()
    kinds = {r["type"] for r in resources}
    base = "Microsoft.Storage/storageAccounts"
    for child in ("blobServices", "blobServices/containers", "queueServices/queues", "tableServices/tables"):
        assert f"{base}/{child}" in kinds, f"storage.bicep lacks {child}"
    for container in (r for r in resources if r["type"].endswith("/containers")):
        assert body(container)["properties"]["publicAccess"] == "None"


def test_key_vault_is_rbac_soft_delete_purge_protected(parsed: dict[str, dict[str, Any]]) -> None:
    props = body(parsed["modules/keyvault.bicep"]["resources"]["vault"])["properties"]
    assert props["enableRbacAuthorization"] is True
    assert props["enableSoftDelete"] is True
    assert props["enablePurgeProtection"] is True
    assert "accessPolicies" not in props


def test_function_app_uses_managed_identity_everywhere(parsed: dict[str, dict[str, Any]]) -> None:
    tree = parsed["modules/functionapp.bicep"]
    site = body(tree["resources"]["functionApp"])
    assert site["identity"]["type"] == "UserAssigned"
    assert site["properties"]["httpsOnly"] is True
    auth = site["properties"]["functionAppConfig"]["deployment"]["storage"]["authentication"]
    assert auth["type"] == "UserAssignedIdentity"
    assert literal(tree, "baseAppSettings")["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].endswith("Authorization=AAD")
    monitoring = body(parsed["modules/monitoring.bicep"]["resources"]["applicationInsights"])
    assert monitoring["properties"]["DisableLocalAuth"] is True


def test_function_identity_gets_the_four_data_roles(parsed: dict[str, dict[str, Any]]) -> None:
    rbac = parsed["modules/rbac.bicep"]
    role_vars: dict[str, str] = literal(rbac, "roles")
    granted: dict[str, str] = {}
    for resource in rbac["resources"].values():
        if resource["type"] != "Microsoft.Authorization/roleAssignments":
            continue
        config = body(resource)
        props = config["properties"]
        if props["principalId"] != "appPrincipalId":
            continue
        role_ref = json.dumps(props["roleDefinitionId"])
        for key, role_id in role_vars.items():
            if f'"roles", "operand_2": "{key}"' in role_ref or f"roles.{key}" in role_ref:
                granted[role_id] = str(config["scope"])
    for role, role_id in ROLE_IDS.items():
        assert role_id in granted, f"the function identity lacks {role}"
    assert granted[ROLE_IDS["Key Vault Secrets User"]] == "vault"
    assert granted[ROLE_IDS["Storage Blob Data Owner"]] == "storage"
