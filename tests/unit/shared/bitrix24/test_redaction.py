"""Webhook URLs parse into a value object that never shows its code; redact() masks secrets in any text."""

from __future__ import annotations

import pytest

from shared.redaction import WebhookUrl, redact

SECRET = "s3cr3tc0de42"


def test_webhook_url_parses_and_hides_the_code() -> None:
    url = WebhookUrl.parse(f"https://example.bitrix24.ru/rest/7/{SECRET}/")
    assert url.portal == "example.bitrix24.ru"
    assert url.user_id == 7
    assert url.redacted == "https://example.bitrix24.ru/rest/7/***/"
    assert SECRET not in repr(url)
    assert SECRET not in str(url)
    assert url.method_url("user.get") == f"https://example.bitrix24.ru/rest/7/{SECRET}/user.get"
    assert url.matches_code(SECRET)


def test_webhook_url_keeps_port_and_tolerates_missing_slash_and_method() -> None:
    url = WebhookUrl.parse(f"http://127.0.0.1:8123/rest/1/{SECRET}/user.get.json")
    assert url.portal == "127.0.0.1:8123"
    assert url.origin == "http://127.0.0.1:8123"
    assert url.method_url("batch").endswith(f"/rest/1/{SECRET}/batch")


def test_gateway_prefix() -> None:
    url = WebhookUrl.parse(f"http://127.0.0.1:9000/webhook/3/{SECRET}/", prefix="webhook")
    assert url.redacted == "http://127.0.0.1:9000/webhook/3/***/"


@pytest.mark.parametrize(
    "bad",
    [f"ftp://host/rest/1/{SECRET}/", f"https://host/api/1/{SECRET}/", "https://host/rest/x/abc/", "https://host/rest/1/"],
    ids=["scheme", "prefix", "user-not-int", "no-code"],
)
def test_bad_urls_are_rejected_without_echoing_the_code(bad: str) -> None:
    with pytest.raises(ValueError) as info:
        WebhookUrl.parse(bad)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET https://p.bitrix24.ru/rest/1/{SECRET}/user.get failed",
         "GET https://p.bitrix24.ru/rest/1/***/user.get failed"),
        (f"https://p/rest/api/1/{SECRET}/tasks.task.list", "https://p/rest/api/1/***/tasks.task.list"),
        (f"http://127.0.0.1:1/webhook/2/{SECRET}/import.users.batch", "http://127.0.0.1:1/webhook/2/***/import.users.batch"),
        (f"https://p/rest/download.json?auth={SECRET}&token=disk|{SECRET}",
         "https://p/rest/download.json?auth=***&token=***"),
        (f"/bitrix/tools/disk/uf.php?attachedId=5&auth[auth]={SECRET}&action=download",
         "/bitrix/tools/disk/uf.php?attachedId=5&auth[auth]=***&action=download"),
        ("nothing secret here", "nothing secret here"),
    ],
    ids=["rest", "rest-v3", "gateway", "download-query", "uf-php", "plain"],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected
