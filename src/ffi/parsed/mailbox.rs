//! The `imap_parse_*` functions for everything but FETCH: LIST/LSUB, STATUS, SEARCH/SORT,
//! ESEARCH, THREAD, NAMESPACE, QUOTA, QUOTAROOT, ACL, MYRIGHTS, LISTRIGHTS, METADATA and
//! CAPABILITY. See [`crate::proto::parsed::mailbox`].
//!
//! Shared contract (each function's doc refers to it as "the parse contract"): `result` is
//! read, never changed or consumed, and the object does not borrow it; a result without data
//! of the kind (a NO, or a command that returned only its tagged text) gives an empty object;
//! responses that cannot be parsed are listed in the object's `invalid` array, everything
//! else is parsed, and the code is then `IMAP_CODE_PARSE` (the object is still delivered and
//! must be freed); `IMAP_CODE_INVALID_ARGUMENT` when `result` or `out` is NULL. No handle is
//! needed, any thread may call, and the object is immutable (readable from several threads).

use super::{
    flag, free, opt, parse_result, Arena, ImapBytes, ImapInvalid, ImapMailboxName, ImapSeqRange,
};
use crate::ffi::code::ImapCode;
use crate::ffi::result::ImapResult;
use crate::proto::parsed::mailbox::{self as pm, ListAttrs, ThreadNode};
use crate::proto::parsed::Invalid;
use crate::proto::response::Item;
use std::ptr;

/// Parses per-response data and builds a container from the valid entries' mirrors and the
/// invalid responses.
///
/// # Safety
/// As [`parse_result`].
unsafe fn per_response<T, U: 'static, L>(
    result: *const ImapResult,
    out: *mut *mut L,
    parse: fn(&[Item]) -> Vec<Result<T, Invalid>>,
    mirror: impl FnMut(&mut Arena, &T) -> U,
    make: impl FnOnce((*const *const U, usize), (*const *const ImapInvalid, usize)) -> L,
) -> ImapCode {
    parse_result(result, out, |items, a| {
        let parsed = parse(items);
        let complete = parsed.iter().all(Result::is_ok);
        let (ok, bad) = a.split(&parsed, mirror);
        (make(ok, bad), complete)
    })
}

/// The invalid array of an object whose parser stops at the first bad response.
fn one_invalid(a: &mut Arena, e: Option<&Invalid>) -> (*const *const ImapInvalid, usize) {
    let v = e.map(|i| a.invalid(i)).into_iter().collect();
    a.array(v)
}

// ----- LIST / LSUB --------------------------------------------------------------------------

/// A LIST or LSUB entry.
#[repr(C)]
pub struct ImapListEntry {
    /// `\HasNoChildren`, `\Noselect`, `\Sent`... as sent.
    pub attributes: *const *const ImapBytes,
    pub attribute_count: usize,
    /// The hierarchy delimiter, or 0 for NIL (a flat namespace).
    pub delimiter: u8,
    pub mailbox: ImapMailboxName,
    /// LIST-EXTENDED data after the name, each value in IMAP syntax.
    pub extended: *const *const ImapBytes,
    pub extended_count: usize,
    /// The attributes this library knows, as a bit set of `IMAP_LIST_ATTR_*` (appended in
    /// 1.2): the base ones, `\NonExistent` (which sets `IMAP_LIST_ATTR_NOSELECT` too),
    /// `\Subscribed`, `\Remote`, the SPECIAL-USE ones (RFC 6154; `IMAP_LIST_ATTR_SPECIAL_USE`
    /// masks them) and `CHILDINFO ("SUBSCRIBED")`. `attributes` still lists every one as sent.
    pub attribute_flags: u32,
    /// LIST-STATUS (RFC 5819): the STATUS response the server sent for this mailbox with
    /// `imap_list_extended`'s `RETURN (STATUS (...))`; NULL when none came.
    pub status: *const ImapStatusInfo,
}

