"""The optional C extension (libimap._speedups): large literals read by the library straight
into bytes objects it lends (imap_set_literal_allocator), results converted to imaplib's data
lists in C; and the ctypes path the package takes without it (LIBIMAP_NO_SPEEDUPS=1), which must
give the same data."""

import ctypes
import os
import subprocess
import sys
from ctypes import byref, c_void_p

import pytest

import libimap
from libimap import _native as N

needs_ext = pytest.mark.skipif(libimap._speedups is None, reason="the C extension is not built")
SPEC = "(UID FLAGS BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (SUBJECT)])"


def test_the_wheel_has_the_extension():
    # test.sh installs the wheel built with a compiler at hand: the extension must be there
    if os.environ.get("LIBIMAP_EXPECT_INSTALLED") == "1" and not os.environ.get("LIBIMAP_NO_SPEEDUPS"):
        assert libimap._speedups is not None
        assert libimap._items is libimap._speedups.items


@needs_ext
def test_bulk_fetch_gives_the_same_data_as_the_ctypes_path(M, dovecot, monkeypatch):
    M.select("INBOX", readonly=True)
    typ, fast = M.fetch("1:*", SPEC)
    assert typ == "OK"
    bodies = [d[1] for d in fast if isinstance(d, tuple) and len(d[1]) >= libimap._LEND_MIN]
    assert bodies, "INBOX has messages of 1 KiB and more"
    # the same through ctypes, on a connection whose library buffers every literal itself
    other = libimap.IMAP4(dovecot["host"], dovecot["port"], timeout=30)
    try:
        assert N.lib.imap_set_literal_allocator(other._h, None, None, None, 0) == N.OK
        monkeypatch.setattr(libimap, "_items", libimap._items_ctypes)
        other.login("user1", "pass1")
        other.select("INBOX", readonly=True)
        typ, slow = other.fetch("1:*", SPEC)
    finally:
        monkeypatch.undo()
        other.logout()
    assert typ == "OK"
    assert fast == slow
    assert [type(d) for d in fast] == [type(d) for d in slow]


@needs_ext
def test_a_lent_literal_is_the_result_list_bytes_object_and_is_released(M):
    M.select("INBOX", readonly=True)
    r = c_void_p()
    assert N.lib.imap_fetch(M._h, b"1:5", b"(BODY.PEEK[])", byref(r)) == N.OK
    try:
        items = libimap._items(r.value)
        lent = []
        for j, d in enumerate(items):
            if not isinstance(d, tuple) or len(d[1]) < libimap._LEND_MIN:
                continue
            it = N.lib.imap_result_item(r.value, j).contents
            assert it.literal_handle, "read into a lent bytes object"
            assert d[1] is ctypes.cast(it.literal_handle, ctypes.py_object).value
            lent.append(d[1])
        assert len(lent) >= 3
        del d
        # the tuple's reference, the result's, lent's, the loop's name, getrefcount's argument
        assert [sys.getrefcount(b) for b in lent] == [5] * len(lent)
    finally:
        N.lib.imap_result_free(r)
    del items
    # freeing the result gave the library's reference back: lent's, the name, the argument
    assert [sys.getrefcount(b) for b in lent] == [3] * len(lent)


@needs_ext
def test_small_literals_are_copied_not_lent(M):
    M.select("INBOX", readonly=True)
    r = c_void_p()
    assert N.lib.imap_fetch(M._h, b"1", b"(BODY.PEEK[HEADER.FIELDS (SUBJECT)])", byref(r)) == N.OK
    try:
        it = N.lib.imap_result_item(r.value, 0).contents
        assert 0 < it.literal_len < libimap._LEND_MIN and not it.literal_handle
        assert libimap._items(r.value)[0][1] == ctypes.string_at(it.literal, it.literal_len)
    finally:
        N.lib.imap_result_free(r)


@needs_ext
def test_lending_resumes_after_fetch_to_file(M, tmp_path):
    M.select("INBOX", readonly=True)
    with open(tmp_path / "m", "wb") as f:
        assert M.fetch_to_file("1", f) > 0
    r = c_void_p()
    assert N.lib.imap_fetch(M._h, b"1", b"(BODY.PEEK[])", byref(r)) == N.OK
    try:
        assert N.lib.imap_result_item(r.value, 0).contents.literal_handle
    finally:
        N.lib.imap_result_free(r)
    assert (tmp_path / "m").read_bytes() == M.fetch("1", "(BODY.PEEK[])")[1][0][1]


def test_the_ctypes_path_without_the_extension(dovecot):
    # a fresh interpreter told to do without it: same package, no lending, same data
    prog = f"""
import libimap
assert libimap._speedups is None and libimap._items is libimap._items_ctypes
M = libimap.IMAP4({dovecot["host"]!r}, {dovecot["port"]}, timeout=30)
M.login("user1", "pass1")
M.select("INBOX", readonly=True)
typ, data = M.fetch("1:3", {SPEC!r})
assert typ == "OK" and len([d for d in data if isinstance(d, tuple)]) == 6, data
body = data[0][1]
assert isinstance(body, bytes) and (body.startswith(b"Return-Path") or b"\\r\\n" in body)
M.logout()
print("ok")
"""
    env = dict(os.environ, LIBIMAP_NO_SPEEDUPS="1")
    out = subprocess.run([sys.executable, "-c", prog], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
