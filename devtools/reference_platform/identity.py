"""Deterministic fake identity profiles (the dev identity issuer's "real-name" data).

Everything is derived from SHA-256 of the user_id, so the same user_id always yields the same
profile. The ID number follows GB 11643-1999 (6-digit region code of a Taiyuan district,
birth date, 3-digit sequence, ISO 7064 MOD 11-2 check digit).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Dict

DEFAULT_TEST_USER = "test-user"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# (region code, district) — Taiyuan, Shanxi.
_DISTRICTS = (
    ("140105", "小店区"),
    ("140106", "迎泽区"),
    ("140107", "杏花岭区"),
    ("140108", "尖草坪区"),
    ("140109", "万柏林区"),
    ("140110", "晋源区"),
)
_STREETS = ("长风街", "平阳路", "迎泽大街", "滨河东路", "体育路", "学府街", "并州北路", "南内环街")


def id_check_digit(first17: str) -> str:
    """Check character of an 18-digit resident ID number given its first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("first17 must be 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=False))
    return _ID_CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit() and id_check_digit(value[:17]) == value[17].upper()


def profile_for(user_id: str) -> Dict[str, str]:
    digest = hashlib.sha256(user_id.encode("utf-8")).digest()
    n = int.from_bytes(digest, "big")

    code, district = _DISTRICTS[n % len(_DISTRICTS)]
    n //= len(_DISTRICTS)
    birth = date(1960, 1, 1) + timedelta(days=n % (40 * 365))
    n //= 40 * 365
    sequence = f"{n % 1000:03d}"
    n //= 1000
    first17 = f"{code}{birth:%Y%m%d}{sequence}"
    id_number = first17 + id_check_digit(first17)

    phone = f"138{n % 10**8:08d}"
    n //= 10**8
    street = _STREETS[n % len(_STREETS)]
    n //= len(_STREETS)
    house = n % 300 + 1
    n //= 300

    name = "测试用户" if user_id == DEFAULT_TEST_USER else f"测试用户{n % 10000:04d}"
    return {
        "user_id": user_id,
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "address": f"山西省太原市{district}{street}{house}号",
    }
