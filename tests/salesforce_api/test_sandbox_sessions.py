"""Logins, sessions and cursors over real HTTPS: who can log in, what the login says, and that
sessions and query locators are bounded in time and number and scoped to their session."""

from __future__ import annotations

import re

import pytest

from salesforce_api.cursors import DEFAULT_CURSOR_TTL_S, DEFAULT_PER_SESSION
from tests.helpers.sandbox import (
    MANY_ROWS,
    TOKEN,
    assert_alive,
    assert_error,
    client,
    oauth_login,
    start_sandbox,
)

pytestmark = pytest.mark.slow

QUERY = "/services/data/v59.0/query"
SOAP = """<?xml version="1.0" encoding="utf-8" ?>
<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
  <env:Header><urn:CallOptions><urn:client>test</urn:client></urn:CallOptions></env:Header>
  <env:Body><n1:login xmlns:n1="urn:partner.soap.sforce.com">
    <n1:username>{username}</n1:username><n1:password>{password}</n1:password>
  </n1:login></env:Body></env:Envelope>"""


def soap_login(sb, username: str, password: str):
    with client(sb) as http:
        return http.post("/services/Soap/u/59.0",
                         content=SOAP.format(username=username, password=password),
                         headers={"Content-Type": "text/xml", "SOAPAction": "login"})


def tag(xml: str, name: str) -> str:
    match = re.search(rf"<{name}>([^<]*)</{name}>", xml)
    assert match, f"no <{name}> in {xml}"
    return match.group(1)


def test_soap_login_reports_the_running_user(sandbox):
    user = sandbox.instance.user
    assert sandbox.instance.org.view.running_user_id == user.id
    for password in (sandbox.options.password, sandbox.options.password + TOKEN):
        r = soap_login(sandbox, user.username.upper(), password)  # usernames ignore case
        assert r.status_code == 200 and r.headers["content-type"] == "text/xml;charset=UTF-8"
        assert tag(r.text, "userId") == user.id
        assert tag(r.text, "organizationId") == sandbox.instance.org_id
        assert tag(r.text, "userName") == user.username
        assert tag(r.text, "serverUrl") == \
            f"{sandbox.instance_url}/services/Soap/u/59.0/{sandbox.instance.org_id15}"
        with client(sandbox, tag(r.text, "sessionId")) as http:
            assert http.get("/services/data/v59.0/limits").status_code == 200


@pytest.mark.parametrize(("username", "password"), [
    ("nobody@example.com", "crmarena"), (None, "wrong"), (None, ""), (None, "crmarena" + "x")])
def test_wrong_logins_get_invalid_login(sandbox, username, password):
    r = soap_login(sandbox, username or sandbox.instance.user.username, password)
    assert r.status_code == 500
    assert tag(r.text, "faultcode") == "sf:INVALID_LOGIN"
    assert tag(r.text, "sf:exceptionCode") == "INVALID_LOGIN"
    with client(sandbox) as http:
        r = http.post("/services/oauth2/token", data={
            "grant_type": "password", "username": username or sandbox.instance.user.username,
            "password": password})
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_grant", "error_description": "authentication failure"}
    assert_alive(sandbox)


def test_oauth_login_userinfo_and_identity(sandbox):
    user, instance = sandbox.instance.user, sandbox.instance
    with client(sandbox) as http:
        r = http.post("/services/oauth2/token", data={
            "grant_type": "password", "client_id": "id", "client_secret": "secret",
            "username": user.username, "password": sandbox.options.password})
        token = r.json()
        assert token["instance_url"] == sandbox.instance_url and token["token_type"] == "Bearer"
        assert token["id"] == f"{sandbox.instance_url}/id/{instance.org_id}/{user.id}"
        bad = http.post("/services/oauth2/token", data={"grant_type": "authorization_code"})
        assert bad.json()["error"] == "unsupported_grant_type"
    with client(sandbox, token["access_token"]) as http:
        info = http.get("/services/oauth2/userinfo").json()
        assert (info["user_id"], info["organization_id"], info["preferred_username"]) == \
            (user.id, instance.org_id, user.username)
        identity = http.get(token["id"].removeprefix(sandbox.instance_url)).json()
        assert identity["user_id"] == user.id and identity["username"] == user.username
        assert_error(http.get(f"/id/{instance.org_id}/005Wt000000000000A"), 404, "NOT_FOUND")
        resources = http.get("/services/data/v59.0/").json()
        assert resources["query"] == "/services/data/v59.0/query"


