"""What the Bicep compiler would check between main.bicep and its modules, done on the parsed trees.

Every module path exists; every parameter passed exists in the module; every parameter without a default is
passed; every ``<module>.outputs.<name>`` read exists; plus the shape rules of style.md rule 26.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bicep_tree import BICEP_DIR, body, decorators, literal, module_output_refs, walk


def test_main_is_subscription_scoped_and_creates_the_resource_group(main_tree: dict[str, Any]) -> None:
    assert main_tree["globals"]["scope"]["value"] == "subscription"
    kinds = {r["type"] for r in main_tree["resources"].values()}
    assert kinds == {"Microsoft.Resources/resourceGroups"}
    for name, module in main_tree["modules"].items():
        assert body(module).get("scope") == "rg", f"module {name} is not deployed into the resource group"


def test_every_referenced_module_exists(main_tree: dict[str, Any], parsed: dict[str, dict[str, Any]]) -> None:
    for name, module in main_tree["modules"].items():
        assert module["type"] == "local", f"module {name} is not a local file"
        path = module["detail"]["path"]
        assert (BICEP_DIR / path).is_file(), f"module {name} points at missing {path}"
        assert path in parsed


def test_module_params_match_declarations(main_tree: dict[str, Any], parsed: dict[str, dict[str, Any]]) -> None:
    for name, module in main_tree["modules"].items():
        declared = parsed[module["detail"]["path"]]["parameters"]
        passed = set(body(module)["params"])
        unknown = passed - set(declared)
        assert not unknown, f"module {name} is passed undeclared params {sorted(unknown)}"
        required = {p for p, spec in declared.items() if spec.get("default") is None}
        missing = required - passed
        assert not missing, f"module {name} misses required params {sorted(missing)}"


def test_module_outputs_read_in_main_exist(main_tree: dict[str, Any], parsed: dict[str, dict[str, Any]]) -> None:
    for name, module in main_tree["modules"].items():
        declared = set(parsed[module["detail"]["path"]]["outputs"])
        read = module_output_refs(main_tree, name)
        assert read <= declared, f"main.bicep reads undeclared outputs of {name}: {sorted(read - declared)}"


def test_every_param_has_a_description(parsed: dict[str, dict[str, Any]]) -> None:
    for file, tree in parsed.items():
        for param, spec in tree["parameters"].items():
            text = decorators(spec).get("description")
            assert isinstance(text, str) and len(text) >= 10, f"{file}: param {param} lacks @description"


def test_main_outputs_are_upper_snake(main_tree: dict[str, Any]) -> None:
    for output in main_tree["outputs"]:
        assert re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", output), f"output {output} is not UPPER_SNAKE"
    assert {"AZURE_FUNCTION_APP_NAME", "AZURE_KEY_VAULT_NAME", "AZURE_STORAGE_ACCOUNT_NAME"} <= set(
        main_tree["outputs"]
    )


def test_names_come_from_abbreviations_and_resource_token(main_tree: dict[str, Any]) -> None:
    abbreviations = json.loads((BICEP_DIR / "abbreviations.json").read_text(encoding="utf-8"))
    main_text = (BICEP_DIR / "main.bicep").read_text(encoding="utf-8")
    used = set(re.findall(r"abbrs\.(\w+)", main_text))
    assert used, "main.bicep uses no abbreviation"
    assert used <= set(abbreviations), f"unknown abbreviations {sorted(used - set(abbreviations))}"
    token = main_tree["variables"]["resourceToken"]["value"]
    assert "unique_string" in json.dumps(token), "resourceToken is not derived with uniqueString()"
    for name, module in main_tree["modules"].items():
        for param in ("name", "planName", "logAnalyticsName", "vnetName"):
            value = body(module)["params"].get(param)
            if value is not None:
                assert "${abbrs." in str(value) or value == "functionAppName", f"{name}.{param} is not abbr-based"


def test_function_app_runs_python_311(parsed: dict[str, dict[str, Any]], main_tree: dict[str, Any]) -> None:
    tree = parsed["modules/functionapp.bicep"]
    site = tree["resources"]["functionApp"]["config"]
    runtime = site["properties"]["functionAppConfig"]["runtime"]
    assert runtime["name"] == "python"
    assert literal(tree, runtime["version"]) == "3.11"
    assert decorators(tree["parameters"]["runtimeVersion"])["allowed"] == ["3.11"]
    assert body(main_tree["modules"]["functionApp"])["params"]["runtimeVersion"] == "3.11"
    plan = tree["resources"]["plan"]["config"]
    assert plan["sku"] == {"name": "FC1", "tier": "FlexConsumption"}


def test_function_app_waits_for_its_roles(main_tree: dict[str, Any]) -> None:
    depends = body(main_tree["modules"]["functionApp"]).get("dependsOn", [])
    assert "rbac" in json.dumps(depends)


def test_azd_service_tag_matches_azure_yaml(parsed: dict[str, dict[str, Any]], main_tree: dict[str, Any]) -> None:
    azure_yaml = (BICEP_DIR.parent / "azure.yaml").read_text(encoding="utf-8")
    services = re.search(r"^services:\n((?:[ ]{2}.*\n?)+)", azure_yaml, re.MULTILINE)
    assert services is not None
    service_names = re.findall(r"^[ ]{2}(\w[\w-]*):\s*$", services.group(1), re.MULTILINE)
    assert service_names == [literal(main_tree, "serviceName")]
    tags = parsed["modules/functionapp.bicep"]["resources"]["functionApp"]["config"]["tags"]
    assert "azd-service-name" in json.dumps(tags)


def test_no_module_deploys_at_resource_group_role_scope(parsed: dict[str, dict[str, Any]]) -> None:
    rbac = parsed["modules/rbac.bicep"]
    assignments = [r for r in rbac["resources"].values() if r["type"] == "Microsoft.Authorization/roleAssignments"]
    assert assignments
    for assignment in assignments:
        # scoped to one resource, never the whole resource group
        assert body(assignment).get("scope") in {"storage", "vault", "applicationInsights"}
    for file, tree in parsed.items():
        if file != "modules/rbac.bicep":
            kinds = {r["type"] for r in tree.get("resources", {}).values()}
            assert "Microsoft.Authorization/roleAssignments" not in kinds, f"{file} assigns roles outside rbac.bicep"
    assert any(isinstance(n, str) and n.startswith("Microsoft.Authorization") for n in walk(rbac))


def test_parameters_file_names_only_declared_params(main_tree: dict[str, Any]) -> None:
    params = json.loads((BICEP_DIR / "main.parameters.json").read_text(encoding="utf-8"))["parameters"]
    assert set(params) <= set(main_tree["parameters"]), f"unknown: {sorted(set(params) - set(main_tree['parameters']))}"
    required = {p for p, spec in main_tree["parameters"].items() if spec.get("default") is None}
    assert required <= set(params), f"azd cannot fill required params {sorted(required - set(params))}"
    for name, entry in params.items():
        # azd substitutes ${VAR} from the environment; a literal value here would bypass the azd environment
        assert re.fullmatch(r"\$\{[A-Z0-9_]+(=[^}]*)?\}", entry["value"]), f"{name} is not an azd variable"


def test_alert_rules_watch_failures_and_rate_limits(parsed: dict[str, dict[str, Any]]) -> None:
    alerts = parsed["modules/alerts.bicep"]
    rules = [r for r in alerts["resources"].values() if r["type"] == "Microsoft.Insights/scheduledQueryRules"]
    queries = {literal(alerts, body(r)["properties"]["criteria"]["allOf"][0]["query"]) for r in rules}
    assert any('prop__state == "Failed"' in q for q in queries), "no alert on failed orchestrations"
    assert any("QUERY_LIMIT_EXCEEDED" in q for q in queries), "no alert on the portal's rate limit"
    for rule in rules:
        props = body(rule)["properties"]
        assert props["scopes"] == ["applicationInsightsId"]
        assert props["actions"]["actionGroups"] == "actionGroups"


def test_one_api_version_per_resource_type(parsed: dict[str, dict[str, Any]]) -> None:
    # an `existing` reference on an older API version than the declaration is a classic source of drift
    versions: dict[str, set[str]] = {}
    for tree in parsed.values():
        for resource in tree.get("resources", {}).values():
            assert re.fullmatch(r"Microsoft\.[A-Za-z]+(/[A-Za-z]+)+", resource["type"]), resource["type"]
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(-preview)?", resource["api_version"]), resource["api_version"]
            versions.setdefault(resource["type"], set()).add(resource["api_version"])
    mixed = {kind: sorted(v) for kind, v in versions.items() if len(v) > 1}
    assert not mixed, f"resource types declared with several API versions: {mixed}"
