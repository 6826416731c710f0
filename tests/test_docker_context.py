"""The image is built from the sources only: no virtual environment, runtime data or git history in it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".venv-audit", "var", "**/__pycache__"} <= ignored
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY . ." in dockerfile and "PYTHONPATH=/app" in dockerfile
