"""Operators deploy with make: each target runs the right layered compose command."""

import subprocess

import pytest

from tests.deploy.conftest import REPO, compose_lines, make_dry_run

BASE = "docker compose --env-file .env -f docker/compose.base.yml"
DEV = f"{BASE} -f docker/compose.dev.yml"
PROD = f"{BASE} -f docker/compose.prod.yml"
STAGING = f"{PROD} -f docker/compose.staging.yml"
LOCAL = "-f docker/compose.local-volumes.yml"

DEPLOY_TARGETS = [
    "dev",
    "dev-down",
    "prod",
    "prod-down",
    "staging",
    "staging-down",
    "cert-prod",
    "cert-staging",
    "logs",
    "migrate",
    "createsuperuser",
    "backup",
    "restore",
]


def compose_commands(target, **variables):
    """`make -n` compose lines of `target`, joined back into strings."""
    return [" ".join(words) for words in compose_lines(target, **variables)]


@pytest.mark.parametrize(
    "target, expected",
    [
        ("dev", f"{DEV} up --build"),
        ("dev-down", f"{DEV} down"),
        ("prod", f"{PROD} up --build -d"),
        ("prod-down", f"{PROD} down"),
        ("staging", f"{STAGING} up --build -d"),
        ("staging-down", f"{STAGING} down"),
    ],
)
def test_up_and_down_targets_layer_the_flavour(target, expected):
    assert compose_commands(target) == [expected]


@pytest.mark.parametrize(
    "target, compose", [("cert-prod", PROD), ("cert-staging", STAGING)]
)
def test_cert_targets_start_nginx_then_run_certbot_webroot_then_reload(target, compose):
    assert compose_commands(target) == [
        f"{compose} up --build -d nginx",
        f"{compose} run --rm --entrypoint /bin/sh certbot "
        "/opt/portal/obtain-certificate.sh",
        f"{compose} exec nginx nginx -s reload",
    ]
    # What the script asks certbot: tests/deploy/test_scripts.py.
    assert (REPO / "docker/certbot/obtain-certificate.sh").is_file()


def test_local_volumes_layer_is_added_on_request():
    assert compose_commands("prod", LOCAL_VOLUMES=1) == [
        f"{PROD} {LOCAL} up --build -d"
    ]
    assert compose_commands("staging", LOCAL_VOLUMES=1) == [
        f"{STAGING} {LOCAL} up --build -d"
    ]


@pytest.mark.parametrize(
    "flavour, compose", [("dev", DEV), ("prod", PROD), ("staging", STAGING)]
)
def test_operations_target_the_chosen_flavour(flavour, compose):
    assert compose_commands("logs", FLAVOUR=flavour, SERVICE="web") == [
        f"{compose} logs --follow --tail=200 web"
    ]
    assert compose_commands("migrate", FLAVOUR=flavour) == [
        f"{compose} exec web python manage.py migrate --noinput"
    ]
    assert compose_commands("createsuperuser", FLAVOUR=flavour) == [
        f"{compose} exec web python manage.py createsuperuser"
    ]


def test_operations_default_to_prod_and_reject_an_unknown_flavour():
    assert compose_commands("migrate")[0].startswith(f"{PROD} exec web")
    result = subprocess.run(
        ["make", "-n", "migrate", "FLAVOUR=production"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "FLAVOUR must be dev, prod or staging" in result.stderr


def test_backup_dumps_the_database_and_archives_media():
    lines = make_dry_run("backup")
    (mkdir,) = [line for line in lines if line.startswith("mkdir")]
    folder = mkdir.split()[-1]
    assert folder.startswith("backups/")
    assert [line for line in lines if line.startswith("docker compose")] == [
        f'{PROD} exec -T db sh -c \'pg_dump --format=custom -U "$POSTGRES_USER" '
        f'"$POSTGRES_DB"\' > {folder}/portal.dump',
        f"{PROD} exec -T web tar -C /app/media -czf - . > {folder}/media.tar.gz",
    ]


def test_restore_replaces_database_and_media_with_web_stopped():
    backup = "backups/20260101T000000Z"
    lines = make_dry_run("restore", BACKUP=backup)
    assert [line for line in lines if line.startswith("docker compose")] == [
        f"{PROD} stop web",
        f"{PROD} exec -T db sh -c 'pg_restore --clean --if-exists --no-owner "
        f'-U "$POSTGRES_USER" -d "$POSTGRES_DB"\' < {backup}/portal.dump',
        f"{PROD} run --rm --no-deps -T -e MIGRATE_ON_START=false --entrypoint sh "
        "web -c 'find /app/media -mindepth 1 -delete && tar -C /app/media -xzf -' "
        f"< {backup}/media.tar.gz",
        f"{PROD} up -d web",
    ]


def test_restore_without_a_backup_folder_explains_itself(tmp_path):
    result = subprocess.run(
        ["make", "restore", f"ENV_FILE={REPO / '.env.example'}"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "usage: make restore BACKUP=" in result.stdout


def test_up_targets_need_an_env_file(tmp_path):
    result = subprocess.run(
        ["make", "prod", f"ENV_FILE={tmp_path / 'missing.env'}"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "missing.env is missing: cp .env.example" in result.stdout


def test_help_lists_every_deployment_target():
    result = subprocess.run(
        ["make", "help"], cwd=REPO, capture_output=True, text=True, check=True
    )
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert set(DEPLOY_TARGETS) <= listed
