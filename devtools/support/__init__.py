"""Helpers that the tests and the benchmarks share, in one place: a free loopback port (`ports`), starting
and stopping processes in their own process groups (`processes`, on top of the launcher's
`stop_process_groups`), polling for a condition (`waiting`), throwaway PostgreSQL and Redis servers from
pip-installed server binaries (`services`), Debian's Chromium for the browser tests (`browser`), the
multi-process deployment of docker-compose.yml on one machine (`cluster`) and simulated citizens'
conversations (`conversations`). Nothing here imports from tests/; product code never imports this package."""
