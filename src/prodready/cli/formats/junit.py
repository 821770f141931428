"""`--format junit`: JUnit XML, which most CI systems (GitLab, Jenkins, Azure) show as tests.

One test suite per checked file with findings, one failed test case per finding; a run with
no findings is one passing test case, so the CI's test view says "passed" rather than
"no tests".
"""

from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree as ET


def document(report) -> ET.Element:
    items = report.items
    root = ET.Element("testsuites", name="prodready", tests=str(max(1, len(items))), failures=str(len(items)))
    if not items:
        suite = ET.SubElement(root, "testsuite", name="prodready", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="no problems found", classname="prodready")
        return root
    for result in report.results:
        if not result.items:
            continue
        suite = ET.SubElement(root, "testsuite", name=result.display, tests=str(len(result.items)),
                              failures=str(len(result.items)))
        for item in result.items:
            case = ET.SubElement(suite, "testcase", name=f"{item.code} {item.name} ({result.display}:{item.line}:{item.column})",
                                 classname=result.display, file=result.display, line=str(item.line))
            failure = ET.SubElement(case, "failure", message=item.message, type=item.code)
            failure.text = f"{result.display}:{item.line}:{item.column}: {item.code} {item.message}"
    return root


def write_junit(report, out: TextIO) -> None:
    root = document(report)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode") + "\n")
