"""imaplib compatibility details that CPython's test_imaplib (tests/cpython) checks only in
part: ``sock``'s timeout and the errno of a connection that cannot be made. A server that
stops answering is what Dovecot will not do, so a small scripted one on loopback stands in."""

import errno
import os
import socket
import time

import pytest

import libimap
from conftest import scripted_server


@pytest.fixture
def silent_server():
    """A server that greets with capabilities, then reads and never answers."""

    def serve(c):
        c.sendall(b"* OK [CAPABILITY IMAP4rev1] hi\r\n")
        while c.recv(4096):
            pass

    with scripted_server(serve) as addr:
        yield addr


def test_sock_timeout_is_the_connections(silent_server):
    M = libimap.IMAP4(*silent_server, timeout=30)
    try:
        assert M.sock.timeout == 30 and M.sock.gettimeout() == 30
        assert M.sock.fileno() >= 0
        assert M.sock.getpeername() == silent_server
        M.sock.settimeout(0.3)
        assert M.sock.timeout == 0.3 and M.timeout == 0.3
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            M.noop()
        assert time.monotonic() - started < 10  # the 30 s set first would have held it
        with pytest.raises(ValueError):
            M.sock.settimeout(0)
        M.sock.setblocking(True)  # the library's defaults again; the descriptor untouched
        assert M.sock.timeout is None
        with pytest.raises(ValueError):
            M.sock.setblocking(False)
    finally:
        M.shutdown()
    assert M.sock is None


def test_sock_timeout_none_is_libimap_default(silent_server):
    M = libimap.IMAP4(*silent_server)
    try:
        assert M.sock.timeout is None
        M.sock.settimeout(5)
        M.sock.settimeout(None)
        assert M.sock.timeout is None
    finally:
        M.shutdown()


def test_stream_has_no_sock():
    # greets, answers the CAPABILITY the client sends, then reads on
    M = libimap.IMAP4_stream(
        "printf '* OK hi\\r\\n'; read -r tag rest; "
        "printf '* CAPABILITY IMAP4rev1\\r\\n%s OK done\\r\\n' \"$tag\"; cat >/dev/null",
        timeout=10)
    try:
        assert M.sock is None
    finally:
        M.shutdown()


def test_refused_connection_has_errno():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(ConnectionRefusedError) as e:
        libimap.IMAP4("127.0.0.1", port)
    assert e.value.errno == errno.ECONNREFUSED
    assert isinstance(e.value, libimap.IMAP4.abort)


def test_unresolvable_host_is_gaierror():
    with pytest.raises(socket.gaierror) as e:
        libimap.IMAP4("no-such-host.invalid", 143)
    assert isinstance(e.value, libimap.IMAP4.abort)


def test_maxline_is_read_at_connect(monkeypatch):
    def serve(c):
        c.sendall(b"* OK " + b"x" * 40 + b"\r\n")
        c.recv(100)

    monkeypatch.setattr(libimap, "_MAXLINE", 30)
    with scripted_server(serve) as addr:
        with pytest.raises(libimap.IMAP4.error, match="got more than 30 bytes"):
            libimap.IMAP4(*addr)


def test_ssl_context_trusts_its_own_cas_only(dovecot, tmp_path):
    """A context's CA certificates are all it trusts, as the ssl module's: the system's are
    not added. The system's trust is made the test CA's (SSL_CERT_FILE, in a child process,
    before OpenSSL reads it); a context trusting another CA must then refuse the server,
    and one trusting the test CA accept it."""
    import subprocess
    import sys
    from test.test_imaplib import CAFILE as OTHER_CA  # a CA that signed nothing of Dovecot's

    code = (
        "import ssl, sys, libimap\n"
        "host, port, good, other = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]\n"
        "libimap.IMAP4_SSL(host, port).logout()  # the system's trust: the test CA\n"
        "ctx = ssl.create_default_context(cafile=good)\n"
        "libimap.IMAP4_SSL(host, port, ssl_context=ctx).logout()\n"
        "ctx = ssl.create_default_context(cafile=other)\n"
        "try:\n"
        "    libimap.IMAP4_SSL(host, port, ssl_context=ctx).logout()\n"
        "except ssl.CertificateError:\n"
        "    print('refused')\n"
    )
    env = dict(os.environ, SSL_CERT_FILE=dovecot["ca"], SSL_CERT_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code, "localhost", str(dovecot["tls_port"]),
                          dovecot["ca"], OTHER_CA], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "refused"
