//! Parsed results in the C ABI: structures instead of IMAP syntax, beside the raw
//! `imap_result` and from the same data (see [`crate::proto::parsed`]).
//!
//! Every `imap_parse_*` function reads a raw result (it is not consumed or changed) and gives
//! an owned object, freed by its own `_free`. The object is a tree of plain `#[repr(C)]`
//! structures the caller only reads and never allocates or copies by value. Every array of
//! them is an array of pointers (`const struct imap_x *const *xs` + count, built by
//! [`Arena::array`]), so a structure may grow by fields appended at its end within a major
//! version (the growth rule, in the header preamble); only arrays of numbers are plain.
//!
//! Memory: each object is an [`Owned`] box holding the public structure first (so the pointer
//! handed out is the box's address) and one [`Arena`] that owns every byte string, array and
//! array element the structure points to, bump-allocated in large chunks. Mirrors are built
//! once at parse time; the free function drops the box and with it the chunks.
//!
//! Modules: [`fetch`] (FETCH), [`mailbox`] (LIST/LSUB, STATUS, SEARCH/SORT, ESEARCH, THREAD,
//! NAMESPACE, QUOTA, QUOTAROOT, ACL, MYRIGHTS, LISTRIGHTS, METADATA, CAPABILITY), [`codes`]
//! (response codes, the SELECT summary, the mailbox name encoding setting), [`text`] (modified
//! UTF-7 and RFC 2047).

pub mod codes;
#[cfg(test)]
mod corpus;
pub mod fetch;
pub mod mailbox;
pub mod text;

use super::code::ImapCode;
use super::result::ImapResult;
use crate::ffi::panic::boundary;
use crate::proto::parsed::{ErrorKind, Invalid};
use crate::proto::response::Item;
use std::ffi::c_char;
use std::ptr;

/// A byte string of a parsed result. `data == NULL` is IMAP's NIL (or "absent"); otherwise
/// `len` bytes at `data`, which may contain NUL and are always followed by one NUL byte not
/// counted in `len` (so text prints as a C string). An empty string has a non-NULL `data` and
/// `len` 0. Valid until the object it belongs to is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ImapBytes {
    pub data: *const u8,
    pub len: usize,
}

impl ImapBytes {
    const NIL: ImapBytes = ImapBytes {
        data: ptr::null(),
        len: 0,
    };
}

/// What kind of problem made a response unparsable (`imap_invalid.kind`).
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapInvalidKind {
    /// No problem (a valid FETCH message).
    None = 0,
    /// Bytes that are not IMAP syntax.
    Syntax = 1,
    /// Parentheses nested deeper than the parser's bound (64).
    Depth = 2,
    /// A number too large for its field, or not a number.
    Number = 3,
    /// Well-formed syntax of the wrong shape for the response.
    Shape = 4,
    /// The response ended early.
    Truncated = 5,
    /// Invalid modified UTF-7 or base64.
    Encoding = 6,
}

impl From<ErrorKind> for ImapInvalidKind {
    fn from(k: ErrorKind) -> Self {
        match k {
            ErrorKind::Syntax => ImapInvalidKind::Syntax,
            ErrorKind::Depth => ImapInvalidKind::Depth,
            ErrorKind::Number => ImapInvalidKind::Number,
            ErrorKind::Shape => ImapInvalidKind::Shape,
            ErrorKind::Truncated => ImapInvalidKind::Truncated,
            ErrorKind::Encoding => ImapInvalidKind::Encoding,
        }
    }
}

/// A response that could not be parsed: why (`kind`, and `message` as a NUL-terminated
/// English text) and its raw bytes as the raw result holds them, without `* ` and the response
/// name (`2 (UID x)` for `* 2 FETCH (UID x)`): each line, and after a line announcing a
/// literal, CRLF and the literal.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ImapInvalid {
    pub kind: ImapInvalidKind,
    pub message: *const c_char,
    pub raw: ImapBytes,
}

