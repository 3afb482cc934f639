"""Bad input over real HTTPS: each gets Salesforce's error shape (a JSON array of one
{"message", "errorCode"} with the right status) and the server answers the next request."""

from __future__ import annotations

import json
import socket
import ssl

import httpx
import pytest

from salesforce_api.calls import DEFAULT_MAX_BODY_BYTES
from tests.helpers.sandbox import (
    MANY_ROWS,
    assert_alive,
    assert_error,
    client,
    oauth_login,
    raw_https,
)

pytestmark = pytest.mark.slow

QUERY = "/services/data/v59.0/query"


@pytest.fixture
def http(sandbox):
    with client(sandbox, oauth_login(sandbox)) as c:
        yield c


@pytest.mark.parametrize(("statement", "code"), [
    ("SELEC Id FROM Account", "MALFORMED_QUERY"),
    ("SELECT Id FROM Account WHERE", "MALFORMED_QUERY"),
    ("SELECT Id FROM Acount", "INVALID_TYPE"),
    ("SELECT Nme FROM Account", "INVALID_FIELD"),
    ("SELECT Id FROM Account; DROP TABLE Account", "MALFORMED_QUERY"),
    ("FIND {Apex} RETURNING Account", "MALFORMED_QUERY"),
])
def test_bad_soql(sandbox, http, statement, code):
    assert_error(http.get(QUERY, params={"q": statement}), 400, code)
    assert_alive(sandbox)


def test_bad_sosl_and_missing_statements(sandbox, http):
    assert_error(http.get("/services/data/v59.0/search", params={"q": "FIND Apex"}), 400,
                 "MALFORMED_SEARCH")
    assert_error(http.get(QUERY), 400, "MALFORMED_QUERY")
    assert_error(http.get(QUERY, params={"q": "  "}), 400, "MALFORMED_QUERY")
    assert_alive(sandbox)


def test_unknown_object_in_the_path(sandbox, http):
    base = "/services/data/v59.0/sobjects"
    assert_error(http.get(f"{base}/NoSuchObject__c/describe"), 404, "NOT_FOUND")
    assert_error(http.get(f"{base}/NoSuchObject__c/500Wt00000TXuHTIA1"), 404, "NOT_FOUND")
    assert_error(http.get(f"{base}/Case/not-an-id"), 404, "NOT_FOUND")
    assert_error(http.get(f"{base}/Case/Subject/x", params={}), 404, "NOT_FOUND")
    assert_error(http.get(f"{base}/Case/NoSuchField/x"), 404, "NOT_FOUND")
    assert_error(http.get(f"{base}/Case/500Wt00000TXuHTIA1", params={"fields": "Nope"}), 400,
                 "INVALID_FIELD")
    assert_error(http.get(f"{base}/Case/500Wt00000TXuHTIA1", params={"fields": "Id) FROM x--"}),
                 400, "INVALID_FIELD")
    assert_alive(sandbox)


def test_unknown_and_missing_sessions(sandbox):
    with client(sandbox) as anonymous:
        assert_error(anonymous.get(QUERY, params={"q": "SELECT Id FROM Account"}), 401,
                     "INVALID_SESSION_ID")
        for header in ("Bearer 00DWt0000000001!nope", "Bearer", "Basic abc", "OAuth x"):
            r = anonymous.get(QUERY, params={"q": "SELECT Id FROM Account"},
                              headers={"Authorization": header})
            assert assert_error(r, 401, "INVALID_SESSION_ID") == "Session expired or invalid"
    assert_alive(sandbox)


def test_unknown_locators(sandbox, http):
    for locator in ("01gAAAAAAAAAAAAAAA-2000", "nope", "01g-1", "01gAAAAAAAAAAAAAAA-x"):
        assert_error(http.get(f"{QUERY}/{locator}"), 400, "INVALID_QUERY_LOCATOR")
    first = http.get(QUERY, params={"q": MANY_ROWS}).json()
    locator = first["nextRecordsUrl"].rsplit("/", 1)[-1].split("-")[0]
    assert_error(http.get(f"{QUERY}/{locator}-{first['totalSize']}"), 400,
                 "INVALID_QUERY_LOCATOR")  # past the end
    with client(sandbox, oauth_login(sandbox)) as other:  # another session's locator
        assert_error(other.get(first["nextRecordsUrl"]), 400, "INVALID_QUERY_LOCATOR")
    assert http.get(first["nextRecordsUrl"]).status_code == 200  # still the owner's
    assert_alive(sandbox)


def test_huge_q(sandbox):
    session = oauth_login(sandbox)
    for size, code in [(150_000, "MALFORMED_QUERY"),  # over Salesforce's statement limit
                       (2_000_000, "UNSUPPORTED_CLIENT")]:  # over what the server reads at all
        q = "SELECT+Id+FROM+Account+WHERE+Name+%3D+%27" + "x" * size + "%27"
        status, content_type, body = raw_https(
            sandbox, f"GET {QUERY}?q={q} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Authorization: Bearer {session}")
        assert (status, content_type) == (400, "application/json;charset=UTF-8")
        error = json.loads(body)
        assert [e["errorCode"] for e in error] == [code] and error[0]["message"]
    assert_alive(sandbox)


