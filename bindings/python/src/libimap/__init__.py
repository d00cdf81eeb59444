"""libimap: Python's imaplib API over libimap, a safe and fast IMAP4rev1 client library.

    import libimap as imaplib

    with imaplib.IMAP4_SSL("imap.example.com") as M:
        M.login(user, password)
        M.select()
        typ, data = M.search(None, "ALL")
        for num in data[0].split():
            typ, data = M.fetch(num, "(RFC822)")

The classes IMAP4, IMAP4_SSL and IMAP4_stream take imaplib's constructor arguments and give
imaplib's ``(typ, data)`` results and exceptions. Where imaplib is unsafe, libimap is not:
certificates are verified by default, every wait has a timeout, passwords never appear in the
debug output, and plaintext sent before a TLS handshake is never trusted. The README lists
every difference. Beyond imaplib: ``fetch_parsed`` (dataclasses for ENVELOPE,
BODYSTRUCTURE...), ``fetch_to_file`` (a message streamed to a file object, not held in memory)
and ``idle()`` as in Python 3.14.
"""

from __future__ import annotations

import atexit
import builtins
import ctypes
import datetime as _dt
import errno as _errno
import hashlib
import io
import os
import re
import shutil
import socket as _socket
import ssl
import sys
import tempfile
import threading
import time
import weakref
from ctypes import byref, c_int32, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any, Callable, Dict, Iterator, List, NoReturn, Optional, Tuple, Union

from . import _native as N
from ._native import lib
from .parsed import (
    Address,
    BodyPart,
    Envelope,
    FetchMessage,
    Section,
    fetch_messages_from_list,
)

__all__ = [
    "IMAP4",
    "IMAP4_stream",
    "Internaldate2tuple",
    "Int2AP",
    "ParseFlags",
    "Time2Internaldate",
    "IMAP4_SSL",
    "Address",
    "BodyPart",
    "Envelope",
    "FetchMessage",
    "Section",
]

library_version: str = lib.imap_version().decode()
__version__ = library_version

CRLF = b"\r\n"
Debug = 0
IMAP4_PORT = 143
IMAP4_SSL_PORT = 993
AllowedVersions = ("IMAP4REV1", "IMAP4")
HAVE_SSL = True
# The longest response line accepted, CRLF included: read at every connection (so code that
# raises imaplib._MAXLINE, as many do for long SEARCH results, works unchanged). A longer line
# raises abort("got more than N bytes in a line") and closes the connection.
_MAXLINE = 1000000

# imaplib's command table (name: the states it is allowed in). libimap checks the states itself;
# this table is kept for code that reads it ('MOVE' in imaplib.Commands).
Commands = {
    "APPEND": ("AUTH", "SELECTED"),
    "AUTHENTICATE": ("NONAUTH",),
    "CAPABILITY": ("NONAUTH", "AUTH", "SELECTED", "LOGOUT"),
    "CHECK": ("SELECTED",),
    "CLOSE": ("SELECTED",),
    "COPY": ("SELECTED",),
    "CREATE": ("AUTH", "SELECTED"),
    "DELETE": ("AUTH", "SELECTED"),
    "DELETEACL": ("AUTH", "SELECTED"),
    "ENABLE": ("AUTH",),
    "EXAMINE": ("AUTH", "SELECTED"),
    "EXPUNGE": ("SELECTED",),
    "FETCH": ("SELECTED",),
    "GETACL": ("AUTH", "SELECTED"),
    "GETANNOTATION": ("AUTH", "SELECTED"),
    "GETQUOTA": ("AUTH", "SELECTED"),
    "GETQUOTAROOT": ("AUTH", "SELECTED"),
    "IDLE": ("AUTH", "SELECTED"),
    "MYRIGHTS": ("AUTH", "SELECTED"),
    "LIST": ("AUTH", "SELECTED"),
    "LOGIN": ("NONAUTH",),
    "LOGOUT": ("NONAUTH", "AUTH", "SELECTED", "LOGOUT"),
    "LSUB": ("AUTH", "SELECTED"),
    "MOVE": ("SELECTED",),
    "NAMESPACE": ("AUTH", "SELECTED"),
    "NOOP": ("NONAUTH", "AUTH", "SELECTED", "LOGOUT"),
    "PARTIAL": ("SELECTED",),
    "PROXYAUTH": ("AUTH",),
    "RENAME": ("AUTH", "SELECTED"),
    "SEARCH": ("SELECTED",),
    "SELECT": ("AUTH", "SELECTED"),
    "SETACL": ("AUTH", "SELECTED"),
    "SETANNOTATION": ("AUTH", "SELECTED"),
    "SETQUOTA": ("AUTH", "SELECTED"),
    "SORT": ("SELECTED",),
    "STARTTLS": ("NONAUTH",),
    "STATUS": ("AUTH", "SELECTED"),
    "STORE": ("SELECTED",),
    "SUBSCRIBE": ("AUTH", "SELECTED"),
    "THREAD": ("SELECTED",),
    "UID": ("SELECTED",),
    "UNSUBSCRIBE": ("AUTH", "SELECTED"),
    "UNSELECT": ("SELECTED",),
}

# Names drained from the library's store when untagged_responses is listed as a whole (the C
# API answers for one name at a time).
_KNOWN_UNTAGGED = (
    "ACL", "ALERT", "ANNOTATION", "APPENDUID", "BAD", "BYE", "CAPABILITY", "COPYUID",
    "ENABLED", "ESEARCH", "EXISTS", "EXPUNGE", "FETCH", "FLAGS", "HIGHESTMODSEQ", "ID",
    "LIST", "LSUB", "METADATA", "MYRIGHTS", "NAMESPACE", "NO", "NOMODSEQ", "OK",
    "PERMANENTFLAGS", "QUOTA", "QUOTAROOT", "READ-ONLY", "READ-WRITE", "RECENT", "SEARCH",
    "SORT", "STATUS", "THREAD", "TRYCREATE", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "VANISHED",
)

_NUL_MESSAGE = "NUL, CR and LF not allowed in commands"

# A command argument: str (encoded as UTF-8) or bytes.
_Arg = Union[str, bytes, bytearray]
# imaplib's result: (typ, data); data items are bytes, (header, literal) tuples or None.
Response = Tuple[str, List[Any]]


def _arg(value: Any, encoding: str = "utf-8") -> bytes:
    """A command argument as the bytes the C library takes (NUL-terminated there)."""
    if isinstance(value, str):
        b = value.encode(encoding)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        b = bytes(value)
    else:
        raise TypeError(f"expected string or bytes-like object, got '{type(value).__name__}'")
    if b"\x00" in b:
        raise ValueError(_NUL_MESSAGE)
    return b


def _opt(value: Any) -> Optional[bytes]:
    return None if value is None else _arg(value)


def _items_ctypes(r: int) -> list:
    """imaplib's data list of an imap_result (through ctypes: without the C extension)."""
    out: list = []
    string_at = ctypes.string_at
    for i in range(lib.imap_result_count(r)):
        it = lib.imap_result_item(r, i).contents
        kind = it.kind
        if kind == N.ITEM_LINE:
            out.append(string_at(it.data, it.len) if it.len else b"")
        elif kind == N.ITEM_LITERAL:
            head = string_at(it.data, it.len) if it.len else b""
            if it.literal:
                out.append((head, string_at(it.literal, it.literal_len)))
            elif it.literal_len:
                out.append((head, None))  # streamed to a callback (fetch_to_file)
            else:
                out.append((head, b""))
        else:
            out.append(None)
    return out


def _load_speedups() -> Any:
    """The optional C extension (built with the wheel when a compiler was there), initialised,
    or None: without it, or with LIBIMAP_NO_SPEEDUPS=1 in the environment, or with a library
    older than 1.2.0, the package does the same through ctypes (copying each literal)."""
    if os.environ.get("LIBIMAP_NO_SPEEDUPS") or not N.HAS_LENDING:
        return None
    try:
        from . import _speedups  # type: ignore[attr-defined]
    except ImportError:
        return None
    addr = ctypes.cast
    _speedups.init(addr(lib.imap_result_count, c_void_p).value,
                   addr(lib.imap_result_item, c_void_p).value,
                   addr(lib.imap_result_free, c_void_p).value)
    return _speedups


