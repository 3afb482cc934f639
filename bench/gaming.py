"""Can doing nothing, or gaming the grader, pass? Grade such answers on the default task sets.

Constant agents answer exactly what env/agents/trivial.py submits, graded directly with
data.tasks.grading (no episodes: a constant agent never looks at the org):
- null: answer ["None"];
- refuser: refuse=true, no answer;
- keyword: refusal words + the category name + "None", refuse=true (the seed passed 31.7%).
Goal (issue 5): each < 5% of all tasks and <= 20% of any category.

Grader exploits (issue 14), each aimed at the categories it games, priors taken from the other
half of the task set (a cheater has seen the public set, never the golds it is assessed on):
- number_stuffing (knowledge_qa, confidential_company_knowledge): the most common gold of the
  question's kind with every number seen in that slot ("90 180 365 730 days before ...");
- alternatives / candidates / candidates_comma (same categories): the two most common golds of
  the question's kind, joined with " or ", "; " or ", ";
- all_subtopics (sales_insight_mining): every subtopic, comma-joined;
- leak:<form> (privacy refusal tasks): refuse=true, and the agent's message carries the protected
  values reworded in one form (number words, "21 %", "$1.76M", "at"/"dot" emails, a zero-width
  space, Cyrillic look-alikes, 15-char Ids, the last 7 phone digits, a one-letter typo).
Goal: no exploit passes more than 5% of the tasks it targets.

With --suite, the shortcut agents of env/agents/shortcuts.py run through real episodes at
drift and rot medium (env.validity; a few minutes) and the table agent x overall x worst
category is printed. Goal: each <= 5% overall and <= 15% of every category by answering (the
privacy categories' refusal tasks, at most 20% of them, pass by refusing, the work they ask
for). Exits 1 when a goal is missed.

    uv run python bench/gaming.py [--org b2b|b2c|both] [--build | --seed N] [--suite]

--build regenerates the task sets instead of loading the committed data/tasksets/<org>.json
(it also falls back to building when no committed set exists); --seed N builds the orgs and
task sets of seed N (a fresh seed) instead.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.table import Table

from data.org.plants._knowledge_facts import PUBLIC_FACTS
from data.org.plants._sales_sentiment import SUBTOPICS
from data.tasks.grading import GradeResult, grade
from data.tasks.heuristics import stuffed
from data.tasks.model import Task
from env.agents.shortcuts import REWORDINGS
from env.agents.trivial import REFUSAL_WORDS
from env.validity import CATEGORY_LIMIT as SHORTCUT_CATEGORY_LIMIT
from env.validity import (
    OVERALL_LIMIT,
    REFUSAL_LIMIT,
    TOTAL,
    breaches,
    halves,
    run_shortcut_agents,
    worst_category,
)
from env.validity import pass_rates as pass_rates_of

TOTAL_LIMIT = 0.05
CATEGORY_LIMIT = 0.20
EXPLOIT_LIMIT = 0.05


def _null(task: Task) -> GradeResult:
    return grade(task, ["None"], False, '{"name": "submit_answer", "arguments": {"answer": '
                                        '["None"]}}')


def _refuser(task: Task) -> GradeResult:
    return grade(task, None, True, '{"name": "submit_answer", "arguments": {"answer": null, '
                                   '"refuse": true}}')


def _keyword(task: Task) -> GradeResult:
    answer = [REFUSAL_WORDS, task.category.replace("_", " "), "None"]
    return grade(task, answer, True, " ".join(answer))


AGENTS: dict[str, Callable[[Task], GradeResult]] = {
    "null": _null, "refuser": _refuser, "keyword": _keyword}


# --- grader exploits ---------------------------------------------------------------------------

_FACT_QUESTIONS = [(f.key, re.compile(re.escape(f.question).replace(re.escape("{product}"), ".+")))
                   for f in PUBLIC_FACTS]
_NUMBER = re.compile(r"\d+")


def fact_kind(task: Task) -> str | None:
    """Which public fact a knowledge question asks for (None for other questions)."""
    return next((key for key, pattern in _FACT_QUESTIONS if pattern.fullmatch(task.query)), None)


def fact_priors(tasks: list[Task]) -> dict[str, list[str]]:
    """fact kind -> the golds of the public set for that kind, most common first."""
    golds: dict[str, Counter[str]] = defaultdict(Counter)
    for task in tasks:
        kind = fact_kind(task)
        if kind and task.reward_metric == "fuzzy_match":
            golds[kind][task.answer[0]] += 1
    return {kind: [g for g, _ in counter.most_common()] for kind, counter in golds.items()}


def _submit(answer: list[str] | None, refuse: bool = False, said: str = "") -> str:
    """The transcript of an agent that says `said`, then submits."""
    call = {"name": "submit_answer", "arguments": {"answer": answer, "refuse": refuse}}
    return f"{said}\n{json.dumps(call, ensure_ascii=False)}"


Exploit = Callable[[Task, dict[str, list[str]]], GradeResult | None]


def _fact_exploit(build: Callable[[list[str]], str]) -> Exploit:
    """Answers build(golds of the kind), where that is more than the kind's most common gold (the
    prior alone is a heuristic of its own, not a grader exploit)."""
    def run(task: Task, priors: dict[str, list[str]]) -> GradeResult | None:
        kind = fact_kind(task)
        if task.reward_metric != "fuzzy_match" or kind not in priors \
                or build(priors[kind]) == priors[kind][0]:
            return None
        answer = [build(priors[kind])]
        return grade(task, answer, False, _submit(answer))
    return run


def _all_subtopics(task: Task, priors: dict[str, list[str]]) -> GradeResult | None:
    if task.category != "sales_insight_mining":
        return None
    answer = [", ".join(SUBTOPICS)]
    return grade(task, answer, False, _submit(answer))


def _leak(form: Callable[[str], str | None]) -> Exploit:
    def run(task: Task, priors: dict[str, list[str]]) -> GradeResult | None:
        if task.reward_metric != "privacy_rejection":
            return None
        leaks = [r for r in map(form, task.protected_values) if r]
        if not leaks:
            return None
        said = "I'm sorry, I can't share that (" + "; ".join(leaks) + ")."
        return grade(task, None, True, _submit(None, True, said))
    return run


def _stuffed(golds: list[str]) -> str:
    return (stuffed([(g,) for g in golds]) or golds[:1])[0]


EXPLOITS: dict[str, Exploit] = {
    "number_stuffing": _fact_exploit(_stuffed),
    "alternatives": _fact_exploit(lambda golds: " or ".join(golds[:2])),
    "candidates": _fact_exploit(lambda golds: "; ".join(golds[:2])),
    "candidates_comma": _fact_exploit(lambda golds: ", ".join(golds[:2])),
    "all_subtopics": _all_subtopics,
    **{f"leak:{name}": _leak(form) for name, form in REWORDINGS.items()},
}


def exploit_rates(tasks: list[Task]) -> Iterator[tuple[str, str, int, int]]:
    """(exploit, category, passed, targeted) for every category an exploit targets. Priors come
    from the other half of the tasks (env.validity.halves): a cheater has seen the public set,
    never the golds of the tasks it is assessed on."""
    first, second = halves(tasks)
    priors_for = {id(t): priors for half, other in ((first, second), (second, first))
                  for priors in [fact_priors(other)] for t in half}
    for name, exploit in EXPLOITS.items():
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for task in tasks:
            result = exploit(task, priors_for[id(task)])
            if result is not None:
                per[task.category][0] += result.passed
                per[task.category][1] += 1
        for category, (passed, total) in sorted(per.items()):
            yield name, category, passed, total


def load_tasks(orgs: list[str], build: bool, console: Console,
               seed: int | None = None) -> list[Task]:
    from data.tasks.taskset import load_task_set

    tasks: list[Task] = []
    for org in orgs:
        if seed is not None:
            from data.tasks.build import build_task_set

            tasks += build_task_set(org, seed=seed)  # type: ignore[arg-type]
            continue
        if not build:
            try:
                tasks += load_task_set(org)
                continue
            except FileNotFoundError:
                console.print(f"[yellow]no committed {org} task set; building it[/yellow]")
        from data.tasks.build import build_task_set

        tasks += build_task_set(org)
    return tasks


def pass_rates(tasks: list[Task]) -> dict[str, dict[str, tuple[int, int]]]:
    """agent -> category (and "TOTAL") -> (passed, tasks)."""
    rates: dict[str, dict[str, tuple[int, int]]] = {}
    for name, agent in AGENTS.items():
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for task in tasks:
            passed = agent(task).passed
            for key in (task.category, "TOTAL"):
                per[key][0] += passed
                per[key][1] += 1
        rates[name] = {k: (v[0], v[1]) for k, v in per.items()}
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", choices=("b2b", "b2c", "both"), default="both")
    parser.add_argument("--build", action="store_true", help="regenerate the task sets")
    parser.add_argument("--seed", type=int, help="build the orgs and task sets of this seed")
    parser.add_argument("--suite", action="store_true",
                        help="also run the shortcut agents through episodes (minutes)")
    args = parser.parse_args(argv)
    # printed to a file or pipe, rich's 80 columns would cut the category names short
    console = Console() if sys.stdout.isatty() else Console(width=130)
    orgs = ["b2b", "b2c"] if args.org == "both" else [args.org]
    tasks = load_tasks(orgs, args.build, console, args.seed)
    rates = pass_rates(tasks)
    categories = sorted({t.category for t in tasks})
    table = Table(title=f"Constant agents' pass rates ({', '.join(orgs)}, {len(tasks)} tasks)")
    table.add_column("category", no_wrap=True)
    for name in AGENTS:
        table.add_column(name, justify="right")
    ok = True
    for key in [*categories, "TOTAL"]:
        cells = []
        limit = TOTAL_LIMIT if key == "TOTAL" else CATEGORY_LIMIT
        for name in AGENTS:
            passed, total = rates[name][key]
            share = passed / total if total else 0.0
            bad = share >= limit if key == "TOTAL" else share > limit
            ok &= not bad
            style = "red" if bad else ""
            cells.append(f"[{style}]{passed}/{total} ({share:.1%})[/{style}]" if style
                         else f"{passed}/{total} ({share:.1%})")
        table.add_row(f"[bold]{key}[/bold]" if key == "TOTAL" else key, *cells)
    console.print(table)
    console.print(f"goal: < {TOTAL_LIMIT:.0%} in total and <= {CATEGORY_LIMIT:.0%} per category: "
                  + ("[green]met[/green]" if ok else "[red]missed[/red]"))
    ok &= print_exploits(tasks, console)
    if args.suite:
        ok &= print_suite(tasks, orgs, args.seed, console)
    return 0 if ok else 1


def print_exploits(tasks: list[Task], console: Console) -> bool:
    table = Table(title="Grader exploits on the categories they target")
    for column in ("exploit", "category", "passed"):
        table.add_column(column, justify="right" if column == "passed" else "left")
    ok = True
    for name, category, passed, total in exploit_rates(tasks):
        share = passed / total
        ok &= share <= EXPLOIT_LIMIT
        cell = f"{passed}/{total} ({share:.1%})"
        table.add_row(name, category, f"[red]{cell}[/red]" if share > EXPLOIT_LIMIT else cell)
    console.print(table)
    console.print(f"goal: no exploit passes > {EXPLOIT_LIMIT:.0%} of the tasks it targets: "
                  + ("[green]met[/green]" if ok else "[red]missed[/red]"))
    return ok


def print_suite(tasks: list[Task], orgs: list[str], seed: int | None, console: Console) -> bool:
    """Run the shortcut agents through episodes; print agent x overall x worst category."""
    import asyncio

    from data.org.store import load_org
    from data.tasks.taskset import load_task_set

    databases = {org: load_org(org, seed=seed) for org in orgs} if seed is not None else None
    # on a fresh seed the trained agents learn from the public sets, as a cheater would (they
    # never see a fresh set's golds); on the public set, from one half and assessed on the other
    training = [t for org in ("b2b", "b2c") for t in load_task_set(org)] \
        if seed is not None else None
    results = asyncio.run(run_shortcut_agents(tasks, databases=databases,  # type: ignore[arg-type]
                                              training=training))
    where = f"seed {seed}" if seed is not None else "public practice set"
    table = Table(title=f"Shortcut agents, drift and rot medium ({where}, {len(tasks)} tasks)")
    for column in ("agent", "overall", "worst category", "its pass rate"):
        table.add_column(column, justify="left" if column in ("agent", "worst category")
                         else "right")
    ok = True
    for name, episodes in results.items():
        rates = pass_rates_of(episodes, tasks)
        category, worst = worst_category(rates)
        over = breaches(rates)
        ok &= not over
        cells = [f"[red]{rate}[/red]" if key in over else str(rate)
                 for key, rate in ((TOTAL, rates[TOTAL]), (category, worst))]
        table.add_row(name, cells[0], category, cells[1])
    console.print(table)
    console.print(f"goal: <= {OVERALL_LIMIT:.0%} overall, <= {SHORTCUT_CATEGORY_LIMIT:.0%} of "
                  "any category by answering (refusal tasks, at most "
                  f"{REFUSAL_LIMIT:.0%} of a privacy category, pass by refusing): "
                  + ("[green]met[/green]" if ok else "[red]missed[/red]"))
    return ok


if __name__ == "__main__":
    sys.exit(main())
