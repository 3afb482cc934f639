"""The hardening corpus: SOQL/SOSL statements written to escape or exhaust the sandbox, and object
names for describe, as the security tests send them (tests/security) through the engine, the tool
layer, A2A and MCP. Each is (test id, statement)."""

from __future__ import annotations


def _id_list(n: int) -> str:
    return ",".join(f"'500{i:015d}'" for i in range(n))


def _nested_semijoins(depth: int) -> str:
    query = "SELECT Id FROM Account"
    for _ in range(depth):
        query = f"SELECT Id FROM Account WHERE Id IN ({query})"
    return query


PASSWD = "'/etc/passwd'"
#: (id, statement). Ids are the test ids: one per hostile input.
HOSTILE: list[tuple[str, str]] = [
    # DuckDB table functions, as a FROM target and as expressions
    *[(f"tablefn-from-{fn}", f"SELECT Id FROM {fn}({PASSWD})")
      for fn in ("read_csv", "read_csv_auto", "read_text", "read_blob", "read_json",
                 "read_parquet", "parquet_scan", "glob", "query_table", "query")],
    *[(f"catalogfn-from-{fn}", f"SELECT Id FROM {fn}()")
      for fn in ("duckdb_settings", "duckdb_tables", "duckdb_views", "duckdb_databases",
                 "duckdb_extensions", "duckdb_functions", "pragma_database_list")],
    ("tablefn-quoted-path", f"SELECT Id FROM {PASSWD}"),
    ("tablefn-double-quoted-path", 'SELECT Id FROM "/etc/passwd"'),
    ("fn-in-select", f"SELECT read_text({PASSWD}) FROM Case"),
    ("fn-in-where", f"SELECT Id FROM Case WHERE Subject = read_text({PASSWD})"),
    ("fn-getenv", "SELECT Id FROM Case WHERE Subject = getenv('HOME')"),
    ("fn-current-setting", "SELECT current_setting('memory_limit') FROM Case"),
    ("fn-inside-allowed-fn", f"SELECT CALENDAR_YEAR(read_text({PASSWD})) FROM Case"),
    ("fn-inside-tolabel", "SELECT toLabel(query_table('org.main.Case')) FROM Case"),
    ("fn-inside-format", "SELECT FORMAT(getenv('HOME')) FROM Case"),
    ("fn-inside-count", "SELECT COUNT(read_csv('/etc/passwd')) FROM Case"),
    ("fn-in-order-by", "SELECT Id FROM Case ORDER BY read_text('/etc/passwd')"),
    ("fn-in-group-by", "SELECT COUNT(Id) FROM Case GROUP BY getenv('HOME')"),
    ("fn-range-blowup", "SELECT Id FROM range(1000000000000)"),
    ("fn-in-subquery-from", "SELECT Id FROM Account WHERE Id IN (SELECT Id FROM "
                            f"read_csv({PASSWD}))"),
    # statements that are not a SELECT
    ("attach", "ATTACH '/tmp/evil.duckdb' AS evil"),
    ("attach-memory", "ATTACH ':memory:' AS evil"),
    ("detach", "DETACH org"),
    ("copy-to", "COPY (SELECT Id FROM Case) TO '/tmp/out.csv'"),
    ("copy-from", "COPY Case FROM '/etc/passwd'"),
    ("export", "EXPORT DATABASE '/tmp/dump'"),
    ("install", "INSTALL httpfs"),
    ("load", "LOAD httpfs"),
    ("pragma", "PRAGMA database_list"),
    ("set", "SET enable_external_access = true"),
    ("reset", "RESET lock_configuration"),
    ("call", "CALL duckdb_settings()"),
    ("use", "USE org"),
    ("checkpoint", "CHECKPOINT"),
    ("vacuum", "VACUUM"),
    ("begin", "BEGIN TRANSACTION"),
    ("create-table", "CREATE TABLE x (a INT)"),
    ("create-macro", "CREATE MACRO m(a) AS a"),
    ("create-secret", "CREATE SECRET s (TYPE S3, KEY_ID 'a', SECRET 'b')"),
    ("drop-table", "DROP TABLE Case"),
    ("drop-schema", "DROP SCHEMA main CASCADE"),
    ("alter", "ALTER TABLE Case ADD COLUMN x INT"),
    ("insert", "INSERT INTO Case (Id) VALUES ('x')"),
    ("update", "UPDATE Case SET Subject = 'x'"),
    ("delete", "DELETE FROM Case"),
    ("upsert-soql", "UPSERT Case"),
    ("with-cte", "WITH x AS (SELECT Id FROM Case) SELECT Id FROM x"),
    ("values", "VALUES (1), (2)"),
    ("describe-sql", "DESCRIBE Case"),
    ("summarize", "SUMMARIZE Case"),
    ("explain", "EXPLAIN SELECT Id FROM Case"),
    ("select-star", "SELECT * FROM Case"),
    ("select-no-from", "SELECT 1"),
    # stacked statements and comments hiding statements
    ("stacked-drop", "SELECT Id FROM Case; DROP TABLE Case"),
    ("stacked-attach", "SELECT Id FROM Case;ATTACH '/tmp/x.db' AS x"),
    ("stacked-trailing-semicolon", "SELECT Id FROM Case;"),
    ("stacked-in-literal", "SELECT Id FROM Case WHERE Subject = 'a'; SELECT Id FROM Account"),
    ("comment-dash", "SELECT Id FROM Case -- WHERE Id = 'x'"),
    ("comment-dash-stacked", "SELECT Id FROM Case --\n; DROP TABLE Case"),
    ("comment-block", "SELECT Id FROM Case /* hidden */ WHERE Subject = 'x'"),
    ("comment-block-stacked", "SELECT Id FROM Case /*; */ ; ATTACH ':memory:' AS x"),
    ("comment-unterminated", "SELECT Id FROM Case /* never closed"),
    ("comment-hash", "SELECT Id FROM Case # comment"),
    ("quote-breakout", "SELECT Id FROM Case WHERE Subject = 'x'' OR 1=1 --'"),
    ("quote-breakout-backslash", "SELECT Id FROM Case WHERE Subject = 'x\\' OR Id != null"),
    ("quote-unterminated", "SELECT Id FROM Case WHERE Subject = 'x"),
    ("union", "SELECT Id FROM Case WHERE Subject = 'a' UNION SELECT Id FROM Account"),
    ("union-all", "SELECT Id FROM Case UNION ALL SELECT Id FROM Case"),
    ("intersect", "SELECT Id FROM Case INTERSECT SELECT Id FROM Case"),
    ("dollar-quoting", "SELECT Id FROM Case WHERE Subject = $$x$$"),
    ("param-placeholder", "SELECT Id FROM Case WHERE Subject = ?"),
    ("param-dollar", "SELECT Id FROM Case WHERE Subject = $1"),
    ("nul-marker-literal", "SELECT Id FROM Case WHERE Subject = '\x00Account\x00'"),
    ("nul-marker-object", "SELECT Id FROM \x00Account\x00"),
    # reaching beyond the episode's views: grading data, other episodes, the base catalog
    *[(f"grading-object-{name}", f"SELECT Id FROM {name}")
      for name in ("tasks", "task", "results", "gold", "answers", "logs", "episodes",
                   "information_schema.tables", "duckdb_tables", "sqlite_master",
                   "pg_catalog.pg_tables", "temp.main.x", "system.main.x")],
    ("catalog-base-table", "SELECT Id FROM org.main.Case"),
    ("catalog-base-quoted", 'SELECT Id FROM org.main."Case"'),
    ("catalog-episode-view", 'SELECT Id FROM main.v_0.Case'),
    ("catalog-episode-quoted", 'SELECT Id FROM "main"."v_0"."Case"'),
    ("catalog-dotted-quoted", 'SELECT Id FROM "org.main.Case"'),
    ("catalog-quote-in-ident", 'SELECT Id FROM "Case"" UNION SELECT 1 --"'),
    ("catalog-backtick", "SELECT Id FROM `Case`"),
    ("catalog-brackets", "SELECT Id FROM [Case]"),
    ("catalog-field-qualified", "SELECT org.main.Case.Id FROM Case"),
    ("catalog-field-quoted", 'SELECT "Id" FROM Case'),
    ("catalog-info-schema-subquery",
     "SELECT Id FROM Case WHERE Id IN (SELECT table_name FROM information_schema.tables)"),
    ("catalog-duckdb-subquery",
     "SELECT Id FROM Case WHERE Subject IN (SELECT name FROM duckdb_settings())"),
    ("homoglyph-cyrillic-object", "SELECT Id FROM C\u0430se"),
    ("homoglyph-fullwidth-select", "\uff33\uff25\uff2c\uff25\uff23\uff34 Id FROM Case"),
    ("homoglyph-greek-field", "SELECT \u0399d FROM Case"),
    ("zero-width-in-object", "SELECT Id FROM Ca\u200bse"),
    ("rtl-override", "SELECT Id FROM Case WHERE Subject = '\u202eesac'"),
    ("combining-chars", "SELECT Id FROM Case WHERE Subject = '" + "a\u0301" * 5000 + "'"),
    # resource exhaustion
    ("in-list-100k", f"SELECT Id FROM Case WHERE Id IN ({_id_list(100_000)})"),
    ("in-list-just-under-limit", f"SELECT Id FROM Case WHERE Id IN ({_id_list(4_500)})"),
    ("nested-parens-5000", "SELECT Id FROM Case WHERE " + "(" * 5000 + "Id = 'a'" + ")" * 5000),
    ("nested-parens-300", "SELECT Id FROM Case WHERE " + "(" * 300 + "Id = 'a'" + ")" * 300),
    ("nested-not-2000", "SELECT Id FROM Case WHERE " + "NOT " * 2000 + "Id = 'a'"),
    ("nested-semijoin-200", _nested_semijoins(200)),
    ("nested-semijoin-3", _nested_semijoins(3)),
    ("nested-child-subqueries",
     "SELECT Id, (SELECT Id, (SELECT Id FROM Cases) FROM Contacts) FROM Account"),
    ("nested-functions",
     "SELECT " + "CALENDAR_YEAR(" * 500 + "CreatedDate" + ")" * 500 + " FROM Case"),
    ("or-chain-5000",
     "SELECT Id FROM Case WHERE " + " OR ".join(f"Subject = 's{i}'" for i in range(5000))),
    ("and-chain-5000",
     "SELECT Id FROM Case WHERE " + " AND ".join("Id != null" for _ in range(5000))),
    ("cartesian-comma-join", "SELECT Id FROM Case, Account, Contact, Opportunity"),
    ("cartesian-join-keyword", "SELECT Id FROM Case JOIN Account ON 1=1 JOIN Contact ON 1=1"),
    ("cartesian-self-semijoins",
     "SELECT Id FROM Case WHERE Id IN (SELECT Id FROM Case WHERE Id IN (SELECT Id FROM Case))"),
    ("wide-parent-child", "SELECT Id, Name, (SELECT Id, Subject, Description FROM Cases), "
                          "(SELECT Id, Name FROM Contacts), (SELECT Id, Name FROM Opportunities) "
                          "FROM Account"),
    ("all-rows-wide", "SELECT Id, Subject, Description, Status, CreatedDate FROM Case"),
    ("limit-huge", "SELECT Id FROM Case LIMIT 99999999999999999999999"),
    ("limit-negative", "SELECT Id FROM Case LIMIT -1"),
    ("offset-huge", "SELECT Id FROM Case LIMIT 1 OFFSET 99999999999999999999"),
    ("date-literal-huge-n", "SELECT Id FROM Case WHERE CreatedDate = "
                            "LAST_N_DAYS:99999999999999999999"),
    ("date-literal-negative-n", "SELECT Id FROM Case WHERE CreatedDate = LAST_N_DAYS:-5"),
    ("date-out-of-range", "SELECT Id FROM Case WHERE CreatedDate > 99999-12-31T00:00:00Z"),
    ("number-huge", "SELECT Id FROM Case WHERE CreatedDate > " + "9" * 5000),
    ("like-many-percents", "SELECT Id FROM Case WHERE Subject LIKE '" + "%" * 5000 + "'"),
    ("like-percent-a", "SELECT Id FROM Case WHERE Description LIKE '" + "%a" * 2000 + "%b'"),
    ("like-underscores", "SELECT Id FROM Case WHERE Description LIKE '" + "_%" * 2000 + "'"),
    ("like-escape-games", "SELECT Id FROM Case WHERE Subject LIKE '\\\\%\\\\_\\\\' ESCAPE '\\\\'"),
    ("like-or-chain", "SELECT Id FROM Case WHERE " + " OR ".join(
        f"Description LIKE '%{chr(97 + i % 26)}%{chr(98 + i % 25)}%'" for i in range(1500))),
    ("statement-1mb", "SELECT Id FROM Case WHERE Subject = '" + "a" * 1_000_000 + "'"),
    ("statement-1mb-whitespace", "SELECT Id FROM Case" + " " * 1_000_000),
    ("literal-99k", "SELECT Id FROM Case WHERE Subject = '" + "a" * 99_000 + "'"),
    ("many-fields-repeated", "SELECT " + ", ".join(["Id"] * 10_000) + " FROM Case"),
    ("group-by-every-field", "SELECT Subject, Status, Priority, Origin, COUNT(Id) FROM Case "
                             "GROUP BY Subject, Status, Priority, Origin"),
    # bytes that are not text
    ("nul-byte", "SELECT Id FROM Case WHERE Subject = '\x00'"),
    ("nul-in-keyword", "SEL\x00ECT Id FROM Case"),
    ("lone-surrogate", "SELECT Id FROM Case WHERE Subject = '\ud800'"),
    ("lone-surrogate-ident", "SELECT Id FROM Ca\udfffse"),
    ("invalid-utf8-surrogateescape", b"SELECT Id FROM Case WHERE Subject = '\xff\xfe\xc3'"
     .decode("utf-8", "surrogateescape")),
    ("invalid-utf8-latin1", b"SELECT Id FROM Case WHERE Subject = '\xc3\x28'".decode("latin-1")),
    ("control-chars",
     "SELECT Id FROM Case WHERE Subject = '" + "".join(map(chr, range(1, 32))) + "'"),
    ("bom-prefix", "\ufeffSELECT Id FROM Case"),
    ("empty", " "),
    # SOSL
    ("sosl-stacked", "FIND {acme} RETURNING Account(Id); DROP TABLE Account"),
    ("sosl-comment", "FIND {acme} RETURNING Account(Id) -- ; ATTACH 'x' AS y"),
    ("sosl-fn-in-where", f"FIND {{acme}} RETURNING Account(Id WHERE Name = read_text({PASSWD}))"),
    ("sosl-fn-object", "FIND {acme} RETURNING read_csv(Id)"),
    ("sosl-grading-object", "FIND {acme} RETURNING tasks(Id), results(Id)"),
    ("sosl-base-catalog", "FIND {acme} RETURNING org.main.Account(Id)"),
    ("sosl-quote-breakout", "FIND {a' OR 1=1 --} RETURNING Account(Id)"),
    ("sosl-brace-breakout", "FIND {a} } RETURNING Account(Id) {"),
    ("sosl-like-breakout", "FIND {%_%_%_%} RETURNING Account(Id)"),
    ("sosl-wildcards-only", "FIND {**} RETURNING Account(Id)"),
    ("sosl-many-wildcards", "FIND {" + "a*" * 3000 + "} RETURNING Case(Id)"),
    ("sosl-many-or", "FIND {" + " OR ".join(f"w{i}" for i in range(5000)) + "}"),
    ("sosl-50-words-all-objects", "FIND {" + " OR ".join(f"w{i}" for i in range(50)) + "}"),
    ("sosl-64-words-all-objects", "FIND {" + " ".join(f"w{i}*" for i in range(64)) + "}"),
    ("sosl-nested-parens", "FIND {" + "(" * 3000 + "acme" + ")" * 3000 + "}"),
    ("sosl-all-objects-all-fields", "FIND {a*} IN ALL FIELDS"),
    ("sosl-limit-huge", "FIND {acme} RETURNING Account(Id) LIMIT 99999999999999999999"),
    ("sosl-1mb", "FIND {" + "a" * 1_000_000 + "}"),
    ("sosl-nul", "FIND {a\x00b} RETURNING Account(Id)"),
    ("sosl-surrogate", "FIND {\ud800\udfff\ud800} RETURNING Account(Id)"),
    ("sosl-quoted-form", "FIND 'acme'' OR 1=1' RETURNING Account(Id)"),
    ("sosl-in-list-objects", "FIND {acme} RETURNING " + ", ".join(["Account(Id)"] * 2000)),
    ("sosl-child-subquery", "FIND {acme} RETURNING Account(Id, (SELECT Id FROM Contacts))"),
]
assert len({name for name, _ in HOSTILE}) == len(HOSTILE), "hostile ids must be unique"

#: Object names a describe call must answer NOT_FOUND for.
HOSTILE_OBJECT_NAMES = ["../../etc/passwd", "org.main.Case", "main.v_0.Case", "tasks",
                        "Case\x00", "C\u0430se", "\ud800", "x" * 1_000_000, "'; DROP TABLE Case",
                        "information_schema.tables", "duckdb_settings()"]