_speedups = _load_speedups()
#: Literals of at least this many bytes are read by the library straight into bytes objects
#: of the C extension (no copy); smaller ones are copied, which costs less than lending.
_LEND_MIN = 1024
_items = _speedups.items if _speedups is not None else _items_ctypes
#: imap_result_free (with the extension: called with the GIL held, so that giving the lent
#: bytes objects back does not take the GIL once for each)
_free_result = _speedups.free_result if _speedups is not None else lib.imap_result_free


def _lend_literals(h: Optional[int]) -> None:
    """Has the library read the large literals of handle ``h`` into bytes objects (when the C
    extension is there): set at creation, and again after fetch_to_file's callback."""
    if _speedups is not None and h:
        alloc, release = _speedups.allocator()
        lib.imap_set_literal_allocator(h, alloc, release, None, _LEND_MIN)


def _result_text(r: int) -> bytes:
    n = c_size_t()
    p = lib.imap_result_text(r, byref(n))
    return ctypes.string_at(p, n.value) if p and n.value else b""


class _PollSocket(_socket.socket):
    """A socket for select/poll over a duplicate descriptor of the library's connection.
    Its timeout is the connection's: ``timeout``, ``gettimeout()`` and ``settimeout()`` (as
    in ``M.sock.settimeout(60)``) read and set the library's I/O timeout (None: libimap's
    defaults, 30 s to connect and 60 s for a read or write, where imaplib's would wait
    forever), and never the descriptor's blocking mode, which the library's I/O relies on."""

    _imap: Any = None  # a weak reference to the IMAP4 object

    @property
    def timeout(self):
        imap = self._imap and self._imap()
        return imap.timeout if imap is not None else None

    def gettimeout(self):
        return self.timeout

    def settimeout(self, value):
        imap = self._imap and self._imap()
        if imap is None or not imap._h:
            raise OSError(_errno.EBADF, "the connection is closed")
        if value is None:
            connect_ms, io_ms = _DEFAULT_CONNECT_MS, _DEFAULT_IO_MS
        else:
            if value < 0:
                raise ValueError("Timeout value out of range")
            if not value:
                raise ValueError("Non-blocking socket (timeout=0) is not supported")
            connect_ms = io_ms = max(1, int(value * 1000))
        imap._check(lib.imap_set_timeouts(imap._h, connect_ms, io_ms))
        imap.timeout = value

    def setblocking(self, flag):
        self.settimeout(None if flag else 0)


