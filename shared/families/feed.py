"""News feed: posts, comments and images.

``log.blogpost.get`` orders by ``LOG_UPDATE DESC`` (a commented post jumps to the top) and has no id
filter, so posts are read by offset in batches, de-duplicated by ``ID``, and the top pages are re-scanned
until no new post appears. There is no per-post comment reader: ``log.blogcomment.user.get`` returns one
author's comments (newest first, then ``LAST_ID`` backwards, ≤ 100 per call), so comments are collected
per author. Images follow the chain attached-object id → ``disk.attachedObject.get`` → ``disk.file.get``
→ a fresh ``DOWNLOAD_URL`` right before the download, because links may be single-use (bitrix24-api.md §12, §18).
"""

from __future__ import annotations

from shared.families.spec import FamilySpec

FEED_POSTS = FamilySpec(
    name="feed_posts",
    list_method="log.blogpost.get",
    id_field="ID",
    import_method="import.feed.posts",
    paging="offset",
    parents=("users", "groups"),
    delta_param="LOG_DATE_FROM",
    notes="LOG_UPDATE DESC order is unstable: offset pages de-duplicated by ID plus a top re-scan; a delta "
          "read uses LOG_DATE_FROM, which catches new posts but not edits",
)

FEED_COMMENTS = FamilySpec(
    name="feed_comments",
    list_method="log.blogcomment.user.get",
    id_field="id",
    import_method="import.feed.comments",
    paging="cursor",
    parents=("users", "feed_posts"),
    parent_family="users",
    parent_param="USER_ID",
    parent_field="author_id",
    cursor_param="LAST_ID",
    limit_param="LIMIT",
    result_key="comments",
    page_size=100,
    delta_scan_field="date",
    notes="per author (USER_ID), newest first then LAST_ID backwards; a delta read stops at the first older "
          "comment; an "
          "admin webhook may get empty text for other authors",
)

FEED_IMAGES = FamilySpec(
    name="feed_images",
    list_method="disk.attachedObject.get",
    id_field="ID",
    import_method="import.media.upload",
    paging="children",
    parents=("feed_posts",),
    parent_family="feed_posts",
    parent_param="id",
    detail_methods=("disk.file.get",),
    notes="FILES of each post are attached-object ids; disk.file.get(OBJECT_ID) gives a fresh DOWNLOAD_URL",
)
