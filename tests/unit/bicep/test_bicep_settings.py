"""Every setting shared/config.py reads is an app setting in bicep/, and the webhook secrets are Key Vault references.

The list of settings comes from the ``Settings`` class itself (field aliases), so a setting added there without its
app setting fails here. The Key Vault secret names come from shared/config.py's source text, so the names the code
reads and the names the infrastructure references cannot drift apart.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from bicep_tree import ROOT, body, key_name, literal, object_keys

from shared.config import Settings

SECRET_SETTINGS = {"B24_SOURCE_WEBHOOK_URL", "B24_GATEWAY_URL", "B24_TARGET_READ_WEBHOOK_URL"}
# the Azure-side spelling of the storage setting: identity-based, so the plain connection-string form is never set
IDENTITY_FORM = {"AzureWebJobsStorage": "AzureWebJobsStorage__accountName"}


def settings_aliases() -> set[str]:
    """Environment variable names of every Settings field."""
    aliases = {field.alias for field in Settings.model_fields.values()}
    assert None not in aliases, "every Settings field must declare its environment name as an alias"
    return {a for a in aliases if a is not None}


def app_settings(tree: dict[str, Any]) -> dict[str, Any]:
    """App setting name -> value expression, from every ``*AppSettings`` variable of functionapp.bicep."""
    settings: dict[str, Any] = {}
    for name, var in tree["variables"].items():
        if not name.endswith("AppSettings"):
            continue
        value = var["value"]
        if isinstance(value, dict) and value.get("operator", {}).get("type") == "conditional":
            value = value["operator"]["operands"]["true_value"]
        settings.update({key_name(key): value[key] for key in object_keys(value)})
    return settings


def config_secret_names() -> set[str]:
    """The Key Vault secret names shared/config.py reads (string literals shaped ``b24-…-url``)."""
    source = (ROOT / "shared" / "config.py").read_text(encoding="utf-8")
    constants = (n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant))
    return {value for value in constants if isinstance(value, str) and re.fullmatch(r"b24-[a-z-]+-url", value)}


def test_every_settings_alias_is_an_app_setting(parsed: dict[str, dict[str, Any]]) -> None:
    names = set(app_settings(parsed["modules/functionapp.bicep"]))
    for alias in sorted(settings_aliases()):
        expected = IDENTITY_FORM.get(alias, alias)
        assert expected in names, f"setting {alias} (shared/config.py) is not an app setting in functionapp.bicep"


def test_app_settings_are_wired_into_the_site(parsed: dict[str, dict[str, Any]]) -> None:
    resources = parsed["modules/functionapp.bicep"]["resources"]
    config = [r for r in resources.values() if r["type"] == "Microsoft.Web/sites/config"]
    assert len(config) == 1
    assert body(config[0])["parent"] == "functionApp"
    assert body(config[0])["name"] == "appsettings"
    text = json.dumps(body(config[0])["properties"])
    for var in ("baseAppSettings", "targetReadAppSettings"):
        assert var in text, f"{var} is not applied to the function app"


def test_storage_is_identity_based(parsed: dict[str, dict[str, Any]]) -> None:
    settings = app_settings(parsed["modules/functionapp.bicep"])
    assert "AzureWebJobsStorage" not in settings, "a connection string would need shared keys, which are disabled"
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert "AzureWebJobsStorage__clientId" in settings
    assert "AZURE_CLIENT_ID" in settings, "DefaultAzureCredential needs the user-assigned identity's client id"


def test_webhook_secrets_are_key_vault_references(parsed: dict[str, dict[str, Any]]) -> None:
    tree = parsed["modules/functionapp.bicep"]
    settings = app_settings(tree)
    assert settings_aliases() >= SECRET_SETTINGS
    referenced: set[str] = set()
    for name in SECRET_SETTINGS:
        reference = literal(tree, settings[name])
        match = re.fullmatch(r"@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=\$\{(\w+)\}\)", reference)
        assert match, f"{name} is not a Key Vault reference: {reference!r}"
        referenced.add(literal(tree, match.group(1)))
    assert referenced == config_secret_names(), "secret names differ between functionapp.bicep and shared/config.py"
    site = body(tree["resources"]["functionApp"])
    assert site["properties"]["keyVaultReferenceIdentity"] == "identityId"


def test_key_vault_module_and_main_agree_on_secret_names(parsed: dict[str, dict[str, Any]]) -> None:
    vault = parsed["modules/keyvault.bicep"]
    names = {literal(vault, v) for v in vault["variables"] if v.endswith("SecretName")}
    assert names == config_secret_names()
    main_params = body(parsed["main.bicep"]["modules"]["functionApp"])["params"]
    for param in ("sourceWebhookSecretName", "gatewaySecretName", "targetReadWebhookSecretName"):
        assert "keyVault" in json.dumps(main_params[param]), f"{param} is not taken from the key vault module"


def test_key_vault_url_and_schedule_settings(parsed: dict[str, dict[str, Any]]) -> None:
    tree = parsed["modules/functionapp.bicep"]
    settings = app_settings(tree)
    assert settings["KEY_VAULT_URL"] == "keyVaultUri"
    assert literal(tree, settings["DELTA_SCHEDULE"]) == Settings.model_fields["delta_schedule"].default
    assert literal(tree, settings["B24_LIMITS"]) == Settings.model_fields["limits"].default


def test_named_storage_resources_match_settings_defaults(parsed: dict[str, dict[str, Any]]) -> None:
    main = parsed["main.bicep"]
    fields = Settings.model_fields
    assert literal(main, "rawContainerName") == fields["raw_container"].default
    assert literal(main, "idmapTableName") == fields["idmap_table"].default
    assert literal(main, "deadletterQueueName") == fields["deadletter_queue"].default


def test_local_settings_example_lists_every_setting() -> None:
    example = json.loads((ROOT / "local.settings.example.json").read_text(encoding="utf-8"))
    values: dict[str, str] = example["Values"]
    assert values["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"
    azure_only = set(IDENTITY_FORM.values())
    for alias in sorted(settings_aliases() - azure_only):
        assert alias in values, f"local.settings.example.json lacks {alias}"
    for name in SECRET_SETTINGS:
        assert "<" in values[name] and ">" in values[name], f"{name} must be a placeholder"


def test_delta_timer_switch_names_the_real_timer_function(parsed: dict[str, dict[str, Any]]) -> None:
    import starters.delta

    switches = [k for k in app_settings(parsed["modules/functionapp.bicep"]) if k.endswith(".Disabled")]
    assert switches == ["AzureWebJobs.delta_timer.Disabled"]
    function_name = switches[0].split(".")[1]
    source = (ROOT / "starters" / "delta.py").read_text(encoding="utf-8")
    assert hasattr(starters.delta, function_name)
    assert re.search(rf"async def {function_name}\(", source) and "%DELTA_SCHEDULE%" in source
