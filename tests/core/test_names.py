"""Name resolution: aliases, module attributes, shadowing, call results, scopes."""

import ast

from prodready.core.names import NameResolver


def resolver_for(code: str) -> tuple[NameResolver, ast.Module]:
    tree = ast.parse(code)
    return NameResolver(NameResolver.module_bindings(tree.body)), tree


def last_expr(tree):
    return tree.body[-1].value


def test_from_import_alias():
    names, tree = resolver_for("from datetime import datetime as dt\ndt.utcnow\n")
    assert names.resolve(last_expr(tree)) == "datetime.datetime.utcnow"


def test_module_alias():
    names, tree = resolver_for("import datetime as d\nd.datetime.utcnow\n")
    assert names.resolve(last_expr(tree)) == "datetime.datetime.utcnow"


def test_dotted_import_binds_top_package():
    names, tree = resolver_for("import urllib.request\nurllib.request.urlopen\n")
    assert names.resolve(last_expr(tree)) == "urllib.request.urlopen"


def test_user_class_shadows_import():
    names, tree = resolver_for("from datetime import datetime\nclass datetime: pass\ndatetime.utcnow\n")
    assert names.resolve(last_expr(tree)) is None


def test_call_result_binding():
    names, tree = resolver_for("import requests\ns = requests.Session()\ns.get\n")
    assert names.resolve(last_expr(tree)) == "requests.Session().get"


def test_imports_inside_try_and_if_count():
    code = "try:\n    import simplejson as json\nexcept ImportError:\n    import json\njson.loads\n"
    names, tree = resolver_for(code)
    assert names.resolve(last_expr(tree)) == "json.loads"


def test_function_scope_parameters_shadow_module_names():
    names, _ = resolver_for("import requests\n")
    names.push("function")
    names.bind("requests", None)
    assert names.resolve(ast.parse("requests.get", mode="eval").body) is None
    names.pop()
    assert names.resolve(ast.parse("requests.get", mode="eval").body) == "requests.get"


def test_class_scope_is_not_visible_from_methods():
    names, _ = resolver_for("import os\n")
    names.push("class")
    names.bind("os", None)
    names.push("function")
    assert names.resolve(ast.parse("os.getenv", mode="eval").body) == "os.getenv"


def test_relative_import():
    names, tree = resolver_for("from .extensions import db\ndb.session\n")
    assert names.resolve(last_expr(tree)) == ".extensions.db.session"
