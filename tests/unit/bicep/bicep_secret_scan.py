"""A scanner for things that look like real secrets in committed text (infrastructure files and docs).

Webhook codes sit in URL paths (``/rest/<user>/<code>/``, ``/webhook/<user>/<code>/``); a placeholder in angle
brackets or a ``${...}`` interpolation is not a secret, a concrete alphanumeric code is.
"""

from __future__ import annotations

import re

# shapes of real secrets: a webhook code in a Bitrix24 or gateway path, storage keys, SAS signatures, app insights
# keys, private keys; angle-bracket placeholders and ${...} interpolations are not secrets
SECRET_PATTERNS = [
    re.compile(r"/rest/\d+/(?![<$])[A-Za-z0-9]{6,}"),
    re.compile(r"/webhook/\d+/(?![<$])[A-Za-z0-9_\-]{6,}"),
    re.compile(r"AccountKey=[A-Za-z0-9+/=]{20,}"),
    re.compile(r"SharedAccessSignature=|[?&]sig=[A-Za-z0-9%]{20,}"),
    re.compile(r"InstrumentationKey=[0-9a-fA-F-]{36}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)\"(password|secret|clientSecret|importCode|webhookCode)\"\s*:\s*\"(?![<$])[^\"]{4,}\""),
]


def secret_hits(text: str) -> list[str]:
    """Substrings of text that look like a real secret."""
    return [m.group(0) for pattern in SECRET_PATTERNS for m in pattern.finditer(text)]
