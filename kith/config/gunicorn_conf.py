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


_job_worker = None


def when_ready(server):
    """With `kith serve --with-worker`, the master runs `kith worker` for as long as it runs."""
    global _job_worker
    if os.environ.get("KITH_SERVE_WITH_WORKER") == "1":
        import subprocess
        import sys

        env = {k: v for k, v in os.environ.items() if k not in ("PROMETHEUS_MULTIPROC_DIR", "KITH_SERVE_WITH_WORKER")}
        _job_worker = subprocess.Popen([sys.executable, "-m", "kith.cli", "worker"], env=env)
        server.log.info("Started kith worker (pid %s)", _job_worker.pid)


def on_exit(server):
    if _job_worker is not None and _job_worker.poll() is None:
        _job_worker.terminate()
        try:
            _job_worker.wait(timeout=20)
        except Exception:
            _job_worker.kill()
