"""The house rules, read from the code itself: calls go down, one owner per job.

No import cycle between the package's modules (imports inside functions and under
``TYPE_CHECKING`` count: neither may hide a cycle); no module imports another's private
name; no module over 600 lines and no function over 100; the README's folder map names
every module of the package.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cyber_mapping.paths import PACKAGE_DIR, PROJECT_ROOT

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _target(name: str) -> str | None:
    """The package module an imported dotted name lives in (longest known prefix)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for every import of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (target := _target(alias.name)) and target != module:
                    out.append((target, "", node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                full = f"{base}.{alias.name}"
                target = full if full in MODULES else _target(base)
                name = "" if full in MODULES else alias.name
                if target and target != module and target != "cyber_mapping":
                    out.append((target, name, node.lineno))
                elif target == "cyber_mapping" and name not in ("", "__version__", "load"):
                    out.append((target, name, node.lineno))
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, _, _ in _imports(module, path):
            if target != "cyber_mapping":
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_crosses_a_module():
    borrowed = [
        f"{module}:{line} imports {name} from {target}"
        for module, path in MODULES.items()
        for target, name, line in _imports(module, path)
        if name.startswith("_") and name != "__version__"
    ]
    attribute = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = {
            (alias.asname or alias.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cyber_mapping")
            for alias in node.names
            if f"{node.module}.{alias.name}" in MODULES
        }
        attribute += [
            f"{module}:{node.lineno} uses {node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ]
    assert borrowed + attribute == []


def test_no_module_over_600_lines():
    long = {
        m: n
        for m, p in MODULES.items()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_over_100_lines():
    long = {}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{module}.{node.name}"] = n
    assert long == {}


def _folder_map() -> set[str]:
    """The modules the README's folder map names, as dotted paths (read from its indents)."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("cyber_mapping/          ") :]
    block = block[: block.index("```")]
    named: set[str] = set()
    stack: list[str] = ["cyber_mapping"]
    for line in block.splitlines()[1:]:
        found = re.match(r"^( {2,8})(\w+)(\.py|/)", line)  # a name, not a description
        if not found:
            continue
        depth = len(found.group(1)) // 2  # two spaces per floor below cyber_mapping/
        stack = stack[:depth]
        if found.group(3) == "/":
            stack.append(found.group(2))
            named.add(".".join(stack))
        else:
            named.add(".".join([*stack, found.group(2)]))
    return named


def test_the_readme_folder_map_names_every_module():
    named = _folder_map()
    assert sorted(set(MODULES) - named - {"cyber_mapping"}) == []
    # and names no module that is not there (data folders aside)
    assert (
        sorted(named - set(MODULES) - {"cyber_mapping.reference", "cyber_mapping.templates"}) == []
    )
