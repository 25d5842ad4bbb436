"""The HTML policy: formatting and BB-code survive, anything active is removed, and it is idempotent."""

from __future__ import annotations

import pytest

from shared.sanitize import sanitize_html

CASES = [
    ("[B]Отчёт[/B] готов [DISK FILE ID=12]", "[B]Отчёт[/B] готов [DISK FILE ID=12]"),
    ("<p>Hello <b>team</b></p>", "<p>Hello <b>team</b></p>"),
    ("before<script>alert(1)</script>after", "beforeafter"),
    ('<a href="javascript:alert(1)" onclick="x()">link</a>', "<a>link</a>"),
    ('<a href="java\nscript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="https://example.com/a?b=1" target="_blank">ok</a>', '<a href="https://example.com/a?b=1">ok</a>'),
    ('<img src="x" onerror="alert(1)">', '<img src="x">'),
    ('<img src="data:text/html;base64,AAAA">', "<img>"),
    ("<iframe src='https://evil'></iframe><p>kept</p>", "<p>kept</p>"),
    ("<marquee>moving</marquee> text", "moving text"),
    ("<style>p{}</style><p style='color:red'>red</p>", "<p>red</p>"),
    ("<!-- comment --><b>x</b>", "<b>x</b>"),
    ("a < b and c > d", "a < b and c > d"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_policy(raw: str, expected: str) -> None:
    assert sanitize_html(raw) == expected


@pytest.mark.parametrize("raw", [c[0] for c in CASES], ids=[str(i) for i in range(len(CASES))])
def test_idempotent(raw: str) -> None:
    once = sanitize_html(raw)
    assert sanitize_html(once) == once
