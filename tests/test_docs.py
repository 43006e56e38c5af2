"""The README documents every CLI command and every setting (and documents nothing that is gone)."""

import re

import typer.main

from app.cli.main import app
from app.settings import Settings


def cli_commands() -> set[str]:
    click_app = typer.main.get_command(app)
    commands = set()
    for name, command in click_app.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            commands.update(f"{name} {subname}" for subname in sub)
        else:
            commands.add(name)
    return commands


def test_every_cli_command_is_documented(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `maillage ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", readme, flags=re.MULTILINE))
    assert documented == cli_commands()


def test_every_setting_is_documented(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(MAILLAGE_[A-Z_]+)`", readme, flags=re.MULTILINE))
    expected = {f"MAILLAGE_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_readme_opens_with_the_two_commands(repo_root):
    head = (repo_root / "README.md").read_text(encoding="utf-8")[:400]
    assert "make run" in head and "make test" in head
