"""Feed: ``import.feed.posts`` → ``log.blogpost.add``/``update``; ``import.feed.comments`` → ``log.blogcomment.add``.

Images are uploaded first (``import.media.upload``); a post or comment names them in ``mediaSourceIds`` and
embeds them as ``[DISK FILE ID=<media sourceId>]``, which is rewritten to ``[DISK FILE ID=n<target file id>]``.
Posts carry ``XML_ID`` for portals that keep it; comments have no external id in Bitrix24, so an interrupted
comment create cannot be found again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer, mapped, ref_list
from shared.models.base import CanonicalModel
from shared.models.feed import FeedComment, FeedPost

DISK_TAG = re.compile(r"\[DISK FILE ID=(cloud:feed:image:[^\]\s]+)\]", re.IGNORECASE)


def embedded_media(text: str) -> list[str]:
    """Media sourceIds referenced by ``[DISK FILE ID=…]`` tags."""
    return list(dict.fromkeys(DISK_TAG.findall(text)))


def rewrite_links(text: str, refs: dict[str, str]) -> str:
    """Point every embedded media tag at its target disk file."""
    return DISK_TAG.sub(lambda m: f"[DISK FILE ID=n{refs[m.group(1)]}]", text)


def _media(text: str, listed: list[str]) -> list[str]:
    return list(dict.fromkeys([*listed, *embedded_media(text)]))


def _post_fields(post: FeedPost, refs: dict[str, str]) -> dict[str, Any]:
    dest = ["UA"] if post.toAll else []
    dest += [f"SG{refs[g]}" for g in post.groupSourceIds]
    dest += [f"U{refs[u]}" for u in post.recipientSourceIds]
    return {
        "USER_ID": mapped(refs, post.authorSourceId),
        "POST_TITLE": post.title,
        "POST_MESSAGE": rewrite_links(post.message, refs),
        "DEST": dest or ["UA"],
        "FILES": [f"n{refs[m]}" for m in _media(post.message, post.mediaSourceIds)],
        "DATE_PUBLISH": post.datePublish,
        "XML_ID": post.sourceId,
    }


@dataclass(frozen=True)
class FeedPostWriter(Writer):
    """Author, groups, recipients and media must already be imported."""

    MODEL: ClassVar[type[CanonicalModel]] = FeedPost

    def references(self, item: Any) -> dict[str, str]:
        """Author, destination groups and users, and every media file."""
        return {
            "authorSourceId": item.authorSourceId,
            **ref_list("groupSourceIds", item.groupSourceIds),
            **ref_list("recipientSourceIds", item.recipientSourceIds),
            **ref_list("media", _media(item.message, item.mediaSourceIds)),
        }

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``log.blogpost.add`` on behalf of the original author."""
        return "log.blogpost.add", _post_fields(item, refs)

    def find(self, item: Any) -> Call | None:
        """``log.blogpost.get`` filtered by ``XML_ID``; a stock box ignores the filter, and the exact-match
        check in :meth:`found_id` then finds nothing rather than a wrong post."""
        return "log.blogpost.get", {"FILTER": {"XML_ID": item.sourceId}}

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``log.blogpost.update``."""
        return "log.blogpost.update", {"POST_ID": int(target_id), **_post_fields(item, refs)}


@dataclass(frozen=True)
class FeedCommentWriter(Writer):
    """The post must be imported ("post imported" check of the plan)."""

    MODEL: ClassVar[type[CanonicalModel]] = FeedComment

    def references(self, item: Any) -> dict[str, str]:
        """Post, author and media."""
        return {"postSourceId": item.postSourceId, "authorSourceId": item.authorSourceId,
                **ref_list("media", _media(item.text, item.mediaSourceIds))}

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``log.blogcomment.add`` on behalf of the original author."""
        return "log.blogcomment.add", {
            "POST_ID": int(refs[item.postSourceId]),
            "USER_ID": mapped(refs, item.authorSourceId),
            "TEXT": rewrite_links(item.text, refs),
            "FILES": [f"n{refs[m]}" for m in _media(item.text, item.mediaSourceIds)],
            "DATE_CREATE": item.dateCreate,
        }
