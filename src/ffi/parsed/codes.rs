//! Response codes (`imap_parse_code`), the SELECT/EXAMINE summary (`imap_client_mailbox`) and
//! the mailbox name encoding setting (`imap_set_mailbox_encoding`).

use super::{flag, free, give, opt, Arena, ImapBytes, ImapInvalid, ImapSeqRange};
use crate::ffi::client::{configure, ImapClient};
use crate::ffi::code::ImapCode;
use crate::ffi::panic::boundary;
use crate::ffi::result::ImapResult;
use crate::proto::parse;
use crate::proto::parsed::{ResponseCode, SelectSummary};
use crate::session::{Error, ErrorKind, MailboxEncoding, State};
use std::ptr;

/// Which response code `imap_response_code.kind` holds.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapResponseCodeKind {
    /// The tagged text has no response code.
    None = 0,
    Alert = 1,
    Parse = 2,
    ReadOnly = 3,
    ReadWrite = 4,
    Trycreate = 5,
    Uidnotsticky = 6,
    Closed = 7,
    Nomodseq = 8,
    /// `number` holds the value.
    Uidnext = 9,
    /// `number` holds the value.
    Uidvalidity = 10,
    /// `number` holds the first unseen message's number.
    Unseen = 11,
    /// `number` holds the value.
    Highestmodseq = 12,
    /// `atoms` holds the flags.
    Permanentflags = 13,
    /// `atoms` holds the charsets.
    Badcharset = 14,
    /// `atoms` holds the capabilities.
    Capability = 15,
    /// RFC 4315: `number` is the destination's UIDVALIDITY, `uids` the UIDs the appended
    /// messages got.
    Appenduid = 16,
    /// RFC 4315: `number` is the destination's UIDVALIDITY, `source_uids` the copied
    /// messages' UIDs and `uids` the UIDs they got, in the same order.
    Copyuid = 17,
    /// RFC 7162: `uids` holds the messages that failed a conditional STORE.
    Modified = 18,
    /// Any other code (RFC 5530's `AUTHENTICATIONFAILED`, `REFERRAL`...): see `name` and
    /// `data`.
    Other = 19,
    /// A known code whose data breaks its grammar (`[UIDVALIDITY 0]`, a UID beyond 32 bits,
    /// a missing field): `name` and `data` hold it as sent, and `imap_parse_code` returns
    /// `IMAP_CODE_PARSE`.
    Invalid = 20,
    /// RFC 8474 (SELECT, EXAMINE, CREATE): `atoms` holds the mailbox's object id, one atom.
    Mailboxid = 21,
}

/// The response code of a result's tagged text (`[APPENDUID 38505 3955]`). Fields beyond
/// `kind`, `name` and `data` are filled as `imap_response_code_kind` says, zero/NULL
/// otherwise. UID sets are kept as ranges (`1:4294967295` is one range).
#[repr(C)]
pub struct ImapResponseCode {
    pub kind: ImapResponseCodeKind,
    /// The code's name, upper-cased (`APPENDUID`); NIL when there is no code.
    pub name: ImapBytes,
    /// The code's data as sent (`38505 3955`); NIL when it has none.
    pub data: ImapBytes,
    pub number: u64,
    pub atoms: *const *const ImapBytes,
    pub atom_count: usize,
    pub uids: *const *const ImapSeqRange,
    pub uid_count: usize,
    pub source_uids: *const *const ImapSeqRange,
    pub source_uid_count: usize,
    /// 1 when `number` holds a value (UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ, APPENDUID,
    /// COPYUID), 0 otherwise (`number` is then 0). Appended in 1.0.
    pub has_number: i32,
}