class _Untagged(dict):
    """imaplib's ``untagged_responses`` as far as it maps: the library keeps the untagged
    responses; asking this dict for a name moves that name's responses here (so they are
    seen once, as in imaplib, where reading an entry does not remove it but response() does)."""

    def __init__(self, owner: "IMAP4"):
        super().__init__()
        # weak: no reference cycle, so a dropped IMAP4 closes its connection at once
        self._owner = weakref.proxy(owner)

    def _pull(self, key: Any) -> None:
        h = self._owner._h
        if not h or not isinstance(key, str) or not key:
            return
        try:
            name = _arg(key)
        except (ValueError, TypeError):
            return
        out = c_void_p()
        if lib.imap_response(h, name, byref(out)) != N.OK:
            _free_result(out)
            return
        try:
            data = _items(out.value or 0)
        finally:
            _free_result(out)
        if data and data != [None]:
            dict.setdefault(self, key, []).extend(data)

    def _pull_all(self) -> None:
        for k in _KNOWN_UNTAGGED:
            self._pull(k)

    def __getitem__(self, key):
        self._pull(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._pull(key)
        return dict.__contains__(self, key)

    def get(self, key, default=None):
        self._pull(key)
        return dict.get(self, key, default)

    def pop(self, key, *default):
        self._pull(key)
        return dict.pop(self, key, *default)

    def keys(self):
        self._pull_all()
        return dict.keys(self)

    def items(self):
        self._pull_all()
        return dict.items(self)

    def values(self):
        self._pull_all()
        return dict.values(self)

    def __iter__(self):
        self._pull_all()
        return dict.__iter__(self)

    def __len__(self):
        self._pull_all()
        return dict.__len__(self)

    def __repr__(self):
        self._pull_all()
        return dict.__repr__(self)

    def clear(self):
        self._pull_all()
        dict.clear(self)


class IMAP4:
    r"""IMAP4 client class (imaplib's), over libimap.

    Instantiate with: IMAP4([host[, port[, timeout=None]]])

            host - host's name (default: localhost);
            port - port number (default: standard IMAP4 port);
            timeout - socket timeout in seconds (default: None, which here means libimap's
                      defaults: 30 s to connect, 60 s for any wait; there is no "wait
                      forever").

    libimap-specific keyword arguments: ``call_timeout`` (seconds a whole call may take while
    data stops flowing), ``debug``.

    All IMAP4rev1 commands are supported by methods of the same name (in lower-case). Each
    command returns a tuple ``(type, [data, ...])`` where type is usually 'OK' or 'NO', and
    data is either the text from the tagged response, or untagged results from the command.
    Each data item is either bytes or a tuple (header bytes, literal bytes). Arguments are
    quoted by the library where imaplib quotes them; a NUL, CR or LF raises ValueError.

    Errors raise the exception class <instance>.error("<reason>"). IMAP4 server errors raise
    <instance>.abort("<reason>"), a sub-class of 'error'. Mailbox status changes from READ-WRITE
    to READ-ONLY raise <instance>.readonly("<reason>"), a sub-class of 'abort'. A timeout also
    is a TimeoutError, a TLS failure an ssl.SSLError, a failed connection a ConnectionError.
    """

    class error(Exception):
        pass

    class abort(error):
        pass

    class readonly(abort):
        pass

    _tls_mode = N.TLS_NONE

    def __init__(self, host: str = "", port: int = IMAP4_PORT, timeout: Optional[float] = None,
                 *, call_timeout: Optional[float] = None, debug: Optional[int] = None):
        self._h: Optional[int] = None
        self._init_handle(timeout, call_timeout, debug)
        self.host: Optional[str] = host
        self.port: Optional[int] = port
        self._connect()

    # -- construction ----------------------------------------------------------------------

    def _init_handle(self, timeout, call_timeout, debug) -> None:
        if timeout is not None and not timeout:
            raise ValueError("Non-blocking socket (timeout=0) is not supported")
        h = c_void_p()
        if lib.imap_client_new(byref(h)) != N.OK:
            raise MemoryError("libimap: imap_client_new failed")
        self._h = h.value
        _lend_literals(self._h)
        self._lock = threading.RLock()
        self._log_cb: Any = None
        self._literal_cb: Any = None
        self._readbuf = b""
        self._sock: Optional[_socket.socket] = None
        self.untagged_responses = _Untagged(self)
        self.tagged_commands: dict = {}
        self.continuation_response = b""
        self.user: Any = None
        self.password: Any = None
        self.timeout = timeout
        self.file = None
        if timeout is not None:
            ms = max(1, int(timeout * 1000))
            self._check(lib.imap_set_timeouts(self._h, ms, ms))
        if call_timeout is not None:
            self._check(lib.imap_set_call_timeout(self._h, max(1, int(call_timeout * 1000)), 0))
        self._debug = 0
        self.debug = Debug if debug is None else debug

    def _set_line_limit(self) -> None:
        # imaplib's module-level _MAXLINE (patched by some callers) is the line limit
        limit = int(getattr(sys.modules[__name__], "_MAXLINE", 1000000))
        if limit > 0:
            lib.imap_set_limit(self._h, N.LIMIT_LINE, limit)

    def _connect(self) -> None:
        self._set_line_limit()
        host = _arg(self.host) if self.host else None
        port = self.port if self.port is not None else 0
        self._do(lib.imap_open, host, port, self._tls_mode, name="open")

    def open(self, host: str = "", port: int = IMAP4_PORT, timeout: Optional[float] = None) -> None:
        """Connects to host:port (again, on a handle that was logged out or shut down) and
        reads the greeting. ``timeout`` as for the constructor."""
        if timeout is not None:
            if not timeout:
                raise ValueError("Non-blocking socket (timeout=0) is not supported")
            ms = max(1, int(timeout * 1000))
            self._check(lib.imap_set_timeouts(self._h, ms, ms))
        self.host, self.port, self.timeout = host, port, timeout
        dict.clear(self.untagged_responses)
        self._connect()

    def __del__(self):
        try:
            h = getattr(self, "_h", None)
            if h:
                self._h = None
                lib.imap_client_free(h)
            sock = getattr(self, "_sock", None)
            if sock is not None:
                sock.close()
        except Exception:  # at interpreter exit the module's globals may be gone
            pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        if self.state == "LOGOUT":
            return
        try:
            self.logout()
        except OSError:
            pass

    def __getattr__(self, attr):
        # Allow UPPERCASE variants of IMAP4 command methods (imaplib).
        if attr in Commands:
            return getattr(self, attr.lower())
        raise AttributeError("Unknown IMAP4 command: '%s'" % attr)

    def __repr__(self):
        return f"<{type(self).__name__} host={self.host!r} port={self.port!r} state={self.state}>"

    # -- handle state ----------------------------------------------------------------------

    @property
    def state(self) -> str:
        """'LOGOUT', 'NONAUTH', 'AUTH', 'SELECTED' or, inside ``with idle()``, 'IDLING'."""
        if not self._h:
            return "LOGOUT"
        s = lib.imap_client_state(self._h)
        return N.STATES[s] if 0 <= s < len(N.STATES) else "LOGOUT"

    @property
    def capabilities(self) -> tuple:
        """The server's capabilities, upper-cased (``('IMAP4REV1', 'IDLE', ...)``)."""
        if not self._h:
            return ()
        raw = N.take_string(lib.imap_client_capabilities(self._h)) or b""
        return tuple(raw.decode("ascii", "replace").upper().split())

    @property
    def PROTOCOL_VERSION(self) -> Optional[str]:
        if not self._h:
            return None
        v = lib.imap_client_protocol_version(self._h)
        return v.decode() if v else None

    @property
    def welcome(self) -> bytes:
        """The greeting line, without CRLF (``b'* OK ...'``)."""
        if not self._h:
            return b""
        return N.take_string(lib.imap_client_welcome(self._h)) or b""

    @property
    def utf8_enabled(self) -> bool:
        return bool(self._h and lib.imap_client_utf8_enabled(self._h))

    @property
    def is_readonly(self) -> bool:
        return bool(self._h and lib.imap_client_is_readonly(self._h))

    @property
    def _encoding(self) -> str:
        return "utf-8" if self.utf8_enabled else "ascii"

    @property
    def debug(self) -> int:
        return self._debug

    @debug.setter
    def debug(self, level: int) -> None:
        level = int(level)
        if level > 0 and self._log_cb is None:
            def log(_ud, _level, message):
                try:
                    tm = time.strftime("%M:%S", time.localtime())
                    sys.stderr.write("  %s.%02d %s\n" % (tm, (time.time() * 100) % 100,
                                                          message.decode("utf-8", "replace")))
                except Exception:  # a logger must never raise into C
                    pass
            self._log_cb = N.LOG_FN(log)
            lib.imap_set_log_callback(self._h, self._log_cb, None)
        lib.imap_set_debug(self._h, max(0, min(level, 127)))
        self._debug = level

    @property
    def literal(self) -> Optional[bytes]:
        """imaplib's ``literal``: bytes set here go as a literal at the end of the next
        command (``M.literal = 'Grüße'.encode(); M.search('UTF-8', 'SUBJECT')``)."""
        return getattr(self, "_literal", None)

    @literal.setter
    def literal(self, value) -> None:
        if value is None:
            lib.imap_set_literal(self._h, None, 0)
            self._literal = None
            return
        if isinstance(value, str):
            value = value.encode(self._encoding)
        value = bytes(value)
        self._check(lib.imap_set_literal(self._h, value, len(value)))
        self._literal = value

    # -- calls -----------------------------------------------------------------------------

    def _message(self) -> str:
        m = lib.imap_last_error(self._h) if self._h else None
        return m.decode("utf-8", "replace") if m else ""

    def _raise(self, code: int, name: str = "", message: Optional[str] = None) -> NoReturn:
        msg = self._message() if message is None else message
        if not msg:
            msg = (lib.imap_code_name(code) or b"").decode()
        if code == N.INVALID_ARGUMENT:
            raise ValueError(msg)
        if code == N.READONLY:
            raise self.readonly(msg)
        if code == N.TIMEOUT:
            raise _Timeout(msg)
        if code == N.TLS:
            raise _tls_error(msg)
        if code == N.CONNECT:
            raise _connect_error(msg)
        if code in (N.ABORT, N.CLOSED, N.INTERRUPTED, N.LIMIT, N.INTERNAL):
            raise self.abort(msg)
        raise self.error(msg)

    def _check(self, code: int) -> None:
        if code != N.OK:
            self._raise(code)

    def _forget_status(self) -> None:
        # imaplib drops untagged OK/NO/BAD before each command (the library does the same).
        for k in ("OK", "NO", "BAD"):
            dict.pop(self.untagged_responses, k, None)

    def _call(self, fn: Callable, *args) -> Tuple[int, Optional[int]]:
        """Runs one C command call that ends with an ``imap_result **``: its code and result
        (to free)."""
        if not self._h:
            raise self.abort("socket error: the connection is closed")
        self._forget_status()
        out = c_void_p()
        code = fn(self._h, *args, byref(out))
        return code, out.value

    def _do(self, fn: Callable, *args, name: str = "", raise_no: bool = False):
        """Runs one C command call that ends with an ``imap_result **`` and gives imaplib's
        ``(typ, data)``."""
        code, r = self._call(fn, *args)
        return self._finish(code, r, name, raise_no)

    def _finish(self, code: int, r: Optional[int], name: str, raise_no: bool):
        try:
            if code == N.OK or (code == N.NO and not raise_no):
                if not r:
                    return "OK", [None]
                typ = lib.imap_result_type(r)
                return (typ.decode() if typ else "OK"), _items(r)
            if code == N.NO and raise_no:
                text = _result_text(r) if r else b""
                raise self.error(text.decode("utf-8", "replace") or self._message())
            if code == N.BAD and r and name and lib.imap_result_status(r) == b"BAD":
                # imaplib's text: the data list's repr ("NOOP command error: BAD [b'...']")
                raise self.error("%s command error: BAD %s" % (name.upper(), [_result_text(r)]))
            self._raise(code, name)
        finally:
            if r:
                _free_result(r)

    # -- imaplib's methods -----------------------------------------------------------------

    def append(self, mailbox: Optional[_Arg], flags: Optional[_Arg], date_time: Any, message: bytes) -> Response:
        """Append message to named mailbox. ``(typ, [data])``; ``message`` must be bytes."""
        if not isinstance(message, (bytes, bytearray, memoryview)):
            raise TypeError("cannot use a bytes pattern on a string-like object")
        message = bytes(message)
        if date_time:
            date_time = Time2Internaldate(date_time)
        else:
            date_time = None
        return self._do(lib.imap_append, _opt(mailbox or None), _opt(flags or None),
                        _opt(date_time), message, len(message), name="APPEND")

    def authenticate(self, mechanism: _Arg, authobject: Callable[[bytes], Union[bytes, str, None]]) -> Response:
        """Authenticate command (SASL): ``authobject(challenge_bytes)`` returns the response
        (bytes or str, None to cancel), once per server challenge. Raises error on NO."""
        keep: list = []
        failure: list = []

        def cb(_ud, chal, chal_len, resp, resp_len):
            try:
                challenge = ctypes.string_at(chal, chal_len) if chal_len else b""
                r = authobject(challenge)
                if r is None:
                    return 1
                if isinstance(r, str):
                    r = r.encode("utf-8")
                r = bytes(r)
                buf = ctypes.create_string_buffer(r, len(r) + 1)
                keep[:] = [buf]
                resp[0] = ctypes.cast(buf, c_void_p).value
                resp_len[0] = len(r)
                return 0
            except BaseException as e:  # re-raised after the call
                failure.append(e)
                return 1

        fn = N.SASL_FN(cb)
        mech = _arg(mechanism).upper()
        try:
            res = self._do(lib.imap_authenticate, mech, None, 0, fn, None, name="AUTHENTICATE",
                           raise_no=True)
        except self.error:
            if failure:
                raise failure[0]
            raise
        if failure:
            raise failure[0]
        return res

    def capability(self) -> Response:
        """(typ, [data]) = <instance>.capability(). Does not change ``capabilities``."""
        return self._do(lib.imap_capability, name="CAPABILITY")

    def check(self) -> Response:
        return self._do(lib.imap_check, name="CHECK")

    def close(self) -> Response:
        """Close currently selected mailbox (the CLOSE command: expunges deleted messages).
        The state is AUTH afterwards, even on failure."""
        return self._do(lib.imap_close, name="CLOSE")

    def copy(self, message_set: _Arg, new_mailbox: _Arg) -> Response:
        return self._do(lib.imap_copy, _arg(message_set), _arg(new_mailbox), name="COPY")

    def create(self, mailbox: _Arg) -> Response:
        return self._do(lib.imap_create, _arg(mailbox), name="CREATE")

    def delete(self, mailbox: _Arg) -> Response:
        return self._do(lib.imap_delete, _arg(mailbox), name="DELETE")

    def deleteacl(self, mailbox: _Arg, who: _Arg) -> Response:
        return self._do(lib.imap_deleteacl, _arg(mailbox), _arg(who), name="DELETEACL")

    def enable(self, capability: _Arg) -> Response:
        """Send an RFC 5161 enable string to the server. ENABLE UTF8=ACCEPT turns UTF-8 mode
        on (``utf8_enabled``) when the server confirms it with an untagged ENABLED."""
        return self._do(lib.imap_enable, _arg(capability), name="ENABLE")

    def expunge(self) -> Response:
        return self._do(lib.imap_expunge, name="EXPUNGE")

    def fetch(self, message_set: _Arg, message_parts: _Arg) -> Response:
        """Fetch (parts of) messages: ``(typ, [data, ...])``, data items are bytes or
        ``(header, literal)`` tuples, as imaplib's."""
        return self._do(lib.imap_fetch, _arg(message_set), _arg(message_parts), name="FETCH")

    def getacl(self, mailbox: _Arg) -> Response:
        return self._do(lib.imap_getacl, _arg(mailbox), name="GETACL")

    def getannotation(self, mailbox: _Arg, entry: _Arg, attribute: _Arg) -> Response:
        return self._do(lib.imap_getannotation, _arg(mailbox), _arg(entry), _arg(attribute),
                        name="GETANNOTATION")

    def getquota(self, root: _Arg) -> Response:
        return self._do(lib.imap_getquota, _arg(root), name="GETQUOTA")

    def getquotaroot(self, mailbox: _Arg) -> Response:
        """``(typ, [[QUOTAROOT responses], [QUOTA responses]])``."""
        if not self._h:
            raise self.abort("socket error: the connection is closed")
        self._forget_status()
        a, b = c_void_p(), c_void_p()
        code = lib.imap_getquotaroot(self._h, _arg(mailbox), byref(a), byref(b))
        try:
            if code in (N.OK, N.NO):
                typ = "OK" if code == N.OK else "NO"
                qr = _items(a.value) if a.value else [None]
                q = _items(b.value) if b.value else [None]
                return typ, [qr, q]
            self._raise(code, "GETQUOTAROOT")
        finally:
            _free_result(a.value)
            _free_result(b.value)

    def list(self, directory: _Arg = '""', pattern: _Arg = "*") -> Response:
        """List mailbox names in directory matching pattern: ``(typ, [LIST lines])``."""
        return self._do(lib.imap_list, _arg(directory), _arg(pattern), name="LIST")

    def login(self, user: _Arg, password: _Arg) -> Response:
        """Identify client using plaintext password (LOGIN). Raises error on NO.
        The password is never traced, logged nor put into an error message."""
        return self._do(lib.imap_login, _arg(user), _arg(password), name="LOGIN",
                        raise_no=True)

    def login_cram_md5(self, user: _Arg, password: _Arg) -> Response:
        """Force use of CRAM-MD5 authentication (the password is not kept on the instance,
        unlike imaplib's ``user``/``password`` attributes)."""
        self.user = user
        return self._do(lib.imap_login_cram_md5, _arg(user), _arg(password),
                        name="AUTHENTICATE", raise_no=True)

    def logout(self) -> Response:
        """Shutdown connection to server: ``('BYE', [text])`` (or the tagged reply)."""
        if not self._h:
            return "BYE", [None]
        self._forget_status()
        out = c_void_p()
        code = lib.imap_logout(self._h, byref(out))
        r = out.value
        try:
            if code == N.OK and r:
                typ = lib.imap_result_type(r)
                return (typ.decode() if typ else "BYE"), _items(r)
            if code in (N.OK, N.NO, N.BAD) and r:
                return lib.imap_result_status(r).decode(), [_result_text(r)]
            if code == N.CLOSED:
                return "BYE", [None]
            return "NO", [self._message().encode()]
        finally:
            if r:
                _free_result(r)
            lib.imap_shutdown(self._h)
            self._close_sock()

    def lsub(self, directory: _Arg = '""', pattern: _Arg = "*") -> Response:
        return self._do(lib.imap_lsub, _arg(directory), _arg(pattern), name="LSUB")

    def myrights(self, mailbox: _Arg) -> Response:
        return self._do(lib.imap_myrights, _arg(mailbox), name="MYRIGHTS")

    def namespace(self) -> Response:
        return self._do(lib.imap_namespace, name="NAMESPACE")

    def noop(self) -> Response:
        """Send NOOP command: the tagged text; untagged responses stay for response()."""
        return self._do(lib.imap_noop, name="NOOP")

    def partial(self, message_num: _Arg, message_part: _Arg, start: Union[_Arg, int], length: Union[_Arg, int]) -> Response:
        return self._do(lib.imap_partial, _arg(message_num), _arg(message_part),
                        _arg(str(start) if isinstance(start, int) else start),
                        _arg(str(length) if isinstance(length, int) else length),
                        name="PARTIAL")

    def proxyauth(self, user: _Arg) -> Response:
        return self._do(lib.imap_proxyauth, _arg(user), name="PROXYAUTH")

    def rename(self, oldmailbox: _Arg, newmailbox: _Arg) -> Response:
        return self._do(lib.imap_rename, _arg(oldmailbox), _arg(newmailbox), name="RENAME")

    def search(self, charset: Optional[_Arg], *criteria: _Arg) -> Response:
        """Search mailbox for matching messages: ``(typ, [b'1 2 3'])``. Criteria are sent
        verbatim (as imaplib). A charset in UTF-8 mode raises ``error``, as imaplib's."""
        if charset and self.utf8_enabled:
            raise self.error("Non-None charset not valid in UTF8 mode")
        crit = [_arg(c) for c in criteria]
        arr = N.string_array(crit)
        return self._do(lib.imap_search, _opt(charset), arr, len(crit), name="SEARCH")

    def select(self, mailbox: _Arg = "INBOX", readonly: bool = False) -> Response:
        """Select a mailbox: ``('OK', [b'<EXISTS count>'])``. A NO gives ``('NO', [text])``
        and the state AUTH; a writable select answered READ-ONLY raises ``readonly``."""
        dict.clear(self.untagged_responses)
        return self._do(lib.imap_select, _arg(mailbox or "INBOX"), 1 if readonly else 0,
                        name="EXAMINE" if readonly else "SELECT")

    def setacl(self, mailbox: _Arg, who: _Arg, what: _Arg) -> Response:
        return self._do(lib.imap_setacl, _arg(mailbox), _arg(who), _arg(what), name="SETACL")

    def setannotation(self, *args: _Arg) -> Response:
        a = [_arg(x) for x in args]
        return self._do(lib.imap_setannotation, N.string_array(a), len(a), name="SETANNOTATION")

    def setquota(self, root: _Arg, limits: _Arg) -> Response:
        return self._do(lib.imap_setquota, _arg(root), _arg(limits), name="SETQUOTA")

    def sort(self, sort_criteria: _Arg, charset: Optional[_Arg], *search_criteria: _Arg) -> Response:
        crit = [_arg(c) for c in search_criteria]
        return self._do(lib.imap_sort, _arg(sort_criteria), _opt(charset),
                        N.string_array(crit), len(crit), name="SORT")

    def starttls(self, ssl_context: Optional[ssl.SSLContext] = None) -> Response:
        """STARTTLS, strictly: the certificate is verified (as configured by ``ssl_context``,
        see IMAP4_SSL) and anything the server sent before the handshake is refused."""
        if self._h and lib.imap_client_is_tls(self._h):
            raise self.abort("TLS session already established")
        if "STARTTLS" not in self.capabilities:
            raise self.abort("TLS not supported by server")
        _apply_tls_options(self, ssl_context)
        self._forget_status()
        out = c_void_p()
        code = lib.imap_starttls(self._h, byref(out))
        r = out.value
        try:
            if code == N.OK:
                return "OK", [None]
            if code == N.TLS and r and lib.imap_result_status(r) == b"NO":
                raise self.error("Couldn't establish TLS session")
            self._raise(code, "STARTTLS")
        finally:
            if r:
                _free_result(r)

    def status(self, mailbox: _Arg, names: _Arg) -> Response:
        return self._do(lib.imap_status, _arg(mailbox), _arg(names), name="STATUS")

    def store(self, message_set: _Arg, command: _Arg, flags: _Arg) -> Response:
        return self._do(lib.imap_store, _arg(message_set), _arg(command), _arg(flags),
                        name="STORE")

    def subscribe(self, mailbox: _Arg) -> Response:
        return self._do(lib.imap_subscribe, _arg(mailbox), name="SUBSCRIBE")

    def thread(self, threading_algorithm: _Arg, charset: Optional[_Arg], *search_criteria: _Arg) -> Response:
        crit = [_arg(c) for c in search_criteria]
        return self._do(lib.imap_thread, _arg(threading_algorithm), _opt(charset),
                        N.string_array(crit), len(crit), name="THREAD")

    def uid(self, command: _Arg, *args: _Arg) -> Response:
        """Execute "command arg ..." with messages identified by UID: FETCH, SEARCH, STORE,
        COPY, MOVE, EXPUNGE, SORT, THREAD."""
        if not isinstance(command, (str, bytes)) or (
            (command.upper() if isinstance(command, str) else command.upper().decode("ascii", "replace"))
            not in Commands
        ):
            raise self.error("Unknown IMAP4 UID command: %r" % (command,))
        a = [_arg(x) for x in args]
        return self._do(lib.imap_uid, _arg(command), N.string_array(a), len(a), name="UID")

    def unsubscribe(self, mailbox: _Arg) -> Response:
        return self._do(lib.imap_unsubscribe, _arg(mailbox), name="UNSUBSCRIBE")

    def unselect(self) -> Response:
        """Free server's resources associated with the selected mailbox and return to the
        authenticated state, without expunging."""
        return self._do(lib.imap_unselect, name="UNSELECT")

    def xatom(self, name: _Arg, *args: _Arg) -> Response:
        """Any command: ``name`` and the arguments are sent verbatim; untagged replies stay in
        untagged_responses."""
        a = [_arg(x) for x in args]
        return self._do(lib.imap_xatom, _arg(name), N.string_array(a), len(a), name=str(name))

    # -- non-command helpers ---------------------------------------------------------------

    def response(self, code: str) -> Tuple[str, List[Any]]:
        """Return data for response 'code' if received, or None: ``(code, [data])``; the
        data is removed."""
        name = code.upper()
        held = dict.pop(self.untagged_responses, name, None)
        out = c_void_p()
        rc = lib.imap_response(self._h, _arg(name), byref(out)) if self._h else N.CLOSED
        try:
            data = _items(out.value) if rc == N.OK and out.value else [None]
        finally:
            _free_result(out.value)
        if held:
            data = held + ([] if data == [None] else data)
        return code, data

    def recent(self) -> Response:
        """Return the most recent 'RECENT' responses if any exist, else a NOOP's."""
        held = dict.pop(self.untagged_responses, "RECENT", None)
        if held and held[-1]:
            return "OK", held
        return self._do(lib.imap_recent, name="RECENT")

    def socket(self) -> Optional[_socket.socket]:
        """A socket object over a duplicate of the connection's descriptor, for select/poll
        only: reading or writing it would corrupt the session. None for IMAP4_stream."""
        if self._sock is None and self._h:
            fd = lib.imap_client_fd(self._h)
            if fd >= 0:
                self._sock = _PollSocket(fileno=os.dup(fd))
                self._sock._imap = weakref.ref(self)
        return self._sock

    @property
    def sock(self) -> Optional[_socket.socket]:
        """imaplib's ``sock`` attribute: ``socket()``."""
        return self.socket()

    def _close_sock(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def shutdown(self) -> None:
        """Close the connection without LOGOUT."""
        if self._h:
            lib.imap_shutdown(self._h)
        self._close_sock()

    def send(self, data) -> None:
        """Send one raw command line (imaplib's ``send``; a trailing CRLF is removed and added
        back by the library; CR, LF or NUL inside raise ValueError)."""
        data = bytes(data)
        if data.endswith(CRLF):
            data = data[:-2]
        if not self._h:
            raise self.abort("socket error: the connection is closed")
        self._check(lib.imap_send_line(self._h, data, len(data)))

    def _fill(self) -> None:
        out = c_void_p()
        ms = int((self.timeout or 60) * 1000)
        code = lib.imap_read_response(self._h, ms, byref(out))
        r = out.value
        try:
            if code != N.OK:
                self._raise(code)
            if not r:
                raise _Timeout("timed out")
            parts = []
            for item in _items(r):
                if isinstance(item, tuple):
                    parts.append(item[0] + CRLF + (item[1] or b""))
                elif item is not None:
                    parts.append(item + CRLF)
            self._readbuf += b"".join(parts)
        finally:
            if r:
                _free_result(r)

    def readline(self) -> bytes:
        """The next line the server sent, with its CRLF (imaplib's ``readline``): whole
        responses are read by the library, within its limits and timeouts."""
        while CRLF not in self._readbuf:
            self._fill()
        i = self._readbuf.index(CRLF) + 2
        line, self._readbuf = self._readbuf[:i], self._readbuf[i:]
        return line

    def read(self, size: int) -> bytes:
        """``size`` bytes of what the server sent (a literal after readline())."""
        while len(self._readbuf) < size:
            self._fill()
        data, self._readbuf = self._readbuf[:size], self._readbuf[size:]
        return data

    def print_log(self) -> None:
        """imaplib's ring buffer of recent lines is not kept (the library logs as it goes
        when ``debug`` is set); nothing to print."""

    # -- IDLE (imaplib 3.14) ---------------------------------------------------------------

    def idle(self, duration: Optional[float] = None) -> "Idler":
        """Return an iterable IDLE context manager producing untagged responses. With
        ``duration`` (seconds), iteration ends when it has passed."""
        return Idler(self, duration)

    # -- beyond imaplib --------------------------------------------------------------------

    def fetch_parsed(self, message_set: _Arg, message_parts: _Arg, *,
                     uid: bool = False) -> "builtins.list[FetchMessage]":
        """FETCH (UID FETCH when ``uid``), its responses parsed: a list of FetchMessage
        dataclasses (flags, uid, envelope, body_structure, sections...)."""
        code, r = self._call(*_fetch_args(message_set, message_parts, uid))
        try:
            if code == N.NO:
                raise self.error(_result_text(r).decode("utf-8", "replace") if r else "NO")
            if code != N.OK:
                self._raise(code, "FETCH")
            fl = ctypes.POINTER(N.FetchList)()
            pc = lib.imap_parse_fetch(r, byref(fl))
            try:
                if pc not in (N.OK, N.PARSE) or not fl:
                    return []
                return fetch_messages_from_list(fl.contents)
            finally:
                lib.imap_fetch_list_free(fl)
        finally:
            if r:
                _free_result(r)

    def fetch_to_file(self, message_num: _Arg, fileobj: Any, part: str = "BODY.PEEK[]", *,
                      uid: bool = False) -> int:
        """Streams one message's ``part`` (default the whole message, without setting
        \\Seen) into ``fileobj`` (anything with ``write(bytes)``) as it arrives, without
        holding it in memory. Returns the number of bytes written. Raises error on NO.
        Every literal this call receives is streamed: one of another message (an unsolicited
        FETCH with a body) is dropped, not written."""
        written = [0]
        failure: list = []
        # Only the literal of the message asked for goes to the file: another message's (an
        # unsolicited FETCH with a body, a rare server's habit) is read and dropped.
        num = _arg(message_num)
        want = int(num) if num.isdigit() else None
        keep = [False]

        def on_chunk(_ud, line, line_len, _size, offset, chunk, chunk_len):
            try:
                if offset == 0:
                    keep[0] = want is None or _literal_is_for(line, line_len, want, uid)
                if chunk_len and keep[0]:
                    fileobj.write(ctypes.string_at(chunk, chunk_len))
                    written[0] += chunk_len
                return 0
            except BaseException as e:
                failure.append(e)
                return 1

        cb = N.LITERAL_FN(on_chunk)
        self._check(lib.imap_set_literal_callback(self._h, cb, None, 0))
        try:
            typ, data = self._do(*_fetch_args(message_num, part, uid),
                                 name="UID" if uid else "FETCH")
        except self.error:
            if failure:
                raise failure[0]
            raise
        finally:
            lib.imap_set_literal_callback(self._h, N.LITERAL_FN(0), None, 0)
            _lend_literals(self._h)
        if failure:
            raise failure[0]
        if typ != "OK":
            raise self.error((data[0] or b"").decode("utf-8", "replace"))
        return written[0]

    def append_file(self, mailbox: Optional[_Arg], flags: Any, date_time: Any, fileobj: Any,
                    size: Optional[int] = None) -> Response:
        """APPEND a message read from ``fileobj`` (anything with ``read(n)``) while it is sent,
        64 KiB at a time, never held in memory. ``size``: the message's length in bytes (by
        default what is left of a file or a seekable stream). ``flags``: imaplib's string
        (``r'(\\Seen \\Draft)'``) or a sequence of flags. The bytes go as they are, without
        ``append``'s LF to CRLF conversion: give RFC 5322 CRLF line ends. If ``read`` fails
        or the message ends early, the exception propagates and the connection is closed
        (the server cannot be left in the middle of a message); nothing is appended."""
        if size is None:
            size = _remaining_size(fileobj)
        if size < 0:
            raise ValueError("size must not be negative")
        if flags is None or flags == "" or flags == b"":
            flag_list: builtins.list = []
        elif isinstance(flags, (str, bytes, bytearray)):
            text = flags.decode() if isinstance(flags, (bytes, bytearray)) else flags
            text = text.strip()
            if text.startswith("(") and text.endswith(")"):
                text = text[1:-1]
            flag_list = text.split()
        else:
            flag_list = builtins.list(flags)
        fl = [_arg(f) for f in flag_list]
        failure: builtins.list = []

        def read(_ud, buf, n):
            try:
                chunk = fileobj.read(n)
                if not chunk:
                    return 0
                chunk = bytes(chunk)
                ctypes.memmove(buf, chunk, len(chunk))
                return len(chunk)
            except BaseException as e:  # re-raised after the call
                failure.append(e)
                return -1

        cb = N.READ_FN(read)
        dt = Time2Internaldate(date_time) if date_time else None
        try:
            res = self._do(lib.imap_append_stream, _opt(mailbox or None),
                           N.string_array(fl) if fl else None, len(fl), _opt(dt), size, cb,
                           None, name="APPEND")
        except self.error:
            if failure:
                raise failure[0]
            raise
        if failure:
            raise failure[0]
        return res

    def id(self, params: Optional[Dict[str, str]] = None) -> Response:
        """RFC 2971 ID: ``params`` (a dict of str, or None for ``ID NIL``); the server's
        answer in ``(typ, [ID lines])``."""
        names = [_arg(k) for k in (params or {})]
        values = [_arg(v) for v in (params or {}).values()]
        return self._do(lib.imap_id, N.string_array(names) if names else None,
                        N.string_array(values) if values else None, len(names), name="ID")

    def move(self, message_set: _Arg, new_mailbox: _Arg) -> Response:
        """RFC 6851 MOVE."""
        return self._do(lib.imap_move, _arg(message_set), _arg(new_mailbox), name="MOVE")


# libimap's default timeouts (imap_set_timeouts), restored by sock.settimeout(None).
_DEFAULT_CONNECT_MS, _DEFAULT_IO_MS = 30000, 60000


class _OSErrorText:
    """str() of an OSError made with (errno, message): the message alone."""

    def __str__(self):
        args = getattr(self, "args", ())
        return str(args[-1]) if args else ""


class _Timeout(_OSErrorText, IMAP4.abort, TimeoutError):
    """A libimap timeout: an ``abort`` (the connection is closed) and a TimeoutError."""


class _TLSError(_OSErrorText, IMAP4.abort, ssl.SSLError):
    """A TLS failure (handshake, STARTTLS refused): an ``abort`` and an ssl.SSLError."""


class _CertError(_TLSError, ssl.SSLCertVerificationError):
    """The server's certificate or name did not verify: an ``abort`` and an
    ssl.SSLCertVerificationError (ssl.CertificateError), with ``verify_code`` and
    ``verify_message`` as the ssl module gives them."""


# OpenSSL's X509_V_ERR_* codes of the verification failures a server can cause, by the text
# OpenSSL gives them (which the library's message ends with, in parentheses).
_VERIFY_CODES = {
    "unable to get issuer certificate": 2,
    "certificate is not yet valid": 9,
    "certificate has expired": 10,
    "self-signed certificate": 18,
    "self signed certificate": 18,
    "self-signed certificate in certificate chain": 19,
    "self signed certificate in certificate chain": 19,
    "unable to get local issuer certificate": 20,
    "unable to verify the first certificate": 21,
    "certificate revoked": 23,
    "unsuitable certificate purpose": 26,
    "hostname mismatch": 62,
    "ip address mismatch": 64,
}


def _tls_error(msg: str) -> BaseException:
    """The exception for a TLS failure: a certificate that did not verify gives the ssl
    module's SSLCertVerificationError and message (``[SSL: CERTIFICATE_VERIFY_FAILED]
    certificate verify failed: IP address mismatch, certificate is not valid for
    '127.0.0.1'.``), anything else an ssl.SSLError; both also an ``abort``."""
    m = re.match(r"TLS handshake with (\S+) failed: .*certificate verify failed.*\(([^()]*)\)$",
                 msg)
    if m is None:
        return _TLSError(1, msg)
    name, why = m.group(1), m.group(2)
    code = _VERIFY_CODES.get(why.lower())
    if code in (62, 64):  # in the ssl module's words
        what = "Hostname" if code == 62 else "IP address"
        why = f"{what} mismatch, certificate is not valid for '{name}'."
    e = _CertError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {why} "
                      f"(libimap: {msg})")
    e.library, e.reason = "SSL", "CERTIFICATE_VERIFY_FAILED"
    e.verify_code = code  # type: ignore[assignment]
    e.verify_message = why
    return e


class _ConnectError(_OSErrorText, IMAP4.abort, ConnectionError):
    """The TCP connection could not be made: an ``abort`` and a ConnectionError."""


class _Refused(IMAP4.abort, ConnectionRefusedError):
    pass


class _Unresolved(_OSErrorText, IMAP4.abort, _socket.gaierror):
    """The host name could not be resolved: an ``abort`` and a socket.gaierror."""


def _connect_error(msg: str) -> BaseException:
    """The exception for a connection that could not be made, with the errno the library's
    message names (``... (os error 111)``), as socket.create_connection's would have: a
    refusal is a ConnectionRefusedError, a timeout a TimeoutError, a name that does not
    resolve a socket.gaierror; each also an ``abort``."""
    if msg.startswith("cannot resolve "):
        return _Unresolved(msg)
    m = re.search(r"\(os error (\d+)\)", msg)
    if m is None:
        return _Timeout(msg) if "timed out" in msg else _ConnectError(msg)
    num = int(m.group(1))
    if num == _errno.ECONNREFUSED:
        return _Refused(num, msg)
    if num == _errno.ETIMEDOUT:
        return _Timeout(num, msg)
    return _ConnectError(num, msg)


# Module-level names for the exception classes.
error = IMAP4.error
abort = IMAP4.abort
readonly = IMAP4.readonly


class Idler:
    """An iterable IDLE context manager (imaplib 3.14's): ``with M.idle(duration) as idler:
    for typ, data in idler: ...``; ``idler.burst(interval)`` yields a burst of responses."""

    def __init__(self, imap: IMAP4, duration: Optional[float] = None):
        if "IDLE" not in imap.capabilities:
            raise imap.error("Server does not support IMAP4 IDLE")
        if duration is not None and isinstance(imap, IMAP4_stream):
            raise imap.error("duration requires a socket connection")
        self._imap = imap
        self._duration = duration
        self._deadline: Optional[float] = None
        self._active = False

    def __enter__(self):
        imap = self._imap
        imap._forget_status()
        out = c_void_p()
        code = lib.imap_idle_start(imap._h, byref(out))
        r = out.value
        try:
            if code == N.NO:
                text = _result_text(r) if r else b""
                raise imap.error("idle denied: %s" % [text])
            if code != N.OK:
                imap._raise(code, "IDLE")
            if r:
                imap.continuation_response = _result_text(r)
        finally:
            if r:
                _free_result(r)
        self._active = True
        if self._duration is not None:
            self._deadline = time.monotonic() + self._duration
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self._active:
            return
        self._active = False
        imap = self._imap
        out = c_void_p()
        code = lib.imap_idle_done(imap._h, byref(out))
        if out.value:
            _free_result(out.value)
        if code not in (N.OK, N.NO) and exc_type is None:
            imap._raise(code, "IDLE")

    def _wait(self, seconds: Optional[float]):
        """One response within ``seconds`` (None: as long as it takes), or None."""
        imap = self._imap
        left = None if seconds is None else int(seconds * 1000)
        while True:
            # short waits, so that signals (Ctrl-C) are seen between them
            chunk = 1000 if left is None else min(left, 1000)
            if chunk <= 0:
                return None
            out = c_void_p()
            t0 = time.monotonic()
            code = lib.imap_idle_wait(imap._h, chunk, byref(out))
            r = out.value
            try:
                if code != N.OK:
                    imap._raise(code, "IDLE")
                if r:
                    typ = lib.imap_result_type(r).decode()
                    return typ, _items(r)
            finally:
                if r:
                    _free_result(r)
            if (time.monotonic() - t0) * 1000 < chunk * 0.9:
                # ended early: the server ended IDLE itself, or imap_wake()
                return None
            if left is not None:
                left -= chunk

    def _remaining(self) -> Optional[float]:
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - time.monotonic())

    def __iter__(self):
        return self

    def __next__(self):
        if not self._active:
            raise self._imap.error("_pop() only works during IDLE")
        rem = self._remaining()
        if rem is not None and rem <= 0:
            raise StopIteration
        r = self._wait(rem)
        if r is None:
            raise StopIteration
        return r

    def burst(self, interval: float = 0.1) -> Iterator:
        """Yield the next response (waiting for it, within the duration), then every further
        response that arrives within ``interval`` seconds of the previous one."""
        if isinstance(self._imap, IMAP4_stream):
            raise self._imap.error("burst() requires a socket connection")
        try:
            first = next(self)
        except StopIteration:
            return
        yield first
        while True:
            rem = self._remaining()
            wait = interval if rem is None else min(interval, rem)
            if wait <= 0:
                return
            r = self._wait(wait)
            if r is None:
                return
            yield r


