"""The test suite: folders mirror the packages; fixtures in conftest.py files, other shared
helpers in tests/helpers/."""

import pytest

# Before any helper is imported: asserts in tests/helpers get pytest's detailed failure messages.
pytest.register_assert_rewrite("tests.helpers")
