"""The environment an agent lives in during one task, and assessments over many tasks.

Follow one episode: `config` (EpisodeConfig, AssessmentConfig) -> `episode.run_episode`, which
sends `messages.task_message`, parses each reply (`parsing`), validates and runs it (`tools`,
on the episode's own org view), classifies the names it used (`names`) and records every turn
(`log`, token counts from `tokens`). `metrics`, `grading` and `scoring` are pure functions of that
log; `results` turns logs into results.json, `runner` runs many episodes concurrently, `agents`
holds the reference agents (the `assess` / `regrade` / `merge` commands are crmarena_cli.assess).
"""
