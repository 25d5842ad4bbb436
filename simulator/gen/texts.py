"""Word pools and small helpers for realistic Russian and English names, titles and message bodies.

Everything is drawn from a `random.Random` the caller seeds, so the same seed always yields the same portal.
"""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime, timedelta, timezone

RU_FIRST_M = (
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Роман",
    "Егор",
    "Павел",
    "Владимир",
    "Олег",
    "Игорь",
    "Евгений",
)
RU_FIRST_F = (
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Екатерина",
    "Светлана",
    "Юлия",
    "Дарья",
    "Полина",
    "Алина",
    "Ксения",
    "Виктория",
    "Марина",
)
RU_LAST = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
)
RU_SECOND_M = ("Александрович", "Сергеевич", "Иванович", "Петрович", "Андреевич", "Викторович")
RU_SECOND_F = ("Александровна", "Сергеевна", "Ивановна", "Петровна", "Андреевна", "Викторовна")
EN_FIRST_M = ("James", "John", "Robert", "Michael", "William", "David", "Richard", "Thomas", "Daniel", "Mark")
EN_FIRST_F = ("Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Susan", "Jessica", "Sarah", "Karen", "Emma")
EN_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Clark",
    "Walker",
    "Hall",
    "Young",
)
POSITIONS_RU = ("Менеджер", "Бухгалтер", "Разработчик", "Аналитик", "Руководитель отдела", "Дизайнер", "Юрист")
POSITIONS_EN = ("Manager", "Accountant", "Developer", "Analyst", "Head of unit", "Designer", "Lawyer")
RU_WORDS = (
    "проект",
    "отчёт",
    "клиент",
    "договор",
    "встреча",
    "задача",
    "срок",
    "бюджет",
    "план",
    "квартал",
    "поставка",
    "счёт",
    "презентация",
    "команда",
    "релиз",
    "согласование",
    "документ",
    "склад",
)
EN_WORDS = (
    "project",
    "report",
    "client",
    "contract",
    "meeting",
    "task",
    "deadline",
    "budget",
    "plan",
    "quarter",
    "delivery",
    "invoice",
    "presentation",
    "team",
    "release",
    "approval",
    "document",
    "warehouse",
)
COMPANY_WORDS = (
    "Альфа",
    "Вектор",
    "Гранит",
    "Север",
    "Восток",
    "Техно",
    "Прогресс",
    "Omega",
    "Nordic",
    "Blue Sky",
    "Atlas",
    "Orion",
    "Меридиан",
    "Квант",
)
COMPANY_FORMS = ("ООО", "АО", "ИП", "LLC", "Ltd", "GmbH")
TIME_ZONES = (
    ("Europe/Moscow", 10800),
    ("Europe/Kaliningrad", 7200),
    ("Asia/Yekaterinburg", 18000),
    ("Asia/Novosibirsk", 25200),
    ("Europe/London", 0),
    ("Europe/Berlin", 3600),
    ("", 0),
)

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "sch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)

EPOCH = datetime(2023, 1, 9, 9, 0, tzinfo=UTC)


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())


def person(rng: random.Random) -> dict[str, str]:
    """A first, second and last name and a gender, Russian (60 %) or English."""
    female = rng.random() < 0.45
    if rng.random() < 0.6:
        last = rng.choice(RU_LAST)
        return {
            "NAME": rng.choice(RU_FIRST_F if female else RU_FIRST_M),
            "LAST_NAME": last + "а" if female else last,
            "SECOND_NAME": rng.choice(RU_SECOND_F if female else RU_SECOND_M),
            "PERSONAL_GENDER": "F" if female else "M",
            "WORK_POSITION": rng.choice(POSITIONS_RU),
            "LANG": "ru",
        }
    return {
        "NAME": rng.choice(EN_FIRST_F if female else EN_FIRST_M),
        "LAST_NAME": rng.choice(EN_LAST),
        "SECOND_NAME": "",
        "PERSONAL_GENDER": "F" if female else "M",
        "WORK_POSITION": rng.choice(POSITIONS_EN),
        "LANG": "en",
    }


def sentence(rng: random.Random, words: int = 8, russian: bool | None = None) -> str:
    pool = RU_WORDS if (russian if russian is not None else rng.random() < 0.6) else EN_WORDS
    text = " ".join(rng.choice(pool) for _ in range(max(words, 1)))
    return text[0].upper() + text[1:] + "."


def company_name(rng: random.Random) -> str:
    return f'{rng.choice(COMPANY_FORMS)} "{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_WORDS)}"'


def moment(rng: random.Random, days: float = 900.0, after: datetime | None = None) -> datetime:
    """A deterministic instant within `days` after `after` (default: the generator's epoch)."""
    base = after or EPOCH
    return base + timedelta(seconds=int(rng.random() * days * 86400))


@functools.cache
def _zone(offset_s: int) -> timezone:
    return timezone(timedelta(seconds=offset_s))


def iso(when: datetime, offset_s: int = 10800) -> str:
    """ISO 8601 with the portal's offset, as `date('c')` prints it."""
    return when.astimezone(_zone(offset_s)).isoformat(timespec="seconds")
