"""The tree's layers hold: each part imports only the parts its `__init__` docstring allows, and no import
circle exists among the modules (imports inside functions, and those only made for type checking, count too).

Dependencies run one way: proxy.cli -> proxy.app -> proxy.forward -> proxy.pages -> proxy.{upstream, cache, speech}
-> the proxy leaves -> transforms.pipeline -> the stage packages -> the transforms core. docs/architecture.md
draws it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRANSFORMS = {"transforms", "transforms.extract", "transforms.render", "transforms.speech", "transforms.sanitize",
              "transforms.links", "transforms.aids", "transforms.pipeline"}
PROXY_LOW = {"proxy", "proxy.upstream", "proxy.cache", "proxy.speech", "proxy.podcast"}
# part -> the parts it may import (besides itself). "transforms" is the core: article, context, registry, parse.
MAY_IMPORT: dict[str, set[str]] = {
    "transforms": set(),
    "transforms.extract": {"transforms"},
    "transforms.render": {"transforms", "transforms.aids"},
    "transforms.aids": {"transforms"},
    "transforms.speech": {"transforms"},
    "transforms.sanitize": {"transforms", "transforms.links"},
    "transforms.links": {"transforms"},
    "transforms.pipeline": TRANSFORMS,
    "proxy": TRANSFORMS,  # the leaves: config, errors, metrics, the version
    "proxy.upstream": {"proxy"},
    "proxy.cache": {"proxy"},
    "proxy.speech": {"proxy"} | TRANSFORMS,
    "proxy.podcast": {"proxy", "proxy.speech"} | TRANSFORMS,
    "proxy.pages": {"proxy", "proxy.upstream", "proxy.cache"} | TRANSFORMS,
    "proxy.forward": {"proxy", "proxy.pages", "proxy.upstream", "proxy.cache"} | TRANSFORMS,
    "proxy.app": {"proxy.pages", "proxy.forward"} | PROXY_LOW | TRANSFORMS,
    "proxy.cli": {"proxy.app", "proxy.pages", "proxy.forward"} | PROXY_LOW | TRANSFORMS,
}
PARTS = sorted(MAY_IMPORT, key=len, reverse=True)


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


MODULES = {module_name(p): p for top in ("proxy", "transforms") for p in sorted((ROOT / top).rglob("*.py"))}


def part_of(module: str) -> str:
    if module == "proxy.__main__":
        return "proxy.cli"
    if module.startswith("transforms."):
        # the core modules (article, context, registry, parse) are the part "transforms"
        second = ".".join(module.split(".")[:2])
        return second if second in MAY_IMPORT else "transforms"
    return next(p for p in PARTS if module == p or module.startswith(p + "."))


def imports(module: str) -> set[str]:
    """The project modules `module` imports, wherever in the file the import stands."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found |= {n for n in names if n in MODULES and n != module}
    return found


GRAPH = {m: imports(m) for m in MODULES}


def test_the_tree_was_read() -> None:
    assert {"proxy.app.server", "proxy.pages.service", "transforms.pipeline", "transforms.registry"} <= set(GRAPH)
    assert "proxy.pages.service" in GRAPH["proxy.app.routes.pages"]  # relative imports resolved


@pytest.mark.parametrize("part", sorted(MAY_IMPORT))
def test_a_part_imports_only_what_it_may(part: str) -> None:
    allowed = MAY_IMPORT[part] | {part}
    wrong = sorted(f"{m} -> {t}" for m, targets in GRAPH.items() if part_of(m) == part
                   for t in targets if part_of(t) not in allowed)
    assert not wrong, f"{part} may import only {sorted(allowed)}:\n" + "\n".join(wrong)


def test_no_import_circle() -> None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for t in sorted(GRAPH[m]):
            if state.get(t) == 1:
                return path[path.index(t):] + [t]
            if t not in state and (circle := visit(t)):
                return circle
        path.pop()
        state[m] = 2
        return None

    for m in sorted(GRAPH):
        if m not in state and (circle := visit(m)):
            pytest.fail("import circle: " + " -> ".join(circle))
