"""Position conversion: ast byte columns -> characters -> utf-8/16/32 client columns."""

import ast

import pytest

from prodready.core.source import UTF8, UTF16, UTF32, SourceFile

TEXT = 'msg = "héllo 😀"; x = call()\nsecond = 1\r\nthird\n'


def test_ast_byte_columns_become_character_offsets():
    source = SourceFile(TEXT)
    call = next(n for n in ast.walk(source.tree) if isinstance(n, ast.Call))
    start, end = source.node_range(call)
    assert TEXT[start:end] == "call()"


@pytest.mark.parametrize(
    ("encoding", "column"),
    [(UTF32, 21), (UTF16, 22), (UTF8, 25)],
)
def test_client_columns_per_encoding(encoding, column):
    source = SourceFile(TEXT)
    offset = TEXT.index("call()")
    assert source.position(offset, encoding) == (0, column)
    assert source.offset(0, column, encoding) == offset


def test_crlf_lines_and_display_positions():
    source = SourceFile(TEXT)
    assert source.line_text(1) == "second = 1"
    assert source.display_position(TEXT.index("third")) == (3, 1)
    assert source.display_position(TEXT.index("call")) == (1, 22)


def test_positions_past_the_end_are_clamped():
    source = SourceFile("a = 1\n")
    assert source.offset(10, 0) == len("a = 1\n")
    assert source.offset(0, 99) == len("a = 1")
    assert source.position(999) == (1, 0)


def test_a_column_inside_a_surrogate_pair_does_not_split_the_character():
    source = SourceFile("😀x")
    assert source.offset(0, 1, UTF16) == 0
    assert source.offset(0, 2, UTF16) == 1


def test_syntax_error_is_reported_not_raised():
    source = SourceFile("def broken(:\n    pass\n")
    assert source.tree is None
    assert source.syntax_error is not None
    start, end = source.syntax_error_range()
    assert 0 <= start <= end


def test_null_bytes_are_a_parse_problem_not_a_crash():
    source = SourceFile("x = 1\x00\n")
    assert source.tree is None and source.syntax_error is not None
