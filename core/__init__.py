"""The shared data types every layer imports: tasks and reference solutions (`core.task`), tool
calls and agent replies (`core.tool_call`), org types (`core.org_type`), entropy levels
(`core.levels`) and how an observation is rendered for the agent (`core.observation`).

The bottom layer: no module here imports any other project package, so anything may import it.
"""