def test_body_over_the_cap(sandbox, http):
    url = "/services/data/v59.0/composite/sobjects/Case"
    big = b'{"ids": ["' + b"a" * DEFAULT_MAX_BODY_BYTES + b'"]}'
    assert_error(http.post(url, content=big), 413, "EXCEEDED_MAX_SIZE_REQUEST")

    def chunks():  # no Content-Length: the cap holds while streaming
        for _ in range(DEFAULT_MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    assert_error(http.post(url, content=chunks()), 413, "EXCEEDED_MAX_SIZE_REQUEST")
    soap = "/services/Soap/u/59.0"
    r = http.post(soap, content=b"<x>" + b"a" * (DEFAULT_MAX_BODY_BYTES + 1))
    assert_error(r, 413, "EXCEEDED_MAX_SIZE_REQUEST")
    assert_alive(sandbox)


def test_bad_composite_bodies(sandbox, http):
    url = "/services/data/v59.0/composite/sobjects/Case"
    assert_error(http.post(url, content=b"{not json"), 400, "JSON_PARSER_ERROR")
    assert_error(http.post(url, json={"ids": "500Wt00000TXuHTIA1"}), 400, "JSON_PARSER_ERROR")
    assert_error(http.post(url, json={"ids": ["a"] * 2001}), 400, "EXCEEDED_MAX_SIZE_REQUEST")
    assert http.post(url, json={"ids": ["nope"], "fields": ["Id"]}).json() == [None]
    assert_alive(sandbox)


def test_plain_http_to_the_tls_port(sandbox):
    with httpx.Client(trust_env=False) as plain:
        r = plain.get(f"http://127.0.0.1:{sandbox.port}/services/data")
    assert_error(r, 400, "UNSUPPORTED_CLIENT")
    with socket.create_connection(("127.0.0.1", sandbox.port)) as raw:  # not HTTP at all
        raw.sendall(b"\x00\x01garbage\r\n\r\n")
        assert b'"UNSUPPORTED_CLIENT"' in raw.recv(4096)
    with socket.create_connection(("127.0.0.1", sandbox.port)) as raw:  # a broken handshake
        raw.sendall(b"\x16\x03\x01\x00\x05hello")
        raw.settimeout(5)
        try:
            assert raw.recv(4096) is not None
        except (ConnectionResetError, TimeoutError):
            pass
    assert_alive(sandbox)


def test_tls_rejects_an_untrusted_client_view(sandbox):
    """Without the sandbox CA, clients refuse the certificate (it is not a public one)."""
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sandbox.instance_url}/services/data", verify=ssl.create_default_context(),
                  trust_env=False)


def test_writes_are_refused_as_for_a_read_only_user(sandbox, http):
    base = "/services/data/v59.0"
    record = f"{base}/sobjects/Case/500Wt00000TXuHTIA1"
    for method, url in [("POST", f"{base}/sobjects/Case"), ("PATCH", record), ("DELETE", record),
                        ("PATCH", f"{base}/sobjects/Case/Subject/x"),
                        ("POST", f"{base}/composite/sobjects"),
                        ("DELETE", f"{base}/composite/sobjects")]:
        r = http.request(method, url, json={"Subject": "x"})
        assert_error(r, 400, "INSUFFICIENT_ACCESS_OR_READONLY")
    with client(sandbox) as anonymous:  # a write without a session is a 401 first
        assert_error(anonymous.delete(record), 401, "INVALID_SESSION_ID")
    assert_alive(sandbox)


def test_wrong_methods_versions_and_paths(sandbox, http):
    assert_error(http.post(QUERY, params={"q": "SELECT Id FROM Account"}), 405,
                 "METHOD_NOT_ALLOWED")
    assert_error(http.get("/services/Soap/u/59.0"), 405, "METHOD_NOT_ALLOWED")
    for version in ("v36.0", "v63.0", "v59", "59.0", "vx"):
        assert_error(http.get(f"/services/data/{version}/limits"), 404, "NOT_FOUND")
    assert_error(http.get("/services/data/v59.0/nothing/here"), 404, "NOT_FOUND")
    assert_error(http.get("/"), 404, "NOT_FOUND")
    assert_alive(sandbox)


@pytest.mark.parametrize("body", [
    b"not xml",
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]>"
    b"<login><username>&b;</username><password>p</password></login>",
    b"<Envelope><Body><logout/></Body></Envelope>",
    b"<Envelope><Body><login><username>u</username></login></Body></Envelope>",
])
def test_bad_soap_logins_are_faults(sandbox, body):
    with client(sandbox) as anonymous:
        r = anonymous.post("/services/Soap/u/59.0", content=body,
                           headers={"Content-Type": "text/xml", "SOAPAction": "login"})
    assert r.status_code == 500 and r.headers["content-type"] == "text/xml;charset=UTF-8"
    assert "<soapenv:Fault>" in r.text and "<sessionId>" not in r.text
    assert_alive(sandbox)
