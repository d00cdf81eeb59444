"""imaplib's methods against the test Dovecot: return shapes, states, exceptions."""

import errno
import io
import os
import socket
import time

import pytest

import libimap
from conftest import scripted_server, unique


def test_connect_greeting_and_capabilities(dovecot):
    M = libimap.IMAP4(dovecot["host"], dovecot["port"])
    assert M.state == "NONAUTH"
    assert M.welcome.startswith(b"* OK")
    assert "IMAP4REV1" in M.capabilities and all(c == c.upper() for c in M.capabilities)
    assert M.PROTOCOL_VERSION == "IMAP4REV1"
    assert M.utf8_enabled is False
    assert M.logout()[0] == "BYE"
    assert M.state == "LOGOUT"


def test_login_select_search_fetch_shapes(M):
    typ, data = M.select("INBOX", readonly=True)
    assert (typ, data) == ("OK", [b"20"])
    assert M.state == "SELECTED"
    typ, data = M.search(None, "ALL")
    assert typ == "OK" and data[0].split() == [str(i).encode() for i in range(1, 21)]
    typ, data = M.fetch("1", "(FLAGS)")
    assert typ == "OK" and data[0].startswith(b"1 (FLAGS (")
    typ, data = M.fetch("1:2", "(UID RFC822)")
    assert typ == "OK" and len(data) == 4
    head, body = data[0]
    assert head.startswith(b"1 (UID 1 RFC822 {")
    assert body.startswith(b"Return-Path") or b"\r\n" in body
    assert int(head[head.index(b"{") + 1 : -1]) == len(body)
    assert data[1] == b")"
    typ, data = M.uid("SEARCH", "ALL")
    assert typ == "OK" and len(data[0].split()) == 20
    typ, data = M.uid("FETCH", "1", "(FLAGS)")
    assert typ == "OK" and b"UID 1" in data[0]
    assert M.close()[0] == "OK" and M.state == "AUTH"


def test_select_missing_mailbox_is_no_not_exception(M):
    typ, data = M.select(unique("missing"))
    assert typ == "NO" and isinstance(data[0], bytes)
    assert M.state == "AUTH"


def test_mailbox_commands(M, scratch):
    typ, data = M.list('""', scratch)
    assert typ == "OK" and scratch.encode() in data[0]
    typ, data = M.status(scratch, "(MESSAGES UNSEEN)")
    assert typ == "OK" and b"MESSAGES 3" in data[0]
    typ, data = M.status(scratch, "MESSAGES")  # imaplib 3.15 wraps the names in parentheses
    assert typ == "OK" and b"MESSAGES 3" in data[0]
    assert M.subscribe(scratch)[0] == "OK"
    assert scratch.encode() in M.lsub('""', scratch)[1][0]
    assert M.unsubscribe(scratch)[0] == "OK"
    spaced = unique("with space")
    assert M.create(spaced)[0] == "OK"  # quoted by the library (imaplib 3.15)
    renamed = spaced + " renamed"
    try:
        assert M.rename(spaced, renamed)[0] == "OK"
    finally:
        M.delete(spaced)
        M.delete(renamed)
    typ, data = M.namespace()
    assert typ == "OK" and data[0].startswith(b"((")
    typ, data = M.getquotaroot("INBOX")
    assert typ == "OK" and len(data) == 2 and isinstance(data[0], list)
    typ, data = M.myrights(scratch)
    assert typ == "OK" and data[0].startswith(scratch.encode())
    typ, data = M.getacl(scratch)
    assert typ == "OK" and b"user1" in data[0]


def test_message_commands(M, scratch):
    typ, data = M.select(scratch)
    assert (typ, data) == ("OK", [b"3"])
    typ, data = M.store("1", "+FLAGS", "\\Deleted")
    assert typ == "OK" and b"\\Deleted" in data[0]
    typ, data = M.store("2", "+FLAGS.SILENT", "(\\Seen)")
    assert (typ, data) == ("OK", [None])
    other = unique("copy")
    M.create(other)
    try:
        typ, data = M.copy("2:3", other)
        assert typ == "OK" and b"COPYUID" in data[0]
        typ, data = M.uid("MOVE", "3", other)
        assert typ == "OK"
        assert M.status(other, "(MESSAGES)")[1][0].endswith(b"(MESSAGES 3)")
    finally:
        M.delete(other)
    typ, data = M.expunge()
    # the EXPUNGE of UID MOVE stayed with the untagged responses, as in imaplib
    assert (typ, data) == ("OK", [b"3", b"1"])
    typ, data = M.search(None, "SEEN")
    assert (typ, data) == ("OK", [b"1"])
    typ, data = M.sort("(SUBJECT)", "UTF-8", "ALL")
    assert typ == "OK" and data[0] == b"1"
    typ, data = M.thread("REFERENCES", "UTF-8", "ALL")
    assert typ == "OK" and data[0] == b"(1)"
    assert M.check()[0] == "OK"
    assert M.unselect()[0] == "OK" and M.state == "AUTH"


