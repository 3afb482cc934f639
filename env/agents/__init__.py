"""Reference agents, used to validate the benchmark (not only in tests).

- oracle: replays the reference solution, adapting to drift through describe;
- careless: the oracle's plan with names instead of Ids and no date windows (rot bait);
- null: answers "None"; refuser: refuses; keyword: stuffs refusal words and the category.

`make_agent(name, drift=...)` builds one; `drift` is the assessment's drift level when the
caller knows it (None: the agent finds out by itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from env.agents.base import ScriptedAgent

AGENT_NAMES: tuple[str, ...] = ("oracle", "null", "refuser", "keyword", "careless")


def make_agent(name: str, drift: str | None = None) -> ScriptedAgent:
    """A reference agent by name; ValueError for an unknown name."""
    # The agents' modules load here, not at the top: they bring in the environment and the
    # task framework, while `crmarena`'s parser only reads AGENT_NAMES (startup time).
    if name == "oracle":
        from env.agents.oracle import oracle_agent
        return oracle_agent(drift)
    if name == "careless":
        from env.agents.careless import careless_agent
        return careless_agent(drift)
    from env.agents import trivial
    factories = {"null": trivial.null_agent, "refuser": trivial.refuser_agent,
                 "keyword": trivial.keyword_agent}
    if name not in factories:
        raise ValueError(f"unknown agent {name!r}; expected one of {', '.join(AGENT_NAMES)}")
    return factories[name]()


__all__ = ["AGENT_NAMES", "make_agent"]
