"""The REST API's data routes under `/services/data`: versions, resources, query and queryAll
with server-side cursors, search, describes, records by Id or field, composite retrieve, limits.

Queries run through the engine exactly as the agent tools run them (`run_soql`/`run_sosl` on the
episode's view, on the org's thread); a result larger than one batch (2,000 rows, or
`Sforce-Query-Options: batchSize=200..2000`) opens a cursor, and `nextRecordsUrl` is served
under every version and under both `/query/` and `/queryAll/`. The org is read-only: there are
no deleted rows, so queryAll answers what query answers, and every write is refused.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from env.tools import DESCRIBE, SOQL_QUERY, SOSL_SEARCH, describe
from salesforce_api import records
from salesforce_api.calls import MAX_VERSION, MIN_VERSION, Call, Reply
from salesforce_api.cursors import parse_segment
from sandbox_db.errors import ErrorCode, SalesforceError
from sandbox_db.soql.execute import MAX_STATEMENT_CHARS
from sandbox_db.soql.translate import BATCH_SIZE

#: Salesforce's smallest batch size for `Sforce-Query-Options: batchSize`.
MIN_BATCH_SIZE = 200
_SEASONS = ("Winter", "Summer", "Spring")


def release_label(version: int) -> str:
    """Salesforce's release name for an API version: 62 is Winter '25, 61 Summer '24, ..."""
    back = MAX_VERSION - version
    return f"{_SEASONS[back % 3]} '{25 - (back + 2) // 3:02d}"


