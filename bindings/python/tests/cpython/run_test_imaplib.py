"""CPython's own imaplib test suite, run against libimap.

    python run_test_imaplib.py [--against MODULE] [-v] [-k PATTERN]

Takes Lib/test/test_imaplib.py from the running interpreter's `test` package (never a copy
kept here) and runs it with `imaplib` replaced by `libimap`: sys.modules['imaplib'] is the
libimap package while the suite is imported and run, so the suite's `import imaplib` and its
`mock.patch('imaplib....')` reach libimap. The suite's fake servers are Python socketservers on
loopback: libimap talks to them through real sockets, so what is checked is wire behaviour.

Tests that reach into imaplib's private internals are listed in skiplist.txt beside this file,
each with its reason; so are the few that check a documented difference of libimap's, each
with a variant in variants.py against a server that behaves as the RFC says. Every other test
must pass. A listed test that the suite does not have (an interpreter with another version of
the suite) is reported, not counted: an entry that names nothing skips nothing.

libimap verifies server certificates by default where imaplib does not (its default context is
ssl._create_stdlib_context(): CERT_NONE, no host name check). The suite's TLS servers present a
certificate for 'localhost' signed by its own test CA, reached as 127.0.0.1, so the suite's
TLS classes run with imaplib's default spelled out: an IMAP4_SSL made without ssl_context gets
an unverified context. Tests that pass their own ssl_context (test_ssl_raises,
test_ssl_verified) are untouched and check verification. The runner's own check
(DefaultVerification) makes sure libimap's real default still refuses that server.

--against imaplib runs the same suite, skip list and adaptations against the standard
library's module: a check of the runner itself.

Prints the counts (passed, skipped with reason, failed) and exits 1 on any failure or error.
"""

import argparse
import faulthandler
import importlib
import importlib.util
import os
import ssl
import sys
import time
import unittest

import variants

HERE = os.path.dirname(os.path.abspath(__file__))
SKIPLIST = os.path.join(HERE, "skiplist.txt")
# A hung test dumps every thread's stack and ends the run instead of waiting forever.
HANG_LIMIT_S = 600


def read_skiplist(path):
    """`Class.test_name: reason` lines (blank lines and # comments ignored)."""
    skips = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, reason = line.partition(":")
            name, reason = name.strip(), reason.strip()
            if not sep or not reason or name.count(".") != 1:
                sys.exit(f"{path}:{number}: expected 'Class.test_name: reason'")
            if name in skips:
                sys.exit(f"{path}:{number}: {name} is listed twice")
            skips[name] = reason
    return skips


def load_suite_module(module, verbose):
    """Imports test.test_imaplib with sys.modules['imaplib'] being `module`."""
    spec = importlib.util.find_spec("test.test_imaplib")
    if spec is None or spec.origin is None:
        sys.exit("run_test_imaplib: this interpreter has no test.test_imaplib "
                 "(a Python built without its test package)")
    from test import support

    # the suite prints every line its servers send and receive when support.verbose is set
    # (regrtest's -v); read at import, so set before
    support.verbose = verbose
    sys.modules.pop("test.test_imaplib", None)
    sys.modules["imaplib"] = module
    suite_module = importlib.import_module("test.test_imaplib")
    if suite_module.imaplib is not module:
        sys.exit("run_test_imaplib: the suite did not pick up the swapped module")
    return suite_module


def unverified_default(imap4_ssl):
    """IMAP4_SSL whose missing ssl_context is imaplib's default (no verification)."""

    class IMAP4_SSL(imap4_ssl):
        def __init__(self, *args, **kwargs):
            if kwargs.get("ssl_context") is None:
                kwargs["ssl_context"] = ssl._create_unverified_context()
            super().__init__(*args, **kwargs)

    IMAP4_SSL.__qualname__ = IMAP4_SSL.__name__ = imap4_ssl.__name__
    return IMAP4_SSL


def adapt(suite_module):
    """The TLS classes get imaplib's default context spelled out (see the module docstring)."""
    adapted = []
    for name in dir(suite_module):
        cls = getattr(suite_module, name)
        if (isinstance(cls, type) and issubclass(cls, unittest.TestCase)
                and cls.__dict__.get("imap_class") is suite_module.IMAP4_SSL
                and suite_module.IMAP4_SSL is not None):
            cls.imap_class = unverified_default(suite_module.IMAP4_SSL)
            adapted.append(name)
    return adapted