/// `\Noinferiors`.
pub const IMAP_LIST_ATTR_NOINFERIORS: u32 = 1 << 0;
/// `\Noselect`, and `\NonExistent`, which implies it.
pub const IMAP_LIST_ATTR_NOSELECT: u32 = 1 << 1;
/// `\Marked`.
pub const IMAP_LIST_ATTR_MARKED: u32 = 1 << 2;
/// `\Unmarked`.
pub const IMAP_LIST_ATTR_UNMARKED: u32 = 1 << 3;
/// `\NonExistent` (RFC 5258, RFC 9051).
pub const IMAP_LIST_ATTR_NONEXISTENT: u32 = 1 << 4;
/// `\Subscribed` (RFC 5258, RFC 9051).
pub const IMAP_LIST_ATTR_SUBSCRIBED: u32 = 1 << 5;
/// `\Remote` (RFC 5258).
pub const IMAP_LIST_ATTR_REMOTE: u32 = 1 << 6;
/// `\HasChildren` (RFC 3348).
pub const IMAP_LIST_ATTR_HASCHILDREN: u32 = 1 << 7;
/// `\HasNoChildren` (RFC 3348).
pub const IMAP_LIST_ATTR_HASNOCHILDREN: u32 = 1 << 8;
/// SPECIAL-USE `\All` (RFC 6154).
pub const IMAP_LIST_ATTR_ALL: u32 = 1 << 9;
/// SPECIAL-USE `\Archive`.
pub const IMAP_LIST_ATTR_ARCHIVE: u32 = 1 << 10;
/// SPECIAL-USE `\Drafts`.
pub const IMAP_LIST_ATTR_DRAFTS: u32 = 1 << 11;
/// SPECIAL-USE `\Flagged`.
pub const IMAP_LIST_ATTR_FLAGGED: u32 = 1 << 12;
/// SPECIAL-USE `\Junk`.
pub const IMAP_LIST_ATTR_JUNK: u32 = 1 << 13;
/// SPECIAL-USE `\Sent`.
pub const IMAP_LIST_ATTR_SENT: u32 = 1 << 14;
/// SPECIAL-USE `\Trash`.
pub const IMAP_LIST_ATTR_TRASH: u32 = 1 << 15;
/// `\Important` (RFC 8457).
pub const IMAP_LIST_ATTR_IMPORTANT: u32 = 1 << 16;
/// LIST-EXTENDED's `CHILDINFO ("SUBSCRIBED")`: a child of the mailbox is subscribed.
pub const IMAP_LIST_ATTR_CHILD_SUBSCRIBED: u32 = 1 << 17;
/// Every special-use bit (`\All` ... `\Trash`, `\Important`).
pub const IMAP_LIST_ATTR_SPECIAL_USE: u32 = 0x1fe00;

// The C constants are the parser's bits.
const _: () = {
    assert!(IMAP_LIST_ATTR_NOINFERIORS == ListAttrs::NOINFERIORS);
    assert!(IMAP_LIST_ATTR_NOSELECT == ListAttrs::NOSELECT);
    assert!(IMAP_LIST_ATTR_MARKED == ListAttrs::MARKED);
    assert!(IMAP_LIST_ATTR_UNMARKED == ListAttrs::UNMARKED);
    assert!(IMAP_LIST_ATTR_NONEXISTENT == ListAttrs::NONEXISTENT);
    assert!(IMAP_LIST_ATTR_SUBSCRIBED == ListAttrs::SUBSCRIBED);
    assert!(IMAP_LIST_ATTR_REMOTE == ListAttrs::REMOTE);
    assert!(IMAP_LIST_ATTR_HASCHILDREN == ListAttrs::HASCHILDREN);
    assert!(IMAP_LIST_ATTR_HASNOCHILDREN == ListAttrs::HASNOCHILDREN);
    assert!(IMAP_LIST_ATTR_ALL == ListAttrs::ALL);
    assert!(IMAP_LIST_ATTR_ARCHIVE == ListAttrs::ARCHIVE);
    assert!(IMAP_LIST_ATTR_DRAFTS == ListAttrs::DRAFTS);
    assert!(IMAP_LIST_ATTR_FLAGGED == ListAttrs::FLAGGED);
    assert!(IMAP_LIST_ATTR_JUNK == ListAttrs::JUNK);
    assert!(IMAP_LIST_ATTR_SENT == ListAttrs::SENT);
    assert!(IMAP_LIST_ATTR_TRASH == ListAttrs::TRASH);
    assert!(IMAP_LIST_ATTR_IMPORTANT == ListAttrs::IMPORTANT);
    assert!(IMAP_LIST_ATTR_CHILD_SUBSCRIBED == ListAttrs::CHILD_SUBSCRIBED);
    assert!(IMAP_LIST_ATTR_SPECIAL_USE == ListAttrs::SPECIAL_USE);
};

