"""For the entropy tests: sample orgs on disk, and an oracle that knows the drift plan.

The `b2b_org` fixture (tests/entropy/conftest.py) is built with `make_org`;
tests/entropy/test_entropy_support.py checks the sample org itself.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from data.tasks.reference import derive
from entropy.sample_org import sample_org
from sandbox_db import soql
from sandbox_db.database import OrgDatabase, write_org_file
from sandbox_db.schema import OrgSchema, load_schema

TODAY = dt.date(2025, 1, 15)


def make_org(tmp: Path, org: str = "b2b", seed: int = 7) -> tuple[OrgSchema, dict, OrgDatabase]:
    schema = load_schema(org)  # type: ignore[arg-type]
    data = sample_org(schema, seed)
    path = tmp / f"{org}-{seed}.duckdb"
    write_org_file(path, schema, data)
    return schema, data, OrgDatabase(schema, path)


# --- an oracle that knows the plan: reference calls rewritten into visible names --------------

def _to_base(payload, view, base_schema, from_obj=None):
    """A Salesforce-shaped result from the drifted view, with names mapped back to base
    (AggregateResult columns through the query's FROM object)."""
    if isinstance(payload, list):
        return [_to_base(p, view, base_schema, from_obj) for p in payload]
    if not isinstance(payload, dict):
        return payload
    attrs = payload.get("attributes")
    if isinstance(attrs, dict) and attrs.get("type") == "AggregateResult" \
            and from_obj in view.base_names:
        fmap = view.base_names[from_obj][1]
        # a grouped parent path (Opp__r.Record_Owner__c) is keyed by its last name: map it
        # when every object that shows that name maps it to the same base name
        anywhere: dict[str, set[str]] = {}
        for _, other in view.base_names.values():
            for vis, base in other.items():
                anywhere.setdefault(vis, set()).add(base)
        out = {}
        for k, v in payload.items():
            if k in fmap:
                k = fmap[k]
            elif len(anywhere.get(k, ())) == 1:
                k = next(iter(anywhere[k]))
            out[k] = v
        return out
    if not isinstance(attrs, dict) or attrs.get("type") not in view.base_names:
        return {k: _to_base(v, view, base_schema, from_obj) for k, v in payload.items()}
    vis_name = attrs["type"]
    base_name, fmap = view.base_names[vis_name]
    vis_obj, base_obj = view.schema.get(vis_name), base_schema.get(base_name)
    out = {}
    for key, value in payload.items():
        if key == "attributes":
            out[key] = {**value, "type": base_name}
        elif key in fmap:
            out[fmap[key]] = value
        elif (ref := vis_obj.field_by_relationship(key)) is not None:
            relationship = base_obj.field(fmap[ref.name]).relationship_name
            out[relationship] = _to_base(value, view, base_schema)
        elif (child := vis_obj.child_relationship(key)) is not None:
            child_base, child_map = view.base_names[child.child_object]
            rel = next(c.relationship_name for c in base_obj.child_relationships
                       if c.child_object == child_base and c.field == child_map[child.field])
            out[rel] = _to_base(value, view, base_schema)
        else:
            out[key] = _to_base(value, view, base_schema)
    return out


def oracle_answer(org, task, base_schema, today) -> list[str]:
    """The answer an agent that adapts to drift through describe gets on the entropic org."""
    plan = org.plan
    results = []
    for step in task.reference.steps:
        args = step.arguments
        if step.name == "describe":
            name = args.get("object")
            results.append(base_schema.describe_global() if not name
                           else base_schema.get(name).describe())
            continue
        text = args["query"] if step.name == "soql_query" else args["search"]
        visible = soql.rewrite_soql(text, base_schema, org.view.schema, plan.object_renames,
                                    plan.field_renames)
        run = soql.run_soql if step.name == "soql_query" else soql.run_sosl
        match = re.search(r"\bFROM\s+(\w+)", visible, re.IGNORECASE)
        from_obj = org.view.schema.get(match.group(1)).name if match and \
            org.view.schema.get(match.group(1)) else None
        results.append(_to_base(run(org.view, visible, today=today), org.view, base_schema,
                                from_obj))
    return derive(task.reference, results)