def default_verification_case(suite_module):
    """The runner's own check that the adaptation hides no default: without an ssl_context,
    the module's IMAP4_SSL must refuse the suite's TLS server (its certificate is not trusted
    by default). Not run against the standard library's imaplib, which does not verify."""

    class DefaultVerification(suite_module.NewIMAPTestsMixin, unittest.TestCase):
        imap_class = suite_module.IMAP4_SSL
        server_class = suite_module.SecureTCPServer

        def test_default_context_refuses_untrusted_certificate(self):
            _, server = self._setup(suite_module.SimpleIMAPHandler, connect=False)
            with self.assertRaises(ssl.SSLCertVerificationError):
                client = self.imap_class(*server.server_address)
                client.shutdown()

    DefaultVerification.__module__ = "run_test_imaplib"
    return DefaultVerification


def iter_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from iter_tests(t)
        else:
            yield t


def short_id(test):
    """Class.test_name of a test (or the id of a module-level error)."""
    parts = test.id().split(".")
    return ".".join(parts[-2:])


class CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = []

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed.append(test)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", default="libimap",
                    help="the module that stands in for imaplib (default libimap; "
                         "'imaplib' checks the runner against the standard library)")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per test")
    ap.add_argument("--wire", action="store_true",
                    help="the suite's servers print what they send and receive")
    ap.add_argument("-k", dest="pattern", action="append",
                    help="only the tests whose Class.test_name contains PATTERN")
    args = ap.parse_args()

    module = importlib.import_module(args.against)
    skips = read_skiplist(SKIPLIST)
    suite_module = load_suite_module(module, args.wire)
    adapted = adapt(suite_module)

    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    suite.addTests(loader.loadTestsFromModule(suite_module))
    if module.__name__ != "imaplib":
        # the runner's own tests, of libimap's documented differences: not for imaplib,
        # which does not verify by default and (in 3.11) sends the older UTF8 APPEND form
        suite.addTest(default_verification_case(suite_module)(
            "test_default_context_refuses_untrusted_certificate"))
        suite.addTests(variants.variant_cases(suite_module))

    selected = unittest.TestSuite()
    seen = set()
    for test in iter_tests(suite):
        sid = short_id(test)
        seen.add(sid)
        if args.pattern and not any(p in sid for p in args.pattern):
            continue
        if sid in skips:
            reason = "libimap: " + skips[sid]

            def skipped(reason=reason):
                raise unittest.SkipTest(reason)

            # on the instance only: the class (shared with other listed or unlisted
            # subclasses) is left alone
            setattr(test, test._testMethodName, skipped)
        selected.addTest(test)
    stale = sorted(set(skips) - seen)

    print(f"run_test_imaplib: {suite_module.__file__} (Python {sys.version.split()[0]}) "
          f"against {module.__name__} ({getattr(module, '__file__', '?')})")
    if adapted:
        print("run_test_imaplib: IMAP4_SSL without ssl_context gets imaplib's unverified "
              f"default in {', '.join(adapted)}")
    sys.stdout.flush()

    faulthandler.dump_traceback_later(HANG_LIMIT_S, exit=True)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2 if args.verbose else 1,
                                     resultclass=CountingResult)
    started = time.monotonic()
    result = runner.run(selected)
    faulthandler.cancel_dump_traceback_later()
    elapsed = time.monotonic() - started

    print()
    print(f"run_test_imaplib against {module.__name__}: {elapsed:.1f} s")
    by_reason = {}
    for test, reason in result.skipped:
        by_reason.setdefault(reason, []).append(short_id(test))
    for reason, tests in sorted(by_reason.items()):
        print(f"  skipped ({len(tests)}): {reason}")
        for sid in sorted(tests):
            print(f"      {sid}")
    for test, _ in result.failures + result.errors + [(t, "") for t in
                                                      result.unexpectedSuccesses]:
        print(f"  FAILED: {short_id(test)}")
    for sid in stale:
        print(f"  note: {sid} is in {os.path.basename(SKIPLIST)} but not in this suite")
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    suite_name = suite_module.__name__ + "."
    in_suite = [t for t in result.passed if t.id().startswith(suite_name)]
    listed = [t for t, reason in result.skipped if reason.startswith("libimap: ")]
    print(f"  of the suite's tests: {len(in_suite)} passed, "
          f"{len(result.skipped) - len(listed)} skipped by the suite itself, "
          f"{len(listed)} skipped by {os.path.basename(SKIPLIST)}; the runner's own "
          f"(variants, default verification): {len(result.passed) - len(in_suite)} passed")
    print(f"test_imaplib: {len(result.passed)} passed, {failed} failed, "
          f"{len(result.skipped)} skipped")
    return 1 if failed or not result.testsRun else 0


if __name__ == "__main__":
    sys.exit(main())
