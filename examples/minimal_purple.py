"""A complete purple agent: it describes the org's objects, then submits an empty answer.
Put your agent's logic in `reply`. Run: uv run python examples/minimal_purple.py --port 9010"""

import argparse

import uvicorn

from purple.conversation_server import build_purple_app


class Conversation:  # one per A2A context, i.e. per task
    def __init__(self) -> None:
        self.turns = 0

    async def reply(self, message: str) -> dict:  # the task message, then each observation
        self.turns += 1
        if self.turns == 1:
            return {"name": "describe", "arguments": {}}
        return {"name": "submit_answer", "arguments": {"answer": None}}


parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9010)
parser.add_argument("--card-url")  # AgentBeats passes the URL the card must advertise
args = parser.parse_args()
app = build_purple_app(args.card_url or f"http://{args.host}:{args.port}/", name="minimal purple",
                       description="describe, then submit", new_conversation=Conversation)
uvicorn.run(app, host=args.host, port=args.port)
