"""The module utilities: Int2AP, ParseFlags, Internaldate2tuple, Time2Internaldate (the vectors
of imaplib's behaviour)."""

import datetime
import os
import time

import pytest

import libimap


def test_int2ap():
    assert libimap.Int2AP(0) == b""
    assert libimap.Int2AP(1) == b"B"
    assert libimap.Int2AP(16) == b"BA"
    assert libimap.Int2AP(4096) == b"BAAA"
    assert libimap.Int2AP(65535) == b"PPPP"
    assert libimap.Int2AP(-17) == b"BB"


def test_parse_flags():
    assert libimap.ParseFlags(b"1 (FLAGS (\\Seen \\Deleted) UID 3)") == (b"\\Seen", b"\\Deleted")
    assert libimap.ParseFlags(b"1 (UID 3)") == ()
    assert libimap.ParseFlags(b"* OK [PERMANENTFLAGS (\\Seen \\*)]") == (b"\\Seen", b"\\*")
    assert libimap.ParseFlags(b"FLAGS ()") == ()
    with pytest.raises(TypeError):
        libimap.ParseFlags("FLAGS (\\Seen)")


def test_internaldate2tuple():
    for s in (b'25 (INTERNALDATE "01-Jan-2000 00:00:00 +0000")',
              b'25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")',
              b'25 (INTERNALDATE "31-Dec-1999 12:30:00 -1130")'):
        assert time.mktime(libimap.Internaldate2tuple(s)) == 946684800
    assert libimap.Internaldate2tuple(b"1 (UID 3)") is None
    with pytest.raises(KeyError):
        libimap.Internaldate2tuple(b'1 (INTERNALDATE "01-Foo-2000 00:00:00 +0000")')


@pytest.fixture
def tz():
    old = os.environ.get("TZ")

    def set_tz(value):
        os.environ["TZ"] = value
        time.tzset()

    yield set_tz
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_time2internaldate(tz):
    tz("STD-1DST,M3.2.0,M11.1.0")
    want = '"18-May-2033 05:33:20 +0200"'
    for v in (2000000000, 2000000000.0, time.localtime(2000000000),
              (2033, 5, 18, 5, 33, 20, -1, -1, -1), (2033, 5, 18, 5, 33, 20, -1, -1, 1),
              datetime.datetime.fromtimestamp(2000000000,
                                              datetime.timezone(datetime.timedelta(hours=2))),
              want):
        assert libimap.Time2Internaldate(v) == want
    tz("UTC")
    assert libimap.Time2Internaldate(0) == '"01-Jan-1970 00:00:00 +0000"'
    assert libimap.Time2Internaldate(1.5) == '"01-Jan-1970 00:00:01 +0000"'
    with pytest.raises(ValueError, match="aware"):
        libimap.Time2Internaldate(datetime.datetime(2020, 1, 1))
    with pytest.raises(ValueError, match="known type"):
        libimap.Time2Internaldate(b'"x"')
    assert libimap.Time2Internaldate('"x"') == '"x"'


def test_internaldate_utc_dst_regression(tz):
    # issue 10941: two UTC instants an hour apart stay an hour apart across a DST change
    tz("MST+07MDT,M4.1.0,M10.5.0")
    a = libimap.Internaldate2tuple(b'25 (INTERNALDATE "02-Apr-2000 02:30:00 +0000")')
    b = libimap.Internaldate2tuple(b'25 (INTERNALDATE "02-Apr-2000 03:30:00 +0000")')
    assert a != b


def test_module_constants():
    assert libimap.IMAP4_PORT == 143 and libimap.IMAP4_SSL_PORT == 993
    assert "SELECT" in libimap.Commands and libimap.AllowedVersions == ("IMAP4REV1", "IMAP4")
    assert set(libimap.__all__) >= {"IMAP4", "IMAP4_SSL", "IMAP4_stream", "Int2AP",
                                    "ParseFlags", "Internaldate2tuple", "Time2Internaldate"}
