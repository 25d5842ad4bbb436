"""Media: ``import.media.upload`` → ``disk.folder.uploadfile``, verified before anything reaches the portal.

The decoded content must match the declared size and sha256, stay under the size cap, be an image whose bytes
agree with the declared type, and get a safe file name. The stored name starts with the sourceId, so an upload
interrupted by a crash is found again with ``disk.folder.getchildren`` instead of being uploaded twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer, matching_id
from shared.models.base import CanonicalModel
from shared.models.feed import MediaFile

# magic bytes of the image types the portal can show inline
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "image/bmp": (b"BM",),
}
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_name(source_id: str, name: str) -> str:
    """A file name without paths or control characters, prefixed by the sourceId (the lookup key)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "file"
    prefix = _UNSAFE.sub("_", source_id.replace(":", "_"))
    return f"{prefix}__{base}"[:200]


def decode(item: MediaFile, max_bytes: int) -> tuple[bytes | None, str | None]:
    """The verified content, or a refusal reason."""
    if item.contentType not in _SIGNATURES:
        return None, f"content type {item.contentType!r} is not an accepted image type"
    if item.size > max_bytes or len(item.contentB64) > (max_bytes * 4) // 3 + 8:
        return None, f"file larger than the {max_bytes} byte limit"
    try:
        data = base64.b64decode(item.contentB64, validate=True)
    except (binascii.Error, ValueError):
        return None, "contentB64 is not valid base64"
    if len(data) != item.size:
        return None, f"decoded size {len(data)} differs from the declared size {item.size}"
    if hashlib.sha256(data).hexdigest() != item.sha256:
        return None, "sha256 of the content differs from the declared sha256"
    if not data.startswith(_SIGNATURES[item.contentType]):
        return None, f"content is not a {item.contentType} file"
    if item.contentType == "image/webp" and data[8:12] != b"WEBP":
        return None, "content is not a image/webp file"
    return data, None


@dataclass(frozen=True)
class MediaWriter(Writer):
    """Uploads go one per request (never inside ``batch``); the folder comes from the settings."""

    MODEL: ClassVar[type[CanonicalModel]] = MediaFile
    BATCHABLE: ClassVar[bool] = False
    folder_id: int = 1
    max_bytes: int = 20 * 1024 * 1024

    def check(self, item: Any) -> str | None:
        """Type, size, base64, sha256 and magic bytes."""
        return decode(item, self.max_bytes)[1]

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``disk.folder.uploadfile`` with the content as ``[name, base64]``."""
        name = safe_name(item.sourceId, item.name)
        return "disk.folder.uploadfile", {
            "id": self.folder_id,
            "data": {"NAME": name},
            "fileContent": [name, item.contentB64],
        }

    def find(self, item: Any) -> Call | None:
        """``disk.folder.getchildren`` filtered by the stored name."""
        return "disk.folder.getchildren", {"id": self.folder_id,
                                           "filter": {"NAME": safe_name(item.sourceId, item.name)}}

    def found_id(self, result: Any, item: Any) -> str | None:
        """The child whose ``NAME`` is the stored name."""
        return matching_id(result, "NAME", safe_name(item.sourceId, item.name))
