"""Running `maillage` as a user does: a subprocess, its output, its exit code."""

import subprocess
import sys

MAILLAGE = [sys.executable, "-m", "app.cli.main"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*MAILLAGE, *args], env=env, capture_output=True, text=True, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    """A refused command: non-zero exit, no traceback, one `Error: …` line naming the problem."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0]