/// The entries of a LIST or LSUB result, and the responses that could not be parsed.
#[repr(C)]
pub struct ImapListEntries {
    pub entries: *const *const ImapListEntry,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// The C mirror of a LIST entry (and of its joined STATUS).
pub(crate) fn list_entry(a: &mut Arena, e: &pm::ListEntry) -> ImapListEntry {
    let (attributes, attribute_count) = a.byte_list(&e.attributes);
    let (extended, extended_count) = a.byte_list(&e.extended);
    let status = match &e.status {
        Some(st) => {
            let info = status_info(a, st);
            a.one(info)
        }
        None => ptr::null(),
    };
    ImapListEntry {
        attributes,
        attribute_count,
        delimiter: e.delimiter.unwrap_or(0),
        mailbox: a.mailbox(&e.mailbox),
        extended,
        extended_count,
        attribute_flags: e.attrs.0,
        status,
    }
}

/// Parses the LIST or LSUB responses of `result` (from `imap_list`, `imap_lsub`, or
/// `imap_response(c, "LIST")`) into `*out`, freed with `imap_list_entries_free`. Each entry
/// has the mailbox name as sent and decoded (from modified UTF-7, or as UTF-8 under IMAP4rev2
/// and in UTF-8 mode: see `imap_mailbox_name`) and its known attributes as bits. Follows the
/// parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_list(
    result: *const ImapResult,
    out: *mut *mut ImapListEntries,
) -> ImapCode {
    per_response(result, out, pm::parse_list, list_entry, list_entries)
}

pub(crate) fn list_entries(
    (entries, count): (*const *const ImapListEntry, usize),
    (invalid, invalid_count): (*const *const ImapInvalid, usize),
) -> ImapListEntries {
    ImapListEntries {
        entries,
        count,
        invalid,
        invalid_count,
    }
}

/// Frees what `imap_parse_list` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_list_entries_free(list: *mut ImapListEntries) {
    free(list)
}

// ----- STATUS -------------------------------------------------------------------------------

/// A STATUS item this library has no field for (name upper-cased).
#[repr(C)]
pub struct ImapStatusItem {
    pub name: ImapBytes,
    pub value: u64,
}

/// A STATUS response: the mailbox and the items the server sent (`has_*` 0 for the others).
#[repr(C)]
pub struct ImapStatusInfo {
    pub mailbox: ImapMailboxName,
    pub has_messages: i32,
    pub messages: u32,
    pub has_recent: i32,
    pub recent: u32,
    pub has_uidnext: i32,
    pub uidnext: u32,
    pub has_uidvalidity: i32,
    pub uidvalidity: u32,
    pub has_unseen: i32,
    pub unseen: u32,
    /// RFC 9051 `DELETED`.
    pub has_deleted: i32,
    pub deleted: u32,
    /// RFC 7162 `HIGHESTMODSEQ`.
    pub has_highest_modseq: i32,
    pub highest_modseq: u64,
    /// RFC 8438 `SIZE`.
    pub has_size: i32,
    pub size: u64,
    pub other: *const *const ImapStatusItem,
    pub other_count: usize,
    /// RFC 8474 `MAILBOXID`: the mailbox's object id; NIL when not sent. Appended in 1.2.
    pub mailbox_id: ImapBytes,
}

