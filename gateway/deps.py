"""Process-wide resources of the gateway, created once by the app factory and reached through
`request.app.state`."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from gateway.button_memory import ButtonMemory
from gateway.rasa_client import RasaClient
from knowledge.store import KnowledgeStore
from search.searcher import KnowledgeSearcher
from settings import Settings


@dataclass
class Resources:
    settings: Settings
    rasa: RasaClient
    store: KnowledgeStore
    searcher: KnowledgeSearcher
    buttons: ButtonMemory


def resources(request: Request) -> Resources:
    return request.app.state.resources
