"""Import-code checks, IP allow-list, the rate limiter, body parsing and path redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.access_log import redact_path
from gateway.auth import CodeRegistry, IpAllowList
from gateway.handlers import BadRequest, parse_body
from gateway.ratelimit import RateLimiter, retry_after_header


def test_code_registry_checks_user_and_code() -> None:
    reg = CodeRegistry(9001, ["AbCdEfGh123", "second"])
    assert reg.check("9001", "AbCdEfGh123") and reg.check("9001", "second")
    assert not reg.check("9002", "AbCdEfGh123")
    assert not reg.check("9001", "AbCdEfGh12")
    assert not reg.check("9001", "")
    assert not reg.check("9001", "Ä\udcff")
    assert "AbCd" not in repr(reg)
    reg.replace(["third"])
    assert not reg.check("9001", "second") and reg.check("9001", "third")


def test_codes_file_ignores_comments_and_blank_lines(tmp_path: Path) -> None:
    codes = tmp_path / "codes"
    codes.write_text("# comment\n\n  code-1  \ncode-2\n")
    reg = CodeRegistry(1, ["ignored-when-file-given"], codes)
    assert reg.active_count == 2 and reg.check("1", "code-1") and not reg.check("1", "ignored-when-file-given")


def test_ip_allow_list() -> None:
    assert IpAllowList([]).allows(None)
    nets = IpAllowList(["10.0.0.0/8", "::1/128"])
    assert nets.allows("10.1.2.3") and nets.allows("::1")
    assert not nets.allows("192.168.0.1") and not nets.allows(None) and not nets.allows("nonsense")


def test_rate_limiter_bucket_refills() -> None:
    now = [0.0]
    limiter = RateLimiter({"m": 60}, clock=lambda: now[0])
    assert all(limiter.acquire("m") == 0 for _ in range(60))
    wait = limiter.acquire("m")
    assert wait == pytest.approx(1.0)
    now[0] += 1.0
    assert limiter.acquire("m") == 0
    assert limiter.acquire("unknown") == 0
    assert retry_after_header(0.2) == "1" and retry_after_header(2.1) == "3"


@pytest.mark.parametrize(
    ("raw", "query", "expected"),
    [(b"[1,2]", None, ([1, 2], None)), (b'{"items":[1],"test_limit":5}', None, ([1], 5)),
     (b'{"items":[1],"test_limit":5}', "2", ([1], 2)), (b"[]", "0", ([], 0))],
    ids=["array", "object", "query-wins", "zero"],
)
def test_parse_body(raw: bytes, query: str | None, expected: tuple[list[int], int | None]) -> None:
    assert parse_body(raw, query) == expected


@pytest.mark.parametrize(
    ("raw", "query"),
    [(b"{", None), (b'{"items":3}', None), (b'"x"', None), (b"[]", "x"), (b'{"items":[],"test_limit":-1}', None),
     (b'{"items":[],"test_limit":true}', None), (b'{"items":[],"test_limit":1.5}', None), (b"\xff", None)],
    ids=["broken", "items-not-list", "string", "query-nan", "negative", "bool", "fraction", "bad-utf8"],
)
def test_parse_body_rejects(raw: bytes, query: str | None) -> None:
    with pytest.raises(BadRequest):
        parse_body(raw, query)


def test_redact_path() -> None:
    assert redact_path("/webhook/1/s3cret/import.users.batch") == "/webhook/1/***/import.users.batch"
    assert redact_path("/webhook/1/s3cret") == "/webhook/1/***"
    assert redact_path("/healthz") == "/healthz"


def test_parse_body_refuses_deep_nesting() -> None:
    with pytest.raises(BadRequest, match="nests deeper"):
        parse_body(b"[" + b'{"a":' * 40 + b"1" + b"}" * 40 + b"]", None)
    with pytest.raises(BadRequest):
        parse_body(b"[" * 100_000 + b"]" * 100_000, None)


def test_settings_and_portal_reprs_hide_secrets(tmp_path: Path) -> None:
    from gateway.settings import GatewaySettings

    settings = GatewaySettings(db_path=tmp_path / "l.sqlite", target_webhook_url="http://box/rest/1/webhooksecret/",
                               import_codes=["importsecret"])
    assert "webhooksecret" not in repr(settings) and "importsecret" not in repr(settings)
    assert settings.target_base() == "http://box/rest/1/webhooksecret/"
