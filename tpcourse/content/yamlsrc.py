"""YAML loading that remembers line numbers, so content errors can say `path:line`."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of `key`, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows the line it starts on and the line of each item."""

    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """Return the line of item `index`."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class DuplicateKeyError(yaml.MarkedYAMLError):
    """Raised when a mapping names the same key twice."""


class _Loader(yaml.SafeLoader):
    """Safe loader building LineDict/LineList with 1-based line numbers."""

    def __init__(self, stream: str, line_offset: int) -> None:
        super().__init__(stream)
        self.line_offset = line_offset

    def _line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.line_offset

    def construct_yaml_map(self, node):  # type: ignore[override]
        mapping = LineDict()
        mapping.line = self._line(node)
        mapping.key_lines = {}
        yield mapping
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in mapping:
                raise DuplicateKeyError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = self._line(key_node)

    def construct_yaml_seq(self, node):  # type: ignore[override]
        seq = LineList()
        seq.line = self._line(node)
        seq.item_lines = [self._line(item) for item in node.value]
        yield seq
        seq.extend(self.construct_object(item, deep=True) for item in node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)
# Dates stay strings: content files have no use for YAML's implicit timestamps.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(ValueError):
    """A YAML document that could not be parsed, with the line it failed on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse one YAML document into LineDict/LineList values; raise YamlSyntaxError."""
    loader = _Loader(text, line_offset)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        message = f"YAML syntax error: {exc.problem or exc.context or 'invalid YAML'}"
        if exc.context and exc.context_mark and exc.problem_mark and (
            exc.context_mark.line < exc.problem_mark.line
        ):
            # An unclosed bracket or quote: the mistake is where it was opened.
            line = exc.context_mark.line + 1 + line_offset
            message += f" ({exc.context}, noticed on line {exc.problem_mark.line + 1 + line_offset})"
        raise YamlSyntaxError(line, message) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1 + line_offset, f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