def test_append_with_flags_and_date(M, scratch):
    typ, data = M.append(scratch, "(\\Seen \\Draft)", (2020, 1, 5, 3, 4, 5, 0, 0, 0),
                         b"Subject: x\n\nhello\n")
    assert typ == "OK" and b"APPENDUID" in data[0]
    M.select(scratch, readonly=True)
    typ, data = M.fetch("4", "(FLAGS INTERNALDATE RFC822)")
    head, body = data[0]
    assert b"\\Seen" in head and b"\\Draft" in head and b'05-Jan-2020 03:04:05' in head
    assert body == b"Subject: x\r\n\r\nhello\r\n"  # line endings became CRLF
    with pytest.raises(TypeError):
        M.append(scratch, None, None, "a str message")


def test_response_untagged_responses_and_recent(M, scratch):
    M.select(scratch)
    assert M.response("UIDVALIDITY")[1][0].isdigit()
    assert M.response("UIDVALIDITY") == ("UIDVALIDITY", [None])
    assert "FLAGS" in M.untagged_responses
    assert M.untagged_responses["EXISTS"] == [b"3"]
    assert M.response("EXISTS") == ("EXISTS", [b"3"])
    assert "EXISTS" not in M.untagged_responses
    typ, data = M.recent()
    assert typ == "OK"
    assert M.noop()[0] == "OK"


def test_state_errors_bad_and_arguments(M):
    with pytest.raises(M.error, match="command SEARCH illegal in state AUTH"):
        M.search(None, "ALL")
    with pytest.raises(M.error, match=r"^XBOGUSCMD command error: BAD \[b'.*Unknown command"):
        M.xatom("XBOGUSCMD")
    with pytest.raises(ValueError, match="NUL, CR and LF not allowed in commands"):
        M.select("INBOX\r\nA1 LOGOUT")
    with pytest.raises(ValueError):
        M.select("IN\x00BOX")
    with pytest.raises(TypeError):
        M.select(1)
    with pytest.raises(libimap.IMAP4.error, match="Unknown IMAP4 UID command"):
        M.select("INBOX", readonly=True)
        M.uid("BOGUS", "1")
    # the connection is still usable after every refusal above
    assert M.noop()[0] == "OK"


def test_exception_hierarchy():
    E = libimap.IMAP4
    assert issubclass(E.abort, E.error) and issubclass(E.readonly, E.abort)
    assert libimap.IMAP4_SSL.error is E.error and libimap.error is E.error
    assert libimap.abort is E.abort and libimap.readonly is E.readonly


def test_wrong_password_raises_error_and_state_stays(dovecot):
    M = libimap.IMAP4(dovecot["host"], dovecot["port"])
    with pytest.raises(M.error) as e:
        M.login("user1", "wrong-password-xyzzy")
    assert "wrong-password-xyzzy" not in str(e.value)
    assert M.state == "NONAUTH"
    M.logout()


def test_connection_refused_and_timeout_zero():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(ConnectionRefusedError) as e:
        libimap.IMAP4("127.0.0.1", port)
    assert e.value.errno == errno.ECONNREFUSED and isinstance(e.value, libimap.IMAP4.abort)
    with pytest.raises(ValueError, match="timeout=0"):
        libimap.IMAP4("127.0.0.1", port, timeout=0)


def test_context_manager_logs_out(dovecot):
    with libimap.IMAP4(dovecot["host"], dovecot["port"]) as M:
        M.login("user1", "pass1")
        assert M.state == "AUTH"
    assert M.state == "LOGOUT"
    with pytest.raises(M.abort):
        M.noop()
    with libimap.IMAP4(dovecot["host"], dovecot["port"]) as M:
        M.logout()  # not repeated by __exit__


def test_uppercase_method_aliases(M):
    assert M.NOOP == M.noop and M.SELECT == M.select
    with pytest.raises(AttributeError, match="Unknown IMAP4 command: 'NONEXISTENT'"):
        M.NONEXISTENT