def _apply_tls_options(imap: IMAP4, ssl_context: Optional[ssl.SSLContext], cafile=None,
                       capath=None, server_hostname=None) -> None:
    """Maps an ssl.SSLContext onto libimap's TLS settings (README: "TLS"): verify_mode
    CERT_NONE turns verification off; the CA certificates the context has loaded (cafile,
    cadata, or the system's bundle file that load_default_certs reads) are the ones trusted,
    as by the context, and the system's are not added to them; a context that lists none
    (nothing loaded, or only a capath, which OpenSSL reads lazily) leaves libimap's default,
    the system's. minimum_version TLSv1_3 is kept. Everything else of the context (ciphers,
    check_hostname False, client certificates loaded into it) has no counterpart: the host
    name is always checked while verifying."""
    h = imap._h
    if cafile is not None:
        imap._check(lib.imap_set_ca_file(h, _arg(os.fspath(cafile))))
    if capath is not None:
        imap._check(lib.imap_set_ca_dir(h, _arg(os.fspath(capath))))
    if server_hostname is not None:
        imap._check(lib.imap_set_tls_server_name(h, _arg(server_hostname)))
    if ssl_context is None:
        return
    if ssl_context.verify_mode == ssl.CERT_NONE:
        imap._check(lib.imap_set_tls_verify(h, 0))
        return
    if getattr(ssl_context, "minimum_version", None) == ssl.TLSVersion.TLSv1_3:
        imap._check(lib.imap_set_tls_min_version(h, N.TLS_VERSION_TLS13))
    ders = ssl_context.get_ca_certs(binary_form=True)
    if ders and cafile is None:
        imap._check(lib.imap_set_ca_file(h, _ca_file(ders).encode()))
        # only them, as the context (not reading the system's bundle again at every
        # connection either: with SSL_CERT_FILE set, OpenSSL parses the whole file each time)
        imap._check(lib.imap_set_tls_system_roots(h, 0))


