"""Salesforce API errors: the only error shape an agent ever sees from the org."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    MALFORMED_QUERY = "MALFORMED_QUERY"
    MALFORMED_SEARCH = "MALFORMED_SEARCH"
    INVALID_FIELD = "INVALID_FIELD"
    INVALID_TYPE = "INVALID_TYPE"
    INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR"
    INVALID_SEARCH = "INVALID_SEARCH"
    QUERY_TIMEOUT = "QUERY_TIMEOUT"
    EXCEEDED_MAX_SIZE_REQUEST = "EXCEEDED_MAX_SIZE_REQUEST"
    NOT_FOUND = "NOT_FOUND"
    UNKNOWN_EXCEPTION = "UNKNOWN_EXCEPTION"
    # The REST API's own (salesforce_api): sessions, query locators, request limits.
    INVALID_SESSION_ID = "INVALID_SESSION_ID"
    INVALID_QUERY_LOCATOR = "INVALID_QUERY_LOCATOR"
    INSUFFICIENT_ACCESS_OR_READONLY = "INSUFFICIENT_ACCESS_OR_READONLY"
    REQUEST_LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED"
    JSON_PARSER_ERROR = "JSON_PARSER_ERROR"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNSUPPORTED_CLIENT = "UNSUPPORTED_CLIENT"


class SalesforceError(Exception):
    """An error as the Salesforce REST API reports it: `[{"errorCode": ..., "message": ...}]`."""

    def __init__(self, error_code: ErrorCode | str, message: str) -> None:
        super().__init__(message)
        self.error_code = ErrorCode(error_code)
        self.message = message

    def to_json(self) -> list[dict[str, Any]]:
        return [{"errorCode": self.error_code.value, "message": self.message}]

    def __repr__(self) -> str:
        return f"SalesforceError({self.error_code.value}, {self.message!r})"


def invalid_field(field: str, entity: str) -> SalesforceError:
    """The real INVALID_FIELD message for an unknown column."""
    return SalesforceError(
        ErrorCode.INVALID_FIELD,
        f"No such column '{field}' on entity '{entity}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names.",
    )


def invalid_type(entity: str) -> SalesforceError:
    """The real INVALID_TYPE message for an unknown sObject."""
    return SalesforceError(
        ErrorCode.INVALID_TYPE,
        f"sObject type '{entity}' is not supported. If you are attempting to use a custom object, "
        "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names.",
    )


def invalid_relationship(relationship: str, entity: str) -> SalesforceError:
    """INVALID_FIELD for an unknown relationship in a path or child subquery."""
    return SalesforceError(
        ErrorCode.INVALID_FIELD,
        f"Didn't understand relationship '{relationship}' in field path. If you are attempting "
        f"to use a custom relationship, be sure to append the '__r' after the custom "
        f"relationship name. Please reference your WSDL or the describe call for the "
        f"appropriate names. (entity '{entity}')",
    )


def query_timeout() -> SalesforceError:
    return SalesforceError(
        ErrorCode.QUERY_TIMEOUT,
        "Your query request was running for too long. Please consider making your query more "
        "selective (add filters on indexed fields or reduce the number of rows).",
    )


@contextmanager
def only_salesforce_errors(code: ErrorCode, message: str) -> Iterator[None]:
    """Let SalesforceError through and turn anything else into one: deep nesting becomes
    MALFORMED_QUERY, any other exception `code`/`message`. Agents never see Python errors."""
    try:
        yield
    except SalesforceError:
        raise
    except RecursionError as exc:
        raise SalesforceError(ErrorCode.MALFORMED_QUERY, "query is too deeply nested") from exc
    except Exception as exc:  # noqa: BLE001 - the point of this guard
        raise SalesforceError(code, message) from exc
