"""A client written the way CRMArena's `crm_sandbox/env/connect_sandbox.py` reaches its org:
`Salesforce(username, password, security_token)` (a SOAP login at login.salesforce.com),
`query_all` for SOQL, `search` for SOSL, and the error read back out of the exception text with
`ast.literal_eval`. It knows nothing of the sandbox: only HTTPS_PROXY and REQUESTS_CA_BUNDLE
point it there. Prints one JSON line per statement given on the command line."""

from __future__ import annotations

import ast
import json
import os
import sys

from simple_salesforce import Salesforce


class SalesforceConnector:
    def __init__(self) -> None:
        self.sf = Salesforce(username=os.environ["SALESFORCE_USERNAME"],
                             password=os.environ["SALESFORCE_PASSWORD"],
                             security_token=os.environ["SALESFORCE_SECURITY_TOKEN"])

    def run_query(self, query: str) -> tuple[object, int]:
        try:
            if query.startswith("FIND"):
                result = self.sf.search(query)["searchRecords"]
            else:
                result = self.sf.query_all(query.replace("```sql", "").replace("```", ""))
                result = result["records"]
            for record in result:
                record.pop("attributes", None)
            keep = {k for record in result for k, v in record.items() if v is not None}
            return [{k: v for k, v in r.items() if k in keep} for r in result], 1
        except Exception as e:  # noqa: BLE001 - CRMArena's own recovery
            error = ast.literal_eval(str(e).split("Response content:")[1].strip())[0]
            return f"{error['errorCode']}: {error['message']}", 0


if __name__ == "__main__":
    connector = SalesforceConnector()
    print(json.dumps({"instance": connector.sf.sf_instance}), flush=True)
    for statement in sys.argv[1:]:
        observation, ok = connector.run_query(statement)
        print(json.dumps({"statement": statement, "ok": ok, "observation": observation}),
              flush=True)
