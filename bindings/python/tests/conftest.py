"""Test support: the test Dovecot (tests/server/test-dovecot.sh; IMAPSRV_DIR and the
DOVECOT_*_PORT variables choose its directory and ports) and fixtures over it. The server may be
shared with other suites: user1's INBOX is only read (20 seeded messages); writes go to mailboxes
of unique names, deleted afterwards."""

import contextlib
import os
import socket
import subprocess
import threading
import uuid

import pytest

import libimap

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "..", "tests", "server", "test-dovecot.sh")


def _parse_env(text):
    env = {}
    for line in text.splitlines():
        if "=" in line and line[:1].isupper():
            k, v = line.split("=", 1)
            if len(v) >= 2 and v[0] == v[-1] == "'":
                v = v[1:-1]
            env[k] = v
    return env


@pytest.fixture(scope="session")
def dovecot():
    out = subprocess.run(["bash", SCRIPT, "start"], check=True, capture_output=True, text=True)
    env = _parse_env(out.stdout)
    return {
        "host": env["DOVECOT_HOST"],
        "port": int(env["DOVECOT_IMAP_PORT"]),
        "tls_port": int(env["DOVECOT_IMAPS_PORT"]),
        "ca": env["DOVECOT_CA"],
        "stream": env["DOVECOT_STREAM_CMD"],
    }


@pytest.fixture(scope="session", autouse=True)
def _installed_package():
    # test.sh runs the suite against the installed wheel, never against the source tree.
    if os.environ.get("LIBIMAP_EXPECT_INSTALLED") == "1":
        assert "site-packages" in libimap.__file__, libimap.__file__
        assert libimap._native.LIBRARY_PATH.startswith(os.path.dirname(libimap.__file__))


@pytest.fixture
def M(dovecot):
    """A logged-in connection as user1 (plain IMAP on 127.0.0.1)."""
    m = libimap.IMAP4(dovecot["host"], dovecot["port"], timeout=30)
    m.login("user1", "pass1")
    yield m
    if m.state != "LOGOUT":
        m.logout()  # returns quietly on a connection a test closed


def unique(tag):
    return f"py-{tag}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def scratch(M):
    """A fresh mailbox of user1's (deleted afterwards), with three messages."""
    name = unique("box")
    assert M.create(name)[0] == "OK"
    for i in range(3):
        msg = f"From: a@example.org\nSubject: message {i}\n\nbody {i}\n".encode()
        assert M.append(name, None, None, msg)[0] == "OK"
    yield name
    try:
        if M.state == "SELECTED":
            M.unselect()
        if M.state in ("AUTH", "SELECTED"):
            M.delete(name)
    except M.abort:  # the test closed the connection (and removed the mailbox itself)
        pass


@contextlib.contextmanager
def scripted_server(serve):
    """A one-connection server on loopback, for what Dovecot will not do: ``serve(conn)`` runs
    in a thread on the connection it accepts (an OSError there ends it quietly). Yields the
    address; at the end the connection is shut down and the thread joined."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    conns = []

    def run():
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        conns.append(conn)
        with conn:
            try:
                serve(conn)
            except OSError:
                pass

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield srv.getsockname()
    finally:
        with contextlib.suppress(OSError):
            srv.shutdown(socket.SHUT_RDWR)  # wakes an accept() still waiting
        srv.close()
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        t.join(10)