async def versions(call: Call) -> Reply:
    """GET /services/data: the API versions served (the sf CLI picks the latest)."""
    return Reply([{"label": release_label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
                  for v in range(MIN_VERSION, MAX_VERSION + 1)])


async def resources(call: Call) -> Reply:
    base = f"/services/data/v{call.version}"
    names = ("sobjects", "query", "queryAll", "search", "limits", "composite")
    out: dict[str, Any] = {name: f"{base}/{name}" for name in names}
    out["identity"] = f"{call.base_url()}/id/{call.api.instance.org_id}/" \
                      f"{call.api.instance.user.id}"
    return Reply(out)


# ---------------------------------------------------------------------------------- queries
def _statement(call: Call, kind: str) -> str:
    text = call.request.query_params.get("q")
    code = ErrorCode.MALFORMED_QUERY if kind == "query" else ErrorCode.MALFORMED_SEARCH
    if text is None or not text.strip():
        raise SalesforceError(code, f"A {kind} string has to be specified")
    if len(text) > MAX_STATEMENT_CHARS:
        raise SalesforceError(code, f"{'SOQL statements' if kind == 'query' else 'Searches'} "
                                    f"cannot exceed {MAX_STATEMENT_CHARS} characters")
    return text


def batch_size(call: Call) -> int:
    """`Sforce-Query-Options: batchSize=N`, kept within 200..2000; 2000 when absent or bad."""
    for option in call.request.headers.get("sforce-query-options", "").split(","):
        key, _, value = option.partition("=")
        if key.strip().lower() == "batchsize" and value.strip().isdigit():
            return max(MIN_BATCH_SIZE, min(BATCH_SIZE, int(value)))
    return BATCH_SIZE


def _page(call: Call, total: int, page: list[dict[str, Any]], locator: str,
          position: int) -> dict[str, Any]:
    done = position >= total or not page
    out: dict[str, Any] = {"totalSize": total, "done": done}
    if not done:
        out["nextRecordsUrl"] = f"/services/data/v{call.version}/query/{locator}-{position}"
    out["records"] = page
    return out


async def query(call: Call) -> Reply:
    """GET query/?q= (and queryAll): the first batch; a cursor when there is more."""
    call.tool = SOQL_QUERY
    text = call.request.query_params.get("q")
    call.arguments = {"query": text}
    text = _statement(call, "query")
    batch = batch_size(call)
    instance = call.api.instance
    result = await instance.run(instance.query, text)
    found = result["records"]
    if "nextRecordsUrl" not in result and len(found) <= batch:
        return Reply(result)
    total = int(result["totalSize"])
    locator = call.api.cursors.open(call.require_session().id, text, total, batch)
    return Reply(_page(call, total, found[:batch], locator, min(batch, len(found))))


async def query_more(call: Call) -> Reply:
    """GET query/<locator>-<position> (and queryAll/...): the next batch of a cursor."""
    segment = call.request.path_params["locator"]
    call.tool = "query_more"
    call.arguments = {"locator": segment}
    locator, position = parse_segment(segment)
    cursor = call.api.cursors.get(call.require_session().id, locator, position)
    call.arguments["query"] = cursor.query
    instance = call.api.instance
    page = await instance.run(instance.query_page, cursor.query, position, cursor.batch)
    return Reply(_page(call, cursor.total, page, locator, position + len(page)))


async def search(call: Call) -> Reply:
    call.tool = SOSL_SEARCH
    call.arguments = {"search": call.request.query_params.get("q")}
    text = _statement(call, "search")
    instance = call.api.instance
    return Reply(await instance.run(instance.search, text))


# --------------------------------------------------------------------------------- describes
async def describe_global(call: Call) -> Reply:
    call.tool = DESCRIBE
    return Reply(describe(call.api.instance.org.view, None))


async def describe_sobject(call: Call) -> Reply:
    name = call.request.path_params["sobject"]
    call.tool, call.arguments = DESCRIBE, {"object": name}
    return Reply(describe(call.api.instance.org.view, name))


async def sobject_metadata(call: Call) -> Reply:
    """GET sobjects/{T}: the object's basic information (simple_salesforce `metadata()`)."""
    name = call.request.path_params["sobject"]
    call.arguments = {"object": name}
    obj = records.sobject(call.api.instance, name)
    base = f"/services/data/v{call.version}/sobjects/{obj.name}"
    info = {**obj.describe_global_entry(),
            "urls": {"sobject": base, "describe": f"{base}/describe",
                     "rowTemplate": f"{base}/{{ID}}"}}
    return Reply({"objectDescribe": info, "recentItems": []})


# ----------------------------------------------------------------------------------- records
async def retrieve(call: Call) -> Reply:
    """GET sobjects/{T}/{Id}[?fields=A,B]."""
    params = call.request.path_params
    fields_param = call.request.query_params.get("fields")
    fields = [f.strip() for f in fields_param.split(",") if f.strip()] if fields_param else None
    call.arguments = {"object": params["sobject"], "id": params["record_id"], "fields": fields}
    instance = call.api.instance
    obj = records.sobject(instance, params["sobject"])
    found = await instance.run(records.retrieve, instance, obj, params["record_id"], fields)
    call.soql = found.soql
    return Reply(found.result)


async def retrieve_by_field(call: Call) -> Reply:
    """GET sobjects/{T}/{Field}/{Value}: one record, or 300 with the URLs of several. The value
    is read from the raw path: simple_salesforce >= 1.12.7 sends it `quote_plus`-encoded."""
    params = call.request.path_params
    raw = call.request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
    value = unquote_plus(raw.rstrip("/").rsplit("/", 1)[-1])
    call.arguments = {"object": params["sobject"], "field": params["field"], "value": value}
    instance = call.api.instance
    obj = records.sobject(instance, params["sobject"])
    found = await instance.run(records.retrieve_by_field, instance, obj, params["field"], value)
    call.soql = found.soql
    if isinstance(found.result, list):
        return Reply(found.result, status=300)
    return Reply(found.result)


async def composite_retrieve(call: Call) -> Reply:
    """POST composite/sobjects/{T} {"ids": [...], "fields": [...]}: records in the order asked,
    null for an Id with no record (jsforce `retrieve([ids])`)."""
    name = call.request.path_params["sobject"]
    try:
        body = json.loads(await call.body() or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise SalesforceError(ErrorCode.JSON_PARSER_ERROR, f"Unable to parse the body: {exc}"
                              ) from None
    ids = body.get("ids") if isinstance(body, dict) else None
    fields = body.get("fields") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise SalesforceError(ErrorCode.JSON_PARSER_ERROR, "'ids' must be a list of record Ids")
    if len(ids) > records.MAX_COMPOSITE_IDS:
        raise SalesforceError(ErrorCode.EXCEEDED_MAX_SIZE_REQUEST,
                              f"At most {records.MAX_COMPOSITE_IDS} Ids can be retrieved at once")
    if fields is not None and (not isinstance(fields, list)
                               or not all(isinstance(f, str) for f in fields)):
        raise SalesforceError(ErrorCode.JSON_PARSER_ERROR, "'fields' must be a list of names")
    call.arguments = {"object": name, "ids": ids, "fields": fields}
    instance = call.api.instance
    obj = records.sobject(instance, name)
    found = await instance.run(records.retrieve_many, instance, obj, ids, fields)
    call.soql = found.soql or None
    return Reply(found.result)


async def limits(call: Call) -> Reply:
    """GET limits: the session's own API usage; the rest are a developer org's fixed limits."""
    store = call.api.sessions
    used = call.require_session().api_requests
    fixed = {"DailyBulkApiBatches": 15_000, "DailyAsyncApexExecutions": 250_000,
             "DataStorageMB": 5, "FileStorageMB": 20, "SingleEmail": 15}
    remaining = max(0, store.api_limit - used)
    out = {"DailyApiRequests": {"Max": store.api_limit, "Remaining": remaining}}
    out.update({k: {"Max": v, "Remaining": v} for k, v in fixed.items()})
    return Reply(out)


async def not_found(call: Call) -> Reply:
    raise records.not_found()