/// A mailbox name from the server: `raw` as sent, and `name` decoded to UTF-8 (modified UTF-7
/// decoded, or the raw bytes when they are UTF-8 beyond ASCII, as servers in UTF-8 mode send);
/// `name.data` is NULL when the raw name is neither. A result received while IMAP4rev2 or
/// UTF-8 mode was in effect (`imap_client_imap4rev2`, `imap_client_utf8_enabled`) has UTF-8
/// names: `name` is then the raw name (`A&B` stays `A&B`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ImapMailboxName {
    pub raw: ImapBytes,
    pub name: ImapBytes,
}

/// `start:end` of a sequence or UID set, inclusive, `start <= end` (a single number `n` is
/// `n:n`). Sets are kept as ranges: `1:4294967295` is one range.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ImapSeqRange {
    pub start: u32,
    pub end: u32,
}

/// Owns everything a parsed object points to, bump-allocated: structures, pointer arrays and
/// NUL-terminated string copies are carved out of a few large chunks (one `malloc` per chunk,
/// not per value), and freeing the object frees the chunks. Chunks never move, so pointers
/// taken at build time stay valid while the arena lives. Only plain data goes in (the C
/// structures: numbers and pointers, nothing with a destructor), checked at compile time.
pub(crate) struct Arena {
    /// Every chunk, the current one last among the shared ones (see `alloc`).
    chunks: Vec<Vec<u64>>,
    /// Start of the current chunk, bytes used in it and its size in bytes.
    cur: *mut u8,
    used: usize,
    cap: usize,
    /// Size of the next chunk.
    next: usize,
    /// Mailbox names of the result are UTF-8 (it came while IMAP4rev2 or UTF8=ACCEPT was in
    /// effect), not modified UTF-7: see [`Arena::mailbox`].
    pub(crate) utf8_names: bool,
}

/// Copies `src` to `dst`: most strings of a parsed result are short, and a call to `memcpy`
/// for each costs more than the copy; these are copied with at most two overlapping word
/// moves.
///
/// # Safety
/// `dst` has room for `src.len()` bytes and does not overlap `src`.
#[inline]
unsafe fn copy_bytes(src: &[u8], dst: *mut u8) {
    let n = src.len();
    let s = src.as_ptr();
    // SAFETY (all branches): reads stay within `src` and writes within `dst[..n]`, each of
    // the two moves covering one end of the range.
    unsafe {
        if n > 16 {
            ptr::copy_nonoverlapping(s, dst, n);
        } else if n >= 8 {
            let head = s.cast::<u64>().read_unaligned();
            let tail = s.add(n - 8).cast::<u64>().read_unaligned();
            dst.cast::<u64>().write_unaligned(head);
            dst.add(n - 8).cast::<u64>().write_unaligned(tail);
        } else if n >= 4 {
            let head = s.cast::<u32>().read_unaligned();
            let tail = s.add(n - 4).cast::<u32>().read_unaligned();
            dst.cast::<u32>().write_unaligned(head);
            dst.add(n - 4).cast::<u32>().write_unaligned(tail);
        } else if n > 0 {
            *dst = *s;
            *dst.add(n / 2) = *s.add(n / 2);
            *dst.add(n - 1) = *s.add(n - 1);
        }
    }
}

impl Default for Arena {
    fn default() -> Self {
        Arena {
            chunks: Vec::new(),
            cur: ptr::null_mut(),
            used: 0,
            cap: 0,
            next: Arena::FIRST_CHUNK,
            utf8_names: false,
        }
    }
}

impl Arena {
    const FIRST_CHUNK: usize = 4 << 10;
    const MAX_CHUNK: usize = 1 << 20;

