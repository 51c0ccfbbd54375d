"""Runs the unittest suite in a folder and writes a JUnit XML report; exits 1 if a test failed."""

import sys
import time
import unittest
from xml.sax.saxutils import quoteattr


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = []
        self.started = 0.0

    def startTest(self, test):
        self.started = time.monotonic()
        super().startTest(test)

    def _record(self, test, outcome, detail=""):
        self.cases.append((test, outcome, detail, time.monotonic() - self.started))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped", reason)


def main(folder: str, report: str, suite_name: str) -> int:
    suite = unittest.defaultTestLoader.discover(folder)
    result = unittest.TextTestRunner(resultclass=Recorder, verbosity=2).run(suite)
    failed = sum(1 for case in result.cases if case[1] in ("failure", "error"))
    lines = [f'<testsuite name={quoteattr(suite_name)} tests="{len(result.cases)}" failures="{failed}">']
    for test, outcome, detail, seconds in result.cases:
        cls, _, name = test.id().rpartition(".")
        lines.append(f"  <testcase classname={quoteattr(cls)} name={quoteattr(name)} time=\"{seconds:.3f}\">")
        if outcome in ("failure", "error"):
            lines.append(f"    <{outcome} message={quoteattr(detail.splitlines()[-1] if detail else outcome)}>{quoteattr(detail)[1:-1]}</{outcome}>")
        elif outcome == "skipped":
            lines.append(f"    <skipped message={quoteattr(detail)}/>")
        lines.append("  </testcase>")
    lines.append("</testsuite>")
    with open(report, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
