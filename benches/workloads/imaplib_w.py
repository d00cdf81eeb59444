"""The performance benchmark's workloads through Python's imaplib (benches/README.md).

    python3 imaplib_w.py [--libimap] <w1|w1s|w2|w2e|w3|w4|w5>

--libimap runs the same code with `import libimap as imaplib` (the Python package of
bindings/python, installed in the interpreter's environment) and reports as client `python`:
the drop-in replacement measured on exactly imaplib's calls. It also does w4, through
libimap's own streaming call (fetch_to_file of the one message into a sink that keeps
nothing), which imaplib has no counterpart for; w1s and w2e it skips as imaplib does.

Environment: IMAP_HOST, IMAP_PORT, IMAP_TLS_PORT, IMAP_CA, IMAP_USER, IMAP_PASS,
BENCH_W1_MAILBOX, BENCH_W4_MAILBOX. Prints one RESULT line.
  w1   m.uid("FETCH", "1:*", "BODY.PEEK[]"): imaplib's (line, literal) list, kept to the end
  w1s, w4   skipped: imaplib has no streaming, every literal is read into memory
  w2   m.uid("FETCH", "1:*", "(ENVELOPE BODYSTRUCTURE)"): imaplib returns the raw response
       lines, which is all it has for "parsed"; the check is computed from those lines after
       the figures are taken (imaplib has no parser for them)
  w2e  skipped: imaplib has no message-by-message delivery
  w3   1,000 x m.fetch(n, "(FLAGS)"), the flags counted with imaplib.ParseFlags
  w5   50 x (IMAP4_SSL with ssl.create_default_context(cafile=IMAP_CA), login,
       select INBOX, logout); the context is made once, inside the measured part
"""
import importlib
import itertools
import os
import resource
import ssl
import sys
import time


CLIENT = "imaplib"
imaplib = None  # the module under test, imported by main()


def env(name):
    v = os.environ.get(name)
    if not v:
        sys.exit(f"imaplib_w: {name} is not set")
    return v


def status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return -1


def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Mark:
    def __init__(self):
        self.cpu = cpu()
        self.wall = time.monotonic()
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
        self.rss = status_bytes("VmRSS:")

    def end(self):
        """The figures after the workload: (cpu, wall, mem)."""
        c, w, hwm = cpu(), time.monotonic(), status_bytes("VmHWM:")
        return c - self.cpu, w - self.wall, hwm - self.rss


def report(workload, figures, check):
    c, w, mem = figures
    print(f"RESULT {CLIENT} {workload} cpu={c:.6f} wall={w:.6f} mem={mem} check={check}",
          flush=True)


def skip(workload, reason):
    print(f"RESULT {CLIENT} {workload} skip reason={reason}", flush=True)


def ok(typ, data, what):
    if typ != "OK":
        sys.exit(f"imaplib_w: {what}: {typ} {data}")
    return data


# ---- the w2 check, from imaplib's raw lines (outside the measurement) ----
def tokens(b):
    """A tiny reader of IMAP values: lists become Python lists, the rest bytes (or None)."""
    pos = 0
    n = len(b)

    def value():
        nonlocal pos
        while pos < n and b[pos:pos + 1] == b" ":
            pos += 1
        c = b[pos:pos + 1]
        if c == b"(":
            pos += 1
            out = []
            while True:
                while pos < n and b[pos:pos + 1] == b" ":
                    pos += 1
                if b[pos:pos + 1] == b")":
                    pos += 1
                    return out
                out.append(value())
        if c == b'"':
            pos += 1
            start = pos
            while b[pos:pos + 1] != b'"':
                pos += 2 if b[pos:pos + 1] == b"\\" else 1
            pos += 1
            return b[start:pos - 1]
        start = pos
        while pos < n and b[pos:pos + 1] not in (b" ", b"(", b")"):
            pos += 1
        atom = b[start:pos]
        return None if atom.upper() == b"NIL" else atom

    return value


def structure_check(data):
    total = 0
    for d in data:
        if isinstance(d, tuple):  # a literal inside the response: join it back as a quoted
            line = d[0] + b'"' + d[1].replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
        elif isinstance(d, bytes):
            line = d
        else:
            continue
        if line == b")":
            continue
        items = tokens(line[line.index(b"("):])()
        for name, val in zip(items[::2], items[1::2]):
            name = name.upper()
            if name == b"ENVELOPE":
                total += len(val[2] or [])
            elif name == b"BODYSTRUCTURE" and isinstance(val[0], list):
                # a multipart's children come first, then its subtype
                total += sum(1 for _ in itertools.takewhile(lambda v: isinstance(v, list), val))
    return total


class Sink:
    """A file object that counts what is written and keeps nothing."""

    def __init__(self):
        self.n = 0

    def write(self, b):
        self.n += len(b)
        return len(b)


def stream_one(w):
    """w4 through libimap's own streaming call (imaplib has none): fetch_to_file of the one
    message of BENCH_W4_MAILBOX, by sequence number, into a sink."""
    m = imaplib.IMAP4(env("IMAP_HOST"), int(env("IMAP_PORT")))
    ok(*m.login(env("IMAP_USER"), env("IMAP_PASS")), "login")
    ok(*m.select(env("BENCH_W4_MAILBOX"), readonly=True), "select")
    sink = Sink()
    mark = Mark()
    m.fetch_to_file("1", sink)
    figures = mark.end()
    report(w, figures, sink.n)
    m.logout()


def main():
    global CLIENT, imaplib
    args = sys.argv[1:]
    if args[:1] == ["--libimap"]:
        CLIENT = "python"
        args = args[1:]
    w = args[0] if len(args) == 1 else sys.exit("usage: imaplib_w.py [--libimap] <workload>")
    imaplib = importlib.import_module("libimap" if CLIENT == "python" else "imaplib")
    if w == "w4" and CLIENT == "python":
        return stream_one(w)
    if w in ("w1s", "w4"):
        return skip(w, "nostream")
    if w == "w2e":
        return skip(w, "noeach")
    host, user, password = env("IMAP_HOST"), env("IMAP_USER"), env("IMAP_PASS")
    if w == "w5":
        port, cafile = int(env("IMAP_TLS_PORT")), env("IMAP_CA")
        mark = Mark()
        ctx = ssl.create_default_context(cafile=cafile)
        check = 0
        for _ in range(50):
            m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx)
            ok(*m.login(user, password), "login")
            ok(*m.select("INBOX"), "select")
            m.logout()
            check += 1
        return report(w, mark.end(), check)
    if w not in ("w1", "w2", "w3"):
        sys.exit(f"imaplib_w: unknown workload {w}")
    m = imaplib.IMAP4(host, int(env("IMAP_PORT")))
    ok(*m.login(user, password), "login")
    ok(*m.select(env("BENCH_W1_MAILBOX"), readonly=True), "select")
    data = None
    mark = Mark()
    if w == "w1":
        data = ok(*m.uid("FETCH", "1:*", "BODY.PEEK[]"), "UID FETCH")
        check = sum(len(d[1]) for d in data if isinstance(d, tuple))
        figures = mark.end()
    elif w == "w2":
        data = ok(*m.uid("FETCH", "1:*", "(ENVELOPE BODYSTRUCTURE)"), "UID FETCH")
        figures = mark.end()
        check = structure_check(data)
    else:
        check = 0
        for n in range(1, 1001):
            for d in ok(*m.fetch(str(n), "(FLAGS)"), "FETCH"):
                check += len(imaplib.ParseFlags(d))
        figures = mark.end()
    report(w, figures, check)
    del data  # released after the figures, as in the C program
    m.logout()


if __name__ == "__main__":
    main()
