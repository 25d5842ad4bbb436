"""News feed: `log.blogpost.get`, `log.blogcomment.user.get`, and target-mode `log.blogpost.add`, `log.blogcomment.add`.

`log.blogpost.get` orders by the log entry's update time, descending, which moves a commented post to the top (the
unstable offsets the docs warn about); it is an old-style method, `start` rounded down to a page.  The simulator's
log entry id equals the post id, so the `FIRST_ID`/`LAST_ID` cursor runs over post ids.
`log.blogcomment.user.get` returns one author's comments; the text is blanked when the caller is not that author.
"""

from __future__ import annotations

from typing import Any

from simulator import errors
from simulator.filters import as_instant
from simulator.methods.common import legacy_fields, page_cost
from simulator.params import as_list, php_intval, upper_keys
from simulator.registry import Call, Reply, method
from simulator.table import Page

SCOPES = ("log",)


def _log_update(call: Call, post: dict[str, Any]) -> float:
    """The log entry's update time: the publication or the latest comment, whichever is later."""
    latest = as_instant(post.get("DATE_PUBLISH")) or 0.0
    for comment in call.portal.table("feed_comments").where("post_id", int(post["ID"])):
        latest = max(latest, as_instant(comment.get("date")) or 0.0)
    return latest


def _feed_order(call: Call) -> list[dict[str, Any]]:
    """All published posts by log update time, newest first; cached until posts or comments change."""
    posts, comments = call.portal.table("feed_posts"), call.portal.table("feed_comments")
    key = (len(posts), posts.max_id(), len(comments), comments.max_id())
    cached = call.portal.extra.get("feed_order")
    if cached is None or cached[0] != key:
        published = [r for r in posts if r.get("PUBLISH_STATUS", "P") == "P"]
        ordered = sorted(published, key=lambda r: (_log_update(call, r), int(r["ID"])), reverse=True)
        cached = (key, ordered)
        call.portal.extra["feed_order"] = cached
    result: list[dict[str, Any]] = cached[1]
    return result


