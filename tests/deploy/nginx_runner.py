"""The production nginx config, rendered and run by a Debian nginx on loopback.

`docker/nginx/templates/portal.conf.template` is rendered by envsubst the
way the official image does it, the certificate comes from the image's own
start-up script (a temporary self-signed one), and nginx runs from a
private prefix directory. Used by the nginx and replica tests and by
`make load`.
"""

import os
import subprocess
import warnings
from contextlib import contextmanager
from pathlib import Path

from requests import Session
from urllib3.exceptions import InsecureRequestWarning

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "docker/nginx/templates/portal.conf.template"
SELF_SIGNED = REPO / "docker/nginx/entrypoint.d/25-self-signed-certificate.sh"
NGINX = "/usr/sbin/nginx"

MAIN_CONF = """
daemon off;
master_process on;
worker_processes {workers};
user root;
pid {root}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format portal '$remote_addr "$request" $status '
                      'upstream=$upstream_addr upstream_status=$upstream_status';
    access_log {root}/nginx-access.log portal;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/conf.d/*.conf;
}}
"""


def render_template(root, variables, workers=1):
    """envsubst with only the defined variables, as the nginx image's
    20-envsubst-on-templates.sh does (nginx's own $variables stay)."""
    environment = {"PATH": os.environ["PATH"], **variables}
    defined = " ".join(f"${{{name}}}" for name in environment)
    rendered = subprocess.run(
        ["envsubst", defined],
        input=TEMPLATE.read_text(),
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "${" not in rendered, "a template variable was left unset"
    (root / "conf.d").mkdir()
    (root / "conf.d/portal.conf").write_text(rendered)
    (root / "nginx.conf").write_text(MAIN_CONF.format(root=root, workers=workers))


def self_signed_certificate(cert_dir, domain):
    """The nginx image's start-up script makes a temporary certificate."""
    subprocess.run(
        ["sh", str(SELF_SIGNED)],
        env={
            "PATH": os.environ["PATH"],
            "NGINX_CERT_DIR": str(cert_dir),
            "PORTAL_DOMAIN": domain,
        },
        check=True,
        capture_output=True,
    )


def template_variables(root, domain, ports, web_upstream, resolver, cert_dir):
    """The variables compose.prod.yml gives the nginx container, on loopback."""
    return {
        "PORTAL_DOMAIN": domain,
        "NGINX_HTTP_PORT": str(ports.http),
        "NGINX_HTTPS_PORT": str(ports.https),
        "NGINX_CERT_DIR": str(cert_dir),
        "NGINX_ACME_ROOT": str(root / "acme"),
        "NGINX_STATIC_ROOT": str(root / "static"),
        "NGINX_MEDIA_ROOT": str(root / "media"),
        "NGINX_RESOLVER": resolver,
        "WEB_UPSTREAM": web_upstream,
        "FIREFLY_UPSTREAM": f"127.0.0.1:{ports.firefly}",
        "NGINX_MAX_BODY": "1m",
        "NGINX_API_MAX_BODY": "4m",
        "NGINX_RELOAD_INTERVAL": "6h",
    }


def nginx_command(root):
    """nginx in the foreground from the prefix `root` (append "-t" to check)."""
    return [
        NGINX,
        "-p",
        str(root),
        "-c",
        str(root / "nginx.conf"),
        "-e",
        str(root / "nginx-error.log"),
    ]


def check_config(root):
    checked = subprocess.run(
        [*nginx_command(root), "-t"], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


def configure(root, domain, ports, web_upstream, resolver):
    """What the nginx container does before nginx starts: a temporary
    certificate, the rendered template, `nginx -t`. Returns the certificate
    folder (`root`/letsencrypt/live/`domain`)."""
    cert_dir = root / "letsencrypt/live" / domain
    self_signed_certificate(cert_dir, domain)
    render_template(
        root,
        template_variables(root, domain, ports, web_upstream, resolver, cert_dir),
    )
    check_config(root)
    return cert_dir


@contextmanager
def https_session(port, domain):
    """A requests session speaking to nginx's https `port` as `domain`
    (`session.base` is the URL to prefix paths with)."""
    session = Session()
    session.verify = False  # the temporary self-signed certificate
    session.trust_env = False  # or REQUESTS_CA_BUNDLE would override verify
    session.headers["Host"] = domain
    session.base = f"https://127.0.0.1:{port}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        yield session
    session.close()


def worker_pids(root):
    """Process ids of the workers of the nginx running from `root`.

    A reload starts new workers and only then tells the old ones to stop
    (after a 100 ms pause); until an old worker has closed its listening
    socket it still accepts connections with the old configuration.
    """
    master = (root / "nginx.pid").read_text().strip()
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if fields[1] == master and fields[0] != "Z":  # state, parent pid
            pids.add(int(stat.parent.name))
    return pids