/// The STATUS responses of a result (usually one).
#[repr(C)]
pub struct ImapStatusList {
    pub entries: *const *const ImapStatusInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// Parses the STATUS responses of `result` (from `imap_status`) into `*out`, freed with
/// `imap_status_list_free`.
///
/// The parse contract, shared by every `imap_parse_*` function taking a result: `result` is
/// read, never changed or consumed, and the object does not borrow it; a result without data
/// of the kind (a NO, or a command that returned only its tagged text) gives an empty object;
/// responses that cannot be parsed are listed in the object's `invalid` array with their raw
/// bytes, everything else is parsed, and the code is then `IMAP_CODE_PARSE` (the object is
/// still delivered and must be freed); `IMAP_CODE_INVALID_ARGUMENT` when `result` or `out` is
/// NULL. No handle is needed, any thread may call, and the object is immutable (readable from
/// several threads at once).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_status(
    result: *const ImapResult,
    out: *mut *mut ImapStatusList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_status,
        status_info,
        |(entries, count), (invalid, invalid_count)| ImapStatusList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// The C mirror of a STATUS response.
fn status_info(a: &mut Arena, s: &pm::MailboxStatus) -> ImapStatusInfo {
    let other = s
        .other
        .iter()
        .map(|(n, v)| ImapStatusItem {
            name: a.bytes(n.as_bytes()),
            value: *v,
        })
        .collect();
    let (other, other_count) = a.array(other);
    let (has_messages, messages) = opt(s.messages);
    let (has_recent, recent) = opt(s.recent);
    let (has_uidnext, uidnext) = opt(s.uidnext);
    let (has_uidvalidity, uidvalidity) = opt(s.uidvalidity);
    let (has_unseen, unseen) = opt(s.unseen);
    let (has_deleted, deleted) = opt(s.deleted);
    let (has_highest_modseq, highest_modseq) = opt(s.highest_modseq);
    let (has_size, size) = opt(s.size);
    ImapStatusInfo {
        mailbox: a.mailbox(&s.mailbox),
        has_messages,
        messages,
        has_recent,
        recent,
        has_uidnext,
        uidnext,
        has_uidvalidity,
        uidvalidity,
        has_unseen,
        unseen,
        has_deleted,
        deleted,
        has_highest_modseq,
        highest_modseq,
        has_size,
        size,
        other,
        other_count,
        mailbox_id: a.nbytes(s.mailbox_id.as_deref()),
    }
}

/// Frees what `imap_parse_status` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_status_list_free(list: *mut ImapStatusList) {
    free(list)
}

// ----- SEARCH / SORT ------------------------------------------------------------------------

/// The numbers of SEARCH or SORT responses (message numbers, or UIDs for `imap_uid`), in the
/// order sent, and CONDSTORE's `(MODSEQ n)`.
#[repr(C)]
pub struct ImapSearchResult {
    pub ids: *const u32,
    pub count: usize,
    pub has_modseq: i32,
    pub modseq: u64,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// Parses the SEARCH or SORT responses of `result` (from `imap_search`, `imap_sort`,
/// `imap_uid` SEARCH/SORT) into `*out`, freed with `imap_search_result_free`. Follows the
/// parse contract (see `imap_parse_status`), except that a malformed response leaves `ids`
/// empty (numbers are not reported partially).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_search(
    result: *const ImapResult,
    out: *mut *mut ImapSearchResult,
) -> ImapCode {
    parse_result(result, out, |items, a| {
        let parsed = pm::parse_search(items);
        let (ok, err) = match &parsed {
            Ok(s) => (s.clone(), None),
            Err(e) => (pm::SearchResult::default(), Some(e)),
        };
        let (ids, count) = a.scalars(ok.ids);
        let (has_modseq, modseq) = opt(ok.modseq);
        let (invalid, invalid_count) = one_invalid(a, err);
        let public = ImapSearchResult {
            ids,
            count,
            has_modseq,
            modseq,
            invalid,
            invalid_count,
        };
        (public, err.is_none())
    })
}

/// Frees what `imap_parse_search` gave. NULL is ignored.
///
/// # Safety
/// `search` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_search_result_free(search: *mut ImapSearchResult) {
    free(search)
}

// ----- ESEARCH ------------------------------------------------------------------------------

/// Return data this library has no field for (`PARTIAL`, `RELEVANCY`...): name upper-cased,
/// value in IMAP syntax.
#[repr(C)]
pub struct ImapEsearchItem {
    pub name: ImapBytes,
    pub value: ImapBytes,
}