    /// `size` bytes aligned to `align` (at most 8), uninitialised.
    #[inline]
    fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        debug_assert!(align.is_power_of_two() && align <= 8);
        let at = (self.used + align - 1) & !(align - 1);
        if at <= self.cap && size <= self.cap - at {
            self.used = at + size;
            // SAFETY: `at + size <= cap`: inside the current chunk.
            return unsafe { self.cur.add(at) };
        }
        self.alloc_slow(size)
    }

    #[cold]
    fn alloc_slow(&mut self, size: usize) -> *mut u8 {
        // Large values get a chunk of their own; the current chunk stays in use.
        if size > Arena::MAX_CHUNK / 4 {
            let mut chunk = Vec::<u64>::with_capacity(size.div_ceil(8));
            let p = chunk.as_mut_ptr().cast::<u8>();
            self.chunks.push(chunk);
            return p;
        }
        let bytes = self.next.max(size);
        self.next = (self.next * 2).min(Arena::MAX_CHUNK);
        let mut chunk = Vec::<u64>::with_capacity(bytes.div_ceil(8));
        self.cur = chunk.as_mut_ptr().cast::<u8>();
        self.cap = chunk.capacity() * 8;
        self.used = size;
        self.chunks.push(chunk);
        self.cur
    }

    /// Room for `n` values of `T`, uninitialised.
    fn alloc_array<T>(&mut self, n: usize) -> *mut T {
        const { assert!(!std::mem::needs_drop::<T>() && std::mem::align_of::<T>() <= 8) };
        let size = std::mem::size_of::<T>()
            .checked_mul(n)
            .expect("an arena array fits in memory");
        self.alloc(size, std::mem::align_of::<T>()).cast::<T>()
    }

    /// A copy of `b`, NUL-terminated.
    #[inline]
    pub(crate) fn bytes(&mut self, b: &[u8]) -> ImapBytes {
        let p = self.alloc(b.len() + 1, 1);
        // SAFETY: `p` has room for `len + 1` bytes and does not overlap `b`.
        unsafe {
            copy_bytes(b, p);
            *p.add(b.len()) = 0;
        }
        ImapBytes {
            data: p,
            len: b.len(),
        }
    }

    /// An IMAP nstring: `None` is NIL.
    pub(crate) fn nbytes(&mut self, b: Option<&[u8]>) -> ImapBytes {
        b.map_or(ImapBytes::NIL, |b| self.bytes(b))
    }

    /// A NUL-terminated copy of `s` (any NUL in it dropped).
    pub(crate) fn cstr(&mut self, s: &str) -> *const c_char {
        if s.as_bytes().contains(&0) {
            return self.bytes(s.replace('\0', "").as_bytes()).data.cast();
        }
        self.bytes(s.as_bytes()).data.cast()
    }

    /// An array of scalars (`uint32_t`, `size_t`): pointer and count (NULL and 0 when empty).
    pub(crate) fn scalars<T: Copy>(&mut self, v: impl AsRef<[T]>) -> (*const T, usize) {
        let v = v.as_ref();
        if v.is_empty() {
            return (ptr::null(), 0);
        }
        let p = self.alloc_array::<T>(v.len());
        // SAFETY: room for `len` values, not overlapping `v`.
        unsafe { ptr::copy_nonoverlapping(v.as_ptr(), p, v.len()) };
        (p, v.len())
    }

    /// An array of structures as the C ABI gives every one: a pointer to `count` pointers,
    /// each to its element (NULL and 0 when empty). Callers index the pointer array, never
    /// the structures, so a structure may grow by appended fields within a major version.
    /// The elements and the pointer array live in the arena.
    pub(crate) fn array<T>(&mut self, v: Vec<T>) -> (*const *const T, usize) {
        let n = v.len();
        let mut it = v.into_iter();
        self.array_with(n, |_, _| it.next().expect("n elements"))
    }

    /// Like [`Arena::array`], the `n` elements made by `make(arena, index)` in order, with no
    /// intermediate vector.
    pub(crate) fn array_with<T>(
        &mut self,
        n: usize,
        mut make: impl FnMut(&mut Arena, usize) -> T,
    ) -> (*const *const T, usize) {
        if n == 0 {
            return (ptr::null(), 0);
        }
        let elements = self.alloc_array::<T>(n);
        let ptrs = self.alloc_array::<*const T>(n);
        for i in 0..n {
            let v = make(self, i);
            // SAFETY: both arrays have room for `n` values; chunks never move.
            unsafe {
                elements.add(i).write(v);
                ptrs.add(i).write(elements.add(i));
            }
        }
        (ptrs.cast_const(), n)
    }

    /// One value, by pointer.
    pub(crate) fn one<T>(&mut self, v: T) -> *const T {
        let p = self.alloc_array::<T>(1);
        // SAFETY: room for one value.
        unsafe { p.write(v) };
        p
    }

    pub(crate) fn byte_list<B: AsRef<[u8]>>(
        &mut self,
        l: &[B],
    ) -> (*const *const ImapBytes, usize) {
        self.array_with(l.len(), |a, i| a.bytes(l[i].as_ref()))
    }

    pub(crate) fn mailbox(
        &mut self,
        m: &crate::proto::parsed::mailbox::MailboxName,
    ) -> ImapMailboxName {
        ImapMailboxName {
            raw: self.bytes(&m.raw),
            name: self.nbytes(m.decoded(self.utf8_names).map(str::as_bytes)),
        }
    }

    pub(crate) fn ranges(
        &mut self,
        s: &crate::proto::parsed::SeqSet,
    ) -> (*const *const ImapSeqRange, usize) {
        let v = s
            .ranges
            .iter()
            .map(|r| ImapSeqRange {
                start: r.start,
                end: r.end,
            })
            .collect();
        self.array(v)
    }

    pub(crate) fn invalid(&mut self, i: &Invalid) -> ImapInvalid {
        ImapInvalid {
            kind: i.error.kind.into(),
            message: self.cstr(&i.error.message),
            raw: self.bytes(&i.raw),
        }
    }

    /// Splits per-response results into the mirrors of the valid ones and the invalid ones.
    #[allow(clippy::type_complexity)]
    pub(crate) fn split<T, U: 'static>(
        &mut self,
        results: &[Result<T, Invalid>],
        mut mirror: impl FnMut(&mut Arena, &T) -> U,
    ) -> ((*const *const U, usize), (*const *const ImapInvalid, usize)) {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for r in results {
            match r {
                Ok(t) => ok.push(mirror(self, t)),
                Err(i) => bad.push(self.invalid(i)),
            }
        }
        (self.array(ok), self.array(bad))
    }
}

