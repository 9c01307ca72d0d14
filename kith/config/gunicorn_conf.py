"""gunicorn settings for `kith serve`: metrics from every worker, and timeouts (docs/deployment.md)."""

import os

from kith.config.env import env_int

# A worker silent this long is restarted; a search answers in well under a second, an export in a few.
timeout = env_int("KITH_WORKER_TIMEOUT", 60, minimum=5, maximum=3600)
graceful_timeout = 30
# Keep-alive behind a proxy saves a connection per request.
keepalive = 5


def post_worker_init(worker):
    """Start building the worker's search index at once, so that its first searcher does not wait for it."""
    from kith.directory.search.index import build_soon

    build_soon()


def child_exit(server, worker):
    """A worker that ended no longer counts towards the live gauges of /metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


_beside = []  # processes the master runs for as long as it runs
_OURS = ("PROMETHEUS_MULTIPROC_DIR", "KITH_SERVE_WITH_WORKER", "KITH_SERVE_WITH_GP_STAND_IN")


def when_ready(server):
    """With `kith serve --with-worker`, the master runs `kith worker`; with `--with-gp-stand-in`, the demo's GP
    system stand-in too."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in _OURS}
    commands = []
    if os.environ.get("KITH_SERVE_WITH_WORKER") == "1":
        commands.append(["worker"])
    if os.environ.get("KITH_SERVE_WITH_GP_STAND_IN"):
        commands.append(["gp-stand-in", "--port", os.environ["KITH_SERVE_WITH_GP_STAND_IN"]])
    for command in commands:
        process = subprocess.Popen([sys.executable, "-m", "kith.cli", *command], env=env)
        _beside.append(process)
        server.log.info("Started kith %s (pid %s)", command[0], process.pid)


def on_exit(server):
    for process in _beside:
        if process.poll() is None:
            process.terminate()
    for process in _beside:
        try:
            process.wait(timeout=20)
        except Exception:
            process.kill()
