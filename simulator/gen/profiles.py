"""Portal sizes per profile: how many records of each kind the generator makes.

`tiny` crosses several `user.get` pages (50 per page) yet stays under a second to build; `small` is the demo
(~10k records); `medium` ~100k; `large` over a million (chat messages dominate, as in real portals).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Record counts of one profile; per-parent counts are averages."""

    users: int
    departments: int
    groups: int
    members_per_group: int
    chats: int
    messages_per_chat: int
    posts: int
    comments_per_post: float
    image_share: float
    tasks: int
    comments_per_task: float
    companies: int
    contacts: int
    deals: int
    sp_types: int
    sp_items_per_type: int
    templates: int


PROFILES: dict[str, Profile] = {
    "tiny": Profile(180, 6, 8, 6, 12, 20, 30, 2.0, 0.3, 40, 2.0, 20, 30, 25, 1, 15, 4),
    "small": Profile(600, 12, 60, 8, 60, 50, 300, 3.0, 0.3, 800, 2.0, 300, 600, 700, 2, 150, 20),
    "medium": Profile(3000, 30, 300, 15, 600, 100, 3000, 3.0, 0.25, 10000, 2.0, 4000, 8000, 10000, 3, 3000, 60),
    "large": Profile(10000, 60, 1000, 20, 5000, 200, 20000, 3.0, 0.2, 100000, 2.0, 50000, 70000, 60000, 4, 5000, 100),
}
