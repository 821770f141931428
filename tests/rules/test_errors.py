"""Behaviour of the errors and logging rules (PR3xx) that examples cannot express."""

from __future__ import annotations

import textwrap

from prodready.api import check_text, fix_source
from prodready.checks.errors.broad_except import BroadExcept
from prodready.checks.errors.exception_detail_leak import ExceptionDetailLeak
from prodready.checks.errors.logging_basicconfig_in_library import (
    LoggingBasicConfigInLibrary,
)
from prodready.checks.errors.print_in_production_code import PrintInProductionCode
from prodready.checks.errors.redundant_exception_logging import (
    RedundantExceptionLogging,
)
from prodready.checks.errors.secret_in_log import SecretInLog
from prodready.core.findings import Severity

RULES = [ExceptionDetailLeak, BroadExcept, RedundantExceptionLogging, LoggingBasicConfigInLibrary,
         PrintInProductionCode, SecretInLog]


def findings(code: str, path: str = "app/module.py", rules=RULES):
    analysis = check_text(textwrap.dedent(code), path, rules=rules)
    assert not analysis.errors, analysis.errors
    return analysis.findings


def codes(code: str, path: str = "app/module.py"):
    return [f.code for f in findings(code, path)]


def text_of(code: str, finding) -> str:
    return textwrap.dedent(code)[finding.start:finding.end]


# -- behaviour tests the issue asks for ----------------------------------------------------

def test_except_exception_that_reraises_is_not_broad_except():
    code = """
    def f():
        try:
            work()
        except Exception:
            cleanup()
            raise
    """
    assert "PR302" not in codes(code)


def test_print_under_main_guard_is_not_reported():
    code = """
    def main():
        pass

    if __name__ == "__main__":
        print("starting")
        main()
    """
    assert "PR305" not in codes(code)


def test_basicconfig_under_main_guard_is_not_reported():
    code = """
    import logging

    if __name__ == "__main__":
        logging.basicConfig(level=logging.INFO)
    """
    assert "PR304" not in codes(code)


# -- PR301 ----------------------------------------------------------------------------------

def test_leak_is_reported_on_the_derived_expression():
    code = """
    from flask import jsonify

    def view():
        try:
            work()
        except Exception as e:
            return jsonify({"ok": False, "error": str(e)}), 500
    """
    [finding] = [f for f in findings(code) if f.code == "PR301"]
    assert text_of(code, finding) == "str(e)"
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("Don't send exception details")


def test_leak_through_a_local_variable():
    code = """
    from flask import jsonify

    def view():
        try:
            work()
        except Exception as e:
            message = "failed: " + repr(e)
            return jsonify(error=message), 500
    """
    [finding] = [f for f in findings(code) if f.code == "PR301"]
    assert text_of(code, finding) == "message"


def test_user_error_tuple_must_be_all_user_errors():
    code = """
    from flask import jsonify
    from django.core.exceptions import ValidationError

    def view():
        try:
            work()
        except (ValidationError, KeyError) as e:
            return jsonify(error=str(e)), 400
    """
    assert "PR301" in codes(code)


def test_leak_fix_does_not_duplicate_existing_exception_logging():
    code = textwrap.dedent("""
    import logging
    from flask import jsonify
    log = logging.getLogger(__name__)

    def view():
        try:
            work()
        except Exception as e:
            log.error("failed", exc_info=True)
            return jsonify(error=str(e)), 500
    """)
    result = fix_source(code, "app/module.py", unsafe=True, rules=[ExceptionDetailLeak])
    assert result.text == code.replace("error=str(e)", 'error="Internal server error"')


# -- PR302 ----------------------------------------------------------------------------------

def test_bare_except_position_and_message():
    code = """
    def f():
        try:
            work()
        except:
            pass
    """
    [finding] = [f for f in findings(code) if f.code == "PR302"]
    assert text_of(code, finding) == "except"
    assert "KeyboardInterrupt" in finding.message


def test_except_exception_message_does_not_claim_keyboard_interrupt():
    code = """
    def f():
        try:
            work()
        except Exception:
            return None
    """
    [finding] = [f for f in findings(code) if f.code == "PR302"]
    assert text_of(code, finding) == "Exception"
    assert "KeyboardInterrupt" not in finding.message


def test_logging_boundary_in_module_split_into_blocks():
    code = """
    import logging
    logger = logging.getLogger(__name__)

    def handle_message(msg):
        try:
            process(msg)
        except Exception:
            logger.exception("message failed")
    """
    assert "PR302" not in codes(code)


# -- PR303 ----------------------------------------------------------------------------------

def test_redundant_logging_finding_is_on_the_redundant_call():
    code = """
    import logging
    import traceback
    logger = logging.getLogger(__name__)

    def f():
        try:
            work()
        except Exception:
            traceback.print_exc()
            logger.exception("failed")
            raise
    """
    [finding] = [f for f in findings(code) if f.code == "PR303"]
    assert text_of(code, finding) == "traceback.print_exc()"


# -- PR304 ----------------------------------------------------------------------------------

def test_basicconfig_in_function_called_from_main_guard_across_blocks():
    code = """
    import logging

    def configure():
        logging.basicConfig(level=logging.INFO)

    if __name__ == "__main__":
        configure()
    """
    assert "PR304" not in codes(code)
    for block_finding in block_findings(textwrap.dedent(code)):
        assert block_finding.code != "PR304"


