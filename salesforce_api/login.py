"""Logging in: the partner SOAP `login`, the OAuth username-password flow, and who is logged in
(`/services/oauth2/userinfo`, `/id/{org}/{user}`).

Every login that succeeds opens a new session for the one User the sandbox serves; a wrong
username or password gets Salesforce's INVALID_LOGIN fault (SOAP) or `invalid_grant` (OAuth).
Passwords and session ids never reach the log: a login turn records who logged in, not how.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qs

from salesforce_api import soap
from salesforce_api.calls import MAX_VERSION, Call, Reply, SandboxApi
from salesforce_api.records import not_found
from salesforce_api.sessions import Session


def _new_session(call: Call) -> Session:
    return call.api.sessions.create(call.request.headers.get("user-agent", "")[:200])


async def soap_login(call: Call) -> Reply:
    """POST /services/Soap/u/{version}: the partner API login."""
    api = call.api
    call.request_text = f"POST {call.request.url.path} (SOAP login)"
    try:
        login = soap.parse_login(await call.body())
        call.arguments = {"username": login.username}
        call.request_text += f" as {login.username}"
        if not api.credentials.accept(login.username, login.password):
            raise soap.invalid_login()
    except soap.LoginFault as fault:
        code = fault.code or "INVALID_REQUEST"
        return Reply({"faultcode": code, "faultstring": fault.message}, status=500,
                     xml=fault.xml(), error_code=code)
    session = _new_session(call)
    instance = api.instance
    base, org15 = call.base_url(), instance.org_id15
    server_url = f"{base}/services/Soap/u/{call.version}/{org15}"
    xml = soap.login_response(
        server_url=server_url, metadata_url=f"{base}/services/Soap/m/{call.version}/{org15}",
        session_id=session.id, user=instance.user, org_id=instance.org_id,
        org_name=instance.org_name, session_seconds=int(api.sessions.ttl_s))
    return Reply(None, xml=xml, session=session,
                 logged={"serverUrl": server_url, "userId": instance.user.id,
                         "organizationId": instance.org_id, "sessionId": "(not logged)"})


async def oauth_token(call: Call) -> Reply:
    """POST /services/oauth2/token with grant_type=password (simple_salesforce and jsforce with
    a connected app's client id and secret, which are accepted as given)."""
    form = parse_qs((await call.body()).decode("utf-8", "replace"), keep_blank_values=True)

    def value(key: str) -> str:
        return form.get(key, [""])[0]

    call.request_text = f"POST {call.request.url.path} (OAuth {value('grant_type')} grant)"
    call.arguments = {"grant_type": value("grant_type"), "username": value("username")}
    if value("grant_type") != "password":
        return _oauth_error("unsupported_grant_type", "grant type not supported")
    if not call.api.credentials.accept(value("username"), value("password")):
        return _oauth_error("invalid_grant", "authentication failure")
    session = _new_session(call)
    base = call.base_url()
    issued_at = str(int(time.time() * 1000))
    id_url = identity_url(call.api, base)
    signature = hmac.new(value("client_secret").encode(), (id_url + issued_at).encode(),
                         hashlib.sha256).digest()
    payload = {"access_token": session.id, "instance_url": base, "id": id_url,
               "token_type": "Bearer", "issued_at": issued_at,
               "signature": base64.b64encode(signature).decode()}
    return Reply(payload, session=session, logged={**payload, "access_token": "(not logged)"})


def _oauth_error(error: str, description: str) -> Reply:
    return Reply({"error": error, "error_description": description}, status=400,
                 error_code=error.upper())


def identity_url(api: SandboxApi, base: str) -> str:
    return f"{base}/id/{api.instance.org_id}/{api.instance.user.id}"


async def userinfo(call: Call) -> Reply:
    """GET /services/oauth2/userinfo: the OpenID Connect view of the logged-in User."""
    user, instance = call.api.instance.user, call.api.instance
    base = call.base_url()
    return Reply({
        "sub": identity_url(call.api, base), "user_id": user.id,
        "organization_id": instance.org_id, "preferred_username": user.username,
        "nickname": user.username.split("@")[0], "name": user.name, "email": user.email,
        "email_verified": True, "given_name": user.first_name, "family_name": user.last_name,
        "zoneinfo": user.time_zone, "locale": user.locale, "language": user.language,
        "active": True, "user_type": "STANDARD", "is_app_installed": True,
        "urls": _urls(base),
    })


async def identity(call: Call) -> Reply:
    """GET /id/{org}/{user}: the identity service (jsforce `identity()`); another user's or
    org's Id is NOT_FOUND."""
    user, instance = call.api.instance.user, call.api.instance
    params = call.request.path_params
    if params.get("org_id") not in (instance.org_id, instance.org_id15) or \
            params.get("user_id") not in (user.id, user.id[:15]):
        raise not_found()
    base = call.base_url()
    return Reply({
        "id": identity_url(call.api, base), "asserted_user": True, "user_id": user.id,
        "organization_id": instance.org_id, "username": user.username,
        "nick_name": user.username.split("@")[0], "display_name": user.name,
        "email": user.email, "email_verified": True, "first_name": user.first_name,
        "last_name": user.last_name, "timezone": user.time_zone, "active": True,
        "user_type": "STANDARD", "language": user.language, "locale": user.locale,
        "utcOffset": 0, "urls": _urls(base),
    })


def _urls(base: str) -> dict[str, Any]:
    rest = f"{base}/services/data/v{{version}}/"
    return {"rest": rest, "sobjects": rest + "sobjects/", "search": rest + "search/",
            "query": rest + "query/",
            "partner": f"{base}/services/Soap/u/{{version}}/",
            "custom_domain": base, "latest_api_version": f"{MAX_VERSION}.0"}