fn response_code(a: &mut Arena, text: Option<&[u8]>) -> ImapResponseCode {
    let mut out = ImapResponseCode {
        kind: ImapResponseCodeKind::None,
        name: ImapBytes::NIL,
        data: ImapBytes::NIL,
        number: 0,
        atoms: ptr::null(),
        atom_count: 0,
        uids: ptr::null(),
        uid_count: 0,
        source_uids: ptr::null(),
        source_uid_count: 0,
        has_number: 0,
    };
    let Some(raw) = text.and_then(parse::response_code) else {
        return out;
    };
    out.name = a.bytes(raw.name.to_ascii_uppercase().as_bytes());
    out.data = a.nbytes(raw.data.as_deref());
    use ImapResponseCodeKind as K;
    let mut atoms = |a: &mut Arena, l: &[Vec<u8>]| {
        (out.atoms, out.atom_count) = a.byte_list(l);
    };
    out.kind = match ResponseCode::from_parts(&raw.name, raw.data.as_deref()) {
        ResponseCode::Alert => K::Alert,
        ResponseCode::Parse => K::Parse,
        ResponseCode::ReadOnly => K::ReadOnly,
        ResponseCode::ReadWrite => K::ReadWrite,
        ResponseCode::TryCreate => K::Trycreate,
        ResponseCode::UidNotSticky => K::Uidnotsticky,
        ResponseCode::Closed => K::Closed,
        ResponseCode::NoModSeq => K::Nomodseq,
        ResponseCode::UidNext(n) => {
            out.number = n.into();
            K::Uidnext
        }
        ResponseCode::UidValidity(n) => {
            out.number = n.into();
            K::Uidvalidity
        }
        ResponseCode::Unseen(n) => {
            out.number = n.into();
            K::Unseen
        }
        ResponseCode::HighestModSeq(n) => {
            out.number = n;
            K::Highestmodseq
        }
        ResponseCode::PermanentFlags(l) => {
            atoms(a, &l);
            K::Permanentflags
        }
        ResponseCode::BadCharset(l) => {
            atoms(a, &l);
            K::Badcharset
        }
        ResponseCode::Capability(l) => {
            atoms(a, &l);
            K::Capability
        }
        ResponseCode::AppendUid { uidvalidity, uids } => {
            out.number = uidvalidity.into();
            (out.uids, out.uid_count) = a.ranges(&uids);
            K::Appenduid
        }
        ResponseCode::CopyUid {
            uidvalidity,
            source,
            dest,
        } => {
            out.number = uidvalidity.into();
            (out.source_uids, out.source_uid_count) = a.ranges(&source);
            (out.uids, out.uid_count) = a.ranges(&dest);
            K::Copyuid
        }
        ResponseCode::Modified(set) => {
            (out.uids, out.uid_count) = a.ranges(&set);
            K::Modified
        }
        ResponseCode::MailboxId(id) => {
            atoms(a, &[id]);
            K::Mailboxid
        }
        ResponseCode::Other { .. } => K::Other,
        ResponseCode::Invalid { .. } => K::Invalid,
    };
    out.has_number = flag(matches!(
        out.kind,
        K::Uidnext | K::Uidvalidity | K::Unseen | K::Highestmodseq | K::Appenduid | K::Copyuid
    ));
    out
}

/// Parses the response code of `result`'s tagged text (`[APPENDUID 38505 3955] Append
/// completed`, `[TRYCREATE]`, `[COPYUID ...]`) into `*out`, freed with
/// `imap_response_code_free`. A result without a code (or without a tagged reply, such as
/// `imap_response`'s) gives kind `IMAP_RESPONSE_CODE_KIND_NONE`. A known code whose data
/// breaks its grammar (`[UIDVALIDITY 0]`, `[APPENDUID 1 4294967296]`) gives kind
/// `IMAP_RESPONSE_CODE_KIND_INVALID` with its name and data as sent, and `IMAP_CODE_PARSE`
/// (the object is still delivered).
/// `IMAP_CODE_INVALID_ARGUMENT` when `result` or `out` is NULL. `result` is only read; the
/// object does not borrow it. No handle is needed; any thread may call.
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_code(
    result: *const ImapResult,
    out: *mut *mut ImapResponseCode,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let Some(r) = result.as_ref() else {
            return ImapCode::InvalidArgument;
        };
        let mut a = Arena::default();
        let code = response_code(&mut a, r.tagged_text());
        let valid = code.kind != ImapResponseCodeKind::Invalid;
        give(out, code, a);
        if valid {
            ImapCode::Ok
        } else {
            ImapCode::Parse
        }
    })
}

/// Frees what `imap_parse_code` gave. NULL is ignored.
///
/// # Safety
/// `code` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_response_code_free(code: *mut ImapResponseCode) {
    free(code)
}

