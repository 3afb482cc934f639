"""leaderboard/queries.sql -> leaderboard/queries.json, the [{"name", "query"}] list AgentBeats'
leaderboard editor takes: each named query with the shared prelude (WITH ...) prepended, comments
dropped, on one line. `--check` exits 1 when queries.json is not up to date."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

LEADERBOARD = Path(__file__).resolve().parent.parent / "leaderboard"
SOURCE, TARGET = LEADERBOARD / "queries.sql", LEADERBOARD / "queries.json"
_BLOCK = re.compile(r"^-- (prelude|name: (.+))$", re.MULTILINE)


def _one_line(sql: str) -> str:
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return " ".join(" ".join(lines).split())


def load_queries(source: Path = SOURCE) -> list[dict[str, str]]:
    """The named queries of `source`, each a complete statement."""
    text = source.read_text(encoding="utf-8")
    marks = list(_BLOCK.finditer(text))
    bodies = [text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)]
              for i, m in enumerate(marks)]
    if not marks or marks[0].group(1) != "prelude":
        raise ValueError(f"{source}: the first block must be '-- prelude'")
    prelude = _one_line(bodies[0])
    return [{"name": m.group(2).strip(), "query": f"WITH {prelude} {_one_line(body)}"}
            for m, body in zip(marks[1:], bodies[1:], strict=True)]


def render(source: Path = SOURCE) -> str:
    return json.dumps(load_queries(source), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only check queries.json")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        print("queries.json is up to date" if current == text else
              "queries.json is out of date: run scripts/leaderboard_queries.py")
        return 0 if current == text else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
