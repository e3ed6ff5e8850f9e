"""The layers of the code, checked from its source (nothing is imported or run).

model -> nothing of cipp; read -> model; platforms -> model, read; stats -> model;
flow -> model, read, platforms, stats; render -> model; cli -> anything. Imports inside
functions count; imports under ``if TYPE_CHECKING:`` name types only and do not. Only
cli/ prints, exits or imports typer (render may use rich for the terminal); no function
is over 100 lines; no import cycle; library errors name parameters, never flags; the
output formats, the platforms and the CIPP components are each listed once.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "cipp"
BELOW = {
    "model": set(),
    "read": {"model"},
    "platforms": {"model", "read"},
    "stats": {"model"},
    "flow": {"model", "read", "platforms", "stats"},
    "render": {"model"},
    "cli": {"model", "read", "platforms", "stats", "flow", "render"},
}
TOP_LEVEL = {"cipp", "cipp.__main__"}
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")
VOCABULARIES = {
    "output formats": {"table", "json", "csv", "markdown", "html", "xlsx", "docx"},
    "platforms": {"redcap", "qualtrics", "kobo", "odk", "google", "msforms", "spss"},
    "CIPP components": {"context", "input", "process", "product"},
}


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return modules


MODULES = _modules()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def _type_only(tree: ast.Module) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden |= {id(inner) for inner in ast.walk(node)}
    return hidden


def _imports(module: str, path: Path, tree: ast.Module) -> list[tuple[int, str]]:
    """(line, imported name) of every import outside ``if TYPE_CHECKING:``."""
    hidden = _type_only(tree)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _target(name: str) -> str | None:
    if name in MODULES:
        return name
    parent = name.rsplit(".", 1)[0]
    return parent if parent in MODULES else None


def test_every_module_lives_in_a_layer():
    stray = [m for m in MODULES if m not in TOP_LEVEL and _layer(m) not in BELOW]
    assert not stray


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_layers_only(module):
    path, tree = MODULES[module]
    layer = _layer(module)
    wrong = []
    for line, name in _imports(module, path, tree):
        top = name.split(".")[0]
        if top in ("typer", "click") and layer != "cli":
            wrong.append(f"{line}: {name} outside cli/")
        if top == "rich" and layer not in ("cli", "render"):
            wrong.append(f"{line}: {name} outside cli/ and render/")
        target = _target(name) if top == "cipp" else None
        if layer is None or target is None or _layer(target) in (None, layer):
            continue
        if _layer(target) not in BELOW[layer]:
            wrong.append(f"{line}: {layer} imports {target}")
    assert not wrong


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_cli_prints_or_exits_and_no_function_is_long(module):
    path, tree = MODULES[module]
    layer = _layer(module)
    wrong = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > 100:
                wrong.append(f"{node.lineno}: {node.name} is {length} lines")
        if layer == "cli":
            continue
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            if called in ("print", "exit", "quit", "sys.exit", "os._exit"):
                wrong.append(f"{node.lineno}: {called}()")
        if isinstance(node, ast.Raise) and node.exc is not None:
            texts = [
                n.value
                for n in ast.walk(node.exc)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            wrong += [f"{node.lineno}: names a flag" for text in texts if FLAG.search(text)]
    assert not wrong


def test_no_import_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    for module, (path, tree) in MODULES.items():
        for _, name in _imports(module, path, tree):
            target = _target(name) if name.startswith("cipp") else None
            if target is not None and target != module:
                graph[module].add(target)
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        if module in trail:
            raise AssertionError("import cycle: " + " -> ".join((*trail, module)))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, (*trail, module))
        done.add(module)

    for module in sorted(MODULES):
        visit(module, ())


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_each_list_of_choices_is_written_once(vocabulary):
    words = VOCABULARIES[vocabulary]
    places = []
    for module, (_, tree) in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                elements = node.keys
            elif isinstance(node, ast.List | ast.Tuple | ast.Set):
                elements = node.elts
            else:
                continue
            named = {
                e.value.lower()
                for e in elements
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
            if len(named & words) >= 3:
                places.append(f"{module}:{node.lineno}")
    assert len(places) <= 1, places