def test_authenticate_plain_and_cram_md5(dovecot):
    M = libimap.IMAP4(dovecot["host"], dovecot["port"])
    seen = []

    def plain(challenge):
        seen.append(challenge)
        return b"\x00user1\x00pass1"

    typ, data = M.authenticate("plain", plain)
    assert typ == "OK" and M.state == "AUTH" and seen == [b""]
    M.logout()
    M = libimap.IMAP4(dovecot["host"], dovecot["port"])
    assert M.login_cram_md5("user1", "pass1")[0] == "OK"
    assert M.state == "AUTH" and M.password is None
    M.logout()


def test_authenticate_callback_exception_propagates(dovecot):
    M = libimap.IMAP4(dovecot["host"], dovecot["port"])

    def broken(challenge):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        M.authenticate("PLAIN", broken)
    assert M.state == "NONAUTH"
    M.logout()


def test_enable_without_enabled_reply_keeps_ascii_mode(M):
    # Dovecot 2.3 does not offer UTF8=ACCEPT: its ENABLE answers OK without an untagged
    # ENABLED, which (unlike imaplib) does not switch UTF-8 mode on.
    typ, data = M.enable("UTF8=ACCEPT")
    assert typ == "OK"
    assert M.utf8_enabled is False
    # mailbox names are still sent right (modified UTF-7 by the library)
    name = unique("Entwürfe")
    assert M.create(name)[0] == "OK"
    try:
        assert name.replace("ü", "&APw-").encode() in M.list('""', name)[1][0]
    finally:
        assert M.delete(name)[0] == "OK"


def test_debug_output_goes_to_sys_stderr_without_password(dovecot, capsys):
    M = libimap.IMAP4(dovecot["host"], dovecot["port"], debug=4)
    M.login("user1", "pass1")
    M.noop()
    M.logout()
    err = capsys.readouterr().err
    assert "NOOP" in err and "LOGIN" in err
    assert "pass1" not in err


def test_send_readline_read(M):
    M.select("INBOX", readonly=True)
    M.send(b"X1 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n")
    line = M.readline()
    assert line.startswith(b"* 1 FETCH (") and line.endswith(b"}\r\n")
    size = int(line[line.rindex(b"{") + 1 : -3])
    literal = M.read(size)
    assert literal.startswith(b"Subject:")
    lines = [M.readline()]
    while not lines[-1].startswith(b"X1 "):
        lines.append(M.readline())
    assert lines[-1].startswith(b"X1 OK")


def test_socket_is_for_polling(M):
    s = M.socket()
    assert isinstance(s, socket.socket) and s.fileno() >= 0
    assert s.getpeername()[1] == M.port
    assert M.sock.timeout == 30 and M.sock.fileno() >= 0  # the constructor's timeout
    assert M.noop()[0] == "OK"


def test_maxline_is_the_line_limit(dovecot, monkeypatch):
    monkeypatch.setattr(libimap, "_MAXLINE", 10)
    with pytest.raises(libimap.IMAP4.error, match="got more than 10 bytes"):
        libimap.IMAP4(dovecot["host"], dovecot["port"])
    monkeypatch.undo()
    libimap.IMAP4(dovecot["host"], dovecot["port"]).logout()


def test_fetch_to_file_streams_the_message(M):
    M.select("INBOX", readonly=True)
    whole = M.fetch("3", "(BODY.PEEK[])")[1][0][1]
    f = io.BytesIO()
    n = M.fetch_to_file("3", f)
    assert n == len(whole) and f.getvalue() == whole
    uid = M.fetch("3", "(UID)")[1][0].split()[2].rstrip(b")")
    g = io.BytesIO()
    assert M.fetch_to_file(uid, g, "BODY.PEEK[TEXT]", uid=True) > 0
    assert whole.endswith(g.getvalue())
    # buffering is back afterwards
    assert M.fetch("3", "(BODY.PEEK[])")[1][0][1] == whole


def test_fetch_to_file_write_error_propagates(M):
    M.select("INBOX", readonly=True)

    class Full(io.RawIOBase):
        def write(self, b):
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        M.fetch_to_file("1", Full())


def test_stream(dovecot):
    M = libimap.IMAP4_stream(dovecot["stream"])
    assert M.state == "AUTH"  # PREAUTH greeting
    assert M.socket() is None
    typ, data = M.select("INBOX", readonly=True)
    assert (typ, data) == ("OK", [b"20"])
    assert M.logout()[0] == "BYE"


