"""Canonical news-feed posts, comments and images: ``import.feed.posts``, ``.comments``, ``import.media.upload``.

Post and comment texts may embed images as ``[DISK FILE ID=<media sourceId>]``; the gateway rewrites each such
tag to the target file id it got from ``import.media.upload``, which must run before the posts that use it.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.models.base import CanonicalModel


class MediaFile(CanonicalModel):
    """One image attached to a post or comment; ``sourceId`` is ``cloud:feed:image:<attached object id>``."""

    KIND: ClassVar[str] = "feed:image"

    name: str = Field(min_length=1, max_length=255)
    contentType: str
    """The declared MIME type; only ``image/*`` types are accepted."""
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """Hex sha256 of the decoded content; the gateway verifies it."""
    contentB64: str
    """The file content, base64."""


class FeedPost(CanonicalModel):
    """A ``log.blogpost.get`` item; ``sourceId`` is ``cloud:feed:post:<id>``."""

    KIND: ClassVar[str] = "feed:post"

    authorSourceId: str
    title: str = ""
    message: str = ""
    """Sanitised BB-code/HTML; images as ``[DISK FILE ID=<media sourceId>]``."""
    datePublish: str | None = None
    """ISO 8601 UTC."""
    toAll: bool = True
    """Addressed to all employees (``UA``)."""
    groupSourceIds: list[str] = Field(default_factory=list)
    recipientSourceIds: list[str] = Field(default_factory=list)
    mediaSourceIds: list[str] = Field(default_factory=list)
    """Media the post carries as attachments; each must be uploaded first."""


class FeedComment(CanonicalModel):
    """A ``log.blogcomment.user.get`` comment; ``sourceId`` is ``cloud:feed:comment:<id>``."""

    KIND: ClassVar[str] = "feed:comment"

    postSourceId: str
    authorSourceId: str
    text: str = ""
    dateCreate: str | None = None
    """ISO 8601 UTC."""
    mediaSourceIds: list[str] = Field(default_factory=list)
