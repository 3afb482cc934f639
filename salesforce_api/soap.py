"""The partner SOAP API's `login`: read the envelope, write the response or the fault.

Both clients send a `login` element with `username` and `password` (simple_salesforce appends the
security token to the password). The envelope is parsed namespace-insensitively with defusedxml
(no DTDs, no entities: the body is untrusted). The response keeps `serverUrl`, `sessionId`,
`userId` and `organizationId` in the default namespace, unprefixed, because simple_salesforce
finds them by exact tag name and jsforce by regex; a failure is HTTP 500 with a real-style fault,
whose `sf:exceptionCode` simple_salesforce reads and whose `faultstring` jsforce reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from salesforce_api.instance import LoginUser

INVALID_LOGIN_MESSAGE = "Invalid username, password, security token; or user locked out."


class LoginFault(Exception):
    """A SOAP fault: `code` is the Salesforce exception code, None for a client error
    (an envelope that is not a login request)."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def xml(self) -> str:
        if self.code is None:
            return _envelope(
                '<soapenv:Fault><faultcode>soapenv:Client</faultcode>'
                f'<faultstring>{escape(self.message)}</faultstring></soapenv:Fault>')
        return _envelope(
            f'<soapenv:Fault><faultcode>sf:{self.code}</faultcode>'
            f'<faultstring>{self.code}: {escape(self.message)}</faultstring><detail>'
            f'<sf:LoginFault xsi:type="sf:LoginFault">'
            f'<sf:exceptionCode>{self.code}</sf:exceptionCode>'
            f'<sf:exceptionMessage>{escape(self.message)}</sf:exceptionMessage>'
            '</sf:LoginFault></detail></soapenv:Fault>')


def invalid_login() -> LoginFault:
    return LoginFault("INVALID_LOGIN", INVALID_LOGIN_MESSAGE)


@dataclass(frozen=True)
class LoginRequest:
    username: str
    password: str


def parse_login(body: bytes) -> LoginRequest:
    """The credentials in a SOAP login envelope; LoginFault when it is not one."""
    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        raise LoginFault(None, f"Unable to parse the SOAP request: {exc}") from None
    login = next((e for e in root.iter() if _local(e) == "login"), None)
    if login is None:
        raise LoginFault(None, "The SOAP body holds no login request")
    values = {_local(child): (child.text or "") for child in login}
    if "username" not in values or "password" not in values:
        raise invalid_login()
    return LoginRequest(values["username"].strip(), values["password"])


def login_response(*, server_url: str, metadata_url: str, session_id: str, user: LoginUser,
                   org_id: str, org_name: str, session_seconds: int) -> str:
    """The loginResponse envelope (values XML-escaped)."""
    info = {
        "accessibilityMode": "false", "currencySymbol": "$",
        "orgAttachmentFileSizeLimit": "5242880",
        "orgDefaultCurrencyIsoCode": "USD", "orgDisallowHtmlAttachments": "false",
        "orgHasPersonAccounts": "false", "organizationId": org_id,
        "organizationMultiCurrency": "false", "organizationName": org_name,
        "profileId": user.profile_id, "roleId": None, "sessionSecondsValid": str(session_seconds),
        "userDefaultCurrencyIsoCode": None, "userEmail": user.email,
        "userFullName": user.name, "userId": user.id, "userLanguage": user.language,
        "userLocale": user.locale, "userName": user.username, "userTimeZone": user.time_zone,
        "userType": "Standard", "userUiSkin": "Theme3",
    }
    user_info = "".join(f'<{k} xsi:nil="true"/>' if v is None else f"<{k}>{escape(v)}</{k}>"
                        for k, v in info.items())
    return _envelope(
        "<loginResponse><result>"
        f"<metadataServerUrl>{escape(metadata_url)}</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
        f"<serverUrl>{escape(server_url)}</serverUrl>"
        f"<sessionId>{escape(session_id)}</sessionId>"
        f"<userId>{escape(user.id)}</userId>"
        f"<userInfo>{user_info}</userInfo>"
        "</result></loginResponse>")


def _envelope(body: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns="urn:partner.soap.sforce.com" xmlns:sf="urn:fault.partner.soap.sforce.com" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>")


def _local(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]
