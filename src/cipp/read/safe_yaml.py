"""The one YAML loader of cipp: safe types only, bounded, and strict about keys.

Instruments, codebooks, pseudonym files and integration files come from other people.
``yaml.safe_load`` builds no arbitrary objects, but it still

- keeps the last of two equal keys in a mapping, silently (an item's ``id`` or ``text``
  replaced by a later line);
- accepts aliases that refer to aliases: a 700-byte "billion laughs" document is cheap to
  load (the aliases are shared references) and explodes in whatever walks it next (a
  ``str()`` of it, a validation that visits every node, the JSON written from it).

:func:`parse_yaml` composes the document's node graph first (libyaml's C parser when
PyYAML has it), refuses duplicate keys (naming the key and both lines), counts the nodes
the document would have with every alias expanded (each node counted once, so the count
itself is cheap) and refuses more than the ``yaml_nodes`` limit, then builds the Python
values. :func:`load_yaml` reads the file first, refusing one over ``yaml_size`` bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cipp.model.errors import CippError
from cipp.read.files import check_input
from cipp.read.settings import current_limits

#: What :func:`check_nodes` says of a document over the ``yaml_nodes`` limit.
TOO_MANY_NODES = "too many nodes"

#: The tag of ``<<`` merge keys, whose repetition is YAML's own override rule.
_MERGE = "tag:yaml.org,2002:merge"


def _loader(text: str) -> Any:
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader_class(text)


def _line(node: Any) -> int:
    return int(node.start_mark.line) + 1


def _duplicate_key(node: Any) -> str | None:
    """The first key of a mapping node given twice, as a message; None if there is none."""
    import yaml

    seen: dict[tuple[str, str], int] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
            continue
        ident = (key.tag, key.value)
        if ident in seen:
            return f"line {_line(key)}: duplicate key '{key.value}' (first at line {seen[ident]})"
        seen[ident] = _line(key)
    return None


def check_nodes(root: Any, limit: int) -> str | None:
    """What is wrong with a composed document (a duplicate key, too many nodes once every
    alias is expanded, an alias that contains itself), or None.

    Walks each node once, remembering the expanded size of a node met again through an
    alias, so a document of billions of expanded nodes costs as much as its text.
    """
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        ident = id(node)
        if ident in sizes:
            continue
        children = (
            [part for pair in node.value for part in pair]
            if isinstance(node, yaml.MappingNode)
            else node.value
            if isinstance(node, yaml.SequenceNode)
            else []
        )
        if children_done:
            open_nodes.discard(ident)
            sizes[ident] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[ident] > limit:
                return TOO_MANY_NODES
            continue
        if ident in open_nodes:
            return f"line {_line(node)}: an alias refers to a node that contains it"
        if isinstance(node, yaml.MappingNode):
            problem = _duplicate_key(node)
            if problem is not None:
                return problem
        open_nodes.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
        for child in children:
            if id(child) in open_nodes:
                return f"line {_line(child)}: an alias refers to a node that contains it"
    return None


def parse_yaml(text: str, where: str, error: type[CippError] = CippError) -> Any:
    """The values of one YAML document, checked as the module docstring says.

    Raises ``error`` naming ``where`` (a file) for invalid YAML, a duplicate key or an
    alias bomb.
    """
    import yaml

    limits = current_limits()
    loader = _loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problem = check_nodes(node, limits.yaml_nodes)
        if problem == TOO_MANY_NODES:
            found = "its aliases expand to too many nodes (an alias bomb?)"
            raise error(f"{where}: refused: {limits.exceeded('yaml_nodes', found)}")
        if problem is not None:
            raise error(f"{where}: {problem}")
        return loader.construct_document(node)
    except yaml.YAMLError as problem_error:
        mark = getattr(problem_error, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(problem_error, "problem", None) or str(problem_error).splitlines()[0]
        raise error(f"{where}: not valid YAML{at}: {problem}") from None
    finally:
        loader.dispose()


def read_yaml_text(path: Path, error: type[CippError], missing: str, unreadable: str) -> str:
    """The text of a YAML file (UTF-8, BOM optional), refused over ``yaml_size`` bytes."""
    limits = current_limits()
    check_input(path, error)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(limits.yaml_size + 1)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except IsADirectoryError:
        raise error(f"{path}: {unreadable} (it is a folder)") from None
    except OSError as problem:
        raise error(f"{path}: {unreadable} ({problem.strerror or problem})") from None
    if len(data) > limits.yaml_size:
        found = f"the file is {max(size, len(data)):,} bytes"
        raise error(f"{path}: {limits.exceeded('yaml_size', found)}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise error(
            f"{path}: {unreadable} (not UTF-8 text: {problem.reason} at byte {problem.start})"
        ) from None


def load_yaml(
    path: str | Path,
    *,
    error: type[CippError] = CippError,
    missing: str = "file not found",
    unreadable: str = "cannot read the file",
) -> Any:
    """Read and parse a YAML file (see :func:`parse_yaml`); ``missing`` and
    ``unreadable`` word the errors for a file that is not there or cannot be read."""
    path = Path(path)
    return parse_yaml(read_yaml_text(path, error, missing, unreadable), str(path), error)
