"""Lint-time stand-in for `adapter.dispatch`: a dispatched macro renders as a function call.

SQL expression arguments are kept (so references are still checked); string literals such as
regular expressions and lists become a placeholder literal.
"""

import re

_EXPRESSION = re.compile(r"^[\w.,' ()]+$")


def _render(arg):
    if isinstance(arg, str) and _EXPRESSION.match(arg) and arg.count("(") == arg.count(")"):
        return arg
    return "'x'"


def dispatch(macro_name, macro_namespace=None):
    def render(*args, **kwargs):
        return f"{macro_name}({', '.join(_render(arg) for arg in args)})"

    return render
