"""Pure mapping code: PHP query encoding, ids in results, media checks, link rewriting, writers' params."""

from __future__ import annotations

import base64
import hashlib

from gateway.families.base import as_target_id, first_found_id, ledger_key
from gateway.families.feed import embedded_media, rewrite_links
from gateway.families.media import decode, safe_name
from gateway.families.users import UserWriter
from gateway.importer import fingerprint
from gateway.query import build_query, command, drop_none
from shared.models.feed import MediaFile
from shared.models.users import User


def test_build_query_uses_php_brackets() -> None:
    query = build_query({"fields": {"TITLE": "a b&c", "IDS": [1, 2]}, "flag": True, "skip": None})
    assert query == "fields[TITLE]=a%20b%26c&fields[IDS][0]=1&fields[IDS][1]=2&flag=1"
    assert command("user.get", {}) == "user.get"
    assert drop_none({"a": None, "b": [{"c": None, "d": 1}]}) == {"b": [{"d": 1}]}


def test_ids_in_results() -> None:
    assert as_target_id(5) == "5" and as_target_id("7") == "7" and as_target_id({"task": {"id": 9}}) == "9"
    assert as_target_id(True) is None and as_target_id(0) is None and as_target_id(None) is None
    assert first_found_id({"tasks": [{"id": 3}]}, "id") == "3" and first_found_id([], "ID") is None
    assert first_found_id([{"ID": "4"}]) == "4"
    assert ledger_key("cloud:crm:sp:128:5") == "source:crm:sp:128:5"


def test_media_decode_and_names() -> None:
    png = b"\x89PNG\r\n\x1a\n1234"
    item = MediaFile(sourceId="cloud:feed:image:1", name="a.png", contentType="image/png", size=len(png),
                     sha256=hashlib.sha256(png).hexdigest(), contentB64=base64.b64encode(png).decode())
    assert decode(item, 1024) == (png, None)
    assert decode(item, 4)[1] is not None
    assert safe_name("cloud:feed:image:1", "../../etc/passwd\x00.png") == "cloud_feed_image_1__passwd_.png"
    assert safe_name("cloud:feed:image:1", "..") == "cloud_feed_image_1__file"


def test_link_rewriting() -> None:
    text = "a [DISK FILE ID=cloud:feed:image:5] b [disk file id=cloud:feed:image:6] [DISK FILE ID=n12]"
    assert embedded_media(text) == ["cloud:feed:image:5", "cloud:feed:image:6"]
    assert rewrite_links(text, {"cloud:feed:image:5": "50", "cloud:feed:image:6": "60"}) == (
        "a [DISK FILE ID=n50] b [DISK FILE ID=n60] [DISK FILE ID=n12]")


def test_user_writer_params_and_fingerprint() -> None:
    u = User(sourceId="cloud:user:15", email="u@example.com", name="U", active=False)
    method, params = UserWriter().add(u, {})
    assert method == "user.add" and params["XML_ID"] == "cloud:user:15" and params["ACTIVE"] == "N"
    assert params["UF_DEPARTMENT"] == [1]
    assert UserWriter().update(u, "42", {}) == ("user.update", {"ID": 42, **params})
    assert fingerprint(u) != fingerprint(u.model_copy(update={"checksum": "declared"}))
    assert fingerprint(u) == fingerprint(User.model_validate(u.model_dump()))


def test_lookup_only_adopts_an_exact_external_id() -> None:
    from gateway.families.base import matching_id

    rows = [{"ID": "1", "XML_ID": "cloud:user:10"}, {"ID": "2", "XML_ID": "cloud:user:1"}, {"ID": "3"}]
    assert matching_id(rows, "XML_ID", "cloud:user:1") == "2"
    assert matching_id(rows, "XML_ID", "cloud:user:99") is None
    assert matching_id({"items": [{"id": 5, "xmlId": "cloud:crm:sp:1:1"}]}, "xmlId", "cloud:crm:sp:1:1") == "5"
    assert matching_id({"tasks": [{"id": 7, "xmlId": "cloud:task:3"}]}, "XML_ID", "cloud:task:3") == "7"
    assert matching_id(None, "XML_ID", "x") is None
