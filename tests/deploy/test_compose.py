"""The layered compose files, merged by the real `docker compose config`.

Each flavour is layered exactly as its Makefile target does it (the file
list is read from `make -n`), with the variables of `.env.example`.
"""

import pytest

from tests.deploy.conftest import REPO, compose_config

BASE_SERVICES = {"web", "db", "redis", "firefly"}
PROD_SERVICES = BASE_SERVICES | {"nginx", "certbot", "autoheal", "backup"}


@pytest.fixture(scope="module")
def merged(compose_binary):
    """Merged model per flavour: {"dev": {...}, "prod": {...}, "staging": {...}}."""
    models = {}
    for flavour in ("dev", "prod", "staging"):
        result = compose_config(compose_binary, flavour)
        assert result.returncode == 0, result.stderr
        models[flavour] = result.model
    return models


def environment(model, service):
    return model["services"][service].get("environment", {})


@pytest.mark.parametrize(
    "flavour, services",
    [("dev", BASE_SERVICES), ("prod", PROD_SERVICES), ("staging", PROD_SERVICES)],
)
def test_each_flavour_runs_its_services_each_with_a_healthcheck(
    merged, flavour, services
):
    model = merged[flavour]
    assert set(model["services"]) == services
    for name, service in model["services"].items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"}, f"{flavour}/{name}"


def test_seed_volumes_and_isolated_network(merged):
    for model in merged.values():
        assert {"django_media", "postgres_data"} <= set(model["volumes"])
        assert "portal" in model["networks"]
        for name in BASE_SERVICES:
            assert set(model["services"][name]["networks"]) == {"portal"}
    dev = merged["dev"]["services"]
    assert {"type": "volume", "source": "postgres_data"}.items() <= dev["db"][
        "volumes"
    ][0].items()
    web_media = dev["web"]["volumes"]
    assert any(v.get("source") == "django_media" for v in web_media)


def test_firefly_reads_media_read_only_with_a_memory_limit(merged):
    for model in merged.values():
        firefly = model["services"]["firefly"]
        assert firefly["image"].startswith("ipac/firefly:")
        assert firefly["image"].split(":")[1] not in {"latest", "nightly"}
        (media,) = firefly["volumes"]
        assert media["source"] == "django_media"
        assert media["target"] == "/external"
        assert media["read_only"] is True
        assert int(firefly["mem_limit"]) >= 2 * 1024**3
        assert "/firefly/healthz" in " ".join(firefly["healthcheck"]["test"])


def test_dev_runs_runserver_with_debug_source_and_published_ports(merged):
    services = merged["dev"]["services"]
    web = services["web"]
    assert "runserver" in web["command"]
    assert environment(merged["dev"], "web")["DEBUG"] == "true"
    assert any(v["type"] == "bind" and v["target"] == "/app" for v in web["volumes"])
    assert [p["target"] for p in web["ports"]] == [8000]
    assert [p["target"] for p in services["firefly"]["ports"]] == [8080]
    assert "ports" not in services["db"]


def test_prod_runs_gunicorn_behind_nginx_only(merged):
    model = merged["prod"]
    web = model["services"]["web"]
    command = " ".join(web["command"])
    assert "gunicorn portal.wsgi:application" in command
    assert "--workers 3" in command  # GUNICORN_WORKERS from the env file
    env = environment(model, "web")
    assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
    assert env["MEDIA_ACCEL_REDIRECT"] == "true"
    assert env["ALLOWED_HOSTS"] == "portal.example.org"
    assert env["PORTAL_ENVIRONMENT"] == "production"
    assert env["FIREFLY_URL"] == "https://portal.example.org/firefly"
    published = {
        name: [p["target"] for p in service.get("ports", [])]
        for name, service in model["services"].items()
    }
    assert published == {
        "web": [],
        "db": [],
        "redis": [],
        "firefly": [],
        "nginx": [80, 443],
        "certbot": [],
        "autoheal": [],
        "backup": [],
    }


def test_prod_services_restart_and_are_watched_by_autoheal(merged):
    for flavour in ("prod", "staging"):
        services = merged[flavour]["services"]
        for name, service in services.items():
            assert service["labels"].get("autoheal") == "true", f"{flavour}/{name}"
            assert service["restart"] == "unless-stopped", f"{flavour}/{name}"
        autoheal = services["autoheal"]
        assert autoheal["environment"]["AUTOHEAL_CONTAINER_LABEL"] == "autoheal"
        assert any(v["source"] == "/var/run/docker.sock" for v in autoheal["volumes"])