# PEM files of the CA certificates of the contexts seen, one per distinct set, in one
# directory of the process removed at exit (imap_set_ca_file reads a file, at each connect).
_ca_files: dict = {}
_ca_lock = threading.Lock()
_ca_dir: Optional[str] = None


def _ca_file(ders: list) -> str:
    global _ca_dir
    key = hashlib.sha256(b"".join(len(d).to_bytes(4, "big") + d for d in ders)).hexdigest()
    with _ca_lock:
        path = _ca_files.get(key)
        if path is not None and os.path.exists(path):
            return path
        if _ca_dir is None or not os.path.isdir(_ca_dir):
            _ca_dir = tempfile.mkdtemp(prefix="libimap-ca-")
            atexit.register(shutil.rmtree, _ca_dir, True)
        path = os.path.join(_ca_dir, key[:32] + ".pem")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            for der in ders:
                f.write(ssl.DER_cert_to_PEM_cert(der))
        os.replace(tmp, path)
        _ca_files[key] = path
        return path


class IMAP4_SSL(IMAP4):
    """IMAP4 client class over SSL connection (imaplib's).

    Instantiate with: IMAP4_SSL([host[, port[, ssl_context[, timeout=None]]]])

            host - host's name (default: localhost);
            port - port number (default: standard IMAP4 SSL port);
            ssl_context - an ssl.SSLContext, honoured where it maps onto libimap (README);
            timeout - socket timeout (default: libimap's).

    Unlike imaplib, the server's certificate and host name are verified by default (against
    the system's CA certificates). libimap-specific keyword arguments: ``cafile`` and
    ``capath`` (CA certificates to trust besides the system's), ``server_hostname`` (the name
    to verify when connecting by address), ``keyfile``/``certfile`` (a client certificate).
    """

    _tls_mode = N.TLS_IMPLICIT

    def __init__(self, host: str = "", port: int = IMAP4_SSL_PORT, keyfile=None, certfile=None,
                 ssl_context: Optional[ssl.SSLContext] = None, timeout: Optional[float] = None,
                 *, cafile=None, capath=None, server_hostname: Optional[str] = None,
                 call_timeout: Optional[float] = None, debug: Optional[int] = None):
        self._h = None
        self._init_handle(timeout, call_timeout, debug)
        self.keyfile = keyfile
        self.certfile = certfile
        self.ssl_context = ssl_context
        if certfile is not None or keyfile is not None:
            self._check(lib.imap_set_client_cert(self._h, _opt(certfile and os.fspath(certfile)),
                                                 _opt(keyfile and os.fspath(keyfile))))
        _apply_tls_options(self, ssl_context, cafile, capath, server_hostname)
        self.host = host
        self.port = port
        self._connect()

    def open(self, host: str = "", port: int = IMAP4_SSL_PORT, timeout: Optional[float] = None) -> None:
        super().open(host, port, timeout)


