"""Import a real org export: a directory of per-object CSV or Parquet files.

Accepts the shape a Salesforce data export or the Hugging Face CRMArena-Pro release gives
(`Account.csv` or `Account.parquet`, one column per field, API names). Files are read with a
plain DuckDB connection (the locked-down one cannot read files), cast to the schema's types,
unknown columns dropped with a warning, missing objects left empty; the result is OrgData and
goes through the same write/load path as generated data.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb

from data.org.generate import normalize
from sandbox_db.database import OrgData, quote_ident
from sandbox_db.schema import OrgType, load_schema

log = logging.getLogger(__name__)

_READERS = {".parquet": "read_parquet({path})",
            ".csv": "read_csv({path}, header = true, all_varchar = true, quote = '\"', "
                    "escape = '\"', strict_mode = false)"}


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _find_file(source: Path, object_name: str) -> Path | None:
    """`<Object>.parquet` or `<Object>.csv` (case-insensitive file name; parquet preferred)."""
    by_lower = {p.name.lower(): p for p in source.iterdir() if p.is_file()}
    for ext in (".parquet", ".csv"):
        hit = by_lower.get(object_name.lower() + ext)
        if hit is not None:
            return hit
    return None


def import_org_dir(path: Path, org: OrgType) -> OrgData:
    """Read every object's file under `path` into typed OrgData for `org`."""
    source = Path(path)
    if not source.is_dir():
        raise NotADirectoryError(f"{source}: not a directory of per-object CSV/Parquet files")
    schema = load_schema(org)
    known = {o.name.lower() for o in schema.objects}
    for p in sorted(source.iterdir()):
        if p.suffix.lower() in _READERS and p.stem.lower() not in known:
            log.warning("import: %s is not an object of the %s schema; ignored", p.name, org)
    con = duckdb.connect(":memory:")
    data: dict[str, list[dict[str, Any]]] = {}
    try:
        for obj in schema.objects:
            file = _find_file(source, obj.name)
            if file is None:
                log.warning("import: no file for %s; it will be empty", obj.name)
                data[obj.name] = []
                continue
            relation = _READERS[file.suffix.lower()].format(path=_sql_str(str(file)))
            columns = [d[0] for d in con.execute(f"SELECT * FROM {relation} LIMIT 0").description]
            by_lower = {c.lower(): c for c in columns}
            dropped = [c for c in columns if obj.field(c) is None]
            if dropped:
                log.warning("import: %s: dropping unknown columns %s", obj.name, dropped)
            selects = []
            for f in obj.fields:
                column = by_lower.get(f.name.lower())
                if column is None:
                    selects.append(f"NULL::{f.duckdb_type} AS {quote_ident(f.name)}")
                else:
                    selects.append(f"{_cast(quote_ident(column), f.duckdb_type)} "
                                   f"AS {quote_ident(f.name)}")
            try:
                rows = con.execute(f"SELECT {', '.join(selects)} FROM {relation}").fetchall()
            except duckdb.Error as exc:
                raise ValueError(f"{file.name}: cannot read as {obj.name}: {exc}") from exc
            names = obj.field_names
            data[obj.name] = [dict(zip(names, row, strict=True)) for row in rows]
    finally:
        con.close()
    return normalize(schema, data)


def _cast(column: str, duckdb_type: str) -> str:
    """Cast a column to the schema type; empty strings become NULL.

    Timestamps: ISO 8601 with or without 'T'/'Z'/'+0000' (Salesforce exports are UTC).
    """
    text = f"NULLIF(CAST({column} AS VARCHAR), '')"
    if duckdb_type == "VARCHAR":
        return f"CAST({column} AS VARCHAR)"
    return f"CAST({text} AS {duckdb_type})"