/// The elements of an array of structures (as [`Arena::array`] builds them), in order.
///
/// # Safety
/// `p` points to `n` pointers to live structures (or `n` is 0), valid for `'a`.
pub(crate) unsafe fn elements<'a, T: 'a>(
    p: *const *const T,
    n: usize,
) -> impl Iterator<Item = &'a T> {
    let ptrs: &'a [*const T] = if n == 0 || p.is_null() {
        &[]
    } else {
        std::slice::from_raw_parts(p, n)
    };
    // SAFETY: every pointer of such an array is to a live element (the caller's contract).
    ptrs.iter().map(|&e| unsafe { &*e })
}

/// A parsed object as allocated: the public structure first, so a pointer to the box is a
/// pointer to the structure.
#[repr(C)]
struct Owned<T> {
    public: T,
    arena: Arena,
}

/// Hands `public` (and the arena it points into) to the caller through `out`.
///
/// # Safety
/// `out` is writable.
pub(crate) unsafe fn give<T>(out: *mut *mut T, public: T, arena: Arena) {
    *out = Box::into_raw(Box::new(Owned { public, arena })).cast();
}

/// Frees what [`give`] handed out. NULL is ignored.
///
/// # Safety
/// `p` is NULL or came from [`give`] with the same `T` and was not freed yet.
pub(crate) unsafe fn free<T>(p: *mut T) {
    boundary(|| {
        if !p.is_null() {
            drop(Box::from_raw(p.cast::<Owned<T>>()));
        }
    })
}

/// The untagged data of a result, or nothing when its data is the tagged text (a command that
/// returns no untagged data, or a NO/BAD answer): parsing such a result gives an empty object.
fn untagged_data(r: &ImapResult) -> &[Item] {
    let data = r.data();
    match (r.tagged_text(), data) {
        (Some(text), [Item::Line(l)]) if l.as_slice() == text => &[],
        _ => data,
    }
}

