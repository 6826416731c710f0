"""On the real stack (issue #15 part 2): the 办事指南 catalogue export (knowledge/sample/exports) imported through
the staff API is answered in chat without retraining — the materials of the situation asked about (or the
question which situation applies) and the place of the citizen's city."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from devtools.support.waiting import wait_until
from tests.conftest import STACK_ADMIN_TOKEN as TOKEN

pytestmark = pytest.mark.stack
EXPORT = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "exports" / "guides-demo.csv"


def _texts(reply) -> str:
    return "\n".join(m.get("text", "") for m in reply["messages"])


def test_the_imported_catalogue_answers_materials_per_situation_and_place_per_city(stack):
    response = httpx.post(
        stack.gateway + "/admin/guides/import",
        params={"publish": "true"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("guides.csv", EXPORT.read_bytes(), "text/csv")},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["published"] == 33

    def answered(text, **extra):
        def check():
            reply = stack.chat("u-" + uuid.uuid4().hex[:8], text, **extra).json()
            return reply if "DEMO-0001" in [s["id"] for s in reply["sources"]] or "导游证" in _texts(reply) else None

        return wait_until(check, 10, f"answered: {text}", interval=0.3)

    lost = answered("导游证遗失了补领要带什么材料")
    assert "遗失声明" in _texts(lost) and "劳动合同" not in _texts(lost), _texts(lost)

    sender = "u-" + uuid.uuid4().hex[:8]
    asked = stack.chat(sender, "导游证申领要带什么材料").json()
    offer = next(m for m in asked["messages"] if m["type"] == "buttons")
    assert [b["title"] for b in offer["buttons"]] == ["首次申领", "遗失补领"], _texts(asked)
    first = stack.chat(sender, "1").json()
    assert "劳动合同" in _texts(first) and "遗失声明" not in _texts(first), _texts(first)

    datong = answered("导游证在哪里办", region="大同市")
    assert "大同市市民之家" in _texts(datong) and "太原市政务服务中心" not in _texts(datong), _texts(datong)
