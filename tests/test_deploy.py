"""deploy/ checked with the tools that read it: the compose file against the Compose
Specification's schema, the systemd units with `systemd-analyze verify`, the Caddyfile with
`caddy adapt`; and the settings they rely on agree with config.toml. CI installs the tools
(.ci/run), so there these tests fail rather than skip when a tool is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot.config import SECRET_FIELDS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CONFIG = tomllib.loads((ROOT / "config.toml").read_text())
REQUIRED = bool(os.environ.get("CI") or os.environ.get("SIGAP_REQUIRE_POSTGRES"))


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if REQUIRED:
            pytest.fail(f"{name} is needed to check deploy/ (CI installs it: .ci/run)")
        pytest.skip(f"{name} not installed")
    return found


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())  # type: ignore[no-any-return]


def test_the_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads((ROOT / "tests" / "contract" / "compose-spec.json").read_text())
    errors = sorted(Draft7Validator(schema).iter_errors(compose()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    # The schema can fail: a misspelt key is refused.
    broken = compose()
    broken["services"]["db"]["healthcheck"]["intervall"] = "10s"
    assert list(Draft7Validator(schema).iter_errors(broken))


def test_compose_runs_two_replicas_after_migrations_on_a_healthy_postgresql() -> None:
    services = compose()["services"]
    replicas = [name for name, s in services.items() if s.get("command") is None and "build" in s]
    assert replicas == ["sigap-1", "sigap-2"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["sigap-1"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])
    for name in ("sigap-1", "sigap-2"):
        service = services[name]
        assert service["env_file"] == "sigap.env" and service["read_only"] is True
        assert service["environment"]["SIGAP_TELEGRAM__MODE"] == "webhook", "polling allows one process"
        assert f":{CONFIG['web']['port']}/healthz" in " ".join(service["healthcheck"]["test"])
    assert services["caddy"]["environment"]["SIGAP_UPSTREAMS"].split() == [
        f"sigap-1:{CONFIG['web']['port']}",
        f"sigap-2:{CONFIG['web']['port']}",
    ]
    secrets = {f"SIGAP_{name.upper()}" for name in SECRET_FIELDS} | {"POSTGRES_PASSWORD"}
    for name, service in services.items():  # secrets only through the env files
        assert not secrets & set(service.get("environment", {})), name
    assert services["db"]["env_file"] == "db.env"


def test_the_example_environment_names_every_secret_and_only_placeholders() -> None:
    example = (DEPLOY / "sigap.env.example").read_text()
    for name in SECRET_FIELDS:
        assert f"SIGAP_{name.upper()}=" in example, name
    values = [line.split("=", 1)[1] for line in example.splitlines() if line and not line.startswith("#")]
    assert values and all("changeme" in value for value in values), values


def _units(tmp_path: Path) -> list[Path]:
    """The units as installed, with /opt/sigap pointing at this checkout (verify checks programs)."""
    sigap = Path(sys.executable).parent / "sigap"
    assert sigap.exists(), "the sigap command is installed beside this Python (pip install -e .)"
    copies = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/opt/sigap/.venv/bin/sigap", str(sigap))
        copy = tmp_path / unit.name
        copy.write_text(text.replace("/opt/sigap/", f"{ROOT}/"))
        copies.append(copy)
    return copies


def test_systemd_units_verify_cleanly(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze")
    units = _units(tmp_path)
    assert [u.name for u in units] == ["sigap-backup.service", "sigap-backup.timer", "sigap.service"]
    result = subprocess.run(
        [analyze, "verify", *map(str, units)], capture_output=True, text=True, cwd=tmp_path
    )
    # verify warns about unknown keys on stderr and still exits 0: any output is a failure.
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stderr
    broken = tmp_path / "sigap.service"
    broken.write_text(broken.read_text().replace("NoNewPrivileges=", "NoNewPrivilege="))
    result = subprocess.run([analyze, "verify", str(broken)], capture_output=True, text=True, cwd=tmp_path)
    assert "Unknown key" in result.stderr, "the check can fail"


def test_the_service_is_hardened_and_restarts_on_failure() -> None:
    unit = (DEPLOY / "systemd" / "sigap.service").read_text()
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#")
    )
    for key, value in {
        "User": "sigap",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "StateDirectory": "sigap",
        "EnvironmentFile": "/etc/sigap/sigap.env",
        "Restart": "on-failure",
        "UMask": "0077",
        "ExecStart": "/opt/sigap/.venv/bin/sigap run",
    }.items():
        assert settings.get(key) == value, key


def test_the_caddyfile_adapts_and_sends_only_the_webhooks_with_a_body_limit() -> None:
    caddy = tool("caddy")
    env = {**os.environ, "SIGAP_DOMAIN": "bot.example.id", "SIGAP_UPSTREAMS": "sigap-1:8080 sigap-2:8080"}
    result = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "WARN" not in result.stderr, result.stderr
    config = json.loads(result.stdout)
    [site] = config["apps"]["http"]["servers"]["srv0"]["routes"]
    assert site["match"] == [{"host": ["bot.example.id"]}]
    text = json.dumps(site)
    paths = [CONFIG["telegram"]["webhook_path"], CONFIG["whatsapp"]["webhook_path"]]
    assert json.dumps({"path": paths}) in text
    limits = [h["max_size"] for h in _handlers(site) if h.get("handler") == "request_body"]
    assert limits and all(limit <= CONFIG["web"]["max_body_bytes"] for limit in limits), limits
    dials = [
        u["dial"] for h in _handlers(site) if h.get("handler") == "reverse_proxy" for u in h["upstreams"]
    ]
    assert dials == ["sigap-1:8080", "sigap-2:8080"]
    assert "respond 404" in (DEPLOY / "Caddyfile").read_text() and '"status_code":404' in text.replace(
        " ", ""
    )


def _handlers(node: Any) -> list[dict[str, Any]]:
    """Every handler object anywhere in an adapted Caddy route."""
    found = []
    if isinstance(node, dict):
        if "handler" in node:
            found.append(node)
        for value in node.values():
            found += _handlers(value)
    elif isinstance(node, list):
        for value in node:
            found += _handlers(value)
    return found


def test_the_image_runs_as_a_user_with_tesseract_for_both_languages() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "tesseract-ocr-ind" in dockerfile and "tesseract-ocr-eng" in dockerfile
    [user] = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user.split(":")[0] not in ("0", "root")
    assert dockerfile.splitlines()[-2:] == ['ENTRYPOINT ["sigap"]', 'CMD ["run"]']
