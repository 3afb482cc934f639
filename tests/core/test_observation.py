"""How an observation is rendered for the agent (core.observation), and the shared types'
old import paths (they re-export from core)."""

from __future__ import annotations

import json

import data.tasks.model
import entropy.levels
import env.config
import env.protocol
import env.tools
import sandbox_db.schema
from core.levels import LEVELS
from core.observation import OBSERVATION_LIMIT, render_payload
from core.task import Task
from core.tool_call import ToolCall


def test_render_payload_keeps_json_valid_when_trimming():
    payload = {"totalSize": 500, "done": True,
               "records": [{"Id": f"{i:018d}", "Description": "x" * 100} for i in range(500)]}
    text, note = render_payload(payload, limit=4000)
    data = json.loads(text)
    assert len(text) <= 4000 and data["done"] is False and data["totalSize"] == 500
    assert note == f"truncated: {len(data['records'])} of 500 records shown (4000 character " \
                   "limit); make the request more selective"
    small, none = render_payload({"totalSize": 0, "done": True, "records": []})
    assert none is None and json.loads(small)["totalSize"] == 0


def test_old_import_paths_are_the_core_objects():
    assert data.tasks.model.Task is Task and env.protocol.ToolCall is ToolCall
    assert env.tools.render_payload is render_payload
    assert env.tools.OBSERVATION_LIMIT == OBSERVATION_LIMIT
    assert env.config.LEVELS == entropy.levels.LEVELS == LEVELS == ("none", "low", "medium", "high")
    assert sandbox_db.schema.ORG_TYPES == ("b2b", "b2c")