@method("log.blogpost.get", scopes=SCOPES, family="feed_posts")
def log_blogpost_get(call: Call) -> Reply:
    params = upper_keys(call.params)
    table = call.portal.table("feed_posts")
    ordered = _feed_order(call)
    if params.get("POST_ID") not in (None, ""):
        wanted = str(php_intval(params["POST_ID"]))
        ordered = [r for r in ordered if str(r["ID"]) == wanted]
    date_from, date_to = as_instant(params.get("LOG_DATE_FROM")), as_instant(params.get("LOG_DATE_TO"))
    if date_from is not None:
        ordered = [r for r in ordered if (as_instant(r.get("DATE_PUBLISH")) or 0) >= date_from]
    if date_to is not None:
        ordered = [r for r in ordered if (as_instant(r.get("DATE_PUBLISH")) or 0) <= date_to]
    first, last = php_intval(params.get("FIRST_ID", 0)), php_intval(params.get("LAST_ID", 0))
    if first > 0:
        ordered = [r for r in ordered if int(r["ID"]) > first]
    if last > 0:
        ordered = [r for r in ordered if int(r["ID"]) < last]
    if params.get("LIMIT") not in (None, "") or first > 0 or last > 0:
        # cursor mode: no offsets, up to LIMIT (max 200) entries
        limit = min(max(php_intval(params.get("LIMIT", 50)) or 50, 1), 200)
        chosen = ordered[:limit]
        return Reply(chosen, cost_s=0.005 + 0.0002 * len(chosen))
    start = php_intval(params.get("START", 0))
    offset = (max(start, 0) // 50) * 50
    chosen = ordered[offset : offset + 50]
    more = offset + 50 < len(ordered)
    page = Page(chosen, offset + 50 if more else None, len(ordered), start >= 0, offset, len(table))
    if start < 0:
        return Reply(ordered[:50], None, 0, page_cost(page))
    return Reply(chosen, page.next, page.total, page_cost(page) + 0.00002 * len(table))


def _file_info(call: Call, object_id: str) -> dict[str, Any] | None:
    image = next(iter(call.portal.table("feed_images").where("OBJECT_ID", object_id)), None)
    if image is None:
        return None
    return {
        "id": int(object_id),
        "date": image.get("CREATE_TIME", ""),
        "type": "image",
        "name": image.get("NAME", ""),
        "size": php_intval(image.get("SIZE", 0)),
        "image": {"width": 24, "height": 16},
        "authorId": php_intval(image.get("CREATED_BY", 0)),
        "authorName": "",
        "urlPreview": "",
        "urlShow": "",
        "urlDownload": "",
    }


@method("log.blogcomment.user.get", scopes=SCOPES, family="feed_comments")
def log_blogcomment_user_get(call: Call) -> Reply:
    params = upper_keys(call.params)
    author = call.user_id
    if params.get("USER_ID") not in (None, "") and call.portal.is_admin(call.user_id):
        author = php_intval(params["USER_ID"])
    limit = min(max(php_intval(params.get("LIMIT", 100)) or 100, 1), 1000)
    first, last = php_intval(params.get("FIRST_ID", 0)), php_intval(params.get("LAST_ID", 0))
    rows = call.portal.table("feed_comments").where("author_id", author)
    # with FIRST_ID the order is unspecified by the docs: ascending; without it ID DESC
    chosen = [r for r in rows if int(r["id"]) > first] if first > 0 else list(reversed(rows))
    if last > 0:
        chosen = [r for r in chosen if int(r["id"]) < last]
    chosen = chosen[:limit]
    foreign = author != call.user_id
    comments = [{**r, "text": "" if foreign else r.get("text", "")} for r in chosen]
    files: dict[str, Any] = {}
    for row in chosen:
        for object_id in as_list(row.get("attach")):
            info = _file_info(call, str(object_id))
            if info is not None:
                files[str(object_id)] = info
    return Reply({"comments": comments, "files": files or []}, cost_s=0.004 + 0.0001 * len(chosen))


@method("log.blogpost.add", scopes=SCOPES, write=True, family="feed_posts")
def log_blogpost_add(call: Call) -> Reply:
    params = upper_keys(call.params)
    text = str(params.get("POST_MESSAGE") or "")
    if not text:
        raise errors.RestError("", "Message is empty", 400)
    table = call.portal.table("feed_posts")
    post_id = table.max_id() + 1
    author = php_intval(params.get("USER_ID") or call.user_id)
    files = [str(f).lstrip("n") for f in as_list(params.get("FILES"))]
    attach_ids = _link_files(call, files, post_id)
    row: dict[str, Any] = {
        "ID": str(post_id),
        "BLOG_ID": str(author),
        "PUBLISH_STATUS": "P",
        "TITLE": str(params.get("POST_TITLE") or ""),
        "AUTHOR_ID": str(author),
        "ENABLE_COMMENTS": "Y",
        "NUM_COMMENTS": "0",
        "CODE": "",
        "MICRO": "N",
        "DETAIL_TEXT": text,
        "DATE_PUBLISH": str(params.get("DATE_PUBLISH") or call.portal.now_iso()),
        "CATEGORY_ID": "",
        "HAS_SOCNET_ALL": "Y",
        "HAS_TAGS": "N",
        "HAS_IMAGES": "Y" if attach_ids else "N",
        "HAS_PROPS": "Y" if attach_ids else "N",
        "HAS_COMMENT_IMAGES": "N",
        "UF_BLOG_POST_FILE": {"VALUE": attach_ids or False},
        "FILES": attach_ids,
    }
    row.update(legacy_fields({k: v for k, v in params.items() if k not in ("FILES", "POST_MESSAGE", "POST_TITLE")}))
    table.insert(row)
    return Reply(post_id, cost_s=0.03)


def _link_files(call: Call, object_ids: list[str], post_id: int) -> list[str]:
    """Attach uploaded disk files (`n<id>` or ids) to a post: each gets the post as its entity."""
    linked: list[str] = []
    for object_id in object_ids:
        image = next(iter(call.portal.table("feed_images").where("OBJECT_ID", object_id)), None)
        if image is not None:
            image["ENTITY_ID"] = str(post_id)
            image["ENTITY_TYPE"] = "blog_post"
            linked.append(str(image["ID"]))
    if linked:
        call.portal.table("feed_images").invalidate()
    return linked


@method("log.blogcomment.add", scopes=SCOPES, write=True, family="feed_comments")
def log_blogcomment_add(call: Call) -> Reply:
    params = upper_keys(call.params)
    post = call.portal.table("feed_posts").get(php_intval(params.get("POST_ID", 0)))
    if post is None:
        raise errors.RestError("", "Post not found", 400)
    text = str(params.get("TEXT") or "")
    if not text:
        raise errors.RestError("", "Comment text is empty", 400)
    table = call.portal.table("feed_comments")
    comment_id = table.max_id() + 1
    row: dict[str, Any] = {
        "id": comment_id,
        "comment_id": comment_id,
        "log_id": int(post["ID"]),
        "date": str(params.get("DATE") or call.portal.now_iso()),
        "text": text,
        "attach": [php_intval(str(f).lstrip("n")) for f in as_list(params.get("FILES"))],
        "author_id": php_intval(params.get("USER_ID") or call.user_id),
        "post_id": int(post["ID"]),
    }
    row.update({k: v for k, v in params.items() if k not in ("TEXT", "FILES", "POST_ID", "USER_ID")})
    table.insert(row)
    post["NUM_COMMENTS"] = str(php_intval(post.get("NUM_COMMENTS", 0)) + 1)
    return Reply(comment_id, cost_s=0.02)
