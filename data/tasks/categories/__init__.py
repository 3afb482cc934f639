"""Every category module in this package, imported so that its generator and derivations register.

Why tolerant: three engineers add categories in parallel. One module that fails to import must not
take the others (or the environment) down, so failures are logged with the module's name and kept
in IMPORT_ERRORS, which a test asserts is empty.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil

log = logging.getLogger(__name__)

#: module name -> the error it raised on import ("" never appears: only failures are recorded).
IMPORT_ERRORS: dict[str, str] = {}


def _import_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        name = f"{__name__}.{info.name}"
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - one broken category must not break the rest
            IMPORT_ERRORS[info.name] = f"{type(exc).__name__}: {exc}"
            log.warning("task category module %r failed to import: %s: %s",
                        info.name, type(exc).__name__, exc)


_import_all()
