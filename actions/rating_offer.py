"""The 好差评 invitation after a completed hand-off or an answered conversation: three buttons that start
the evaluation form (actions/evaluation.py) with the rating filled; a text-only channel reads how to answer."""
from __future__ import annotations

from typing import Any, Dict

OFFER_CHOICES = (("好评", 5), ("中评", 3), ("差评", 1))


def rating_offer(prompt: str = "您对这次服务满意吗？") -> Dict[str, Any]:
    buttons = [{"title": title, "payload": f'/evaluate{{"number": "{value}"}}'} for title, value in OFFER_CHOICES]
    return {"type": "buttons", "text": prompt + "请点选，或直接回复“好评”“中评”“差评”。", "buttons": buttons}
