"""TLS: verified by default (unlike imaplib), ssl_context honoured where it maps."""

import ssl

import pytest

import libimap
from conftest import scripted_server


def test_ssl_default_verifies_and_refuses_unknown_ca(dovecot):
    with pytest.raises(ssl.CertificateError) as e:
        libimap.IMAP4_SSL("localhost", dovecot["tls_port"])
    assert isinstance(e.value, libimap.IMAP4.abort)
    assert "certificate verify failed" in str(e.value)


def test_ssl_with_cafile(dovecot):
    with libimap.IMAP4_SSL("localhost", dovecot["tls_port"], cafile=dovecot["ca"]) as M:
        M.login("user1", "pass1")
        assert M.select("INBOX", readonly=True) == ("OK", [b"20"])


def test_ssl_context_with_loaded_ca_is_honoured(dovecot):
    ctx = ssl.create_default_context(cafile=dovecot["ca"])
    with libimap.IMAP4_SSL("localhost", dovecot["tls_port"], ssl_context=ctx) as M:
        assert M.login("user1", "pass1")[0] == "OK"
    # the host name is checked: the certificate is for localhost and 127.0.0.1 only
    with pytest.raises(ssl.CertificateError, match="certificate is not valid for 'imap.example.org'"):
        libimap.IMAP4_SSL("127.0.0.1", dovecot["tls_port"], ssl_context=ctx,
                          server_hostname="imap.example.org")


def test_ssl_context_cert_none_turns_verification_off(dovecot):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with libimap.IMAP4_SSL(dovecot["host"], dovecot["tls_port"], ssl_context=ctx) as M:
        assert M.login("user1", "pass1")[0] == "OK"


def test_server_hostname_verifies_a_name_when_connecting_by_address(dovecot):
    M = libimap.IMAP4_SSL("127.0.0.1", dovecot["tls_port"], cafile=dovecot["ca"],
                          server_hostname="localhost")
    assert M.state == "NONAUTH"
    M.logout()


def test_starttls(dovecot):
    M = libimap.IMAP4("localhost", dovecot["port"])
    ctx = ssl.create_default_context(cafile=dovecot["ca"])
    assert M.starttls(ssl_context=ctx) == ("OK", [None])
    with pytest.raises(M.abort, match="TLS session already established"):
        M.starttls(ssl_context=ctx)
    assert M.login("user1", "pass1")[0] == "OK"
    M.logout()


def test_starttls_default_context_verifies(dovecot):
    M = libimap.IMAP4("localhost", dovecot["port"])
    with pytest.raises(ssl.SSLError):
        M.starttls()


def test_starttls_refuses_bytes_sent_before_the_handshake():
    # A server (Dovecot would never do this, hence a scripted one) that pipelines a response
    # after its STARTTLS OK, before the TLS handshake: imaplib would read it as if it came over
    # TLS; libimap refuses and closes the connection.
    def serve(conn):
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
        line = conn.makefile("rb").readline()
        tag = line.split(b" ", 1)[0]
        conn.sendall(tag + b" OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n")
        conn.settimeout(5)
        conn.recv(100)

    with scripted_server(serve) as addr:
        M = libimap.IMAP4(*addr, timeout=5)
        with pytest.raises(ssl.SSLError) as e:
            M.starttls()
        assert isinstance(e.value, M.abort)
        assert "before the TLS handshake" in str(e.value)  # not a handshake failure
        with pytest.raises(M.abort):
            M.noop()  # the connection was closed