/// An ESEARCH response (RFC 4731).
#[repr(C)]
pub struct ImapEsearchInfo {
    /// The tag of the command it answers; NIL if not sent.
    pub tag: ImapBytes,
    /// 1 if the numbers are UIDs.
    pub uid: i32,
    pub has_min: i32,
    pub min: u32,
    pub has_max: i32,
    pub max: u32,
    pub has_count: i32,
    pub count: u32,
    /// `ALL`, as ranges (`has_all` 0 when not sent).
    pub has_all: i32,
    pub all: *const *const ImapSeqRange,
    pub all_count: usize,
    pub has_modseq: i32,
    pub modseq: u64,
    pub other: *const *const ImapEsearchItem,
    pub other_count: usize,
}

/// The ESEARCH responses of a result.
#[repr(C)]
pub struct ImapEsearchList {
    pub entries: *const *const ImapEsearchInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// The C mirror of one ESEARCH response.
pub(crate) fn esearch_info(a: &mut Arena, e: &pm::Esearch) -> ImapEsearchInfo {
    let (has_all, (all, all_count)) = match &e.all {
        Some(s) => (1, a.ranges(s)),
        None => (0, (ptr::null(), 0)),
    };
    let other = e
        .other
        .iter()
        .map(|o| ImapEsearchItem {
            name: a.bytes(&o.name),
            value: a.bytes(&o.raw),
        })
        .collect();
    let (other, other_count) = a.array(other);
    let (has_min, min) = opt(e.min);
    let (has_max, max) = opt(e.max);
    let (has_count, count) = opt(e.count);
    let (has_modseq, modseq) = opt(e.modseq);
    ImapEsearchInfo {
        tag: a.nbytes(e.tag.as_deref()),
        uid: flag(e.uid),
        has_min,
        min,
        has_max,
        max,
        has_count,
        count,
        has_all,
        all,
        all_count,
        has_modseq,
        modseq,
        other,
        other_count,
    }
}

/// Parses the ESEARCH responses of `result` (`imap_response(c, "ESEARCH")` after a SEARCH
/// with RETURN options) into `*out`, freed with `imap_esearch_list_free`. Follows the parse
/// contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_esearch(
    result: *const ImapResult,
    out: *mut *mut ImapEsearchList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_esearch,
        esearch_info,
        |(entries, count), (invalid, invalid_count)| ImapEsearchList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_esearch` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_esearch_list_free(list: *mut ImapEsearchList) {
    free(list)
}

// ----- THREAD -------------------------------------------------------------------------------

/// A node of a THREAD forest, in the flat array `imap_thread_list.nodes`: links are indexes
/// into that array (a flat array keeps long reply chains from becoming deep pointer chains).
#[repr(C)]
pub struct ImapThreadNode {
    /// The message number (or UID); `has_id` 0 for the missing parent of siblings that RFC
    /// 5256 writes `((3)(5))`.
    pub has_id: i32,
    pub id: u32,
    /// Index of the parent node; `has_parent` 0 for a root.
    pub has_parent: i32,
    pub parent: usize,
    /// Indexes of the children, in order.
    pub children: *const usize,
    pub child_count: usize,
}

/// THREAD results (RFC 5256): every node, and the indexes of the roots (one per thread).
#[repr(C)]
pub struct ImapThreadList {
    pub nodes: *const *const ImapThreadNode,
    pub node_count: usize,
    pub roots: *const usize,
    pub root_count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// Parses the THREAD responses of `result` (from `imap_thread`, `imap_uid` THREAD) into
/// `*out`, freed with `imap_thread_list_free`. Follows the parse contract (see
/// `imap_parse_status`), except that a malformed response leaves the forest empty.
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_thread(
    result: *const ImapResult,
    out: *mut *mut ImapThreadList,
) -> ImapCode {
    parse_result(result, out, |items, a| {
        let parsed = pm::parse_thread(items);
        let (threads, err) = match &parsed {
            Ok(t) => (t.clone(), None),
            Err(e) => (pm::Threads::default(), Some(e)),
        };
        let node = |a: &mut Arena, n: &ThreadNode| {
            let (has_id, id) = opt(n.id);
            let (has_parent, parent) = opt(n.parent);
            let (children, child_count) = a.scalars(n.children.clone());
            ImapThreadNode {
                has_id,
                id,
                has_parent,
                parent,
                children,
                child_count,
            }
        };
        let nodes = threads.nodes.iter().map(|n| node(a, n)).collect();
        let (nodes, node_count) = a.array(nodes);
        let (roots, root_count) = a.scalars(threads.roots);
        let (invalid, invalid_count) = one_invalid(a, err);
        let public = ImapThreadList {
            nodes,
            node_count,
            roots,
            root_count,
            invalid,
            invalid_count,
        };
        (public, err.is_none())
    })
}

/// Frees what `imap_parse_thread` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_thread_list_free(list: *mut ImapThreadList) {
    free(list)
}

// ----- NAMESPACE ----------------------------------------------------------------------------

/// One namespace: its prefix, delimiter (0 for NIL) and extension data (IMAP syntax).
#[repr(C)]
pub struct ImapNamespaceEntry {
    pub prefix: ImapBytes,
    pub delimiter: u8,
    pub extensions: *const *const ImapBytes,
    pub extension_count: usize,
}

/// A NAMESPACE response (RFC 2342): personal, other users' and shared namespaces.
#[repr(C)]
pub struct ImapNamespaceInfo {
    pub personal: *const *const ImapNamespaceEntry,
    pub personal_count: usize,
    pub other: *const *const ImapNamespaceEntry,
    pub other_count: usize,
    pub shared: *const *const ImapNamespaceEntry,
    pub shared_count: usize,
}

/// The NAMESPACE responses of a result (one from `imap_namespace`).
#[repr(C)]
pub struct ImapNamespaceList {
    pub entries: *const *const ImapNamespaceInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

fn namespaces(a: &mut Arena, l: &[pm::Namespace]) -> (*const *const ImapNamespaceEntry, usize) {
    let v = l
        .iter()
        .map(|n| {
            let (extensions, extension_count) = a.byte_list(&n.extensions);
            ImapNamespaceEntry {
                prefix: a.bytes(&n.prefix),
                delimiter: n.delimiter.unwrap_or(0),
                extensions,
                extension_count,
            }
        })
        .collect();
    a.array(v)
}

/// Parses the NAMESPACE responses of `result` (from `imap_namespace`) into `*out`, freed with
/// `imap_namespace_list_free`. Follows the parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_namespace(
    result: *const ImapResult,
    out: *mut *mut ImapNamespaceList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_namespace,
        |a, n| {
            let (personal, personal_count) = namespaces(a, &n.personal);
            let (other, other_count) = namespaces(a, &n.other);
            let (shared, shared_count) = namespaces(a, &n.shared);
            ImapNamespaceInfo {
                personal,
                personal_count,
                other,
                other_count,
                shared,
                shared_count,
            }
        },
        |(entries, count), (invalid, invalid_count)| ImapNamespaceList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_namespace` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_namespace_list_free(list: *mut ImapNamespaceList) {
    free(list)
}

// ----- QUOTA / QUOTAROOT --------------------------------------------------------------------

/// A quota resource: name (`STORAGE` in KiB, `MESSAGE`...), usage and limit.
#[repr(C)]
pub struct ImapQuotaResource {
    pub name: ImapBytes,
    pub usage: u64,
    pub limit: u64,
}

/// A QUOTA response: the quota root and its resources.
#[repr(C)]
pub struct ImapQuotaInfo {
    pub root: ImapBytes,
    pub resources: *const *const ImapQuotaResource,
    pub resource_count: usize,
}

/// The QUOTA responses of a result.
#[repr(C)]
pub struct ImapQuotaList {
    pub entries: *const *const ImapQuotaInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// The C mirror of one QUOTA response.
pub(crate) fn quota_info(a: &mut Arena, q: &pm::Quota) -> ImapQuotaInfo {
    let v = q
        .resources
        .iter()
        .map(|r| ImapQuotaResource {
            name: a.bytes(&r.name),
            usage: r.usage,
            limit: r.limit,
        })
        .collect();
    let (resources, resource_count) = a.array(v);
    ImapQuotaInfo {
        root: a.bytes(&q.root),
        resources,
        resource_count,
    }
}

/// Parses the QUOTA responses of `result` (from `imap_getquota`, `imap_setquota`, or the
/// quota result of `imap_getquotaroot`) into `*out`, freed with `imap_quota_list_free`.
/// Follows the parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_quota(
    result: *const ImapResult,
    out: *mut *mut ImapQuotaList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_quota,
        quota_info,
        |(entries, count), (invalid, invalid_count)| ImapQuotaList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_quota` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_quota_list_free(list: *mut ImapQuotaList) {
    free(list)
}

/// A QUOTAROOT response: a mailbox and its quota roots.
#[repr(C)]
pub struct ImapQuotarootInfo {
    pub mailbox: ImapMailboxName,
    pub roots: *const *const ImapBytes,
    pub root_count: usize,
}

/// The QUOTAROOT responses of a result.
#[repr(C)]
pub struct ImapQuotarootList {
    pub entries: *const *const ImapQuotarootInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// Parses the QUOTAROOT responses of `result` (the quotaroot result of `imap_getquotaroot`)
/// into `*out`, freed with `imap_quotaroot_list_free`. Follows the parse contract (see
/// `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_quotaroot(
    result: *const ImapResult,
    out: *mut *mut ImapQuotarootList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_quotaroot,
        |a, q| {
            let (roots, root_count) = a.byte_list(&q.roots);
            ImapQuotarootInfo {
                mailbox: a.mailbox(&q.mailbox),
                roots,
                root_count,
            }
        },
        |(entries, count), (invalid, invalid_count)| ImapQuotarootList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_quotaroot` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_quotaroot_list_free(list: *mut ImapQuotarootList) {
    free(list)
}

// ----- ACL / MYRIGHTS / LISTRIGHTS ----------------------------------------------------------

/// An identifier and its rights (`user2` `lrs`).
#[repr(C)]
pub struct ImapAclEntry {
    pub identifier: ImapBytes,
    pub rights: ImapBytes,
}

/// An ACL response (RFC 4314): a mailbox and its access control list.
#[repr(C)]
pub struct ImapAclInfo {
    pub mailbox: ImapMailboxName,
    pub entries: *const *const ImapAclEntry,
    pub entry_count: usize,
}

/// The ACL responses of a result.
#[repr(C)]
pub struct ImapAclList {
    pub entries: *const *const ImapAclInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// Parses the ACL responses of `result` (from `imap_getacl`) into `*out`, freed with
/// `imap_acl_list_free`. Follows the parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_acl(
    result: *const ImapResult,
    out: *mut *mut ImapAclList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_acl,
        |a, acl| {
            let v = acl
                .entries
                .iter()
                .map(|e| ImapAclEntry {
                    identifier: a.bytes(&e.identifier),
                    rights: a.bytes(&e.rights),
                })
                .collect();
            let (entries, entry_count) = a.array(v);
            ImapAclInfo {
                mailbox: a.mailbox(&acl.mailbox),
                entries,
                entry_count,
            }
        },
        |(entries, count), (invalid, invalid_count)| ImapAclList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_acl` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_acl_list_free(list: *mut ImapAclList) {
    free(list)
}

/// A MYRIGHTS response: a mailbox and the rights of the logged-in user.
#[repr(C)]
pub struct ImapMyrightsInfo {
    pub mailbox: ImapMailboxName,
    pub rights: ImapBytes,
}

/// The MYRIGHTS responses of a result.
#[repr(C)]
pub struct ImapMyrightsList {
    pub entries: *const *const ImapMyrightsInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// Parses the MYRIGHTS responses of `result` (from `imap_myrights`) into `*out`, freed with
/// `imap_myrights_list_free`. Follows the parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_myrights(
    result: *const ImapResult,
    out: *mut *mut ImapMyrightsList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_myrights,
        |a, m| ImapMyrightsInfo {
            mailbox: a.mailbox(&m.mailbox),
            rights: a.bytes(&m.rights),
        },
        |(entries, count), (invalid, invalid_count)| ImapMyrightsList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_myrights` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_myrights_list_free(list: *mut ImapMyrightsList) {
    free(list)
}

/// A LISTRIGHTS response: the rights always granted to `identifier` on the mailbox
/// (`required`) and the groups of rights that may be granted (each group together).
#[repr(C)]
pub struct ImapListrightsInfo {
    pub mailbox: ImapMailboxName,
    pub identifier: ImapBytes,
    pub required: ImapBytes,
    pub optional: *const *const ImapBytes,
    pub optional_count: usize,
}

/// The LISTRIGHTS responses of a result.
#[repr(C)]
pub struct ImapListrightsList {
    pub entries: *const *const ImapListrightsInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// Parses the LISTRIGHTS responses of `result` (from `imap_listrights`) into `*out`, freed
/// with `imap_listrights_list_free`. Follows the parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_listrights(
    result: *const ImapResult,
    out: *mut *mut ImapListrightsList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_listrights,
        |a, l| {
            let (optional, optional_count) = a.byte_list(&l.optional);
            ImapListrightsInfo {
                mailbox: a.mailbox(&l.mailbox),
                identifier: a.bytes(&l.identifier),
                required: a.bytes(&l.required),
                optional,
                optional_count,
            }
        },
        |(entries, count), (invalid, invalid_count)| ImapListrightsList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_listrights` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_listrights_list_free(list: *mut ImapListrightsList) {
    free(list)
}

// ----- METADATA -----------------------------------------------------------------------------

/// A METADATA entry (`/private/comment`) and its value; `value.data` is NULL for NIL and in
/// unsolicited change notices, which list names only.
#[repr(C)]
pub struct ImapMetadataEntry {
    pub name: ImapBytes,
    pub value: ImapBytes,
}

/// A METADATA response (RFC 5464): the mailbox (empty for server metadata) and its entries.
#[repr(C)]
pub struct ImapMetadataInfo {
    pub mailbox: ImapMailboxName,
    pub entries: *const *const ImapMetadataEntry,
    pub entry_count: usize,
}

/// The METADATA responses of a result.
#[repr(C)]
pub struct ImapMetadataList {
    pub entries: *const *const ImapMetadataInfo,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// The C mirror of one METADATA response.
pub(crate) fn metadata_info(a: &mut Arena, m: &pm::Metadata) -> ImapMetadataInfo {
    let v = m
        .entries
        .iter()
        .map(|e| ImapMetadataEntry {
            name: a.bytes(&e.name),
            value: a.nbytes(e.value.as_deref()),
        })
        .collect();
    let (entries, entry_count) = a.array(v);
    ImapMetadataInfo {
        mailbox: a.mailbox(&m.mailbox),
        entries,
        entry_count,
    }
}

/// Parses the METADATA responses of `result` (from `imap_getmetadata`) into `*out`, freed
/// with `imap_metadata_list_free`. Values sent as literals are read from the literal bytes.
/// Follows the parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_metadata(
    result: *const ImapResult,
    out: *mut *mut ImapMetadataList,
) -> ImapCode {
    per_response(
        result,
        out,
        pm::parse_metadata,
        metadata_info,
        |(entries, count), (invalid, invalid_count)| ImapMetadataList {
            entries,
            count,
            invalid,
            invalid_count,
        },
    )
}

/// Frees what `imap_parse_metadata` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_metadata_list_free(list: *mut ImapMetadataList) {
    free(list)
}

// ----- CAPABILITY ---------------------------------------------------------------------------

/// The capabilities of every CAPABILITY response of a result, as sent (`IMAP4rev1`,
/// `AUTH=PLAIN`...). A result may hold several responses (one kept since login and the
/// command's own), so a name can appear more than once.
#[repr(C)]
pub struct ImapCapabilityList {
    pub capabilities: *const *const ImapBytes,
    pub count: usize,
}

/// Parses the CAPABILITY responses of `result` (from `imap_capability`) into `*out`, freed
/// with `imap_capability_list_free`. Every word is a capability, so this never reports
/// `IMAP_CODE_PARSE`; otherwise follows the parse contract (see `imap_parse_status`).
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_capability(
    result: *const ImapResult,
    out: *mut *mut ImapCapabilityList,
) -> ImapCode {
    parse_result(result, out, |items, a| {
        let (capabilities, count) = a.byte_list(&pm::parse_capability(items));
        (
            ImapCapabilityList {
                capabilities,
                count,
            },
            true,
        )
    })
}

/// Frees what `imap_parse_capability` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_capability_list_free(list: *mut ImapCapabilityList) {
    free(list)
}
