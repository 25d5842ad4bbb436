"""Schemathesis against ``/openapi.json``: no 5xx and no response outside the documented schema, every method.

The gateway and its target portal (the target-mode simulator when present, else the recording portal) run in
a background thread on loopback; the examples per operation are bounded to keep the suite fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gateway.app import create_app
from gateway.methods import METHODS
from gateway.openapi import build_openapi
from gateway.settings import GatewaySettings

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import CODE, IMPORT_CODE, ServeThread, target_app

EXAMPLES = 6
schema = schemathesis.openapi.from_dict(build_openapi(METHODS))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeThread]:
    with ServeThread(target_app()[0]) as target:
        settings = GatewaySettings(db_path=tmp_path_factory.mktemp("fuzz") / "ledger.sqlite",
                                   target_webhook_url=f"{target.base}/rest/1/{CODE}/",
                                   import_codes=[IMPORT_CODE], rate_limits=False)
        with ServeThread(create_app(settings)) as gateway:
            yield gateway


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_5xx_and_schema_conformant(case: Any, stack: ServeThread, http: requests.Session) -> None:
    if case.path_parameters is not None and "import_code" in case.path_parameters:
        # mostly valid credentials, so the fuzzer reaches the import path and not only the 403
        case.path_parameters = {"import_user_id": 1, "import_code": IMPORT_CODE}
    case.call_and_validate(base_url=stack.base, session=http, checks=CHECKS)


def test_openapi_is_served(stack: ServeThread, http: requests.Session) -> None:
    doc = http.get(stack.base + "/openapi.json", timeout=10).json()
    assert set(METHODS) <= {p.rsplit("/", 1)[-1] for p in doc["paths"]}
    users = doc["paths"]["/webhook/{import_user_id}/{import_code}/import.users.batch"]["post"]
    assert {"200", "400", "403", "409", "413", "429"} <= set(users["responses"])
