"""A minimal client for OpenAI-compatible chat-completions endpoints (OpenAI, Nebius, vLLM, ...).

Plain httpx, no SDK: the baseline needs one POST and must run against any compatible server.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

API_KEY_VARIABLES = ("OPENAI_API_KEY", "NEBIUS_API_KEY")


class ToolsUnsupported(Exception):
    """The endpoint refused a request because it carried `tools`."""


class ChatError(Exception):
    """The endpoint failed (HTTP error or malformed body)."""


def api_key_from_env() -> str | None:
    return next((os.environ[v] for v in API_KEY_VARIABLES if os.environ.get(v)), None)


class ChatClient:
    """POST {base_url}/chat/completions; returns the first choice's message dict."""

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None,
                 timeout_s: float = 120.0, temperature: float = 0.0) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.temperature = temperature
        headers = {"Content-Type": "application/json"}
        key = api_key or api_key_from_env()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._http = httpx.AsyncClient(timeout=timeout_s, headers=headers)

    async def complete(self, messages: list[dict[str, Any]],
                       tools: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": messages,
                                "temperature": self.temperature}
        if tools:
            body["tools"] = tools
            body["tool_choice"] = "auto"
        response = await self._http.post(self.url, json=body)
        if response.status_code in (400, 404, 422, 501) and tools and \
                "tool" in response.text.lower():
            raise ToolsUnsupported(response.text[:300])
        if response.status_code >= 400:
            raise ChatError(f"HTTP {response.status_code} from {self.url}: {response.text[:300]}")
        try:
            return response.json()["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ChatError(f"malformed reply from {self.url}: {response.text[:300]}") from exc

    async def aclose(self) -> None:
        await self._http.aclose()
