-- The leaderboard's DuckDB queries over `read_json_auto('results/*.json') AS results`: one row per
-- results file (one submission): {"status", "participants": {"crmarena": <green id>,
-- "agent": <agent id>}, "results": [...]}, where results holds each shard's results.json TWICE
-- (the gateway keeps the artifact's data part and its JSON text part, README "The results").
-- Every query counts each episode once: (submission, org, task, trial), and names the task set
-- the submission was assessed on, its rows ranked within it: "public practice set" (the
-- committed tasks, whose answers anyone can look up), "secret fresh sets" (each assessment's own
-- set, drawn from the assessor's CRMARENA_SECRET_SEED) or "fresh set <seed commitment>" (a
-- task_seed the request named). Scores on different task sets are never ranked together.
--
-- Source of leaderboard/queries.json (what AgentBeats' leaderboard editor takes): the prelude
-- below is prepended to every named query; `uv run python scripts/leaderboard_queries.py`
-- regenerates the JSON (tests/leaderboard checks it is up to date and runs every query).
-- Full-line comments only (the JSON holds each query on one line).

-- prelude
runs AS (
  SELECT row_number() OVER () AS run, CAST(participants.agent AS VARCHAR) AS id,
         results AS entries, COALESCE(status, 'completed') AS status
  FROM results
),
entries AS (
  SELECT run, id, e.res,
         CASE WHEN e.res.task_set.public THEN 'public practice set'
              WHEN starts_with(e.res.task_set.seed_commitment, 'hmac-') THEN 'secret fresh sets'
              ELSE 'fresh set ' || e.res.task_set.seed_commitment END AS task_set
  FROM runs CROSS JOIN UNNEST(runs.entries) AS e(res)
  WHERE runs.status = 'completed'
),
episodes AS (
  SELECT run, id, x.t, task_set FROM entries CROSS JOIN UNNEST(entries.res.tasks) AS x(t)
  QUALIFY row_number() OVER (PARTITION BY run, t.org, t.task_id, t.trial) = 1
)

-- name: Entropic CRMArena
SELECT id,
       ANY_VALUE(task_set) AS "Task set",
       ROUND(100 * AVG(CAST(t.passed AS INTEGER)), 1) AS "Pass rate (%)",
       ROUND(AVG(t.score), 2) AS "Score",
       COUNT(*) AS "Episodes"
FROM episodes
GROUP BY run, id
ORDER BY "Task set", "Pass rate (%)" DESC, "Score" DESC

-- name: Scores by dimension (0-100)
SELECT id,
       ANY_VALUE(task_set) AS "Task set",
       ROUND(AVG(t.scores.FUNCTIONAL), 2) AS "Functional",
       ROUND(AVG(t.scores.DRIFT_ADAPTATION), 2) AS "Drift adaptation",
       ROUND(AVG(t.scores.TOKEN_EFFICIENCY), 2) AS "Token efficiency",
       ROUND(AVG(t.scores.QUERY_EFFICIENCY), 2) AS "Query efficiency",
       ROUND(AVG(t.scores.ERROR_RECOVERY), 2) AS "Error recovery",
       ROUND(AVG(t.scores.TRAJECTORY_EFFICIENCY), 2) AS "Trajectory efficiency",
       ROUND(AVG(t.scores.HALLUCINATION_RATE), 2) AS "Hallucination rate"
FROM episodes
GROUP BY run, id
ORDER BY "Task set", "Functional" DESC

-- name: Pass rate by schema drift (%)
SELECT id,
       ANY_VALUE(task_set) AS "Task set",
       ROUND(100 * AVG(CASE WHEN t.drift = 'none' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "none",
       ROUND(100 * AVG(CASE WHEN t.drift = 'low' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "low",
       ROUND(100 * AVG(CASE WHEN t.drift = 'medium' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "medium",
       ROUND(100 * AVG(CASE WHEN t.drift = 'high' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "high"
FROM episodes
GROUP BY run, id
ORDER BY "Task set", "high" DESC NULLS LAST, "medium" DESC NULLS LAST

-- name: Pass rate by context rot (%)
SELECT id,
       ANY_VALUE(task_set) AS "Task set",
       ROUND(100 * AVG(CASE WHEN t.rot = 'none' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "none",
       ROUND(100 * AVG(CASE WHEN t.rot = 'low' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "low",
       ROUND(100 * AVG(CASE WHEN t.rot = 'medium' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "medium",
       ROUND(100 * AVG(CASE WHEN t.rot = 'high' THEN CAST(t.passed AS INTEGER) END), 1)
         AS "high"
FROM episodes
GROUP BY run, id
ORDER BY "Task set", "high" DESC NULLS LAST, "medium" DESC NULLS LAST

-- name: Assessments (task set and settings)
-- The task set (as every query names it), the selection (task_limit, task_percentage) and the
-- selection and entropy seed.
SELECT id,
       ANY_VALUE(task_set) AS "Task set",
       ANY_VALUE(res.config.org_type) AS "Orgs",
       COALESCE(CAST(CAST(ANY_VALUE(res.config.task_limit) AS INTEGER) AS VARCHAR),
                CAST(ANY_VALUE(res.config.task_percentage) AS VARCHAR) || '%', 'all')
         AS "Tasks",
       CAST(ANY_VALUE(res.config.seed) AS INTEGER) AS "Seed",
       ANY_VALUE(res.config.drift_level) AS "Drift",
       ANY_VALUE(res.config.rot_level) AS "Rot",
       CAST(ANY_VALUE(res.config.trials) AS INTEGER) AS "Trials",
       COUNT(DISTINCT res.config.shard_index) AS "Shards",
       CAST(ANY_VALUE(res.config.max_steps) AS INTEGER) AS "Max steps"
FROM entries
GROUP BY run, id
ORDER BY "Task set", id
