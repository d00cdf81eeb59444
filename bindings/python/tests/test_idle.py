"""idle() as imaplib 3.14 has it: an Idler context manager, iteration with a duration, burst()."""

import time

import pytest

import libimap


def _other(dovecot):
    o = libimap.IMAP4(dovecot["host"], dovecot["port"], timeout=30)
    o.login("user1", "pass1")
    return o


def test_idle_sees_an_append_then_done(M, dovecot, scratch):
    M.select(scratch)
    other = _other(dovecot)
    try:
        with M.idle(duration=10) as idler:
            assert M.state == "IDLING"
            with pytest.raises(M.error, match="illegal in state IDLING"):
                M.noop()
            other.append(scratch, None, None, b"Subject: idle\n\nx\n")
            got = []
            for typ, data in idler:
                got.append((typ, data))
                if typ == "EXISTS":
                    break
        assert ("EXISTS", [b"4"]) in got
        assert M.state == "SELECTED"
        assert M.noop()[0] == "OK"
    finally:
        other.logout()


def test_idle_duration_ends_iteration(M):
    M.select("INBOX", readonly=True)
    t0 = time.monotonic()
    with M.idle(duration=0.3) as idler:
        # nothing happens in INBOX; Dovecot may still send its "* OK Still here"
        assert all(typ == "OK" for typ, _ in idler)
    # bound on a hang, not a timing assertion
    assert time.monotonic() - t0 < 10
    assert M.state == "SELECTED"


def test_burst_collects_a_burst(M, dovecot, scratch):
    M.select(scratch)
    other = _other(dovecot)
    try:
        with M.idle(duration=10) as idler:
            other.append(scratch, None, None, b"Subject: a\n\nx\n")
            other.append(scratch, None, None, b"Subject: b\n\nx\n")
            got = []
            while not any(d == [b"5"] for t, d in got if t == "EXISTS"):
                batch = list(idler.burst(interval=0.5))
                assert batch, "the duration ran out before the EXISTS"
                got.extend(batch)
    finally:
        other.logout()


def test_idle_unsupported_and_stream_duration(dovecot):
    M = libimap.IMAP4_stream(dovecot["stream"])
    try:
        if "IDLE" in M.capabilities:
            with pytest.raises(M.error, match="duration requires a socket connection"):
                M.idle(duration=1)
    finally:
        M.logout()


def test_idle_responses_left_go_to_untagged(M, dovecot, scratch):
    M.select(scratch)
    other = _other(dovecot)
    try:
        with M.idle(duration=5):
            other.append(scratch, None, None, b"Subject: c\n\nx\n")
            # wait until the server has told the idling connection, without taking it
            time.sleep(0.5)
        assert M.response("EXISTS")[1][-1] in (b"4", None)
    finally:
        other.logout()