def test_reopen_after_logout(dovecot):
    M = libimap.IMAP4(dovecot["host"], dovecot["port"])
    M.logout()
    M.open(dovecot["host"], dovecot["port"])
    assert M.state == "NONAUTH"
    M.login("user1", "pass1")
    assert M.select("INBOX", readonly=True) == ("OK", [b"20"])
    M.logout()


def test_dropped_client_closes_its_connection_at_once(dovecot):
    import gc
    import weakref

    gc.disable()  # the connection must close by reference counting alone
    try:
        M = libimap.IMAP4(dovecot["host"], dovecot["port"])
        M.login("user1", "pass1")
        M.untagged_responses.get("CAPABILITY")
        fd = M.sock.fileno()
        ref = weakref.ref(M)
        del M
        assert ref() is None
        with pytest.raises(OSError):
            os.fstat(fd)  # the library closed the descriptor
    finally:
        gc.enable()


def test_append_file_streams_the_message(M, scratch):
    body = b"Subject: streamed\r\n\r\n" + b"x" * 200000 + b"\r\n"
    typ, data = M.append_file(scratch, r"(\Seen)", None, io.BytesIO(body))
    assert typ == "OK" and b"APPENDUID" in data[0]
    M.select(scratch, readonly=True)
    head, got = M.fetch("4", "(FLAGS BODY.PEEK[])")[1][0]
    assert got == body and b"\\Seen" in head


def test_append_file_reader_failure_propagates_and_appends_nothing(dovecot, M, scratch):
    class Broken(io.RawIOBase):
        def __init__(self):
            self.n = 0

        def readable(self):
            return True

        def read(self, n=-1):
            self.n += 1
            if self.n > 1:
                raise OSError(5, "disk went away")
            return b"Subject: half\r\n"

    with pytest.raises(OSError, match="disk went away"):
        M.append_file(scratch, None, None, Broken(), size=100000)
    other = libimap.IMAP4(dovecot["host"], dovecot["port"])
    other.login("user1", "pass1")
    try:
        assert other.status(scratch, "(MESSAGES)")[1][0].endswith(b"(MESSAGES 3)")
    finally:
        other.delete(scratch)
        other.logout()
    with pytest.raises(TypeError, match="size="):
        M.append_file(scratch, None, None, Broken())


def test_silent_server_times_out_as_timeouterror():
    # a server that accepts and never greets: the constructor's timeout ends the wait
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    try:
        t0 = time.monotonic()
        with pytest.raises(TimeoutError) as e:
            libimap.IMAP4("127.0.0.1", srv.getsockname()[1], timeout=0.5)
        assert isinstance(e.value, libimap.IMAP4.abort)
        assert time.monotonic() - t0 < 10  # a hang bound, not a timing assertion
    finally:
        srv.close()


def test_literal_attribute_sends_a_literal(M, scratch):
    subject = "Grüße " + scratch
    M.append(scratch, None, None, f"Subject: {subject}\n\nx\n".encode())
    M.select(scratch, readonly=True)
    M.literal = "Grüße".encode()
    typ, data = M.search("UTF-8", "SUBJECT")
    assert (typ, data) == ("OK", [b"4"])
    assert M.search(None, "ALL") == ("OK", [b"1 2 3 4"])  # the literal went with one command


def test_fetch_to_file_writes_only_the_message_asked_for():
    # A scripted server (Dovecot never sends another message's body unasked) that puts an
    # unsolicited FETCH with a literal before the one asked for.
    replies = {
        b"CAPABILITY": b"* CAPABILITY IMAP4rev1\r\n",
        b"SELECT": b"* 2 EXISTS\r\n",
        b"FETCH": b"* 2 FETCH (BODY[] {3}\r\nbad)\r\n* 1 FETCH (BODY[] {5}\r\nhello)\r\n",
        b"LOGOUT": b"* BYE bye\r\n",
    }

    def serve(conn):
        f = conn.makefile("rb")
        conn.sendall(b"* PREAUTH ready\r\n")
        for line in f:
            tag, cmd = line.split()[:2]
            conn.sendall(replies.get(cmd.upper(), b"") + tag + b" OK done\r\n")
            if cmd.upper() == b"LOGOUT":
                return

    with scripted_server(serve) as addr:
        M = libimap.IMAP4(*addr, timeout=5)
        assert M.state == "AUTH"
        M.select()
        out = io.BytesIO()
        assert M.fetch_to_file("1", out) == 5
        assert out.getvalue() == b"hello"
        M.logout()