/// What SELECT or EXAMINE reported about the selected mailbox (`has_*` 0 for what the server
/// did not send).
#[repr(C)]
pub struct ImapMailboxInfo {
    pub has_exists: i32,
    pub exists: u32,
    pub has_recent: i32,
    pub recent: u32,
    /// `[UNSEEN n]`: the number of the first unseen message.
    pub has_unseen: i32,
    pub unseen: u32,
    pub has_uidvalidity: i32,
    pub uidvalidity: u32,
    pub has_uidnext: i32,
    pub uidnext: u32,
    /// FLAGS: the flags defined in the mailbox.
    pub has_flags: i32,
    pub flags: *const *const ImapBytes,
    pub flag_count: usize,
    /// `[PERMANENTFLAGS (...)]`: the flags that can be changed permanently (`\*`: new
    /// keywords too).
    pub has_permanent_flags: i32,
    pub permanent_flags: *const *const ImapBytes,
    pub permanent_flag_count: usize,
    /// `[HIGHESTMODSEQ n]` (RFC 7162).
    pub has_highest_modseq: i32,
    pub highest_modseq: u64,
    /// 1 if `[NOMODSEQ]` was sent.
    pub no_modseq: i32,
    /// 1 for `[READ-ONLY]`, 0 for `[READ-WRITE]`, -1 if neither was sent.
    pub read_only: i32,
    /// Values that broke their grammar (`* 4294967296 EXISTS`, `[UIDVALIDITY 0]`), with why
    /// and their bytes as received; the field they belong to is absent (`has_*` 0). When
    /// there are any, `imap_client_mailbox` returns `IMAP_CODE_PARSE` (with the object).
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
    /// RFC 7162: the UIDs of the VANISHED responses kept (the `VANISHED (EARLIER)` of
    /// `imap_select_qresync`, and those that came since), as ranges in the order sent.
    /// `imap_response(c, "VANISHED", ...)` takes them away. Appended in 1.2.
    pub vanished: *const *const ImapSeqRange,
    pub vanished_count: usize,
    /// RFC 8474 `[MAILBOXID (id)]`: the mailbox's immutable object id; NIL when not sent.
    /// Appended in 1.2.
    pub mailbox_id: ImapBytes,
}

pub(crate) fn mailbox_info(a: &mut Arena, s: &SelectSummary) -> ImapMailboxInfo {
    let mut list = |l: &Option<Vec<Vec<u8>>>| match l {
        Some(l) => (1, a.byte_list(l)),
        None => (0, (ptr::null(), 0)),
    };
    let (has_flags, (flags, flag_count)) = list(&s.flags);
    let (has_permanent_flags, (permanent_flags, permanent_flag_count)) = list(&s.permanent_flags);
    let (has_exists, exists) = opt(s.exists);
    let (has_recent, recent) = opt(s.recent);
    let (has_unseen, unseen) = opt(s.unseen);
    let (has_uidvalidity, uidvalidity) = opt(s.uidvalidity);
    let (has_uidnext, uidnext) = opt(s.uidnext);
    let (has_highest_modseq, highest_modseq) = opt(s.highest_modseq);
    let bad = s.invalid.iter().map(|i| a.invalid(i)).collect();
    let (invalid, invalid_count) = a.array(bad);
    let (vanished, vanished_count) = a.ranges(&s.vanished);
    ImapMailboxInfo {
        has_exists,
        exists,
        has_recent,
        recent,
        has_unseen,
        unseen,
        has_uidvalidity,
        uidvalidity,
        has_uidnext,
        uidnext,
        has_flags,
        flags,
        flag_count,
        has_permanent_flags,
        permanent_flags,
        permanent_flag_count,
        has_highest_modseq,
        highest_modseq,
        no_modseq: flag(s.no_modseq),
        read_only: s.read_only.map_or(-1, i32::from),
        invalid,
        invalid_count,
        vanished,
        vanished_count,
        mailbox_id: a.nbytes(s.mailbox_id.as_deref()),
    }
}

