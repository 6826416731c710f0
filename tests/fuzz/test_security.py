"""Security checks beside the fuzzing: CORS on the real gateway process (configured origin only; a foreign
origin's preflight refused, no credentials), and secrets only from the environment (nothing that looks
like a key, token or password is committed; settings.py has no secret defaults).

The admin-token scan of every /admin route is tests/admin/test_auth_scan.py; the masking of ID numbers
and phones in logs and Redis is tests/stack/test_privacy.py."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import pytest

from settings import Settings
from tests.fuzz.conftest import ALLOWED_ORIGIN

ROOT = Path(__file__).resolve().parents[2]


def preflight(gw, origin: str, method: str = "POST", headers: str = "content-type"):
    return gw.client.options(
        "/api/chat",
        headers={"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers},
    )


def test_the_configured_origin_may_call_the_api(gw):
    response = preflight(gw, ALLOWED_ORIGIN, headers="content-type, authorization")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "access-control-allow-credentials" not in response.headers
    assert set(response.headers["access-control-allow-methods"].replace(" ", "").split(",")) == {"GET", "POST"}
    search = gw.client.get("/api/search", params={"q": "身份证"}, headers={"Origin": ALLOWED_ORIGIN})
    assert search.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        "http://m.example.gov.cn",
        "https://m.example.gov.cn.evil.example",
        "https://evil.example/https://m.example.gov.cn",
        "https://M.EXAMPLE.GOV.CN:444",
    ],
)
def test_foreign_origins_are_refused(gw, origin):
    refused = preflight(gw, origin)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"detail": "跨域请求被拒绝：不允许的来源"}
    assert "access-control-allow-origin" not in refused.headers
    simple = gw.client.get("/api/search", params={"q": "身份证"}, headers={"Origin": origin})
    assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers
    admin = gw.client.get("/admin/me", headers={**gw.admin, "Origin": origin})
    assert "access-control-allow-origin" not in admin.headers


def test_the_configured_origin_may_not_use_other_methods_or_headers(gw):
    method = preflight(gw, ALLOWED_ORIGIN, method="DELETE")
    assert (method.status_code, method.json()["detail"]) == (400, "跨域请求被拒绝：不允许的请求方法")
    header = preflight(gw, ALLOWED_ORIGIN, headers="x-evil")
    assert (header.status_code, header.json()["detail"]) == (400, "跨域请求被拒绝：不允许的请求头")


# ---- secrets ------------------------------------------------------------------------------------------

SKIP_DIRS = {
    ".git",
    ".venv",
    ".venv-audit",
    "var",
    "node_modules",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    "build",
    ".rasa",
    "models",
    "results",
}
TEXT_SUFFIXES = {
    ".py",
    ".yml",
    ".yaml",
    ".toml",
    ".md",
    ".json",
    ".js",
    ".html",
    ".css",
    ".cfg",
    ".ini",
    ".txt",
    ".sh",
    ".env",
    ".lock",
    ".csv",
    ".jsonl",
    "",
}
# Shapes real credentials have: never committed anywhere, tests included.
CREDENTIAL_SHAPES = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9]{32,}\b"),
    "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "password in a URL": re.compile(  # user:password@ (placeholders such as user:pass@ excepted)
        r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"`]+:(?!(?:pass|password|secret|\*+)@)[^\s@/'\"`$<]{3,}@"
    ),
}
# A secret-named setting given a literal value in the product's code or configuration (tests and docs may
# hold obviously fake values; the product may not hold any).
SECRET_NAME = r"\b[a-z_]*(?:secret|passw(?:or)?d|api_?key|aes_?key|access_?token|admin_?token|private_?key)[a-z_]*\b"
SECRET_ASSIGNMENT = re.compile(  # a quoted literal (code, any configuration) or a bare YAML value
    r"(?i)" + SECRET_NAME + r"\s*[:=]\s*(?:[\"'](?P<value>[^\"'\s]{8,})[\"']|(?P<bare>[A-Za-z0-9+/=_\-]{6,})\s*$)"
)
# Reviewed exceptions: (file, text) -> why it is not a secret.
ALLOWED: dict = {}  # none: the compose file takes its database password from the environment too


@functools.lru_cache(maxsize=1)
def repository_files():
    return list(_walk())


def _walk():
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.startswith(".venv") for part in relative.parts[:-1]):
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES and path.stat().st_size < 2_000_000:
            yield relative, path.read_text(encoding="utf-8", errors="replace")


def allowed(relative: Path, line: str) -> bool:
    return any(str(relative) == name and text in line for name, text in ALLOWED)


def test_no_credentials_are_committed():
    found = []
    scanned = 0
    for relative, text in repository_files():
        scanned += 1
        for number, line in enumerate(text.splitlines(), start=1):
            for what, shape in CREDENTIAL_SHAPES.items():
                if shape.search(line) and not allowed(relative, line):
                    found.append(f"{relative}:{number}: {what}: {line.strip()[:120]}")
    assert scanned > 200, scanned  # the walk really saw the repository
    assert not found, "looks like committed credentials:\n" + "\n".join(found)


def test_the_product_assigns_no_secret_a_literal_value():
    found = []
    for relative, text in repository_files():
        if relative.parts[0] in ("tests", "docs", "benchmarks") or relative.name in ("requirements.lock", "README.md"):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = SECRET_ASSIGNMENT.search(line)
            if match and not allowed(relative, line) and (match.group("value") or relative.suffix in (".yml", ".yaml")):
                found.append(f"{relative}:{number}: {line.strip()[:120]}")
    assert not found, "secret-like values in the product's files (read them from the environment):\n" + "\n".join(found)


def test_the_scan_would_see_a_committed_secret(tmp_path):
    samples = [
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "ghp_" + "a" * 36,
        "postgresql://app:" + "s3cret" + "@db:5432/kb",
    ]
    for sample in samples:
        assert any(shape.search(sample) for shape in CREDENTIAL_SHAPES.values()), sample
    assert SECRET_ASSIGNMENT.search('wechat_app_secret = "' + "9f8e7d6c5b4a" + '"')
    assert SECRET_ASSIGNMENT.search("STAFF_ADMIN_TOKEN: " + "aV3ryL0ngT0ken")
    for harmless in (
        "wechat_aes_key: Optional[str] = Field(None)",
        "STAFF_ADMIN_TOKEN: ${STAFF_ADMIN_TOKEN:-}",
        "postgresql://user:pass@host:5432/db",
    ):
        assert not SECRET_ASSIGNMENT.search(harmless) and not any(
            s.search(harmless) for s in CREDENTIAL_SHAPES.values()
        )


SECRET_SETTINGS = re.compile(r"token|secret|aes_key|password|_key$")


def test_settings_have_no_secret_defaults(monkeypatch):
    for name in [n for n in Settings.__fields__ if "url" in n or "token" in n or "secret" in n or "key" in n]:
        monkeypatch.delenv(name.upper(), raising=False)
    defaults = Settings()
    secrets = [name for name in Settings.__fields__ if SECRET_SETTINGS.search(name)]
    assert {
        "staff_admin_token",
        "wechat_token",
        "wechat_aes_key",
        "wechat_app_secret",
        "miniprogram_token",
        "miniprogram_app_secret",
        "miniprogram_aes_key",
    } <= set(secrets)
    assert [name for name in secrets if getattr(defaults, name)] == []
    for name in (
        "database_url",
        "redis_url",
        "outbox_database_url",
        "rasa_url",
        "action_server_url",
        "application_api_url",
        "wechat_api_base",
    ):
        value = getattr(defaults, name) or ""
        assert not CREDENTIAL_SHAPES["password in a URL"].search(value), (name, value)
    monkeypatch.setenv("STAFF_ADMIN_TOKEN", "from-the-environment-0123456789")
    assert Settings().staff_admin_token == "from-the-environment-0123456789"


# ---- the dependency audit's own logic (scripts/audit_dependencies.py; pip-audit's report stubbed) ----------------


def _audit_module():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import audit_dependencies as audit
    finally:
        sys.path.pop(0)
    return audit


def test_the_allow_list_is_well_formed():
    audit = _audit_module()
    entries = audit.allowed_ids()
    assert all(reason for reason in entries.values())
    assert all(re.fullmatch(r"(PYSEC|GHSA|CVE|OSV)-[\w-]+", vuln_id) for vuln_id in entries), entries


def test_the_audit_fails_on_new_vulnerabilities_and_when_it_could_not_look(monkeypatch, tmp_path):
    audit = _audit_module()
    pinned = sum(1 for line in audit.LOCK.read_text(encoding="utf-8").splitlines() if "==" in line)
    clean = [{"name": f"pkg{i}", "version": "1.0", "vulns": []} for i in range(pinned)]
    vulnerable = [dict(d) for d in clean]
    vulnerable[0] = dict(vulnerable[0], vulns=[{"id": "PYSEC-2099-1", "fix_versions": ["2.0"], "aliases": []}])
    unreachable = [dict(d) for d in clean]
    unreachable[1] = {"name": "pkg1", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    for dependencies, expected in ((clean, 0), (vulnerable, 1), (unreachable, 2), (clean[:-1], 2), ([], 2)):
        monkeypatch.setattr(audit, "run_pip_audit", lambda ignored, deps=dependencies: {"dependencies": deps})
        assert audit.audit() == expected, dependencies[:2]
    bad = tmp_path / "ignore.txt"
    bad.write_text("PYSEC-2099-1\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        audit.allowed_ids(bad)