class IMAP4_stream(IMAP4):
    """IMAP4 client class over a stream (imaplib's): ``command`` runs with ``/bin/sh -c`` and
    IMAP is spoken over its stdin and stdout."""

    def __init__(self, command: str, *, timeout: Optional[float] = None,
                 call_timeout: Optional[float] = None, debug: Optional[int] = None):
        self._h = None
        self._init_handle(timeout, call_timeout, debug)
        self.command = command
        self.host = None
        self.port = None
        self._connect()

    def _connect(self) -> None:
        self._set_line_limit()
        self._do(lib.imap_open_stream, _arg(self.command), name="open")

    def open(self, host: Any = None, port: Any = None, timeout: Optional[float] = None) -> None:
        dict.clear(self.untagged_responses)
        self._connect()

    def socket(self) -> Optional[_socket.socket]:
        return None


def _fetch_args(message_set: _Arg, message_parts: _Arg, uid: bool) -> tuple:
    """The C call of a FETCH (UID FETCH when ``uid``) and its arguments, for ``_call``/``_do``;
    the library puts ``message_parts`` in parentheses as imaplib does."""
    if uid:
        a = [_arg(message_set), _arg(message_parts)]
        return lib.imap_uid, b"FETCH", N.string_array(a), len(a)
    return lib.imap_fetch, _arg(message_set), _arg(message_parts)


