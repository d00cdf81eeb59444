"""ctypes declarations of libimap's C ABI (include/imap.h) and the library's loading.

Internal module: the public API is the package (``import libimap``). ctypes was chosen over
CFFI by measured per-call overhead (bench/ffi_overhead.py, figures in the README): the two are
within a fraction of a microsecond per call, and ctypes needs no dependency.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)

MAJOR = 1

# imap_code
OK, NO, BAD, ABORT, READONLY = 0, 1, 2, 3, 4
INVALID_ARGUMENT, ILLEGAL_STATE, TIMEOUT, INTERRUPTED, TLS, LIMIT = 10, 11, 12, 13, 14, 15
CLOSED, CONNECT, INTERNAL, UNSUPPORTED, PARSE, STOPPED = 16, 17, 18, 19, 20, 21

# imap_limit
LIMIT_LINE = 0

# imap_state
STATES = ("LOGOUT", "NONAUTH", "AUTH", "SELECTED", "IDLING")

# imap_tls_mode
TLS_NONE, TLS_IMPLICIT, TLS_STARTTLS = 0, 1, 2
TLS_VERSION_TLS12, TLS_VERSION_TLS13 = 0, 1

# imap_item_kind
ITEM_NONE, ITEM_LINE, ITEM_LITERAL = 0, 1, 2


def _library_path() -> str:
    """Where libimap.so.1 is loaded from, first found wins: the copy inside this package (put
    there by the wheel build), $LIBIMAP_PATH, a repository checkout's target/release, the
    system's (the dynamic loader's search path)."""
    name = f"libimap.so.{MAJOR}" if sys.platform != "darwin" else f"libimap.{MAJOR}.dylib"
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, name)
    if os.path.exists(bundled):
        return bundled
    env = os.environ.get("LIBIMAP_PATH")
    if env:
        return env
    repo = os.path.join(here, "..", "..", "..", "..", "target", "release", "libimap.so")
    if os.path.exists(repo):
        return os.path.normpath(repo)
    return name


LIBRARY_PATH = _library_path()
try:
    lib = ctypes.CDLL(LIBRARY_PATH)
except OSError as e:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"libimap: cannot load {LIBRARY_PATH} ({e}); install the wheel built for this platform, "
        "set LIBIMAP_PATH, or build the library with `cargo build --release` in a checkout"
    ) from e


class Item(Structure):
    _fields_ = [
        ("kind", c_int32),
        ("data", c_void_p),
        ("len", c_size_t),
        ("literal", c_void_p),
        ("literal_len", c_size_t),
        ("literal_handle", c_void_p),  # 1.2.0: read only when HAS_LENDING
    ]


class Bytes(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t)]


class Tm(Structure):
    _fields_ = [
        ("year", c_int32),
        ("month", c_int32),
        ("day", c_int32),
        ("hour", c_int32),
        ("minute", c_int32),
        ("second", c_int32),
        ("offset_seconds", c_int32),
    ]


class Address(Structure):
    _fields_ = [
        ("kind", c_int32),
        ("name", Bytes),
        ("name_decoded", Bytes),
        ("adl", Bytes),
        ("mailbox", Bytes),
        ("host", Bytes),
    ]


PP = POINTER(c_void_p)  # const T *const * (an array of pointers)


class Envelope(Structure):
    _fields_ = [
        ("date", Bytes),
        ("subject", Bytes),
        ("subject_decoded", Bytes),
        ("from_", PP),
        ("from_count", c_size_t),
        ("sender", PP),
        ("sender_count", c_size_t),
        ("reply_to", PP),
        ("reply_to_count", c_size_t),
        ("to", PP),
        ("to_count", c_size_t),
        ("cc", PP),
        ("cc_count", c_size_t),
        ("bcc", PP),
        ("bcc_count", c_size_t),
        ("in_reply_to", Bytes),
        ("message_id", Bytes),
    ]


class Param(Structure):
    _fields_ = [("name", Bytes), ("value", Bytes)]


class BodyPart(Structure):
    pass


BodyPart._fields_ = [
    ("multipart", c_int32),
    ("media_type", Bytes),
    ("subtype", Bytes),
    ("params", PP),
    ("param_count", c_size_t),
    ("id", Bytes),
    ("description", Bytes),
    ("encoding", Bytes),
    ("size", c_uint64),
    ("has_lines", c_int32),
    ("lines", c_uint64),
    ("md5", Bytes),
    ("disposition", Bytes),
    ("disposition_params", PP),
    ("disposition_param_count", c_size_t),
    ("language", PP),
    ("language_count", c_size_t),
    ("location", Bytes),
    ("extension", PP),
    ("extension_count", c_size_t),
    ("children", PP),
    ("child_count", c_size_t),
    ("message_envelope", POINTER(Envelope)),
    ("message_body", POINTER(BodyPart)),
    ("part", c_char_p),
]


class Section(Structure):
    _fields_ = [
        ("kind", c_int32),
        ("spec", Bytes),
        ("part", POINTER(c_uint32)),
        ("part_count", c_size_t),
        ("text", c_int32),
        ("fields", PP),
        ("field_count", c_size_t),
        ("has_origin", c_int32),
        ("origin", c_uint32),
        ("data", Bytes),
        ("streamed", c_int32),
        ("streamed_size", c_uint64),
    ]


class BinarySize(Structure):
    _fields_ = [("part", POINTER(c_uint32)), ("part_count", c_size_t), ("size", c_uint64)]


class RawItem(Structure):
    _fields_ = [("name", Bytes), ("raw", Bytes)]


class FetchMessage(Structure):
    _fields_ = [
        ("seq", c_uint32),
        ("has_uid", c_int32),
        ("uid", c_uint32),
        ("has_flags", c_int32),
        ("flags", PP),
        ("flag_count", c_size_t),
        ("has_internaldate", c_int32),
        ("internaldate_seconds", c_int64),
        ("internaldate_offset", c_int32),
        ("has_rfc822_size", c_int32),
        ("rfc822_size", c_uint64),
        ("has_modseq", c_int32),
        ("modseq", c_uint64),
        ("envelope", POINTER(Envelope)),
        ("body_structure", POINTER(BodyPart)),
        ("body", POINTER(BodyPart)),
        ("sections", PP),
        ("section_count", c_size_t),
        ("binary_sizes", PP),
        ("binary_size_count", c_size_t),
        ("other", PP),
        ("other_count", c_size_t),
        ("valid", c_int32),
        ("error_kind", c_int32),
        ("error", c_char_p),
        ("raw", Bytes),
        ("quirks", c_uint32),
    ]


class FetchList(Structure):
    _fields_ = [("messages", PP), ("count", c_size_t)]


SASL_FN = CFUNCTYPE(c_int32, c_void_p, c_void_p, c_size_t, POINTER(c_void_p), POINTER(c_size_t))
LOG_FN = CFUNCTYPE(None, c_void_p, c_int32, c_char_p)
LITERAL_FN = CFUNCTYPE(c_int32, c_void_p, c_void_p, c_size_t, c_uint64, c_uint64, c_void_p, c_size_t)
FETCH_FN = CFUNCTYPE(c_int32, c_void_p, POINTER(FetchMessage))
READ_FN = CFUNCTYPE(c_int64, c_void_p, c_void_p, c_size_t)

H = c_void_p  # imap_client *
R = c_void_p  # imap_result *
RP = POINTER(c_void_p)  # imap_result **
S = c_char_p  # const char * in
SA = POINTER(c_char_p)  # const char *const *
SP = POINTER(c_void_p)  # char ** out (freed with imap_string_free)
C = c_int32  # imap_code

_DECLS = {
    # name: (restype, argtypes)
    "imap_version": (c_char_p, []),
    "imap_version_number": (c_int32, []),
    "imap_client_new": (C, [POINTER(c_void_p)]),
    "imap_client_free": (None, [H]),
    "imap_open": (C, [H, S, c_uint16, c_int32]),
    "imap_open_stream": (C, [H, S]),
    "imap_shutdown": (C, [H]),
    "imap_interrupt": (C, [H]),
    "imap_wake": (C, [H]),
    "imap_last_error": (c_char_p, [H]),
    "imap_set_timeouts": (C, [H, c_uint32, c_uint32]),
    "imap_set_call_timeout": (C, [H, c_uint32, c_uint32]),
    "imap_set_tls_verify": (C, [H, c_int32]),
    "imap_set_ca_file": (C, [H, S]),
    "imap_set_ca_dir": (C, [H, S]),
    "imap_set_tls_system_roots": (C, [H, c_int32]),
    "imap_set_tls_server_name": (C, [H, S]),
    "imap_set_tls_min_version": (C, [H, c_int32]),
    "imap_set_client_cert": (C, [H, S, S]),
    "imap_set_debug": (C, [H, c_int32]),
    "imap_set_log_callback": (C, [H, LOG_FN, c_void_p]),
    "imap_set_literal": (C, [H, c_char_p, c_size_t]),
    "imap_set_limit": (C, [H, c_int32, c_uint64]),
    "imap_set_literal_callback": (C, [H, LITERAL_FN, c_void_p, c_uint64]),
    "imap_client_state": (c_int32, [H]),
    "imap_client_capabilities": (c_void_p, [H]),
    "imap_client_protocol_version": (c_char_p, [H]),
    "imap_client_welcome": (c_void_p, [H]),
    "imap_client_is_readonly": (c_int32, [H]),
    "imap_client_is_tls": (c_int32, [H]),
    "imap_client_is_open": (c_int32, [H]),
    "imap_client_utf8_enabled": (c_int32, [H]),
    "imap_client_fd": (c_int32, [H]),
    "imap_string_free": (None, [c_void_p]),
    "imap_code_name": (c_char_p, [c_int32]),
    "imap_capability": (C, [H, RP]),
    "imap_noop": (C, [H, RP]),
    "imap_login": (C, [H, S, S, RP]),
    "imap_login_cram_md5": (C, [H, S, S, RP]),
    "imap_authenticate": (C, [H, S, c_char_p, c_size_t, SASL_FN, c_void_p, RP]),
    "imap_logout": (C, [H, RP]),
    "imap_starttls": (C, [H, RP]),
    "imap_select": (C, [H, S, c_int32, RP]),
    "imap_status": (C, [H, S, S, RP]),
    "imap_list": (C, [H, S, S, RP]),
    "imap_lsub": (C, [H, S, S, RP]),
    "imap_create": (C, [H, S, RP]),
    "imap_delete": (C, [H, S, RP]),
    "imap_rename": (C, [H, S, S, RP]),
    "imap_subscribe": (C, [H, S, RP]),
    "imap_unsubscribe": (C, [H, S, RP]),
    "imap_append": (C, [H, S, S, S, c_char_p, c_size_t, RP]),
    "imap_append_stream": (C, [H, S, SA, c_size_t, S, c_uint64, READ_FN, c_void_p, RP]),
    "imap_check": (C, [H, RP]),
    "imap_close": (C, [H, RP]),
    "imap_unselect": (C, [H, RP]),
    "imap_expunge": (C, [H, RP]),
    "imap_search": (C, [H, S, SA, c_size_t, RP]),
    "imap_fetch": (C, [H, S, S, RP]),
    "imap_store": (C, [H, S, S, S, RP]),
    "imap_copy": (C, [H, S, S, RP]),
    "imap_move": (C, [H, S, S, RP]),
    "imap_uid": (C, [H, S, SA, c_size_t, RP]),
    "imap_namespace": (C, [H, RP]),
    "imap_response": (C, [H, S, RP]),
    "imap_recent": (C, [H, RP]),
    "imap_xatom": (C, [H, S, SA, c_size_t, RP]),
    "imap_getacl": (C, [H, S, RP]),
    "imap_setacl": (C, [H, S, S, S, RP]),
    "imap_deleteacl": (C, [H, S, S, RP]),
    "imap_myrights": (C, [H, S, RP]),
    "imap_getquota": (C, [H, S, RP]),
    "imap_getquotaroot": (C, [H, S, RP, RP]),
    "imap_setquota": (C, [H, S, S, RP]),
    "imap_getannotation": (C, [H, S, S, S, RP]),
    "imap_setannotation": (C, [H, SA, c_size_t, RP]),
    "imap_proxyauth": (C, [H, S, RP]),
    "imap_partial": (C, [H, S, S, S, S, RP]),
    "imap_sort": (C, [H, S, S, SA, c_size_t, RP]),
    "imap_thread": (C, [H, S, S, SA, c_size_t, RP]),
    "imap_enable": (C, [H, S, RP]),
    "imap_id": (C, [H, SA, SA, c_size_t, RP]),
    "imap_idle_start": (C, [H, RP]),
    "imap_idle_wait": (C, [H, c_uint32, RP]),
    "imap_idle_done": (C, [H, RP]),
    "imap_send_line": (C, [H, c_char_p, c_size_t]),
    "imap_read_response": (C, [H, c_uint32, RP]),
    "imap_fetch_each": (C, [H, S, S, FETCH_FN, c_void_p]),
    "imap_uid_fetch_each": (C, [H, S, S, FETCH_FN, c_void_p]),
    "imap_result_type": (c_char_p, [R]),
    "imap_result_count": (c_size_t, [R]),
    "imap_result_item": (POINTER(Item), [R, c_size_t]),
    "imap_result_status": (c_char_p, [R]),
    "imap_result_text": (c_void_p, [R, POINTER(c_size_t)]),
    "imap_result_free": (None, [R]),
    "imap_parse_fetch": (C, [R, POINTER(POINTER(FetchList))]),
    "imap_fetch_list_free": (None, [POINTER(FetchList)]),
    "imap_int2ap": (C, [c_int64, SP]),
    "imap_parse_flags": (C, [c_char_p, c_size_t, RP]),
    "imap_internaldate2tuple": (
        C,
        [c_char_p, c_size_t, POINTER(c_int32), POINTER(c_int64), POINTER(c_int32), POINTER(Tm)],
    ),
    "imap_time2internaldate_tm": (C, [POINTER(Tm), SP]),
    "imap_literal_owner": (C, [c_char_p, c_size_t, POINTER(c_uint32), POINTER(c_uint32), SP]),
    "imap_utf7_encode": (C, [S, SP]),
    "imap_utf7_decode": (C, [c_char_p, c_size_t, SP]),
}

for _name, (_res, _args) in _DECLS.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

# 1.2.0: literals read into buffers the package lends (its C extension's bytes objects); the
# function pointers go as addresses. A library without it is used without (its imap_item also
# lacks literal_handle, which is then never read).
HAS_LENDING = hasattr(lib, "imap_set_literal_allocator")
if HAS_LENDING:
    lib.imap_set_literal_allocator.restype = C
    lib.imap_set_literal_allocator.argtypes = [H, c_void_p, c_void_p, c_void_p, c_uint64]

_found = lib.imap_version_number() // 10000
if _found != MAJOR:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"libimap: {LIBRARY_PATH} is version {lib.imap_version().decode()}, "
        f"this package needs {MAJOR}.x"
    )


def take_string(p: int | None) -> bytes | None:
    """The bytes of a ``char *`` the library allocated, then freed."""
    if not p:
        return None
    try:
        return ctypes.string_at(p)
    finally:
        lib.imap_string_free(p)


def string_array(values):
    """A ``const char *const *`` over ``values`` (bytes), kept alive by the returned array."""
    arr = (c_char_p * max(len(values), 1))(*values)
    return arr


def bytes_at(b: Bytes) -> bytes | None:
    """An imap_bytes as bytes, None for NIL."""
    if not b.data:
        return None
    return ctypes.string_at(b.data, b.len)


del _name, _res, _args, _f, c_uint8