/// The summary of the selected mailbox in `*out` (free with `imap_mailbox_info_free`): EXISTS,
/// RECENT, FLAGS and the UNSEEN, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, HIGHESTMODSEQ,
/// NOMODSEQ, MAILBOXID and READ-ONLY/READ-WRITE codes and the VANISHED UIDs (an IMAP4rev2
/// server sends no RECENT: `has_recent` is then 0), read from the untagged responses the
/// handle keeps (imaplib's `untagged_responses`) without removing them, so `imap_response`
/// still returns them. `imap_select`'s own data has only EXISTS: call this right after
/// `imap_select` or `imap_examine`, before other commands or `imap_response` calls change
/// what is kept (later EXISTS/RECENT responses update the counts; `imap_response(c,
/// "EXISTS")` removes them).
/// `IMAP_CODE_ILLEGAL_STATE` when no mailbox is selected; `IMAP_CODE_INVALID_ARGUMENT` when
/// `client` or `out` is NULL; `IMAP_CODE_PARSE` (the object is still delivered) when a kept
/// value broke its grammar (`[UIDVALIDITY 0]`): see its `invalid` list. A call on the handle
/// (serialized with its other calls).
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_client_mailbox(
    client: *mut ImapClient,
    out: *mut *mut ImapMailboxInfo,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let mut bad: Option<String> = None;
        let code = configure(client, |s| {
            if s.state() != State::Selected {
                return Err(Error::new(
                    ErrorKind::IllegalState,
                    format!("no mailbox is selected (state {})", s.state().name()),
                ));
            }
            let mut a = Arena::default();
            let summary = SelectSummary::from_store(s.untagged());
            bad = summary.invalid.first().map(|i| i.error.message.clone());
            let info = mailbox_info(&mut a, &summary);
            // SAFETY: `out` was checked non-NULL and is writable by contract.
            unsafe { give(out, info, a) };
            Ok(())
        });
        match bad {
            Some(why) if code == ImapCode::Ok => {
                // SAFETY: `configure` returned OK, so `client` is a live handle.
                if let Some(c) = unsafe { client.as_ref() } {
                    c.set_error(&format!("mailbox data could not be parsed: {why}"));
                }
                ImapCode::Parse
            }
            _ => code,
        }
    })
}

/// Frees what `imap_client_mailbox` gave. NULL is ignored.
///
/// # Safety
/// `info` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_mailbox_info_free(info: *mut ImapMailboxInfo) {
    free(info)
}

/// How mailbox names given to libimap reach the server (`imap_set_mailbox_encoding`).
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapMailboxEncoding {
    /// The default: a name with non-ASCII characters is converted from UTF-8 to modified
    /// UTF-7 (RFC 3501 §5.1.3) before it is sent; ASCII names go unchanged (as imaplib sends
    /// them, so an already encoded `&ZeVnLIqe-` also works); in UTF-8 mode (`imap_enable` of
    /// UTF8=ACCEPT) names go as UTF-8.
    Utf7 = 0,
    /// Names are sent as given, as imaplib does: the caller encodes them.
    Raw = 1,
}

/// An `imap_mailbox_encoding` argument, taken as the `int32_t` C may pass (the header names it
/// by its enum type, see cbindgen.toml).
pub type ImapMailboxEncodingArg = i32;

/// Sets how the mailbox names of every command taking one (select, examine, create, delete,
/// rename, subscribe, unsubscribe, status, append, copy, move, `imap_uid` COPY/MOVE, list and
/// lsub's reference and pattern, the ACL, QUOTAROOT, ANNOTATION and METADATA commands) are
/// sent: `IMAP_MAILBOX_ENCODING_UTF7` (default) or `IMAP_MAILBOX_ENCODING_RAW`. Names the
/// server returns are decoded by the parsers regardless (`imap_mailbox_name`). Another value
/// gives `IMAP_CODE_INVALID_ARGUMENT`. Kept across reconnections of the handle.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_mailbox_encoding(
    client: *mut ImapClient,
    mode: ImapMailboxEncodingArg,
) -> ImapCode {
    configure(client, |s| {
        s.set_mailbox_encoding(match mode {
            0 => MailboxEncoding::Utf7,
            1 => MailboxEncoding::Raw,
            m => return Err(Error::invalid(format!("unknown mailbox encoding {m}"))),
        });
        Ok(())
    })
}