def _literal_is_for(line: int, line_len: int, want: int, uid: bool) -> bool:
    """Whether the literal announced by ``line`` (an imap_literal_fn's) belongs to message
    ``want`` (a sequence number, or a UID when ``uid``)."""
    seq, u, item = c_uint32(), c_uint32(), c_void_p()
    code = lib.imap_literal_owner(ctypes.string_at(line, line_len), line_len, byref(seq),
                                  byref(u), byref(item))
    N.take_string(item.value)
    if code != N.OK:
        return False
    if uid:
        return u.value in (want, 0)  # 0: the UID comes after the literal on the line
    return seq.value == want


def _remaining_size(f: Any) -> int:
    """The bytes left to read in a file or a seekable stream."""
    try:
        return os.fstat(f.fileno()).st_size - f.tell()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    try:
        here = f.tell()
        end = f.seek(0, os.SEEK_END)
        f.seek(here)
        return end - here
    except (AttributeError, OSError, ValueError) as e:
        raise TypeError("append_file: give size= for a stream that cannot seek") from e


# -- module utilities ------------------------------------------------------------------------

def Int2AP(num) -> bytes:
    """Convert integer to A-P string representation (imaplib's)."""
    val = b""
    AP = b"ABCDEFGHIJKLMNOP"
    num = int(abs(num))
    while num:
        num, mod = divmod(num, 16)
        val = AP[mod : mod + 1] + val
    return val


