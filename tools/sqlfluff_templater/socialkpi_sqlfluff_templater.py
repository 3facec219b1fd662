"""sqlfluff's jinja templater, compiling each jinja source once per process.

sqlfluff's jinja templater builds a new jinja environment for every SQL file and loads every
macro file into it twice (once for the names, once with late binding), so a project with eight
macro files compiles sixteen macro templates per model: a fifth of `make test`'s lint time here.
The compiled code of a template depends only on its source and on the environment's parse
settings, never on the globals it later runs with, so this templater keeps it per process and
hands the same code to every file's environment. What renders, and so what sqlfluff reports, is
unchanged: tests/unit/test_sqlfluff_templater.py lints the same files with both templaters.

`.sqlfluff` selects it as `templater = jinja_compiled`; its settings are the jinja templater's, in
`[sqlfluff:templater:jinja_compiled]`.
"""

from __future__ import annotations

from collections import OrderedDict
from types import CodeType

from jinja2.sandbox import SandboxedEnvironment
from sqlfluff.core.plugin import hookimpl
from sqlfluff.core.templaters.jinja import JinjaTemplater

# Code objects of the macro files, each model and the tracer's variants of it: a few hundred per
# process at most, bounded all the same.
MAX_COMPILED = 2048
COMPILED: OrderedDict[tuple, CodeType | str] = OrderedDict()


class CompileOnceEnvironment(SandboxedEnvironment):
    """sqlfluff's sandboxed environment, with `compile` answered from the process's cache."""

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        key = (source, name, filename, raw, defer_init, *self._parse_settings())
        code = COMPILED.get(key)
        if code is None:
            code = super().compile(source, name, filename, raw, defer_init)
            COMPILED[key] = code
            if len(COMPILED) > MAX_COMPILED:
                COMPILED.popitem(last=False)
        return code

    def _parse_settings(self) -> tuple:
        """Everything besides the source that shapes the generated code: the lexer's settings
        (the key of jinja's own lexer cache), the extensions and the code generator's options."""
        return (
            self.block_start_string,
            self.block_end_string,
            self.variable_start_string,
            self.variable_end_string,
            self.comment_start_string,
            self.comment_end_string,
            self.line_statement_prefix,
            self.line_comment_prefix,
            self.trim_blocks,
            self.lstrip_blocks,
            self.newline_sequence,
            self.keep_trailing_newline,
            tuple(sorted(self.extensions)),
            self.optimized,
            self.is_async,
            self.autoescape if isinstance(self.autoescape, bool) else id(self.autoescape),
            self.finalize is not None,
        )


class CompiledJinjaTemplater(JinjaTemplater):
    """The jinja templater, on an environment that compiles each source once per process."""

    name = "jinja_compiled"

    def _get_jinja_env(self, config=None):
        environment = super()._get_jinja_env(config)
        # The same object with one method more: sqlfluff chose its loader and extensions.
        environment.__class__ = CompileOnceEnvironment
        return environment


@hookimpl
def get_templaters() -> list[type[JinjaTemplater]]:
    return [CompiledJinjaTemplater]
