"""Per-call overhead of ctypes and CFFI (ABI mode) on libimap's C functions, to choose the FFI.

Usage: python3 bench/ffi_overhead.py [path/to/libimap.so.1]
Needs cffi for the CFFI column (pip install cffi). Prints microseconds per call, best of 5 runs.
Measured calls: imap_client_state (handle in, int out: the cheapest call), imap_int2ap (int in,
char** out, then imap_string_free: a call with an out-parameter and a string back), and
imap_parse_flags + imap_result_count + imap_result_item + reading the item (a result walk, as
every command's (typ, data) conversion does).
"""

import ctypes
import os
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "..", "..", "target", "release", "libimap.so")
PATH = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
N = 200_000


class Item(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int32), ("data", ctypes.c_void_p), ("len", ctypes.c_size_t),
                ("literal", ctypes.c_void_p), ("literal_len", ctypes.c_size_t)]


def bench_ctypes():
    lib = ctypes.CDLL(PATH)
    lib.imap_client_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.imap_client_state.argtypes = [ctypes.c_void_p]
    lib.imap_client_state.restype = ctypes.c_int32
    lib.imap_int2ap.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p)]
    lib.imap_string_free.argtypes = [ctypes.c_void_p]
    lib.imap_parse_flags.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
    lib.imap_result_count.argtypes = [ctypes.c_void_p]
    lib.imap_result_count.restype = ctypes.c_size_t
    lib.imap_result_item.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    lib.imap_result_item.restype = ctypes.POINTER(Item)
    lib.imap_result_free.argtypes = [ctypes.c_void_p]
    h = ctypes.c_void_p()
    lib.imap_client_new(ctypes.byref(h))

    def state():
        lib.imap_client_state(h)

    def int2ap():
        p = ctypes.c_char_p()
        lib.imap_int2ap(4096, ctypes.byref(p))
        s = p.value
        lib.imap_string_free(p)
        return s

    resp = b"1 (FLAGS (\\Seen \\Answered) UID 3)"

    def walk():
        r = ctypes.c_void_p()
        lib.imap_parse_flags(resp, len(resp), ctypes.byref(r))
        out = []
        for i in range(lib.imap_result_count(r)):
            it = lib.imap_result_item(r, i).contents
            out.append(ctypes.string_at(it.data, it.len))
        lib.imap_result_free(r)
        return out

    return state, int2ap, walk


def bench_cffi():
    import cffi
    ffi = cffi.FFI()
    ffi.cdef("""
        typedef struct imap_client imap_client; typedef struct imap_result imap_result;
        typedef struct { int32_t kind; const uint8_t *data; size_t len;
                         const uint8_t *literal; size_t literal_len; } imap_item;
        int32_t imap_client_new(imap_client **out);
        int32_t imap_client_state(imap_client *c);
        int32_t imap_int2ap(int64_t num, char **out);
        void imap_string_free(char *s);
        int32_t imap_parse_flags(const uint8_t *resp, size_t len, imap_result **out);
        size_t imap_result_count(const imap_result *r);
        const imap_item *imap_result_item(const imap_result *r, size_t i);
        void imap_result_free(imap_result *r);
    """)
    lib = ffi.dlopen(PATH)
    hp = ffi.new("imap_client **")
    lib.imap_client_new(hp)
    h = hp[0]

    def state():
        lib.imap_client_state(h)

    def int2ap():
        p = ffi.new("char **")
        lib.imap_int2ap(4096, p)
        s = ffi.string(p[0])
        lib.imap_string_free(p[0])
        return s

    resp = b"1 (FLAGS (\\Seen \\Answered) UID 3)"

    def walk():
        rp = ffi.new("imap_result **")
        lib.imap_parse_flags(resp, len(resp), rp)
        r = rp[0]
        out = []
        for i in range(lib.imap_result_count(r)):
            it = lib.imap_result_item(r, i)
            out.append(ffi.buffer(it.data, it.len)[:])
        lib.imap_result_free(r)
        return out

    return state, int2ap, walk


def run(funcs):
    return [min(timeit.repeat(f, number=N, repeat=5)) / N * 1e6 for f in funcs]


if __name__ == "__main__":
    names = ["imap_client_state", "imap_int2ap+free", "parse_flags walk (2 items)"]
    rows = {"ctypes": run(bench_ctypes())}
    try:
        rows["cffi (ABI)"] = run(bench_cffi())
    except ImportError:
        print("cffi not installed: only ctypes measured")
    print(f"{'call':28}" + "".join(f"{k:>14}" for k in rows))
    for i, n in enumerate(names):
        print(f"{n:28}" + "".join(f"{v[i]:>12.2f}µs" for v in rows.values()))
