import yaml

from launcher.endpoints import render_endpoints, write_endpoints
from launcher.services import build_services, ordered, runs_reference_api
from settings import Settings


def test_embedded_defaults_have_no_external_stores(tmp_path):
    config = render_endpoints(Settings(data_dir=tmp_path))
    assert config == {
        "action_endpoint": {"url": "http://127.0.0.1:5055/webhook"},
        "tracker_store": {"type": "rasa_server.tracker_store.MaskingInMemoryTrackerStore"},
    }


def test_redis_url_gives_tracker_and_lock_store_with_expiry_and_timeout(tmp_path):
    settings = Settings(data_dir=tmp_path, redis_url="redis://:secret@redis.local:6380/4", tracker_expiry_seconds=3600)
    path = write_endpoints(settings, tmp_path / "endpoints.yml")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert config["tracker_store"] == {
        "type": "rasa_server.tracker_store.MaskingRedisTrackerStore",
        "db": 4,
        "record_exp": 3600,
        "url": "redis.local",
        "port": 6380,
        "use_ssl": False,
        "key_prefix": "zwbot",
        "password": "secret",
    }
    assert config["lock_store"]["db"] == 5 and config["lock_store"]["socket_timeout"] == 10


def test_start_order_puts_dependencies_first(tmp_path):
    waves = [[s.name for s in wave] for wave in ordered(build_services(Settings(data_dir=tmp_path)))]
    assert waves == [["reference-api", "action-server", "outbox-worker"], ["rasa"], ["gateway"]]


def test_reference_api_runs_only_for_a_local_application_api(tmp_path):
    assert runs_reference_api(Settings(data_dir=tmp_path))
    remote = Settings(data_dir=tmp_path, application_api_url="https://api.platform.example.gov.cn")
    assert not runs_reference_api(remote)
    assert [[s.name for s in w] for w in ordered(build_services(remote))] == [
        ["action-server", "outbox-worker"],
        ["rasa"],
        ["gateway"],
    ]


def test_the_local_reference_api_checks_the_service_token_the_gateway_sends(tmp_path):
    plain = build_services(Settings(data_dir=tmp_path))["reference-api"]
    assert plain.env == {"REFERENCE_API_SERVICE_TOKEN": ""}  # none set: the push needs none
    with_token = build_services(Settings(data_dir=tmp_path, application_api_service_token="svc-1"))
    assert with_token["reference-api"].env == {"REFERENCE_API_SERVICE_TOKEN": "svc-1"}


def test_rasa_runs_with_the_project_fixes_and_the_action_server_keeps_connections(tmp_path):
    services = build_services(Settings(data_dir=tmp_path))
    assert services["rasa"].argv[1:4] == ["-m", "rasa_server", "run"]  # rasa_server/: compiled reply check
    assert services["action-server"].env["SANIC_KEEP_ALIVE_TIMEOUT"] == "75"  # longer than Rasa's 15 s


def test_rasa_s_http_api_is_off_without_a_token(tmp_path):
    """Issue #17: Rasa ran with --enable-api and no token — anyone reaching its port read every conversation."""
    argv = build_services(Settings(data_dir=tmp_path, rasa_api_token=None)).get("rasa").argv
    assert "--enable-api" not in argv and "--auth-token" not in argv


def test_rasa_s_http_api_needs_the_configured_token(tmp_path):
    argv = build_services(Settings(data_dir=tmp_path, rasa_api_token="t0ken")).get("rasa").argv
    assert "--enable-api" in argv and argv[argv.index("--auth-token") + 1] == "t0ken"


def _blas_threads(env) -> int:
    import json
    import subprocess
    import sys

    probe = "import json, numpy, threadpoolctl; print(json.dumps(threadpoolctl.threadpool_info()))"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    pools = [p for p in json.loads(out) if p["user_api"] == "blas"]
    assert pools, "numpy's BLAS is not visible to threadpoolctl"
    return max(p["num_threads"] for p in pools)


def test_every_service_process_runs_one_blas_thread_unless_the_operator_says_otherwise():
    import os

    from launcher.services import child_environment

    base = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if (os.cpu_count() or 1) > 1:
        assert _blas_threads(base) > 1  # OpenBLAS's own default: one thread per core
    assert _blas_threads(child_environment(base)) == 1
    assert child_environment({**base, "OPENBLAS_NUM_THREADS": "2"})["OPENBLAS_NUM_THREADS"] == "2"
