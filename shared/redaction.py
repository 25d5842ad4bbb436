"""Keeping webhook secrets out of logs, errors and reprs: the ``WebhookUrl`` value object and ``redact``.

A Bitrix24 inbound webhook carries its secret in the URL *path* (``/rest/<user>/<code>/``), and the import
gateway does the same (``/webhook/<user>/<code>/``), so query-string sanitizers alone do not help.
``WebhookUrl`` parses such a URL once, exposes the portal host and a redacted form, and hands the secret
out only through ``method_url`` for the actual request. ``redact`` masks every such path segment (and
``auth``/``token`` query values) in arbitrary text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MASK = "***"

# /rest/<user>/<code>, /rest/api/<user>/<code> and the gateway's /webhook/<user>/<code>
_PATH_SECRET = re.compile(r"(/(?:rest(?:/api)?|webhook)/\d+/)([^/\s?#\"'<>]+)")
# download links and OAuth calls carry credentials in the query string
_QUERY_SECRET = re.compile(r"([?&](?:auth(?:%5B|\[)auth(?:%5D|\])|auth|access_token|token|code)=)([^&\s#\"'<>]+)")


def redact(text: str) -> str:
    """Mask webhook codes and credential query values in any text.

    Args:
        text: a log line, exception message, URL or JSON dump.

    Returns:
        The same text with every ``/rest/<user>/<code>`` and ``/webhook/<user>/<code>`` code and every
        ``auth=``/``token=`` value replaced by ``***``.
    """
    masked = _PATH_SECRET.sub(lambda m: m.group(1) + MASK, text)
    return _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, masked)


@dataclass(frozen=True, slots=True)
class WebhookUrl:
    """A parsed webhook base URL ``<scheme>://<host>/<prefix>/<user_id>/<code>/``.

    The code is kept out of ``repr``/``str``; use ``method_url`` to build the real request URL.

    Attributes:
        scheme: ``https`` in production, ``http`` for loopback simulators.
        host: host name, with ``:port`` when the URL names one.
        user_id: the webhook owner's user id.
        prefix: ``rest`` for Bitrix24 webhooks, ``webhook`` for the import gateway.
    """

    scheme: str
    host: str
    user_id: int
    _code: str = field(repr=False)
    prefix: str = "rest"

    @classmethod
    def parse(cls, url: str, *, prefix: str = "rest") -> WebhookUrl:
        """Parse a webhook base URL.

        Args:
            url: e.g. ``https://example.bitrix24.ru/rest/1/abc123/`` (a trailing method name is tolerated).
            prefix: the path segment before the user id (``rest`` or ``webhook``).

        Raises:
            ValueError: when the URL does not have the webhook shape; the message is redacted.
        """
        parts = urlsplit(url.strip())
        segments = [s for s in parts.path.split("/") if s]
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or len(segments) < 3
            or segments[0] != prefix
            or not segments[1].isdigit()
            or not segments[2]
        ):
            # never echo the path: in a malformed URL we cannot tell which segment is the secret
            host = parts.netloc.rpartition("@")[2]
            shown = f"{parts.scheme}://{host}/…" if host else "a value without a host"
            raise ValueError(f"not a webhook URL of the form https://<portal>/{prefix}/<user_id>/<code>/: got {shown}")
        host = parts.netloc.rpartition("@")[2]
        return cls(scheme=parts.scheme, host=host, user_id=int(segments[1]), _code=segments[2], prefix=prefix)

    @property
    def portal(self) -> str:
        """The portal's host name (with port when given), safe to log."""
        return self.host

    @property
    def redacted(self) -> str:
        """The base URL with the code masked, e.g. ``https://host/rest/1/***/``."""
        return f"{self.scheme}://{self.host}/{self.prefix}/{self.user_id}/{MASK}/"

    @property
    def origin(self) -> str:
        """``scheme://host``, used to resolve relative download links."""
        return f"{self.scheme}://{self.host}"

    def method_url(self, method: str) -> str:
        """The secret-bearing URL of one REST method; use it for the request only, never log it."""
        return f"{self.scheme}://{self.host}/{self.prefix}/{self.user_id}/{self._code}/{method}"

    def matches_code(self, code: str) -> bool:
        """Whether ``code`` is this webhook's code (for tests and config checks, without exposing it)."""
        return code == self._code

    def __str__(self) -> str:
        return self.redacted
