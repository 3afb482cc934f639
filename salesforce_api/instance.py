"""The Salesforce instance one sandbox serves: one episode org, its Id, its logged-in User.

The org is built by the REPL's own `PlaygroundSession` (org, drift, rot, seed, today, task), so
a query sent over HTTPS answers exactly what `crmarena repl` and `crmarena soql` answer on the
same options. The logged-in User becomes the view's running user. DuckDB work runs on one
worker thread: the view has one cursor, and the event loop must never wait on a query.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from playground.session import PlaygroundSession, SessionSettings
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.ids import make_id
from sandbox_db.schema import OrgSchema
from sandbox_db.soql import run_soql, run_soql_page, run_sosl

T = TypeVar("T")

#: The User fields the login reports (base names); those the org lacks are left empty.
USER_FIELDS = ("Id", "Username", "Name", "FirstName", "LastName", "Email", "ProfileId",
               "IsActive", "TimeZoneSidKey", "LocaleSidKey", "LanguageLocaleKey")
#: One org Id per org type, so sessions, identity URLs and logs name the org consistently.
_ORG_NUMBERS = {"b2b": 1, "b2c": 2}


@dataclass(frozen=True)
class LoginUser:
    """The User a session acts as (base field values; drift renames names, not values)."""

    id: str
    username: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    profile_id: str = ""
    time_zone: str = "America/Los_Angeles"
    locale: str = "en_US"
    language: str = "en_US"


class SandboxInstance:
    """The org view, its running user and the thread its queries run on. Close when done."""

    def __init__(self, settings: SessionSettings, username: str | None = None) -> None:
        self.org = PlaygroundSession(settings)
        try:
            self.user = find_login_user(self.org, username)
        except BaseException:
            self.org.close()
            raise
        self.org.view.running_user_id = self.user.id
        self.org_id = make_id("00D", _ORG_NUMBERS.get(self.org.settings.org, 0))
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-org")

    # ------------------------------------------------------------------ what clients see
    @property
    def schema(self) -> OrgSchema:
        """The agent-visible (drifted) schema."""
        return self.org.schema

    @property
    def today(self) -> dt.date:
        return self.org.today

    @property
    def org_id15(self) -> str:
        return self.org_id[:15]

    @property
    def org_name(self) -> str:
        return f"Entropic CRMArena ({self.org.settings.org})"

    # ------------------------------------------------------------------ blocking org work
    def query(self, soql: str) -> dict[str, Any]:
        return run_soql(self.org.view, soql, today=self.today)

    def query_page(self, soql: str, start: int, size: int) -> list[dict[str, Any]]:
        return run_soql_page(self.org.view, soql, today=self.today, start=start, size=size)

    def search(self, sosl: str) -> dict[str, Any]:
        return run_sosl(self.org.view, sosl, today=self.today)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking org work on the org's thread, without blocking the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.org.close()


def find_login_user(org: PlaygroundSession, username: str | None) -> LoginUser:
    """The User named `username` (case-insensitive), or by default the first active User by
    Username. Looked up in the base org, undrifted and without rot rows, so the default is the
    same User whatever the entropy options, and a distractor row can never be logged in as."""
    base = open_view(org.view.db)
    try:
        obj = base.schema.get("User")
        if obj is None or obj.field("Username") is None:
            raise ValueError("the org has no User.Username field: nobody can log in")
        fields = [f for f in USER_FIELDS if obj.field(f) is not None]
        if username is not None:
            where = f" WHERE Username = {soql_string(username)}"
        else:
            where = " WHERE IsActive = true" if obj.field("IsActive") is not None else ""
        query = f"SELECT {', '.join(fields)} FROM User{where} ORDER BY Username LIMIT 1"
        try:
            records = run_soql(base, query, today=org.today)["records"]
        except SalesforceError as exc:
            raise ValueError(f"cannot look up the login user: {exc.message}") from exc
    finally:
        base.close()
    if not records or (username is not None
                       and str(records[0]["Username"]).lower() != username.lower()):
        raise ValueError(f"no User with Username {username!r} in the {org.settings.org} org")
    rec = records[0]

    def text(name: str, default: str = "") -> str:
        value = rec.get(name)
        return default if value is None else str(value)

    return LoginUser(id=text("Id"), username=text("Username"), name=text("Name"),
                     first_name=text("FirstName"), last_name=text("LastName"),
                     email=text("Email"), profile_id=text("ProfileId"),
                     time_zone=text("TimeZoneSidKey", LoginUser.time_zone),
                     locale=text("LocaleSidKey", LoginUser.locale),
                     language=text("LanguageLocaleKey", LoginUser.language))


def soql_string(value: str) -> str:
    """`value` as a SOQL string literal (backslash escapes, as the dialect reads them)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
