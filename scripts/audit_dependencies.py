"""`make audit`: pip-audit over the pinned dependency tree (requirements.lock) against PyPI's vulnerability
data, with the reviewed allow-list scripts/pip-audit-ignore.txt.

Exit status: 0 no vulnerability outside the allow-list; 1 a new one (listed); 2 the audit could not be
done — pip-audit failed, or any pinned package could not be looked up (the PyPI service unreachable or
without data for it): never reported as a pass. Runs with the audit tool's own virtual environment
(.venv-audit), not the project's."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ALLOW_LIST = ROOT / "scripts" / "pip-audit-ignore.txt"
NOT_AUDITED = 2


def allowed_ids(path: Path = ALLOW_LIST) -> dict:
    """{vulnerability id: the reviewed reason}, from `ID  # package version: reason` lines."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry, _, reason = line.partition("#")
        entry = entry.strip()
        if not entry:
            continue
        if " " in entry or not reason.strip():
            raise SystemExit(f"{path.name}:{number}: 每行应为 `编号  # 包 版本: 理由`，理由不能省略")
        found[entry] = reason.strip()
    return found


def run_pip_audit(ignored) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "-r",
            str(LOCK),
            "--no-deps",
            "--disable-pip",
            "--vulnerability-service",
            "pypi",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--desc",
            "off",
            "--output",
            str(report),
        ]
        for vuln_id in ignored:
            command += ["--ignore-vuln", vuln_id]
        done = subprocess.run(command, capture_output=True, text=True)
        if not report.exists():
            print(done.stdout + done.stderr, file=sys.stderr)
            raise SystemExit(
                _fail(f"pip-audit 没有给出结果（退出码 {done.returncode}）：多半是连不上 PyPI 的漏洞数据服务")
            )
        return json.loads(report.read_text(encoding="utf-8"))


def _fail(message: str) -> int:
    print(f"\n错误：依赖安全审计未完成 —— {message}。\n这不是“没有漏洞”：审计没有做成，所以判为失败。", file=sys.stderr)
    return NOT_AUDITED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--status-file", type=Path, help="also write the outcome there: ok | vulnerable | not-audited")
    args = parser.parse_args()
    try:
        status = audit()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else NOT_AUDITED
        if not isinstance(stop.code, int):
            print(stop.code, file=sys.stderr)
    if args.status_file:
        args.status_file.write_text({0: "ok", 1: "vulnerable"}.get(status, "not-audited") + "\n", encoding="utf-8")
    return status


def audit() -> int:
    ignored = allowed_ids()
    report = run_pip_audit(ignored)
    dependencies = report.get("dependencies", [])
    pinned = sum(
        1 for line in LOCK.read_text(encoding="utf-8").splitlines() if "==" in line and not line.startswith("#")
    )
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if not dependencies or len(dependencies) < pinned or skipped:
        for dep in skipped[:10]:
            print(f"  未能审计：{dep['name']}：{dep['skip_reason']}", file=sys.stderr)
        more = f"（另有 {len(skipped) - 10} 个）" if len(skipped) > 10 else ""
        return _fail(f"{len(skipped) or pinned} / {pinned} 个锁定的依赖查不到漏洞数据{more}")
    new = [(d["name"], d["version"], v) for d in dependencies for v in d.get("vulns", [])]
    print(f"已审计 {len(dependencies)} 个锁定的依赖（requirements.lock），允许清单中 {len(ignored)} 项。")
    if new:
        print(f"\n发现 {len(new)} 个不在允许清单中的已知漏洞：", file=sys.stderr)
        for name, version, vuln in new:
            fixed = "、".join(vuln.get("fix_versions", [])) or "无"
            print(f"  {vuln['id']}  {name} {version}（修复版本：{fixed}）", file=sys.stderr)
        print(
            "\n请升级对应的包（见 docs/security.md），或经评审后写入 scripts/pip-audit-ignore.txt 并注明理由。",
            file=sys.stderr,
        )
        return 1
    print("没有允许清单之外的已知漏洞。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