/// The shared body of every `imap_parse_*` taking a result: checks the pointers, parses the
/// untagged data with `build` (which says whether every response parsed) and hands the object
/// out. `IMAP_CODE_PARSE` still delivers the object, with the unparsable responses listed.
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
pub(crate) unsafe fn parse_result<T>(
    result: *const ImapResult,
    out: *mut *mut T,
    build: impl FnOnce(&[Item], &mut Arena) -> (T, bool),
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let Some(r) = result.as_ref() else {
            return ImapCode::InvalidArgument;
        };
        let mut arena = Arena {
            utf8_names: r.utf8_names,
            ..Arena::default()
        };
        let (public, complete) = build(untagged_data(r), &mut arena);
        give(out, public, arena);
        if complete {
            ImapCode::Ok
        } else {
            ImapCode::Parse
        }
    })
}

/// A raw result holding `items` as a command's untagged data (OK, no tagged line), as the
/// session would deliver it: for benchmarks of the `imap_parse_*` functions without a server
/// (`benches/parse.rs`). Free it with `imap_result_free`.
#[doc(hidden)]
pub fn result_from_items(items: Vec<Item>) -> *mut ImapResult {
    Box::into_raw(ImapResult::new(crate::session::Outcome {
        typ: "OK".into(),
        data: items,
        tagged: None,
    }))
}

/// `1` for true, `0` for false: the C ABI's booleans.
pub(crate) fn flag(b: bool) -> i32 {
    i32::from(b)
}

/// An optional number as a presence flag and a value (0 when absent).
pub(crate) fn opt<T: Default>(v: Option<T>) -> (i32, T) {
    match v {
        Some(v) => (1, v),
        None => (0, T::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_copies_copy_every_byte() {
        let src: Vec<u8> = (1..=40).collect();
        for n in 0..=40 {
            let mut dst = vec![0u8; 41];
            // SAFETY: `dst` has room for `n` bytes and does not overlap `src`.
            unsafe { copy_bytes(&src[..n], dst.as_mut_ptr()) };
            assert_eq!(&dst[..n], &src[..n], "{n}");
            assert!(dst[n..].iter().all(|&b| b == 0), "{n}: wrote past the end");
        }
    }

    #[test]
    fn arena_values_stay_put_aligned_and_intact_across_chunks() {
        let mut a = Arena::default();
        let mut strings = Vec::new();
        let mut numbers = Vec::new();
        // Enough to fill several chunks, with a value larger than a chunk in the middle.
        for i in 0..20_000u64 {
            let text = format!("value {i}");
            strings.push((a.bytes(text.as_bytes()), text));
            numbers.push((a.one(i * 3), i * 3));
            if i == 10_000 {
                let big = vec![7u8; 3 << 20];
                strings.push((a.bytes(&big), String::from_utf8(big).unwrap()));
            }
        }
        let (list, n) = a.array((0..1000u64).collect());
        let (scalars, count) = a.scalars([1u32, 2, 3]);
        assert_eq!(a.array(Vec::<u64>::new()), (ptr::null(), 0));
        assert!(!a.bytes(b"").data.is_null());
        for (b, text) in &strings {
            // SAFETY: `len + 1` bytes at `data`, owned by the live arena.
            let got = unsafe { std::slice::from_raw_parts(b.data, b.len + 1) };
            assert_eq!(&got[..b.len], text.as_bytes());
            assert_eq!(got[b.len], 0);
        }
        for (p, v) in &numbers {
            assert_eq!(*p as usize % std::mem::align_of::<u64>(), 0);
            // SAFETY: a live value of the arena.
            assert_eq!(unsafe { **p }, *v);
        }
        // SAFETY: arrays of the live arena.
        let got: Vec<u64> = unsafe { elements(list, n) }.copied().collect();
        assert_eq!(got, (0..1000).collect::<Vec<_>>());
        // SAFETY: `count` numbers at `scalars`.
        assert_eq!(
            unsafe { std::slice::from_raw_parts(scalars, count) },
            [1, 2, 3]
        );
        assert!(a.chunks.len() > 2, "several chunks were used");
    }
}
