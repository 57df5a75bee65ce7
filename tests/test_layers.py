"""Lower layers never import upper ones (checked on the source, with `ast`).

Survey data is at the bottom; project access (members, roles, the
visibility helpers) on it; ingest and the API sit on those; the pages
(browse, siteadmin) on top; the rating app above the catalogue contributes
to the catalogue's extension points, so nothing in `catalogue` imports it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("catalogue.browse", "catalogue.siteadmin")
# (package whose modules are checked, module prefixes they must not import)
# Demo data, synthetic generators and benchmarks: management commands and
# `manage.py bench` use them, request-serving code never does.
OFFLINE = (
    "catalogue.demo",
    "catalogue.benchmarks",
    "rating.demo",
    "rating.benchmarks",
    "portal.benchmarking",
)
SERVING = (
    "catalogue.survey",
    "catalogue.access",
    "catalogue.ingest",
    "catalogue.api",
    *PAGES,
    "rating.vetting",
    "rating.scan",
    "rating.summary",
    "rating.references",
    "home.templatetags",
)
RULES = [
    ("catalogue", ("rating",)),
    (
        "catalogue.survey",
        ("catalogue.access", "catalogue.ingest", "catalogue.api", *PAGES),
    ),
    # Who may see what: above the survey data, below everything that serves it.
    ("catalogue.access", ("catalogue.ingest", "catalogue.api", *PAGES)),
    ("catalogue.ingest", PAGES),
    ("catalogue.api", PAGES),
    *((package, OFFLINE) for package in SERVING),
]


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source, module, is_package=False):
    """Every module named by an import statement in `source` (relative ones
    resolved against `module`), including `from x import y` as `x.y`."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            stem = ".".join([*base, *([node.module] if node.module else [])])
            names.add(stem)
            names.update(f"{stem}.{alias.name}" for alias in node.names)
    return names


def is_within(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def violations(package, forbidden):
    found = []
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        module = module_name(path)
        imports = imported_modules(
            path.read_text(), module, is_package=path.name == "__init__.py"
        )
        found += [
            f"{module} imports {name}"
            for name in sorted(imports)
            if any(is_within(name, prefix) for prefix in forbidden)
        ]
    return found


@pytest.mark.parametrize("package,forbidden", RULES, ids=[r[0] for r in RULES])
def test_layer_imports_nothing_above_it(package, forbidden):
    assert violations(package, forbidden) == []


def test_every_kind_of_import_is_seen():
    source = (
        "import rating\n"
        "import rating.models as m\n"
        "from rating.consensus import filter_disputed\n"
        "from .. import browse\n"
        "from ..browse.filters import register_filterset\n"
        "def late():\n"
        "    from rating import models\n"
    )
    names = imported_modules(source, "catalogue.survey.sky")
    assert {"rating", "rating.models", "rating.consensus"} <= names
    assert {"catalogue.browse", "catalogue.browse.filters"} <= names
    assert "ratingx" not in names and not is_within("ratingx", "rating")
