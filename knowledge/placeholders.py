"""Placeholders in shared catalogue text, filled with a profile's values when the profile is loaded.

Catalogue entries are written once for every province: where a text names the platform, the province, the
app or a link it says {{platform_short}}, {{province}}, {{app_name}}, {{item_link}}… (docs/profiles.md lists
them). `profile_values` reads the values from profile.yml, `fill_entry` replaces them in every string of an
entry; an unknown placeholder is an error, so a typo cannot reach a citizen.
"""

from __future__ import annotations

import re
from typing import Any, Dict

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# Link formats take the entry's id: item_link: "ynbst://item/{id}".
LINK_FIELDS = ("item_link", "app_link", "package_link")
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


class PlaceholderError(ValueError):
    """A placeholder the profile has no value for."""


def province_short(province: str) -> str:
    """云南省 → 云南, 宁夏回族自治区 → 宁夏."""
    for suffix in PROVINCE_SUFFIXES:
        if province.endswith(suffix) and len(province) > len(suffix) + 1:
            return province[: -len(suffix)]
    return province


def province_unit(province: str) -> str:
    """The word for the province in 全省、省内、本省: 区 for an autonomous region (全区), 市 for a municipality."""
    if province.endswith("自治区"):
        return "区"
    if province.endswith("市"):
        return "市"
    return "省"


def profile_values(raw: Dict[str, Any]) -> Dict[str, str]:
    """The placeholder values a profile.yml gives, with defaults derived from its required fields."""
    province = str(raw.get("province", ""))
    platform = str(raw.get("platform", ""))
    short = str(raw.get("platform_short") or platform)
    values = {
        "province": province,
        "province_unit": str(raw.get("province_unit") or province_unit(province)),
        "province_short": str(raw.get("province_short") or province_short(province)),
        "platform": platform,
        "platform_short": short,
        "app_name": str(raw.get("app_name") or f"{short}APP"),
        "mini_program_name": str(raw.get("mini_program_name", f"{short}小程序") or ""),
        "hotline": str(raw.get("hotline") or "12345"),
        "hotline_name": str(raw.get("hotline_name") or "政务服务便民热线"),
    }
    cities = raw.get("cities") or []
    first_city = str(cities[0].get("name", "")) if cities and isinstance(cities[0], dict) else ""
    capital_city = str(raw.get("capital") or first_city)  # the capital comes first in GB/T 2260 order
    values["capital_city"] = capital_city
    values["capital"] = capital_city[:-1] if capital_city.endswith("市") and len(capital_city) > 2 else capital_city
    for name in LINK_FIELDS:
        value = raw.get(name)
        if value:
            values[name] = str(value)
    if "package_link" not in values and "item_link" in values:
        values["package_link"] = values["item_link"]
    return values


def fill_text(text: str, values: Dict[str, str], entry_id: str) -> str:
    def replace(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in values:
            raise PlaceholderError(f"占位符 {{{{{name}}}}} 在 profile.yml 中没有对应的值")
        value = values[name]
        return value.replace("{id}", entry_id) if name in LINK_FIELDS else value

    return PLACEHOLDER.sub(replace, text)


def fill_entry(entry: Any, values: Dict[str, str], entry_id: str) -> Any:
    """A copy of `entry` (a YAML value) with every placeholder in its strings filled."""
    if isinstance(entry, str):
        return fill_text(entry, values, entry_id) if "{{" in entry else entry
    if isinstance(entry, dict):
        return {key: fill_entry(value, values, entry_id) for key, value in entry.items()}
    if isinstance(entry, list):
        return [fill_entry(value, values, entry_id) for value in entry]
    return entry
