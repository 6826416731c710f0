"""Authorization headers of a user, for the reference server's reads (which show a record only to its owner)."""

from __future__ import annotations

from typing import Dict


def as_user(client, user_id: str = "test-user") -> Dict[str, str]:
    response = client.post("/auth/token", json={"user_id": user_id})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