# imaplib's rule for ParseFlags: the last "FLAGS (" (PERMANENTFLAGS too) on the line that a
# ")" closes, matched from the start; the flags split on whitespace.
_FLAGS_RE = re.compile(rb".*FLAGS \((?P<flags>[^\)]*)\)")


def ParseFlags(resp: bytes) -> tuple:
    """Convert IMAP4 flags response to python tuple (imaplib's). In Python: a call into the
    library would cost ten times the regular expression here (w3 of benches/run.sh)."""
    mo = _FLAGS_RE.match(resp)
    if not mo:
        return ()
    return tuple(mo.group("flags").split())


_MONTH_RE = re.compile(rb'.*INTERNALDATE "[ 0123][0-9]-(?P<mon>[A-Z][a-z][a-z])-')


def Internaldate2tuple(resp: bytes) -> Optional[time.struct_time]:
    """Parse an IMAP4 INTERNALDATE string: a time.struct_time in the local time zone (as
    imaplib), or None if there is no INTERNALDATE."""
    if not isinstance(resp, (bytes, bytearray)):
        raise TypeError("cannot use a bytes pattern on a string-like object")
    resp = bytes(resp)
    found, utc = c_int32(), c_int64()
    code = lib.imap_internaldate2tuple(resp, len(resp), byref(found), byref(utc), None, None)
    if code == N.INVALID_ARGUMENT:
        m = _MONTH_RE.match(resp)
        raise KeyError(m.group("mon") if m else resp)
    if code != N.OK or not found.value:
        return None
    return time.localtime(utc.value)


def Time2Internaldate(date_time) -> str:
    """Convert date_time to IMAP4 INTERNALDATE representation: '"DD-Mmm-YYYY HH:MM:SS +HHMM"'.

    date_time: seconds since the epoch (int or float, shown in the local time zone), a
    9-tuple or time.struct_time (local time unless it carries tm_gmtoff), an aware
    datetime.datetime, or a string already in double quotes (returned unchanged).
    """
    if isinstance(date_time, (int, float)):
        dt = _dt.datetime.fromtimestamp(date_time, _dt.timezone.utc).astimezone()
    elif isinstance(date_time, (tuple, time.struct_time)):
        gmtoff = getattr(date_time, "tm_gmtoff", None)
        if gmtoff is not None:
            tz = _dt.timezone(_dt.timedelta(seconds=gmtoff))
        elif time.daylight:
            dst = date_time[8]
            if dst == -1:
                dst = time.localtime(time.mktime(date_time)).tm_isdst
            tz = _dt.timezone(-_dt.timedelta(seconds=(time.timezone, time.altzone)[dst]))
        else:
            tz = _dt.timezone(-_dt.timedelta(seconds=time.timezone))
        y, mo, d, hh, mi, ss = date_time[:6]
        dt = _dt.datetime(y, mo, d, hh, mi, ss, tzinfo=tz)
    elif isinstance(date_time, _dt.datetime):
        if date_time.tzinfo is None:
            raise ValueError("date_time must be aware")
        dt = date_time
    elif isinstance(date_time, str) and (date_time[0], date_time[-1]) == ('"', '"'):
        return date_time
    else:
        raise ValueError("date_time not of a known type")
    # the library writes the date; the zone in whole minutes (a zone's odd seconds dropped)
    secs = int((dt.utcoffset() or _dt.timedelta(0)).total_seconds())
    secs = secs // 60 * 60 if secs >= 0 else -(-secs // 60 * 60)
    tm = N.Tm(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, secs)
    out = c_void_p()
    if lib.imap_time2internaldate_tm(byref(tm), byref(out)) != N.OK:
        raise ValueError("date_time out of range")
    return (N.take_string(out.value) or b"").decode("ascii")
