"""What the module context reads of top-level statements, without the rest of them.

An open document's blocks give `engine.module_context` their top-level statements on every
edit. Keeping the parsed statements themselves kept every function body of the document
alive between edits: about 8 MB of tree for a 5,000-line module, nine tenths of what an open
document cost the server, and 50 open documents left hundreds of MB the allocator could not
give back after they closed. A skeleton keeps exactly what `NameResolver.module_bindings` and
`frameworks.class_table` read, so the module context built from skeletons is the one built
from the statements (tests compare them):

* imports, as they are;
* function and class statements: the name, and for classes the bases, each reduced to the
  name/attribute/call chain `NameResolver.resolve` reads;
* assignments, annotated assignments with a value, ``for`` and ``with``: the targets, and the
  value as its call chain (a name bound to a call resolves to ``callee()``);
* ``if``/``try``/``with`` bodies, whose bindings count at the top level, as skeletons;
* nothing of any other statement: neither reader looks at them.
"""

from __future__ import annotations

import ast
from typing import Iterable, Optional

_NOTHING = ast.Constant(value=None)  # what an expression neither reader can resolve becomes
_NO_ARGUMENTS = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                              kwarg=None, defaults=[])


def module_skeleton(statements: Iterable[ast.stmt]) -> list[ast.stmt]:
    """The skeletons of ``statements``, in order; statements no reader looks at are left out."""
    out = []
    for stmt in statements:
        kept = _statement(stmt)
        if kept is not None:
            out.append(kept)
    return out


def _statement(stmt: ast.stmt) -> Optional[ast.stmt]:
    kind = type(stmt)
    if kind is ast.Import or kind is ast.ImportFrom:
        return stmt
    if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
        return kind(name=stmt.name, args=_NO_ARGUMENTS, body=[], decorator_list=[])
    if kind is ast.ClassDef:
        return ast.ClassDef(name=stmt.name, bases=[_chain(base) for base in stmt.bases], keywords=[],
                            body=[], decorator_list=[])
    if kind is ast.Assign:
        return ast.Assign(targets=[_target(t) for t in stmt.targets], value=_value(stmt.value))
    if kind is ast.AnnAssign:
        if stmt.value is None:
            return None  # binds nothing the module context records
        return ast.AnnAssign(target=_target(stmt.target), annotation=_NOTHING, value=_value(stmt.value),
                             simple=stmt.simple)
    if kind is ast.For or kind is ast.AsyncFor:
        return kind(target=_target(stmt.target), iter=_NOTHING, body=[], orelse=[])
    if kind is ast.With or kind is ast.AsyncWith:
        items = [ast.withitem(context_expr=_value(item.context_expr),
                              optional_vars=None if item.optional_vars is None else _target(item.optional_vars))
                 for item in stmt.items]
        return kind(items=items, body=module_skeleton(stmt.body))
    if kind is ast.If:
        return ast.If(test=_NOTHING, body=module_skeleton(stmt.body), orelse=module_skeleton(stmt.orelse))
    if kind is ast.Try or kind.__name__ == "TryStar":
        handlers = [ast.ExceptHandler(type=None, name=None, body=module_skeleton(h.body)) for h in stmt.handlers]
        return kind(body=module_skeleton(stmt.body), handlers=handlers, orelse=module_skeleton(stmt.orelse),
                    finalbody=module_skeleton(stmt.finalbody))
    return None


def _chain(node: ast.AST) -> ast.AST:
    """A name/attribute/call chain as `NameResolver.resolve` reads it (call arguments dropped);
    anything else resolves to nothing, as ``_NOTHING`` does."""
    kind = type(node)
    if kind is ast.Name:
        return node
    if kind is ast.Attribute:
        return ast.Attribute(value=_chain(node.value), attr=node.attr, ctx=ast.Load())
    if kind is ast.Call:
        return ast.Call(func=_chain(node.func), args=[], keywords=[])
    return _NOTHING


def _value(node: ast.AST) -> ast.AST:
    """An assigned value as `NameResolver.value_binding` reads it: a call's callee, through ``await``."""
    kind = type(node)
    if kind is ast.Call:
        return ast.Call(func=_chain(node.func), args=[], keywords=[])
    if kind is ast.Await:
        return ast.Await(value=_value(node.value))
    return _NOTHING


def _target(node: ast.AST) -> ast.AST:
    """An assignment target: names, and the names inside tuples, lists and starred targets."""
    kind = type(node)
    if kind is ast.Name:
        return node
    if kind is ast.Tuple or kind is ast.List:
        return kind(elts=[_target(elt) for elt in node.elts], ctx=ast.Store())
    if kind is ast.Starred:
        return ast.Starred(value=_target(node.value), ctx=ast.Store())
    return _NOTHING