def test_a_named_user_and_a_missing_one(tmp_path):
    named = "mary.freeman@cirrusworks.com.crm"
    sb = start_sandbox(tmp_path / "named", username=named)
    try:
        assert sb.instance.user.username == named
        assert soap_login(sb, named, sb.options.password).status_code == 200
    finally:
        sb.shutdown()
    with pytest.raises(ValueError, match="no User with Username"):
        start_sandbox(tmp_path / "missing", username="nobody@example.com")


def test_idle_sessions_expire_and_used_ones_do_not(expiring):
    sb, clock = expiring
    idle, used = oauth_login(sb), oauth_login(sb)
    ttl = sb.options.session_ttl_s
    with client(sb, idle) as a, client(sb, used) as b:
        clock.advance(ttl * 0.6)
        assert b.get("/services/data/v59.0/limits").status_code == 200
        clock.advance(ttl * 0.6)
        assert_error(a.get(QUERY, params={"q": "SELECT Id FROM Account"}), 401,
                     "INVALID_SESSION_ID")
        assert b.get("/services/data/v59.0/limits").status_code == 200
        clock.advance(ttl + 1)
        assert_error(b.get("/services/data/v59.0/limits"), 401, "INVALID_SESSION_ID")
    assert_alive(sb)


def test_sessions_are_bounded_in_number(tmp_path):
    sb = start_sandbox(tmp_path, max_sessions=3)
    try:
        first = oauth_login(sb)
        rest = [oauth_login(sb) for _ in range(3)]
        with client(sb, first) as http:  # the least recently used one went first
            assert_error(http.get("/services/data/v59.0/limits"), 401, "INVALID_SESSION_ID")
        for session in rest:
            with client(sb, session) as http:
                assert http.get("/services/data/v59.0/limits").status_code == 200
        assert len(sb.sessions) == 3
    finally:
        sb.shutdown()


def test_cursors_expire_when_idle(expiring):
    sb, clock = expiring
    with client(sb, oauth_login(sb)) as http:
        first = http.get(QUERY, params={"q": MANY_ROWS}).json()
        second = http.get(first["nextRecordsUrl"]).json()
        clock.advance(DEFAULT_CURSOR_TTL_S - 1)
        assert http.get(second["nextRecordsUrl"]).status_code == 200  # used: kept alive
        clock.advance(DEFAULT_CURSOR_TTL_S + 1)
        assert_error(http.get(second["nextRecordsUrl"]), 400, "INVALID_QUERY_LOCATOR")


def test_cursors_are_bounded_per_session(sandbox):
    with client(sandbox, oauth_login(sandbox)) as http:
        urls = [http.get(QUERY, params={"q": MANY_ROWS}).json()["nextRecordsUrl"]
                for _ in range(DEFAULT_PER_SESSION + 1)]
        assert_error(http.get(urls[0]), 400, "INVALID_QUERY_LOCATOR")  # the oldest went first
        for url in urls[1:]:
            assert http.get(url).status_code == 200


def test_query_all_locators_answer_under_both_paths(sandbox):
    with client(sandbox, oauth_login(sandbox)) as http:
        first = http.get("/services/data/v59.0/queryAll/", params={"q": MANY_ROWS}).json()
        url = first["nextRecordsUrl"]
        assert url.startswith("/services/data/v59.0/query/")
        both = [http.get(url).json(), http.get(url.replace("/query/", "/queryAll/")).json(),
                http.get(url.replace("v59.0", "v45.0")).json()]
        assert both[0]["records"] == both[1]["records"] == both[2]["records"]
        assert both[2]["nextRecordsUrl"].startswith("/services/data/v45.0/query/")


def test_the_limit_header_counts_requests(sandbox):
    with client(sandbox, oauth_login(sandbox)) as http:
        for n in (1, 2, 3):
            r = http.get(QUERY, params={"q": "SELECT Id FROM Account LIMIT 1"})
            assert r.headers["sforce-limit-info"] == f"api-usage={n}/15000"
