"""HTTP client of the Rasa server's `gateway` channel."""

from __future__ import annotations

from typing import Any, Dict, Optional

import httpx


class RasaUnavailable(RuntimeError):
    """Rasa did not answer (down, restarting, or too slow: `kind` "rasa_unavailable"), or answered with an
    error (`kind` "rasa_error": e.g. its tracker or lock store, Redis, is down)."""

    def __init__(self, message: str, kind: str = "rasa_unavailable") -> None:
        super().__init__(message)
        self.kind = kind


class RasaClient:
    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=timeout)

    async def send(self, sender: str, text: str, payload: bool, metadata: Dict[str, Any]) -> Dict[str, Any]:
        body = {"sender": sender, "message": text, "payload": payload, "metadata": metadata}
        try:
            response = await self._client.post(f"{self.base_url}/webhooks/gateway/webhook", json=body)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}", kind="rasa_error")
        return response.json()

    async def control(self, sender: str, event: str) -> bool:
        """Pauses or resumes the conversation (`event` "pause" | "resume"); returns whether it is paused now."""
        try:
            response = await self._client.post(
                f"{self.base_url}/webhooks/gateway/control", json={"sender": sender, "event": event}
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}", kind="rasa_error")
        return bool(response.json().get("paused"))

    async def ping(self, path: str = "/webhooks/gateway/") -> Optional[str]:
        """None when Rasa answers, else why not."""
        try:
            response = await self._client.get(self.base_url + path, timeout=2.0)
        except httpx.HTTPError as exc:
            return type(exc).__name__
        return None if response.status_code == 200 else f"HTTP {response.status_code}"

    async def close(self) -> None:
        await self._client.aclose()
