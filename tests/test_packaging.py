"""The project's promises about itself: dependencies agree, Makefile targets, contract copy."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest
import yaml

from cyber_mapping.contract import SHEETS
from cyber_mapping.paths import CONTRACT_PATH, PROJECT_ROOT
from cyber_mapping.reference import load_reference


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        _name(s): s.replace(" ", "")
        for s in project["dependencies"] + project["optional-dependencies"]["dev"]
    }
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    conda = {
        _name(s): s.replace(" ", "")
        for s in env["dependencies"]
        if isinstance(s, str) and _name(s) not in {"python", "pip"}
    }
    assert conda == declared


def test_makefile_help_lists_required_targets():
    out = subprocess.run(
        ["make", "-s", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    for target in (
        "env",
        "validate",
        "build",
        "reports",
        "test",
        "lint",
        "format",
        "lab",
        "clean",
        "bench",
    ):
        assert re.search(rf"\b{target}\b", out), target


def test_ci_runs_make_test():
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()


def test_contract_copy_matches_code_and_theme_list():
    text = CONTRACT_PATH.read_text()
    for sheet in SHEETS:
        assert f"## Sheet `{sheet.title}`" in text
        for col in sheet.columns:
            assert f"| {col.header} |" in text, col.header
    for theme, gfce in zip(
        load_reference().themes["theme"], load_reference().themes["gfce_theme"], strict=True
    ):
        assert f"| {theme} | {gfce} |" in text


def test_readme_starts_with_the_two_commands():
    readme = (PROJECT_ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    commands = [line.strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make reports", "make test"]


@pytest.mark.parametrize(("user_id", "flag"), [("0", True), ("1000", False)])
def test_make_lab_allows_root_only_as_root(user_id, flag):
    # JupyterLab stops with "Running as root is not recommended" without --allow-root.
    out = subprocess.run(
        ["make", "-n", "-s", "lab", f"USER_ID={user_id}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lab = [line for line in out.splitlines() if "jupyter lab" in line]
    assert len(lab) == 1 and ("--allow-root" in lab[0]) is flag