def test_basicconfig_in_a_helper_of_a_library_module():
    code = """
    import logging

    def load():
        logging.basicConfig()
        return 1
    """
    found = [f for f in findings(code) if f.code == "PR304"]
    assert [text_of(code, f) for f in found] == ["logging.basicConfig()"]


def block_findings(text: str, path: str = "app/module.py"):
    from prodready.core.incremental import DocumentAnalyzer

    analyzer = DocumentAnalyzer(path, rules=RULES, class_split_lines=5)
    return analyzer.update(text).findings


def test_block_analysis_matches_whole_file_analysis():
    """The server checks top-level statements (and members of large classes) one by one."""
    from prodready.core.rule import as_example

    for rule in RULES:
        for example in (*rule.invalid, *rule.valid):
            example = as_example(example)
            if example.options:
                continue
            whole = [(f.code, f.start, f.end, f.message) for f in check_text(example.code, example.path, rules=RULES).findings]
            blocks = [(f.code, f.start, f.end, f.message) for f in block_findings(example.code, example.path)]
            assert blocks == whole, example.code


def test_basicconfig_in_wsgi_entrypoint_is_fine():
    assert "PR304" not in codes("import logging\nlogging.basicConfig()\n", "project/wsgi.py")


# -- PR305 ----------------------------------------------------------------------------------

def test_print_severity_is_information():
    [finding] = [f for f in findings("def f():\n    print('x')\n") if f.code == "PR305"]
    assert finding.severity is Severity.INFORMATION


def test_print_to_stderr_message_says_warning():
    [finding] = [f for f in findings("import sys\n\ndef f():\n    print('x', file=sys.stderr)\n") if f.code == "PR305"]
    assert "logger.warning" in finding.message


def test_print_fix_reuses_module_logger_name():
    code = "import logging\nlog = logging.getLogger(__name__)\n\ndef f(n):\n    print('got', n, 'rows')\n"
    result = fix_source(code, "app/module.py", unsafe=True, rules=[PrintInProductionCode])
    assert result.text == code.replace("print('got', n, 'rows')", 'log.info("got %s rows", n)')


def test_print_in_migrations_and_management_commands_is_fine():
    assert "PR305" not in codes("print('x')\n", "shop/migrations/0001_initial.py")
    assert "PR305" not in codes("print('x')\n", "shop/management/commands/seed.py")


# -- PR306 ----------------------------------------------------------------------------------

def test_secret_in_log_points_at_the_secret():
    code = """
    import logging
    logger = logging.getLogger(__name__)

    def f(user, api_key):
        logger.info(f"user={user} key={api_key}")
    """
    [finding] = [f for f in findings(code) if f.code == "PR306"]
    assert text_of(code, finding) == "api_key"
    assert "`api_key`" in finding.message


def test_secret_name_inside_string_literal_is_fine():
    code = """
    import logging
    logging.info("password=%s", "***")
    """
    assert "PR306" not in codes(code)


# -- one mistake, one finding: PR302 defers to PR301 -------------------------------------------

def _all_codes(code: str, path: str = "app/views.py"):
    from prodready.core.config import Config

    analysis = check_text(textwrap.dedent(code), path, config=Config(select=("ALL",), preview=True))
    assert not analysis.errors, analysis.errors
    return [f.code for f in analysis.findings if f.code in ("PR301", "PR302")]


def test_flask_handler_leaking_exception_text_gets_pr301_only():
    code = """
    from flask import Flask
    app = Flask(__name__)

    @app.route("/x")
    def x():
        try:
            return work()
        except Exception as e:
            return {"error": str(e)}, 500
    """
    assert _all_codes(code, "app/module.py") == ["PR301"]


def test_fastapi_handler_leaking_exception_text_gets_pr301_only():
    code = """
    from fastapi import FastAPI, HTTPException
    app = FastAPI()

    @app.get("/x")
    async def x():
        try:
            return await work()
        except Exception as e:
            msg = str(e)
            raise_it = HTTPException(status_code=500, detail=msg)
            raise raise_it
    """
    assert _all_codes(code, "app/module.py") == ["PR301"]
    code = """
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    app = FastAPI()

    @app.get("/x")
    async def x():
        try:
            return await work()
        except Exception as e:
            return JSONResponse({"error": str(e)}, status_code=500)
    """
    assert _all_codes(code, "app/module.py") == ["PR301"]


def test_broad_except_still_reported_when_detail_only_in_debug():
    code = """
    from flask import Flask, jsonify
    from django.conf import settings
    app = Flask(__name__)

    def helper():
        try:
            return work()
        except Exception as e:
            if settings.DEBUG:
                return jsonify(error=str(e))
            return None
    """
    assert _all_codes(code, "app/module.py") == ["PR302"]


def test_value_error_answered_with_4xx_is_not_a_leak_but_broad_catch_is():
    code = """
    from flask import Flask
    app = Flask(__name__)

    @app.route("/x")
    def x(value):
        try:
            return convert(value)
        except ValueError as e:
            return {"error": str(e)}, 400

    @app.route("/y")
    def y(value):
        try:
            return convert(value)
        except Exception as e:
            return {"error": str(e)}, 400
    """
    assert _all_codes(code, "app/module.py") == ["PR301"]
