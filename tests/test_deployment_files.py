"""docker-compose.yml (no Docker engine runs here) checked against the code's settings and services;
README checked for the two commands and every environment variable."""

from pathlib import Path

import yaml

from launcher.services import build_services
from settings import Settings, env_names

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_runs_every_process_of_make_run_plus_redis_and_postgres(tmp_path):
    services = compose()["services"]
    assert set(services) == {"redis", "postgres", "reference-api", "action-server", "outbox-worker", "rasa", "gateway"}
    launched = {name for name, service in services.items() if "launcher" in " ".join(service.get("command", []))}
    assert launched == set(build_services(Settings(data_dir=tmp_path)))
    for name in launched:
        assert " ".join(services[name]["command"]).endswith(f"python -m launcher {name}")


def test_compose_uses_the_settings_environment_names_and_ports():
    services = compose()["services"]
    known = set(env_names())
    for name, service in services.items():
        if name in ("redis", "postgres"):
            continue
        unknown = set(service["environment"]) - known
        assert not unknown, f"{name} sets variables the code does not read: {unknown}"
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
    defaults = Settings()
    assert services["gateway"]["ports"] == [f"{defaults.gateway_port}:{defaults.gateway_port}"]
    assert services["reference-api"]["ports"] == ["8100:8100"]
    assert defaults.application_api_url.endswith(":8100")
    assert "ports" not in services["rasa"] and "ports" not in services["action-server"]
    assert services["outbox-worker"]["environment"]["OUTBOX_DATABASE_URL"].startswith("postgresql://")


def test_readme_starts_with_the_two_commands_and_lists_every_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make run" in head and "make test" in head
    missing = [name for name in env_names() if f"`{name}`" not in readme]
    assert not missing, f"README does not document: {missing}"
