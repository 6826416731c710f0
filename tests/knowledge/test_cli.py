"""`python -m knowledge import|export` as `make kb-import FILE=...` runs it, against SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes
ROOT = Path(__file__).resolve().parents[2]
HEADER = "id,question,similar_questions,answer,department,keywords,status\n"


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_import_from_the_command_line(kb, db_url, tmp_path):
    good = tmp_path / "faqs.csv"
    good.write_text(HEADER + "faq-cli-1,命令行导入的问题,,命令行导入的答案。,ga,,published\n", encoding="utf-8")
    done = cli(db_url, "import", str(good))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已导入 1 条常见问题：发布 1 条（新增 1，更新 0，未变 0），草稿 0 条")
    assert kb.get("faq", "faq-cli-1")["editor"] == "命令行导入"
    assert kb.versions("faq", "faq-cli-1")[0]["source"] == "cli"

    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "faq-cli-2,问题,,答案。,ga,,published\nfaq-cli-3,问题三,,,ga,,published\n", encoding="utf-8"
    )
    failed = cli(db_url, "import", str(bad))
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == [
        "第 3 行（answer）：answer（答案）不能为空",
        "导入失败：文件中有 1 行有误，整个文件都没有导入，请改正后重新导入",
    ]
    assert kb.get("faq", "faq-cli-2") is None

    # a real export's shape: an unknown department and a question a live FAQ asks are warnings, not refusals
    warned = tmp_path / "warned.csv"
    warned.write_text(HEADER + "GIP_1,命令行导入的问题,,另一个部门的答案。,某市数据局,,published\n", encoding="utf-8")
    checked = cli(db_url, "import", "--dry-run", str(warned))
    assert checked.returncode == 0, checked.stderr
    assert "提醒：第 2 行" in checked.stdout and "新建部门：某市数据局" in checked.stdout
    assert checked.stdout.splitlines()[-1].startswith("检查通过：可导入 1 条") and kb.get("faq", "GIP_1") is None

    # --partial: the valid row goes in, the bad one comes back in a file with its reason
    partial = cli(db_url, "import", "--partial", str(bad))
    assert partial.returncode == 0, partial.stderr
    assert "第 3 行（answer）：answer（答案）不能为空" in partial.stderr
    assert kb.get("faq", "faq-cli-2")["answer"] == "答案。" and kb.get("faq", "faq-cli-3") is None
    back = (tmp_path / "bad-待改正.csv").read_text(encoding="utf-8-sig")
    assert "faq-cli-3" in back and "错误原因" in back and "faq-cli-2" not in back

    exported = cli(db_url, "export", "--format", "csv")
    assert exported.returncode == 0 and "faq-cli-1,命令行导入的问题" in exported.stdout
