#!/usr/bin/env python3
"""Reads our JUnit reports with junitparser, as CI dashboards do.

failing.xml (fixtures/dual-license-missing): exactly two red cases, the
deny-level `license-files` failure (whose message starts with its
`path:line`) and the `gate`; passing.xml (fixtures/good): none.
"""
import sys

from junitparser import Error, Failure, JUnitXml


def red(path):
    xml = JUnitXml.fromfile(path)
    cases = [case for suite in xml for case in suite]
    if not cases:
        sys.exit(f"{path}: no test cases")
    out = []
    for case in cases:
        for result in case.result:
            if isinstance(result, (Failure, Error)):
                out.append((case.name, result.message or ""))
    return out


failing, passing = sys.argv[1], sys.argv[2]
got = red(failing)
names = [name for name, _ in got]
if names != ["license-files", "gate"]:
    sys.exit(f"{failing}: red cases {names}, expected license-files and gate")
if not got[0][1].startswith("Cargo.toml:5: "):
    sys.exit(f"{failing}: the failure's message does not lead with its location: {got[0][1]}")
if red(passing):
    sys.exit(f"{passing}: a passing gate has red cases: {red(passing)}")
print("junitparser: the failing report has exactly its two red cases, the passing one none")