def test_prod_nginx_certbot_share_certificates_and_webroot(merged):
    services = merged["prod"]["services"]
    nginx, certbot = services["nginx"], services["certbot"]
    assert nginx["build"]["target"] == "nginx"
    mounts = {v["target"]: v for v in nginx["volumes"]}
    assert mounts["/srv/media"]["source"] == "django_media"
    assert mounts["/srv/media"]["read_only"] is True
    assert mounts["/etc/letsencrypt"]["source"] == "letsencrypt"
    certbot_mounts = {v["target"]: v["source"] for v in certbot["volumes"]}
    assert certbot_mounts["/etc/letsencrypt"] == "letsencrypt"
    assert certbot_mounts["/var/www/certbot"] == mounts["/var/www/certbot"]["source"]
    assert certbot["environment"]["CERTBOT_RENEW_INTERVAL"] == "12h"
    assert certbot["entrypoint"][-1] == "/opt/portal/renew-loop.sh"
    # The mounted scripts exist where the compose file points.
    assert (REPO / "docker/certbot/renew-loop.sh").is_file()
    assert (REPO / "docker/certbot/obtain-certificate.sh").is_file()
    env = nginx["environment"]
    assert env["NGINX_CERT_DIR"] == "/etc/letsencrypt/live/portal.example.org"
    assert env["NGINX_RELOAD_INTERVAL"] == "6h"
    assert env["WEB_UPSTREAM"] == "web:8000"
    assert env["FIREFLY_UPSTREAM"] == "firefly:8080"


def test_staging_is_prod_with_its_own_name_host_and_badge(merged):
    staging, prod = merged["staging"], merged["prod"]
    assert staging["name"] == "candidate-portal-staging"
    assert prod["name"] == "candidate-portal"
    assert (
        staging["volumes"]["postgres_data"]["name"]
        != prod["volumes"]["postgres_data"]["name"]
    )
    env = environment(staging, "web")
    assert env["PORTAL_ENVIRONMENT"] == "staging"
    assert env["ALLOWED_HOSTS"] == "staging.portal.example.org"
    assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
    assert "gunicorn" in " ".join(staging["services"]["web"]["command"])
    nginx = environment(staging, "nginx")
    assert nginx["PORTAL_DOMAIN"] == "staging.portal.example.org"
    assert nginx["NGINX_CERT_DIR"] == "/etc/letsencrypt/live/staging.portal.example.org"
    assert environment(staging, "certbot")["PORTAL_DOMAIN"] == (
        "staging.portal.example.org"
    )


def test_local_volumes_bind_host_folders(compose_binary):
    result = compose_config(compose_binary, "prod", LOCAL_VOLUMES=1)
    assert result.returncode == 0, result.stderr
    volumes = result.model["volumes"]
    assert volumes["django_media"]["driver_opts"] == {
        "type": "none",
        "o": "bind",
        "device": "/srv/candidate-portal/media",
    }
    assert volumes["postgres_data"]["driver_opts"]["device"] == (
        "/srv/candidate-portal/postgres"
    )


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "PORTAL_DOMAIN", "POSTGRES_PASSWORD"]
)
def test_prod_refuses_an_env_file_without_a_required_secret(
    compose_binary, tmp_path, missing
):
    lines = (REPO / ".env.example").read_text().splitlines()
    kept = [line for line in lines if not line.startswith(f"{missing}=")]
    assert len(kept) == len(lines) - 1
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(kept))
    result = compose_config(compose_binary, "prod", env_file=env_file)
    assert result.returncode != 0
    assert f"set {missing} in .env" in result.stderr


def test_web_shares_a_redis_cache_that_it_waits_for(merged):
    for flavour, model in merged.items():
        services = model["services"]
        assert environment(model, "web")["REDIS_URL"] == "redis://redis:6379/0"
        assert services["web"]["depends_on"]["redis"]["condition"] == (
            "service_healthy"
        )
        redis = services["redis"]
        assert redis["image"] == "redis:7.4", flavour
        assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
        assert "ports" not in redis
        command = redis["command"]
        assert command[command.index("--maxmemory") + 1] == "256mb"


def test_nginx_is_trusted_for_the_client_address_only_in_production(merged):
    assert "TRUSTED_PROXIES" not in environment(merged["dev"], "web")
    for flavour, subnet in (("prod", "172.30.0.0/24"), ("staging", "172.30.1.0/24")):
        model = merged[flavour]
        assert environment(model, "web")["TRUSTED_PROXIES"] == subnet
        (ipam,) = model["networks"]["portal"]["ipam"]["config"]
        assert ipam["subnet"] == subnet


