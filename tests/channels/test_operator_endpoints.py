"""Issue #17: `/metrics` and `/docs` answered without credentials, and `/docs` loaded its script from a CDN.
Now: no Swagger UI or ReDoc at all; `/openapi.json` only in development mode; `/metrics` behind METRICS_TOKEN
when it is set, open in development and closed in production mode when it is not."""

from __future__ import annotations

import httpx
import pytest

from tests.channels.conftest import channel_settings


async def _get(tmp_path, index, path, headers=None, **overrides):
    from gateway.app import create_app

    app = create_app(channel_settings(tmp_path, index, **overrides))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        response = await client.get(path, headers=headers or {})
    await app.state.wechat.close()
    return response


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_no_page_that_loads_scripts_from_a_cdn(tmp_path, channel_index, path):
    response = await _get(tmp_path, channel_index, path)
    assert response.status_code == 404 and "cdn" not in response.text.lower()


async def test_the_api_description_is_served_in_development_only(tmp_path, channel_index):
    development = await _get(tmp_path, channel_index, "/openapi.json")
    production = await _get(tmp_path, channel_index, "/openapi.json", gateway_mode="production")
    assert development.status_code == 200 and "/api/chat" in development.json()["paths"]
    assert production.status_code == 404


async def test_metrics_need_the_token_when_one_is_set(tmp_path, channel_index):
    without = await _get(tmp_path, channel_index, "/metrics", metrics_token="s3cret-metrics")
    wrong = await _get(
        tmp_path, channel_index, "/metrics", {"Authorization": "Bearer nope"}, metrics_token="s3cret-metrics"
    )
    right = await _get(
        tmp_path, channel_index, "/metrics", {"Authorization": "Bearer s3cret-metrics"}, metrics_token="s3cret-metrics"
    )
    assert without.status_code == 401 and "METRICS_TOKEN" in without.json()["detail"]
    assert wrong.status_code == 401
    assert right.status_code == 200 and "chat_turns_total" in right.text


async def test_metrics_are_closed_in_production_without_a_token(tmp_path, channel_index):
    production = await _get(tmp_path, channel_index, "/metrics", gateway_mode="production")
    development = await _get(tmp_path, channel_index, "/metrics")
    assert production.status_code == 404 and "METRICS_TOKEN" in production.json()["detail"]
    assert development.status_code == 200


def test_an_unknown_mode_is_refused_at_start():
    from pydantic import ValidationError

    from settings import Settings

    with pytest.raises(ValidationError, match="GATEWAY_MODE"):
        Settings(gateway_mode="prod")
