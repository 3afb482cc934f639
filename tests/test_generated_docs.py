"""The docs generated from the code are current: the README's config table, the green card's
config text and scenario.toml's [config] table come from AssessmentConfig; the purple-agent
guide's first message, observation and tool schemas from a real episode (scripts/generate_docs)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib

import pytest

from env.config import AssessmentConfig, unknown_key_warnings
from env.config_docs import config_card_text, config_table_markdown, values_text
from green.server import green_card
from tests.helpers import REPO


def _generator():
    spec = importlib.util.spec_from_file_location("generate_docs",
                                                  REPO / "scripts" / "generate_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_config_key_is_described():
    for name, field in AssessmentConfig.model_fields.items():
        assert field.description, f"config key {name} has no description"


def test_readme_table_is_the_models():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    generator = _generator()
    assert generator.replace_block(readme, "config-keys", config_table_markdown()) == readme
    assert "`org_type` | b2b, b2c, both | b2b |" in readme


def test_card_text_is_the_models():
    description = green_card("http://127.0.0.1:9009/").skills[0].description
    assert config_card_text() in description
    for name, field in AssessmentConfig.model_fields.items():
        assert f"{name} ({values_text(field)}," in description
    assert "(b2b|b2c|all)" not in description and "org_type (b2b, b2c, both, default b2b)" in \
        description


def test_scenario_config_is_valid_and_its_comments_are_the_models():
    text = (REPO / "scenario.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)["config"]
    assert unknown_key_warnings(config) == []
    AssessmentConfig.model_validate(config)
    generator = _generator()
    assert generator.replace_block(text, "config-keys", generator.scenario_block(text),
                                   "toml") == text


def test_a_missing_block_is_an_error():
    with pytest.raises(ValueError, match="no block 'nope'"):
        _generator().replace_block("text", "nope", "body")


@pytest.mark.slow
def test_every_generated_block_is_current():
    """Runs a real episode for the purple guide's first message and observation."""
    done = subprocess.run([sys.executable, "scripts/generate_docs.py", "--check"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