def test_postgres_is_tuned_from_the_memory_variable(merged):
    for model in merged.values():
        db = model["services"]["db"]
        assert db["command"] == ["sh", "/opt/portal/start-tuned.sh"]
        assert db["environment"]["POSTGRES_MEMORY_MB"] == "2048"
        scripts = [v for v in db["volumes"] if v["target"] == "/opt/portal"]
        assert scripts[0]["source"] == str(REPO / "docker/postgres")
        assert scripts[0]["read_only"] is True


IMAGE_VARIABLES = {
    "POSTGRES_IMAGE": ("db", "postgres:16"),
    "REDIS_IMAGE": ("redis", "redis:7.4"),
    "FIREFLY_IMAGE": ("firefly", "ipac/firefly:2025.3"),
    "CERTBOT_IMAGE": ("certbot", "certbot/certbot:v2.11.0"),
    "AUTOHEAL_IMAGE": ("autoheal", "willfarrell/autoheal:1.2.0"),
}


def test_every_upstream_image_is_the_official_one_unless_overridden(
    merged, compose_binary, tmp_path
):
    services = merged["prod"]["services"]
    for service, default in IMAGE_VARIABLES.values():
        assert services[service]["image"] == default
    for service in ("web", "nginx"):
        assert services[service]["build"]["args"]["PYTHON_IMAGE"] == "python:3.11-slim"
    assert services["nginx"]["build"]["args"]["NGINX_IMAGE"] == "nginx:1.27"

    overrides = {name: f"mirror.test/{name.lower()}:1" for name in IMAGE_VARIABLES}
    overrides |= {
        "PYTHON_IMAGE": "mirror.test/python:1",
        "NGINX_IMAGE": "mirror.test/nginx:1",
    }
    env_file = tmp_path / ".env"
    env_file.write_text(
        (REPO / ".env.example").read_text()
        + "".join(f"{name}={image}\n" for name, image in overrides.items())
    )
    result = compose_config(compose_binary, "prod", env_file=env_file)
    assert result.returncode == 0, result.stderr
    services = result.model["services"]
    for name, (service, _) in IMAGE_VARIABLES.items():
        assert services[service]["image"] == overrides[name]
    assert services["web"]["build"]["args"]["PYTHON_IMAGE"] == "mirror.test/python:1"
    assert services["nginx"]["build"]["args"]["NGINX_IMAGE"] == "mirror.test/nginx:1"


def test_the_dockerfile_takes_its_base_images_as_arguments():
    dockerfile = (REPO / "docker/Dockerfile").read_text()
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile
    assert "ARG NGINX_IMAGE=nginx:1.27" in dockerfile
    assert "FROM ${PYTHON_IMAGE} AS build" in dockerfile
    assert "FROM ${NGINX_IMAGE} AS nginx" in dockerfile
    # This machine's proxy CA is the boot test's business, never the image's.
    assert "PIP_CERT" not in dockerfile and "SSL_CERT_FILE" not in dockerfile


def test_prod_web_runs_the_replicas_nginx_balances_over(merged):
    for flavour in ("prod", "staging"):
        services = merged[flavour]["services"]
        web = services["web"]
        assert web["deploy"]["replicas"] == 2  # WEB_REPLICAS in .env.example
        # Nothing that would stop `--scale web=N`: no fixed name, no host port.
        assert "container_name" not in web
        assert not web.get("ports")
        # nginx names the service, which resolves to every replica.
        assert services["nginx"]["environment"]["WEB_UPSTREAM"] == "web:8000"
        assert services["nginx"]["environment"]["NGINX_RESOLVER"] == "auto"


def test_prod_backs_up_daily_keeping_a_set_number(merged):
    for flavour, folder in (
        ("prod", "backups/daily"),
        ("staging", "backups/staging-daily"),
    ):
        backup = merged[flavour]["services"]["backup"]
        assert backup["image"] == merged[flavour]["services"]["db"]["image"]
        assert backup["entrypoint"] == ["sh", "/opt/portal/backup-loop.sh"]
        env = backup["environment"]
        assert env["BACKUP_KEEP"] == "7" and env["BACKUP_HOUR_UTC"] == "2"
        assert env["PGHOST"] == "db" and env["PGDATABASE"] == "portal"
        assert env["PGPASSWORD"] == "replace-me-with-a-long-random-password"
        mounts = {v["target"]: v for v in backup["volumes"]}
        assert mounts["/media"]["source"] == "django_media"
        assert mounts["/media"]["read_only"] is True
        assert mounts["/backups"]["source"] == str(REPO / folder)
        assert mounts["/opt/portal"]["source"] == str(REPO / "docker/backup")
        assert (REPO / "docker/backup/backup-loop.sh").is_file()
        assert backup["depends_on"]["db"]["condition"] == "service_healthy"
