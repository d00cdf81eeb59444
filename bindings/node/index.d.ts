// Type declarations of the libimap Node.js binding (CommonJS entry: index.cjs; the ESM entry
// index.mjs has the same exports, declared in index.d.mts).

/// <reference types="node" />
import type { Readable } from 'node:stream';
import { EventEmitter } from 'node:events';

/**
 * One element of a result's `data`, as imaplib's:
 *  - a `Buffer`: one response line (without CRLF);
 *  - a `[header, literal]` pair: the line that announced a literal, and the literal's bytes;
 *  - `[header, null, size]`: a literal that went to the literal handler (`setLiteralHandler`,
 *    `fetchStream`) instead of being buffered: no bytes, only its size;
 *  - `null`: imaplib's `None` (e.g. `response('X')` when there was no X).
 */
export type ImapItem = Buffer | [header: Buffer, literal: Buffer] | StreamedLiteralItem | null;

/** A streamed literal in a result's `data`: the announcing line, null, and the literal's size. */
export type StreamedLiteralItem = [header: Buffer, literal: null, size: number];

/**
 * One chunk of a streamed literal, given to a literal handler. Every Buffer is a copy made
 * before the handler is called (libimap's memory is only valid during the callback): it may
 * be kept or written out later.
 */
export interface LiteralChunk {
  /** The line that announced the literal, without CRLF: `* 7 FETCH (UID 42 BODY[] {1234}`. */
  line: Buffer;
  /** The literal's whole size in bytes. */
  size: number;
  /** Where `data` starts in the literal. */
  offset: number;
  /** The chunk's bytes (empty for a literal of size 0, which gets one call). */
  data: Buffer;
}

/**
 * Receives the chunks of streamed literals, synchronously, on the main thread (the worker
 * running the call waits). Return nothing to go on, `false` to stop; a throw stops too. A
 * stop fails the call with ImapError ABORT (`cause`: what was thrown) and closes the
 * connection. A Promise cannot be waited for: returning one stops the transfer (TypeError).
 */
export type LiteralHandler = (chunk: LiteralChunk) => void | boolean;

export interface FetchStreamOptions {
  /** Receives every literal of at least `minSize` bytes, chunk by chunk. */
  onChunk: LiteralHandler;
  /** Smaller literals are buffered as usual. Default 0: every literal is streamed. */
  minSize?: number | bigint;
  /** UID FETCH (`messageSet` holds UIDs). Default false. */
  uid?: boolean;
  /**
   * `true`: each chunk's `line` and `data` are two Buffers of this call reused for every
   * chunk, valid until `onChunk` returns (copy what you keep): no allocation per chunk, so
   * memory stays constant however large the transfer. Default false: fresh copies.
   */
  reuse?: boolean;
}

/**
 * The result of a command: imaplib's `(typ, data)` plus the tagged reply.
 * Lines and short literals are copied out of libimap's result; a literal of 1 KiB or more is a
 * Buffer over the result's memory (no copy), freed once every such Buffer is collected
 * (`zeroCopy: false` in the connect options copies everything).
 */
export interface ImapResponse {
  /** imaplib's `typ`: 'OK', 'NO', 'BAD', 'BYE' (logout) or the name given to `response()`. */
  type: string;
  /** imaplib's `data`. */
  data: ImapItem[];
  /** The tagged status ('OK', 'NO', 'BAD'), or null when no tagged reply (logout, response()). */
  status: string | null;
  /** The tagged text ("[READ-WRITE] Select completed"), decoded as UTF-8; '' when none. */
  text: string;
  /** The response code of the tagged text ('APPENDUID', 'READ-ONLY'...), or null. */
  code: string | null;
  /** The response code's data ('38505 3955' for [APPENDUID 38505 3955]), or null without a code. */
  codeData: string | null;
  /** The response code parsed (imap_parse_code), or null without a code. */
  parsedCode: ResponseCode | null;
}

/** imaplib's states. */
export type ImapState = 'LOGOUT' | 'NONAUTH' | 'AUTH' | 'SELECTED' | 'IDLING';

/** The short names of the C status codes (enum imap_code). */
export type ImapCodeKind =
  | 'OK'
  | 'NO'
  | 'BAD'
  | 'ABORT'
  | 'READONLY'
  | 'INVALID_ARGUMENT'
  | 'ILLEGAL_STATE'
  | 'TIMEOUT'
  | 'INTERRUPTED'
  | 'TLS'
  | 'LIMIT'
  | 'CLOSED'
  | 'CONNECT'
  | 'INTERNAL'
  | 'UNSUPPORTED'
  | 'PARSE';

/** Status codes of the C ABI, by short name (Code.NO === 1). Numbers are stable. */
/** The bits of FetchMessage.quirks (IMAP_QUIRK_* in imap.h). */
export declare const Quirk: Readonly<{
  /** A literal right after an atom, without the space: BODY[]<0>{100} (GreenMail). */
  LITERAL_WITHOUT_SPACE: number;
  /** A space before ')', after '(', two spaces, a tab or a trailing space (qq.com). */
  EXTRA_SPACE: number;
  /** A '"' inside a quoted string without its backslash, kept as content (163.com). */
  UNESCAPED_QUOTE: number;
  /** An ENVELOPE group ended with (NIL NIL "" NIL) (Courier). */
  GROUP_END_EMPTY_MAILBOX: number;
  /** An ENVELOPE group never ended (Yahoo); no end entry is made up. */
  GROUP_NOT_CLOSED: number;
  /** An ENVELOPE group end with no group open, kept as an end entry. */
  GROUP_END_WITHOUT_START: number;
  /** A number sent as a quoted string (RFC822.SIZE "1234"), read as the number. */
  QUOTED_NUMBER: number;
  /** A required field sent as NIL or left out (Mail.ru's ("boundary" NIL), a NIL encoding). */
  NIL_FIELD: number;
}>;

/**
 * The bits of ListEntry.attrs (IMAP_LIST_ATTR_* in imap.h): the LIST attributes the library
 * knows. NONEXISTENT sets NOSELECT too; SPECIAL_USE masks the RFC 6154 special uses.
 */
export declare const ListAttr: Readonly<{
  NOINFERIORS: number;
  NOSELECT: number;
  MARKED: number;
  UNMARKED: number;
  NONEXISTENT: number;
  SUBSCRIBED: number;
  REMOTE: number;
  HASCHILDREN: number;
  HASNOCHILDREN: number;
  ALL: number;
  ARCHIVE: number;
  DRAFTS: number;
  FLAGGED: number;
  JUNK: number;
  SENT: number;
  TRASH: number;
  IMPORTANT: number;
  /** CHILDINFO ("SUBSCRIBED"): a child of the mailbox is subscribed. */
  CHILD_SUBSCRIBED: number;
  /** Every special-use bit (ALL ... TRASH, IMPORTANT). */
  SPECIAL_USE: number;
}>;

export declare const Code: Readonly<{
  OK: 0;
  NO: 1;
  BAD: 2;
  ABORT: 3;
  READONLY: 4;
  INVALID_ARGUMENT: 10;
  ILLEGAL_STATE: 11;
  TIMEOUT: 12;
  INTERRUPTED: 13;
  TLS: 14;
  LIMIT: 15;
  CLOSED: 16;
  CONNECT: 17;
  INTERNAL: 18;
  UNSUPPORTED: 19;
  PARSE: 20;
}>;

/** `imap_code_name`: 'IMAP_CODE_NO', or 'IMAP_CODE_UNKNOWN'. */
export declare function codeName(code: number): string;
/** `imap_code_str`: a short English description of a code. */
export declare function codeDescription(code: number): string;
/**
 * The libimap the binding loaded: the package's own prebuilds/<platform>/libimap.so.1, the
 * optional package @libimap/<platform>, $LIBIMAP_PATH, ../../target/release/libimap.so in a
 * checkout, or the system's libimap.so.1 (first found).
 */
export declare const libraryPath: string;
/** Where `libraryPath` was found. */
export declare const librarySource: 'package' | 'platform-package' | 'env' | 'repository' | 'system';

/** The error every failing call rejects with (argument type errors reject with a TypeError). */
export declare class ImapError extends Error {
  name: 'ImapError';
  /** The symbolic name of the C status: 'IMAP_CODE_NO', 'IMAP_CODE_TLS'... */
  code: `IMAP_CODE_${ImapCodeKind}` | 'IMAP_CODE_UNKNOWN';
  /** The same without the prefix: 'NO', 'TLS'... */
  kind: ImapCodeKind | 'UNKNOWN';
  /** The numeric C status (one of `Code`). */
  status: number;
  /** `imap_code_str(status)`. */
  description: string;
  /** The server's tagged text when there was a tagged reply (NO, BAD), else null. */
  text: string | null;
  /** ABORT from a literal handler that threw: what it threw. */
  cause?: unknown;
  /** The command's result when libimap delivered one (NO, BAD, READONLY, PARSE), else null. */
  result: ImapResponse | null;
  /**
   * IMAP_CODE_PARSE (a `*Parsed` method): the value the method would have resolved to, every
   * part that parsed filled in and the bad entries marked (a FetchMessage's `error`); else null.
   */
  parsed: unknown;
  /** IMAP_CODE_PARSE: the responses that did not parse, with their raw bytes; else null. */
  invalid: InvalidResponse[] | null;
}

/** Options of `Client.connect` / `new Client`. */
/** The SCRAM mechanisms of `Client.loginScram`. */
export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-256-PLUS' | 'SCRAM-SHA-1' | 'SCRAM-SHA-1-PLUS';

export interface ConnectOptions {
  /**
   * imaplib's IMAP4_stream: run this command with `/bin/sh -c` and speak IMAP over its
   * stdin/stdout instead of connecting (`host`, `port`, `tls` and the TLS options are ignored).
   * A PREAUTH greeting gives state 'AUTH'.
   */
  command?: string;
  /** Host name or address; default: localhost. */
  host?: string;
  /** Port; default 0 = 143, or 993 with tls 'implicit'. */
  port?: number;
  /** How the connection is secured; default 'implicit' (TLS from the first byte). */
  tls?: 'implicit' | 'starttls' | 'none';
  /** A PEM file of CA certificates trusted besides the system's: every certificate in it, in
   *  any order. A file with none, or a broken one, fails with IMAP_CODE_TLS. */
  ca?: string;
  /** A directory of CA certificates in OpenSSL's hashed layout (`openssl rehash`), trusted
   *  besides the system's; read as verifications need them (imap_set_ca_dir). */
  caDir?: string;
  /** Whether the system's CA certificates are trusted (default true). `false`: only `ca` and
   *  `caDir` (imap_set_tls_system_roots). */
  systemCa?: boolean;
  /** The host name to verify the certificate against and to send as SNI, instead of `host`:
   *  for connecting by address (imap_set_tls_server_name). As tls.connect's `servername`. */
  servername?: string;
  /** The oldest TLS version accepted (default 'TLSv1.2'), named as tls.connect's minVersion. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** A client certificate (PEM) to present, with `key`. */
  cert?: string;
  /** The client certificate's PKCS#8 private key (PEM), with `cert`. */
  key?: string;
  /** Turns certificate and host name verification off. For tests only. */
  insecure?: boolean;
  /**
   * Whether `login()` may send the password itself (AUTHENTICATE PLAIN, the LOGIN command)
   * over a connection without TLS when the server offers no challenge-response mechanism
   * (imap_set_plaintext_password). Default false: such a login rejects with UNSUPPORTED and
   * nothing is sent. `loginCommand` and `loginPlain` always do what they are asked.
   */
  allowPlaintextPassword?: boolean;
  /**
   * The largest APPEND message sent at once, without waiting for the server's continuation,
   * when the server offers LITERAL+ or LITERAL- (RFC 7888; imap_set_nonsync_literal_max).
   * Default 4096; 0 makes every message literal synchronizing, as imaplib does. A message from
   * `appendStream` always waits.
   */
  nonSyncLiteralMax?: number;
  /**
   * Send COMPRESS DEFLATE (RFC 4978) after every successful login when the server offers it
   * (imap_set_compress); a refusal leaves the connection uncompressed. Default false (imaplib
   * has no COMPRESS). See `compress()` and `isCompressed`.
   */
  compress?: boolean;
  /**
   * Send ENABLE IMAP4rev2 after each successful login when the server offers IMAP4rev2
   * (RFC 9051; imap_set_auto_imap4rev2). Default false, as imaplib. See Client.imap4rev2.
   */
  imap4rev2?: boolean;
  /** I/O timeout: the longest wait for bytes, reading or writing, in ms (default 60000). */
  timeout?: number;
  /** Connect timeout in ms (default 30000). */
  connectTimeout?: number;
  /**
   * The deadline of every call in ms (default: the I/O timeout), pushed back while at least
   * `minRate` bytes/s flow, to at most `callTimeout` ahead (imap_set_call_timeout).
   */
  callTimeout?: number;
  /** Bytes per second that keep pushing the call deadline back (default 1024; 0: fixed). */
  minRate?: number;
  /** Memory limits, in bytes (unset: libimap's defaults). */
  limits?: { maxLine?: number | bigint; maxLiteral?: number | bigint; maxResponse?: number | bigint; maxUntagged?: number | bigint };
  /**
   * imaplib's debug level (imap_set_debug): 0 silent, 1 connection events and NO/BAD/BYE,
   * 3 capabilities, 4 every line sent and received, 5 more; passwords always redacted. Written
   * to `logger` when there is one (default level then 3), else by libimap to stderr. `true` is 1.
   */
  debug?: number | boolean;
  /** `true`: debug level 4 at least (every line sent and received). */
  trace?: boolean;
  /**
   * Receives libimap's log (imap_set_log_callback), imapflow-style: `logger.error/warn/info/
   * debug({ msg, level, src: 'libimap' })` (level 5 goes to `trace`, or `debug`). Called on the
   * main thread while the call that logs waits on its worker.
   */
  logger?: Logger;
  /**
   * How mailbox names reach the server (imap_set_mailbox_encoding): 'utf7' (default: a
   * non-ASCII name is sent in modified UTF-7, ASCII names unchanged) or 'raw' (as given).
   */
  mailboxEncoding?: MailboxEncoding;
  /**
   * `true` (default): a literal of 1 KiB or more (a message body) in an `ImapResponse` is a
   * Buffer over libimap's own memory, without a copy; that memory is freed when the garbage
   * collector has collected every such Buffer of the result (and every Buffer or typed array
   * made over one). `false`: every byte is copied and the native result freed at once (lower
   * peak memory in a loop that drops large results, more CPU and twice the memory for results
   * that are kept).
   */
  zeroCopy?: boolean;
  /**
   * Progress of every literal received (FETCH bodies, streamed or buffered: 'download') or sent
   * (APPEND: 'upload'), one call per chunk and a last one with done === total
   * (imap_set_progress_callback). Called on the main thread while the call waits on its worker.
   */
  onProgress?: (progress: Progress) => void;
  /**
   * imapflow's automatic IDLE: while a mailbox is selected and no call is in progress, the
   * client is in IDLE (entered `delay` ms, default 50, after the last call settled); a call
   * ends it (DONE, sent in the chain before the call) and IDLE resumes after. The server's
   * updates become events ('exists', 'expunge', 'vanished', 'flags', 'update'). Needs the IDLE capability
   * (without it, 'error' once and no more IDLE). Off by default; `client.idle()` stays for
   * explicit IDLE.
   */
  autoIdle?: boolean | { delay?: number };
}

/** One report of `ConnectOptions.onProgress`. */
export interface Progress {
  direction: 'download' | 'upload';
  /** Bytes of this literal done so far. */
  done: number;
  /** The literal's size. */
  total: number;
}

/** Options of `appendStream`. */
export interface AppendStreamOptions {
  /** The message's exact size in bytes (required: IMAP sends it before the message). */
  size: number | bigint;
  /** Flags to set, each checked as a flag atom ('\\Seen', '$Label'). */
  flags?: string[];
  /** The internal date, quoted as IMAP writes it ('"05-Dec-2026 17:00:00 +0000"'), or null. */
  date?: string | null;
}

/** Options of `fetchBody`. */
export interface FetchBodyOptions {
  /** `id` is a UID (UID FETCH), not a sequence number. */
  uid?: boolean;
  /** The section: '' (default, the whole message), '1.2', 'HEADER', 'TEXT', '2.MIME'... */
  section?: string;
  /** Bytes asked for per partial FETCH, also the stream's highWaterMark (default 1 MiB). */
  chunkSize?: number;
  /** false: BODY[] (sets \\Seen) instead of BODY.PEEK[] (default). */
  peek?: boolean;
}

/** The Readable of `fetchBody`: Buffers of the body in order, and 'progress' events. */
export interface BodyStream extends Readable {
  on(event: 'progress', listener: (p: { done: number; total: number | null }) => void): this;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** A logger object as imapflow takes (pino, console-like): missing methods are skipped. */
export interface Logger {
  error?(entry: LogEntry): void;
  warn?(entry: LogEntry): void;
  info?(entry: LogEntry): void;
  debug?(entry: LogEntry): void;
  trace?(entry: LogEntry): void;
}

/** One libimap log message. */
export interface LogEntry {
  msg: string;
  level: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  src: 'libimap';
}

/** Options of `fetchEach`. */
export interface FetchEachOptions {
  /** UID FETCH (the set holds UIDs). Default false. */
  uid?: boolean;
  /** Messages pulled from the library per worker call (imap_fetch_next's max). Default 64. */
  batch?: number;
}

/** The answer to one SASL challenge: the bytes to send (unencoded), or null/undefined to abort. */
export type SaslResponse = Buffer | Uint8Array | string | null | undefined;

export interface AuthenticateOptions {
  /** An initial response sent with the command (SASL-IR). */
  initial?: Buffer | Uint8Array | string;
}

export interface IdleOptions {
  /** End the iteration after this many ms (imaplib's idle(duration)); done() is still needed. */
  duration?: number;
}

/**
 * An IDLE session (`client.idle()`): an async iterator of the server's updates (type 'EXISTS',
 * 'EXPUNGE', 'FETCH', 'OK'...), and `done()` to leave IDLE.
 */
export declare class Idle implements AsyncIterableIterator<ImapResponse> {
  private constructor();
  /** The result of IDLE (the server's continuation text). */
  readonly started: ImapResponse;
  [Symbol.asyncIterator](): this;
  next(): Promise<IteratorResult<ImapResponse, undefined>>;
  /** Ends a for-await loop (break); IDLE goes on until done(). */
  return(): Promise<IteratorResult<ImapResponse, undefined>>;
  /** Wakes the wait in progress (imap_wake: nothing closed), sends DONE, resolves to the tagged reply. Idempotent. */
  done(): Promise<ImapResponse>;
  [Symbol.asyncDispose](): Promise<ImapResponse>;
}

/** GETQUOTAROOT's two results (imaplib's [quotaroot data, quota data]). */
export interface QuotaRootResponse {
  /** The QUOTAROOT lines ('INBOX "User quota"'). */
  quotaroot: ImapResponse;
  /** The QUOTA lines ('"User quota" (STORAGE 10 512)'). */
  quota: ImapResponse;
}

/** Name/value pairs for setmetadata() and id(): a null value is sent as NIL. */
export type NameValues = Record<string, string | null> | Array<[name: string, value: string | null]>;

/** A broken-down date at a UTC offset (struct imap_tm): month 1..12, offsetSeconds east of UTC. */
export interface ImapTm {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetSeconds: number;
}

/** internaldate2tuple's result. */
export interface InternalDate {
  /** The instant. */
  date: Date;
  /** The zone written in the date, seconds east of UTC ('+0200' is 7200). */
  offsetSeconds: number;
  /** The date as written (at `offsetSeconds`). */
  tm: ImapTm;
}

// ---------------------------------------------------------------------------------------------
// parsed results

/** 'utf7' (default) or 'raw': see `ConnectOptions.mailboxEncoding`. */
export type MailboxEncoding = 'utf7' | 'raw';

/** A typed argument of searchArgs/sortArgs; build it with `arg`. */
export interface Arg {
  readonly kind: 'atom' | 'string' | 'number' | 'list';
  readonly value: string | readonly Arg[];
}

/** Builders of typed arguments: the library sends each by its kind. */
export declare const arg: Readonly<{
  /** A keyword, date, flag keyword or sequence set sent as it is ('SUBJECT', '1:*'). */
  atom(value: string): Arg;
  /** A string value: quoted, or sent as a literal when it is not 7-bit. */
  string(value: string): Arg;
  /** A non-negative integer. */
  number(value: number | bigint): Arg;
  /** A parenthesised group. */
  list(...items: Arg[]): Arg;
}>;

/** Why a response did not parse (imap_invalid_kind). */
export type InvalidKind = 'SYNTAX' | 'DEPTH' | 'NUMBER' | 'SHAPE' | 'TRUNCATED' | 'ENCODING';

/** A response that could not be parsed, with its raw bytes (without `* ` and the response name). */
export interface InvalidResponse {
  kind: InvalidKind;
  /** An English description. */
  message: string;
  raw: Buffer;
}

/** A UID set: '1:40,42' or ranges (no `*`). */
export type UidSet = string | SeqRange[];

/** A VANISHED response (RFC 7162): UIDs expunged, as ranges (1:4294967295 is one range). */
export interface VanishedInfo {
  /** VANISHED (EARLIER): reported for a QRESYNC select or a UID FETCH with VANISHED, not just now. */
  earlier: boolean;
  uids: SeqRange[];
}

/** The result of a conditional STORE. */
export interface ConditionalStore extends ImapResponse {
  /** The messages that failed the condition ([MODIFIED]); [] when every one was changed. */
  modified: SeqRange[];
}

/** What a sync client saved: the mailbox's UIDVALIDITY and HIGHESTMODSEQ and the UIDs it has. */
export interface ResyncState {
  uidValidity: number;
  highestModseq: bigint | number;
  knownUids?: UidSet | null;
  /** EXAMINE instead of SELECT. */
  readonly?: boolean;
}

/** A message added or changed since the saved state. */
export interface ChangedMessage {
  uid: number;
  modseq: bigint | null;
  flags: string[];
}

/** What resync() found. */
export interface MailboxChanges {
  method: 'qresync' | 'condstore' | 'none';
  /** Why the changes cannot be known (sync from scratch; the lists are empty), or null. */
  fullResync: 'uidvalidity' | 'nomodseq' | 'no_condstore' | null;
  /** The mailbox as selected now: its uidValidity and highestModseq are what to save next. */
  mailbox: MailboxInfo;
  /** Messages whose UID is not among the known UIDs, by UID. */
  added: ChangedMessage[];
  /** Known messages that changed, by UID. */
  changed: ChangedMessage[];
  /** Known UIDs that are gone, as sorted disjoint ranges. */
  vanished: SeqRange[];
}

/** `start:end` of a UID or sequence set, inclusive (`n` is n:n; `*` is 4294967295). */
export interface SeqRange {
  start: number;
  end: number;
}

/** The kinds of imap_parse_code. */
export type ResponseCodeKind =
  | 'ALERT'
  | 'PARSE'
  | 'READ-ONLY'
  | 'READ-WRITE'
  | 'TRYCREATE'
  | 'UIDNOTSTICKY'
  | 'CLOSED'
  | 'NOMODSEQ'
  | 'UIDNEXT'
  | 'UIDVALIDITY'
  | 'UNSEEN'
  | 'HIGHESTMODSEQ'
  | 'PERMANENTFLAGS'
  | 'BADCHARSET'
  | 'CAPABILITY'
  | 'APPENDUID'
  | 'COPYUID'
  | 'MODIFIED'
  | 'OTHER'
  | 'INVALID'
  | 'MAILBOXID';

/** The response code of a tagged reply, parsed (ImapResponse.parsedCode). */
export interface ResponseCode {
  /**
   * Which code; 'OTHER' for an unknown one (AUTHENTICATIONFAILED...); 'INVALID' for a known
   * one whose data breaks its grammar ([UIDVALIDITY 0]): `name` and `data` hold it as sent.
   */
  kind: ResponseCodeKind;
  /** The name, upper-cased ('APPENDUID'). */
  name: string;
  /** The data as sent ('38505 3955'), or null. */
  data: string | null;
  /** UIDNEXT, UIDVALIDITY, UNSEEN: the value; APPENDUID, COPYUID: the UIDVALIDITY; else null. */
  number: number | null;
  /** HIGHESTMODSEQ: the value; else null. */
  modseq: bigint | null;
  /** PERMANENTFLAGS: the flags; BADCHARSET: the charsets; CAPABILITY: the capabilities; MAILBOXID: the id. */
  atoms: string[];
  /** APPENDUID: the new UIDs; COPYUID: the copies' UIDs; MODIFIED: the messages that failed. */
  uids: SeqRange[];
  /** COPYUID: the source messages' UIDs (same order as `uids`). */
  sourceUids: SeqRange[];
}

/** What SELECT or EXAMINE reported (null: not sent). */
export interface MailboxInfo {
  /** The number of messages (EXISTS, which SELECT always gives; 0 if a server omitted it),
   *  kept up to date by later EXISTS and EXPUNGE responses. */
  exists: number;
  recent: number | null;
  /** [UNSEEN n]: the number of the first unseen message. */
  unseen: number | null;
  uidValidity: number | null;
  uidNext: number | null;
  /** FLAGS. */
  flags: string[] | null;
  /** [PERMANENTFLAGS (...)]. */
  permanentFlags: string[] | null;
  highestModseq: bigint | null;
  noModseq: boolean;
  /** true for [READ-ONLY], false for [READ-WRITE], null if neither was sent. */
  readOnly: boolean | null;
  /** RFC 7162: the UIDs of the VANISHED responses kept (a QRESYNC select's, and those since); vanished() takes them. */
  vanished: SeqRange[];
  /**
   * Values that broke their grammar ([UIDVALIDITY 0], * 4294967296 EXISTS): their field is
   * null and they are listed here. mailbox() then throws an ImapError of kind PARSE whose
   * `parsed` is this object.
   */
  invalid: InvalidResponse[];
  /** [MAILBOXID (id)] (RFC 8474), or null. */
  mailboxId: string | null;
}

/** An ENVELOPE address (`address` is mailbox@host). Strings are UTF-8; `name` has RFC 2047 decoded. */
export interface Address {
  name: string | null;
  /** The display name as sent (encoded words kept). */
  rawName: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
  address: string | null;
}

/** An RFC 5322 group (`undisclosed-recipients:;`) and its members. */
export interface AddressGroup {
  group: string | null;
  members: Address[];
  /** false when the server never sent the group's end marker (Quirk.GROUP_NOT_CLOSED). */
  closed: boolean;
}

export type AddressEntry = Address | AddressGroup;

export interface Envelope {
  /** The Date header as sent. */
  date: string | null;
  /** The subject with RFC 2047 encoded words decoded. */
  subject: string | null;
  /** The subject as sent. */
  rawSubject: string | null;
  from: AddressEntry[];
  sender: AddressEntry[];
  replyTo: AddressEntry[];
  to: AddressEntry[];
  cc: AddressEntry[];
  bcc: AddressEntry[];
  inReplyTo: string | null;
  messageId: string | null;
}

/** A node of a BODY/BODYSTRUCTURE tree. */
export interface BodyPart {
  /** The part number for BODY[part] ('1', '2.1'); '' for a top-level multipart. */
  part: string;
  multipart: boolean;
  /** Lower-cased ('text', 'multipart'). */
  type: string;
  /** Lower-cased ('plain', 'mixed'). */
  subtype: string;
  /** Parameters, names lower-cased ({ charset: 'utf-8' }); null values are NIL. */
  params: Record<string, string | null>;
  /** Content-ID. */
  id: string | null;
  /** Content-Description. */
  description: string | null;
  /** Content-Transfer-Encoding, lower-cased ('' for a multipart). */
  encoding: string | null;
  /** Size of the encoded body in bytes (0 for a multipart). */
  size: number;
  /** Lines, for text and message/rfc822 parts. */
  lines: number | null;
  md5: string | null;
  /** Content-Disposition (type lower-cased), or null. */
  disposition: { type: string; params: Record<string, string | null> } | null;
  language: string[];
  location: string | null;
  /** Extension data beyond the known fields, in IMAP syntax. */
  extension: string[];
  /** A multipart's parts. */
  children: BodyPart[];
  /** A message/rfc822 part: the encapsulated message. */
  message: { envelope: Envelope | null; body: BodyPart | null } | null;
  /**
   * The node numbered `part` ('2.1'; '' a multipart root, '1' the body of a single-part
   * message) in the tree under this node, this node included; null if none. Part numbers are
   * absolute: ask the message's `bodyStructure` (or `body`). Where a message/rfc822 part and its
   * multipart body share a number, the message/rfc822 node. The library's lookup
   * (imap_body_part_find); not enumerable.
   */
  find(part: string): BodyPart | null;
}

/** A body section item (BODY[1.HEADER]<0>, BINARY[2], RFC822...). */
export interface Section {
  kind: 'BODY' | 'BINARY' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT';
  /** The spec between the brackets as sent ('1.HEADER.FIELDS (DATE FROM)'); '' for BODY[]. */
  spec: string;
  /** Part numbers ([1, 2] for 1.2); [] for the top level. */
  part: number[];
  text: 'FULL' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | 'OTHER';
  /** The header field names of HEADER.FIELDS (.NOT). */
  fields: string[];
  /** The <origin> of a partial fetch. */
  origin: number | null;
  /** The bytes (a copy); null for NIL. */
  data: Buffer | null;
  /** The size of a literal that went to the literal handler (data null); null otherwise. */
  streamedSize: number | null;
}

/** One message of a FETCH result (null / [] for items the server did not send). */
export interface FetchMessage {
  /**
   * Deviations from the IMAP grammar that the server sent and the parser accepted: a bit set
   * of Quirk values (0 for none). The message is still exactly what the server sent.
   */
  quirks: number;
  /** The message sequence number (0 if even that could not be read). */
  seq: number;
  uid: number | null;
  flags: string[] | null;
  internalDate: Date | null;
  /** The zone written in INTERNALDATE, seconds east of UTC. */
  internalDateOffset: number | null;
  /** RFC822.SIZE. */
  size: number | null;
  /** MODSEQ (CONDSTORE): a BigInt (mod-sequences are 63-bit). */
  modseq: bigint | null;
  envelope: Envelope | null;
  /** BODYSTRUCTURE (with extension data). */
  bodyStructure: BodyPart | null;
  /** BODY without a section. */
  body: BodyPart | null;
  sections: Section[];
  /** BINARY.SIZE[part]. */
  binarySizes: Array<{ part: number[]; size: number }>;
  /** Items kept raw (unknown ones: X-GM-LABELS, PREVIEW...; or malformed), value in IMAP syntax. */
  other: Array<{ name: string; raw: Buffer }>;
  /** EMAILID (RFC 8474), or null. */
  emailId: string | null;
  /** THREADID (RFC 8474), or null (not sent, or THREADID NIL: see hasThreadId). */
  threadId: string | null;
  /** THREADID was sent. */
  hasThreadId: boolean;
  /** null for a message that parsed; else why not, and the response's bytes. */
  error: InvalidResponse | null;
  /**
   * The first of `sections` whose spec is `spec`, written as between the brackets of
   * BODY[...] and compared case-insensitively: '' is BODY[] (and RFC822), 'HEADER' also finds
   * RFC822.HEADER, 'TEXT' RFC822.TEXT, '1.2', '1.MIME', 'HEADER.FIELDS (FROM)' (spaces as the
   * server sent them); BINARY[...] items answer to their spec too. null if none. The library's
   * lookup (imap_fetch_message_section); not enumerable.
   */
  section(spec: string): Section | null;
}

/** A LIST or LSUB entry. */
export interface ListEntry {
  /** The name decoded (modified UTF-7, or UTF-8); the raw name if it decodes as neither. */
  mailbox: string;
  /** The name as sent. */
  rawMailbox: string;
  /** '\\HasNoChildren', '\\Sent'... as sent. */
  attributes: string[];
  /** The hierarchy delimiter, or null (flat). */
  delimiter: string | null;
  /** LIST-EXTENDED data, in IMAP syntax. */
  extended: string[];
  /** The known attributes as ListAttr bits (attrs & ListAttr.SPECIAL_USE: the special use). */
  attrs: number;
  /** LIST-STATUS (RFC 5819): the mailbox's STATUS, from listExtended's RETURN (STATUS (...)); else null. */
  status: StatusInfo | null;
}

/** A STATUS response (null: not sent). */
export interface StatusInfo {
  mailbox: string;
  rawMailbox: string;
  messages: number | null;
  recent: number | null;
  uidNext: number | null;
  uidValidity: number | null;
  unseen: number | null;
  deleted: number | null;
  highestModseq: bigint | null;
  size: number | null;
  /** Items without a field, by upper-cased name. */
  other: Record<string, bigint>;
  /** MAILBOXID (RFC 8474), or null. */
  mailboxId: string | null;
}

/** SEARCH/SORT numbers, in order; `modseq` is CONDSTORE's (MODSEQ n) (non-enumerable). */
export type SearchIds = number[] & { readonly modseq: bigint | null };

/** An ESEARCH response (RFC 4731). */
export interface EsearchInfo {
  tag: string | null;
  uid: boolean;
  min: number | null;
  max: number | null;
  count: number | null;
  all: SeqRange[] | null;
  modseq: bigint | null;
  other: Record<string, string | null>;
}

/** A THREAD forest as a flat node array: links are indexes into `nodes`. */
export interface ThreadForest {
  nodes: Array<{
    /** The message number (or UID); null for the missing parent of siblings. */
    id: number | null;
    /** The parent's index, null for a root. */
    parent: number | null;
    /** The children's indexes, in order. */
    children: number[];
  }>;
  /** The indexes of the roots, one per thread. */
  roots: number[];
}

export interface NamespaceEntry {
  prefix: string;
  delimiter: string | null;
  extensions: string[];
}

export interface NamespaceInfo {
  personal: NamespaceEntry[];
  other: NamespaceEntry[];
  shared: NamespaceEntry[];
}

export interface QuotaInfo {
  root: string;
  /** STORAGE (KiB), MESSAGE...: usage and limit. */
  resources: Array<{ name: string; usage: number; limit: number }>;
}

export interface QuotaRootInfo {
  mailbox: string;
  rawMailbox: string;
  /** The roots of every QUOTAROOT response. */
  roots: string[];
  /** The QUOTA responses of the roots. */
  quotas: QuotaInfo[];
}

export interface AclInfo {
  mailbox: string;
  rawMailbox: string;
  entries: Array<{ identifier: string; rights: string }>;
}

export interface MyRightsInfo {
  mailbox: string;
  rawMailbox: string;
  rights: string;
}

export interface ListRightsInfo {
  mailbox: string;
  rawMailbox: string;
  identifier: string;
  required: string;
  optional: string[];
}

export interface MetadataInfo {
  mailbox: string;
  rawMailbox: string;
  /** Entry name → value (null: NIL). */
  entries: Record<string, Buffer | null>;
}

/** Encodes a UTF-8 mailbox name in modified UTF-7: '台北' → '&U,BTFw-'. */
export declare function utf7Encode(name: string): string;
/** Decodes a modified UTF-7 mailbox name (strict: malformed input throws INVALID_ARGUMENT). */
export declare function utf7Decode(raw: Buffer | Uint8Array | string): string;
/** Decodes RFC 2047 encoded words in header text to a string. */
export declare function decodeHeader(raw: Buffer | Uint8Array | string): string;

/** The version of the loaded libimap.so, 'MAJOR.MINOR.PATCH' (imap_version). */
export declare function version(): string;
/** The loaded library's version as MAJOR * 10000 + MINOR * 100 + PATCH (imap_version_number). */
export declare function versionNumber(): number;
/** imaplib's Int2AP: the base-16 digits of |num| written with 'A'..'P' (4096 → 'BAAA', 0 → ''). */
export declare function int2ap(num: number | bigint): string;
/** imaplib's ParseFlags: the flags of the last FLAGS (...) list in `resp`; [] if none. */
export declare function parseFlags(resp: Buffer | Uint8Array | string): string[];
/**
 * imaplib's Internaldate2tuple: the last INTERNALDATE in `resp`, or null. Throws an ImapError
 * INVALID_ARGUMENT for an unknown month.
 */
export declare function internaldate2tuple(resp: Buffer | Uint8Array | string): InternalDate | null;
/**
 * imaplib's Time2Internaldate: '"DD-Mon-YYYY HH:MM:SS +HHMM"' (quoted). `time`: a Date, seconds
 * since 1970 (imaplib's), or a broken-down time (`offsetSeconds` in it, else the argument, else
 * 0). `offsetSeconds` for an instant defaults to the local zone. Throws an ImapError
 * INVALID_ARGUMENT for an offset that is not whole minutes within ±24 h, or a year outside 1..9999.
 */
export declare function time2internaldate(
  time: Date | number | (Omit<ImapTm, 'offsetSeconds'> & { offsetSeconds?: number }),
  offsetSeconds?: number,
): string;

export interface CloseOptions {
  /** Interrupt the calls in flight (imap_interrupt) and refuse those not yet sent. Default false. */
  interrupt?: boolean;
}

/**
 * An IMAP4rev1 client over libimap. Every command returns a Promise of an `ImapResponse`
 * and rejects with an `ImapError` unless the server answered OK. Calls on one client are sent
 * in call order, off the event loop; FETCH, UID FETCH and NOOP are pipelined (several in
 * flight, imap_submit* + imap_collect), the others run one at a time.
 */
/** The events of a Client (`client.on(...)`): the server's updates, seen during IDLE (see
 *  `ConnectOptions.autoIdle`) and, for 'exists', in the reply of any call. */
export interface ClientEvents {
  /** The selected mailbox now has `count` messages (`prevCount` before, null if unknown). */
  exists: [event: { count: number; prevCount: number | null }];
  /** Message `seq` was expunged (later sequence numbers shift down by one). */
  expunge: [event: { seq: number }];
  /** With QRESYNC enabled the server reports expunges by UID instead (VANISHED, RFC 7162). */
  vanished: [event: VanishedInfo];
  /** Message `seq` (UID `uid` when the server said it) has these flags now. */
  flags: [event: { seq: number; uid: number | null; flags: string[] }];
  /** Every update taken during IDLE, as it came. */
  update: [response: ImapResponse];
  /** The automatic IDLE failed (it stops): no IDLE capability, connection lost. */
  error: [error: Error];
}

export declare class Client extends EventEmitter {
  on<K extends keyof ClientEvents>(event: K, listener: (...args: ClientEvents[K]) => void): this;
  once<K extends keyof ClientEvents>(event: K, listener: (...args: ClientEvents[K]) => void): this;
  off<K extends keyof ClientEvents>(event: K, listener: (...args: ClientEvents[K]) => void): this;
  emit<K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]): boolean;
  /** Whether the automatic IDLE (`autoIdle`) is in IDLE now. */
  readonly idling: boolean;
  /** Creates and configures the handle (no I/O); `open()` connects. Prefer `Client.connect`. */
  constructor(options?: ConnectOptions);
  /** Creates a client and connects it (greeting, capabilities, STARTTLS when asked). */
  static connect(options?: ConnectOptions): Promise<Client>;
  /** imaplib's IMAP4_stream(command): `Client.connect({ ...options, command })`. */
  static spawn(command: string, options?: ConnectOptions): Promise<Client>;
  /** The options given to the constructor. */
  readonly options: ConnectOptions;
  /** imap_open (imap_open_stream with `command`) with the constructor's options. */
  open(): Promise<void>;

  /**
   * Frees the handle (closing the connection without LOGOUT if still open). Idempotent.
   * Calls already made finish first, unless `{ interrupt: true }`. New calls reject with
   * IMAP_CODE_CLOSED.
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * imap_interrupt (sticky): every call made and not settled rejects with
   * IMAP_CODE_INTERRUPTED, even one that has not reached the library yet; the connection
   * closes. Returns false (and does nothing) when no call is pending.
   */
  interrupt(): boolean;
  /** Commands sent and not yet collected (imap_pending_count). */
  readonly pending: number;
  /**
   * Any command of libimap's command table (imap_submit: 'STATUS', 'STORE', 'UID SEARCH',
   * 'SELECT'...) with typed arguments, pipelined like FETCH:
   * `submit('STATUS', arg.string('INBOX'), arg.list(arg.atom('MESSAGES')))`.
   */
  submit(command: string, ...args: Arg[]): Promise<ImapResponse>;
  /** True once `close()` has been called. */
  readonly closed: boolean;
  [Symbol.asyncDispose](): Promise<void>;

  // accessors: the handle as of the end of the last completed call (they never block)
  readonly state: ImapState;
  readonly capabilities: string[];
  hasCapability(name: string): boolean;
  readonly protocolVersion: 'IMAP4REV1' | 'IMAP4' | null;
  readonly welcome: string | null;
  readonly isReadOnly: boolean;
  readonly isTls: boolean;
  /** Whether COMPRESS=DEFLATE is active on the connection (imap_client_is_compressed). */
  readonly isCompressed: boolean;
  /**
   * The mechanism the last successful login used (imap_client_auth_mechanism): 'SCRAM-SHA-256',
   * 'SCRAM-SHA-1-PLUS', 'CRAM-MD5', 'PLAIN'..., 'LOGIN-COMMAND' for the LOGIN command; null
   * before a login.
   */
  readonly authMechanism: string | null;
  /** Whether the connection is open (false after logout, shutdown, a failure or close()). */
  readonly isOpen: boolean;
  /** Whether the server confirmed ENABLE UTF8=ACCEPT (imaplib's utf8_enabled). */
  readonly utf8Enabled: boolean;
  /**
   * IMAP4rev2 (RFC 9051) is in effect: the server confirmed ENABLE IMAP4rev2. search()'s
   * result then holds the ESEARCH responses, which searchParsed reads as numbers; mailbox
   * names go and come as UTF-8; there is no RECENT (recent() gives [null]).
   */
  readonly imap4rev2: boolean;
  /** imaplib's socket(): the connection's file descriptor (poll/select only), -1 when closed. */
  readonly fd: number;

  capability(): Promise<ImapResponse>;
  noop(): Promise<ImapResponse>;
  /**
   * Logs in with the strongest mechanism the server offers (imap_login_auto):
   * SCRAM-SHA-256-PLUS, SCRAM-SHA-256, SCRAM-SHA-1-PLUS, SCRAM-SHA-1, CRAM-MD5, then PLAIN or
   * the LOGIN command, which send the password itself and so are used only over TLS unless
   * `allowPlaintextPassword` is set. `authMechanism` tells which was used. Nothing usable:
   * UNSUPPORTED (the message names what the server offers), nothing sent. Wrong password: NO.
   */
  login(user: string, password: string): Promise<ImapResponse>;
  /** imaplib's login(): the LOGIN command, whatever the server offers and even without TLS. */
  loginCommand(user: string, password: string): Promise<ImapResponse>;
  logout(): Promise<ImapResponse>;
  starttls(): Promise<ImapResponse>;
  /** SELECT, or EXAMINE with `{ readonly: true }` (or `true`). Data: the EXISTS count. */
  select(mailbox?: string | null, options?: { readonly?: boolean } | boolean): Promise<ImapResponse>;
  status(mailbox: string, names: string): Promise<ImapResponse>;
  list(directory?: string | null, pattern?: string | null): Promise<ImapResponse>;
  lsub(directory?: string | null, pattern?: string | null): Promise<ImapResponse>;
  create(mailbox: string): Promise<ImapResponse>;
  delete(mailbox: string): Promise<ImapResponse>;
  rename(oldMailbox: string, newMailbox: string): Promise<ImapResponse>;
  subscribe(mailbox: string): Promise<ImapResponse>;
  unsubscribe(mailbox: string): Promise<ImapResponse>;
  /** APPEND; `mailbox` null is INBOX; line endings become CRLF; APPENDUID is in `code`/`codeData`. */
  append(
    mailbox: string | null,
    flags: string | null,
    date: string | null,
    message: Buffer | Uint8Array | ArrayBuffer | string,
  ): Promise<ImapResponse>;
  check(): Promise<ImapResponse>;
  /** The IMAP CLOSE command (imaplib's `close()`); `close()` frees the client. */
  closeMailbox(): Promise<ImapResponse>;
  unselect(): Promise<ImapResponse>;
  expunge(): Promise<ImapResponse>;
  search(charset: string | null, ...criteria: string[]): Promise<ImapResponse>;
  fetch(messageSet: string, parts: string): Promise<ImapResponse>;
  store(messageSet: string, command: string, flags: string): Promise<ImapResponse>;
  /**
   * SEARCH [CHARSET charset] with typed criteria: `searchArgs('UTF-8', arg.atom('SUBJECT'),
   * arg.string('Grüße'))`. A bad value rejects with INVALID_ARGUMENT; nothing is sent.
   */
  searchArgs(charset: string | null, ...criteria: Arg[]): Promise<ImapResponse>;
  /** searchArgs as UID SEARCH. */
  uidSearchArgs(charset: string | null, ...criteria: Arg[]): Promise<ImapResponse>;
  /** SORT (keys) charset with typed search criteria (RFC 5256). */
  sortArgs(keys: string[], charset: string, ...criteria: Arg[]): Promise<ImapResponse>;
  /** sortArgs as UID SORT. */
  uidSortArgs(keys: string[], charset: string, ...criteria: Arg[]): Promise<ImapResponse>;
  /**
   * STORE with the flags as an array, each checked as a flag atom (`\\Seen`, `$Label`); a bad
   * flag rejects with INVALID_ARGUMENT and nothing is sent.
   */
  storeFlags(messageSet: string, command: string, flags: string[]): Promise<ImapResponse>;
  /** storeFlags as UID STORE. */
  uidStoreFlags(uidSet: string, command: string, flags: string[]): Promise<ImapResponse>;
  /** append with the flags as an array, each checked as in storeFlags. */
  appendFlags(
    mailbox: string | null,
    flags: string[],
    date: string | null,
    message: Buffer | Uint8Array | ArrayBuffer | string,
  ): Promise<ImapResponse>;
  /**
   * APPEND of exactly `options.size` bytes read from `source` as they are sent (a pipe that
   * imap_append_fd reads on a worker): memory stays bounded whatever the size. Each chunk is
   * in the pipe before the next is asked for (a source may reuse its buffer). Bytes go as
   * given: use CRLF line ends. A source that fails or ends early rejects with ABORT (`cause`:
   * its error), the connection closed and nothing appended; a longer one rejects too.
   */
  appendStream(
    mailbox: string | null,
    source: Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
    options: AppendStreamOptions,
  ): Promise<ImapResponse>;
  /**
   * A message body or section as a Readable with backpressure: one partial FETCH
   * (BODY.PEEK[section]<offset.chunkSize>) per chunk, asked for only when the consumer reads.
   */
  fetchBody(id: number | string, options?: FetchBodyOptions): BodyStream;
  /** imaplib's `literal` attribute: a literal appended to the next command only; null clears. */
  setLiteral(literal: Buffer | Uint8Array | ArrayBuffer | string | null): Promise<void>;
  copy(messageSet: string, mailbox: string): Promise<ImapResponse>;
  move(messageSet: string, mailbox: string): Promise<ImapResponse>;
  uid(command: string, ...args: string[]): Promise<ImapResponse>;
  namespace(): Promise<ImapResponse>;
  /** Pops the untagged responses or response codes named `code`; data `[null]` if none. */
  response(code: string): Promise<ImapResponse>;
  recent(): Promise<ImapResponse>;
  xatom(name: string, ...args: string[]): Promise<ImapResponse>;
  /** imaplib's shutdown(): closes the connection without LOGOUT. */
  shutdown(): Promise<void>;

  // authentication
  /** AUTHENTICATE PLAIN, acting as `authzid` if given (master-user login). Needs AUTH=PLAIN, else UNSUPPORTED. */
  loginPlain(user: string, password: string, authzid?: string | null): Promise<ImapResponse>;
  /**
   * AUTHENTICATE with `mechanism` 'SCRAM-SHA-256' or 'SCRAM-SHA-1', or their '-PLUS' forms
   * (tls-server-end-point channel binding, TLS only), acting as `options.authzid` if given.
   * Needs the server's AUTH=<mechanism>, else UNSUPPORTED. The server's signature is checked:
   * a server that cannot prove it knows the password rejects with ABORT and the connection
   * closes. Wrong password: NO.
   */
  loginScram(mechanism: ScramMechanism, user: string, password: string, options?: { authzid?: string | null }): Promise<ImapResponse>;
  /** AUTHENTICATE LOGIN. Needs AUTH=LOGIN, else UNSUPPORTED. */
  loginSaslLogin(user: string, password: string): Promise<ImapResponse>;
  /** imaplib's login_cram_md5. Needs AUTH=CRAM-MD5, else UNSUPPORTED. */
  loginCramMd5(user: string, password: string): Promise<ImapResponse>;
  /** AUTHENTICATE XOAUTH2 with a bearer token. Needs AUTH=XOAUTH2, else UNSUPPORTED. */
  loginXoauth2(user: string, token: string): Promise<ImapResponse>;
  /** AUTHENTICATE OAUTHBEARER with a bearer token. Needs AUTH=OAUTHBEARER, else UNSUPPORTED. */
  loginOauthbearer(user: string, token: string): Promise<ImapResponse>;
  /**
   * imaplib's authenticate(mechanism, authobject): `callback` answers each challenge,
   * synchronously, on the main thread (the C call runs on a worker; the event loop stays free).
   * If it throws, the exchange is aborted and the promise rejects with that exception.
   */
  authenticate(
    mechanism: string,
    callback: (challenge: Buffer) => SaslResponse,
    options?: AuthenticateOptions,
  ): Promise<ImapResponse>;

  // streamed literals
  /**
   * imap_set_literal_callback: every literal of at least `minSize` bytes that later calls
   * receive goes to `handler` chunk by chunk (constant memory) instead of being buffered; in
   * results it is `[header, null, size]` (a FetchMessage section: `data` null,
   * `streamedSize`). `setLiteralHandler(null)` restores buffering. Queued: it takes effect
   * between calls.
   */
  setLiteralHandler(minSize: number | bigint, handler: LiteralHandler | null): Promise<void>;
  setLiteralHandler(handler: null): Promise<void>;
  /**
   * FETCH (UID FETCH with `uid: true`) with literals of at least `minSize` bytes (default 0)
   * streamed to `onChunk`; the previous handler (or buffering) is back when it settles.
   */
  fetchStream(messageSet: string, items: string, options: FetchStreamOptions): Promise<ImapResponse>;
  /**
   * FETCH as an async iterator of parsed messages, pulled as they are consumed (constant
   * memory; imap_fetch_stream + imap_fetch_next). `break` drains the rest of the FETCH
   * (imap_fetch_stream_cancel); the connection stays usable.
   */
  fetchEach(messageSet: string, items: string, options?: FetchEachOptions): AsyncIterableIterator<FetchMessage>;

  // IDLE and raw I/O
  /** IDLE: resolves to an async iterator of updates; `await idle.done()` leaves IDLE. Needs IDLE, else UNSUPPORTED. */
  idle(options?: IdleOptions): Promise<Idle>;
  /** imaplib's send(): one raw line, CRLF added. */
  sendLine(line: Buffer | Uint8Array | string): Promise<void>;
  /** imaplib's readline(), whole responses: type 'RAW', or null after `timeout` ms (default 1000). */
  readResponse(timeout?: number): Promise<ImapResponse | null>;

  // extensions
  getacl(mailbox: string): Promise<ImapResponse>;
  setacl(mailbox: string, who: string, what: string): Promise<ImapResponse>;
  deleteacl(mailbox: string, who: string): Promise<ImapResponse>;
  myrights(mailbox: string): Promise<ImapResponse>;
  listrights(mailbox: string, identifier: string): Promise<ImapResponse>;
  getquota(root: string): Promise<ImapResponse>;
  getquotaroot(mailbox: string): Promise<QuotaRootResponse>;
  setquota(root: string, limits: string): Promise<ImapResponse>;
  getannotation(mailbox: string, entry: string, attribute: string): Promise<ImapResponse>;
  /** imaplib's setannotation(*args): args[0] the mailbox, the others verbatim. */
  setannotation(...args: string[]): Promise<ImapResponse>;
  getmetadata(mailbox: string, entries: string | string[], options?: string | null): Promise<ImapResponse>;
  /** SETMETADATA: a null value removes the entry. */
  setmetadata(mailbox: string, entries: NameValues): Promise<ImapResponse>;
  proxyauth(user: string): Promise<ImapResponse>;
  partial(messageNum: string | number, part: string, start: string | number, length: string | number): Promise<ImapResponse>;
  sort(sortCriteria: string, charset: string | null, ...searchCriteria: string[]): Promise<ImapResponse>;
  thread(algorithm: string, charset: string | null, ...searchCriteria: string[]): Promise<ImapResponse>;
  /** ENABLE (AUTH state); the ENABLED data stays for response('ENABLED'). Needs ENABLE, else UNSUPPORTED. */
  enable(capability: string): Promise<ImapResponse>;
  /**
   * CREATE mailbox (USE (uses...)) (RFC 6154 CREATE-SPECIAL-USE; uses such as '\\Sent').
   * Rejects with UNSUPPORTED without CREATE-SPECIAL-USE, INVALID_ARGUMENT for no use or one
   * that is not \\ and an atom (nothing sent). The new mailbox's id, with OBJECTID, is the
   * response code MAILBOXID (code.atoms[0]).
   */
  createSpecialUse(mailbox: string, ...uses: string[]): Promise<ImapResponse>;
  /**
   * LIST with LIST-EXTENDED options (imap_list_extended): selection ('SPECIAL-USE') and
   * returnOptions ('SPECIAL-USE STATUS (MESSAGES SIZE)') verbatim, null to leave out. Each
   * entry has its ListAttr bits and, with RETURN (STATUS (...)) (LIST-STATUS), its status.
   * UNSUPPORTED when options are given and the server offers no LIST extension.
   */
  listExtended(reference: string, pattern: string, selection?: string | null, returnOptions?: string | null): Promise<ListEntry[]>;
  /** ID; no fields (or null) sends ID NIL. */
  id(fields?: NameValues | null): Promise<ImapResponse>;
  /**
   * COMPRESS DEFLATE (RFC 4978; imap_compress): on OK every byte from then on, both ways, is
   * deflated (inside TLS when TLS is on); everything else works as before. Rejects without
   * sending anything when compression is active already or before login (ILLEGAL_STATE) and
   * when the server does not offer COMPRESS=DEFLATE (UNSUPPORTED); a NO leaves the connection
   * uncompressed and usable. The `compress` option does this after every login.
   */
  compress(): Promise<ImapResponse>;

  // parsed results: each rejects like its command, and with IMAP_CODE_PARSE (error.parsed,
  // error.invalid) when some data did not parse
  fetchParsed(messageSet: string, items: string): Promise<FetchMessage[]>;
  uidFetchParsed(uidSet: string, items: string): Promise<FetchMessage[]>;
  /** UID FETCH, pipelined like fetch (imap_submit_uid_fetch): the same result as uid('FETCH', ...). */
  uidFetch(uidSet: string, parts: string): Promise<ImapResponse>;
  listParsed(directory?: string | null, pattern?: string | null): Promise<ListEntry[]>;
  lsubParsed(directory?: string | null, pattern?: string | null): Promise<ListEntry[]>;
  /** Every STATUS response, in order (normally one; [] if none). */
  statusParsed(mailbox: string, names: string): Promise<StatusInfo[]>;
  searchParsed(charset: string | null, ...criteria: string[]): Promise<SearchIds>;
  uidSearchParsed(charset: string | null, ...criteria: string[]): Promise<SearchIds>;
  sortParsed(sortCriteria: string, charset: string | null, ...searchCriteria: string[]): Promise<SearchIds>;
  uidSortParsed(sortCriteria: string, charset: string | null, ...searchCriteria: string[]): Promise<SearchIds>;
  threadParsed(algorithm: string, charset: string | null, ...searchCriteria: string[]): Promise<ThreadForest>;
  uidThreadParsed(algorithm: string, charset: string | null, ...searchCriteria: string[]): Promise<ThreadForest>;
  /** SEARCH as ESEARCH (imap_esearch_auto): RETURN (MIN MAX COUNT ALL) when the server has ESEARCH, else SEARCH turned into one entry. */
  esearchParsed(charset: string | null, ...criteria: string[]): Promise<EsearchInfo[]>;
  /** Every NAMESPACE response, in order (normally one). */
  namespaceParsed(): Promise<NamespaceInfo[]>;
  getquotaParsed(root: string): Promise<QuotaInfo[]>;
  getquotarootParsed(mailbox: string): Promise<QuotaRootInfo>;
  /** Every ACL response, in order (normally one). */
  getaclParsed(mailbox: string): Promise<AclInfo[]>;
  /** Every MYRIGHTS response, in order (normally one). */
  myrightsParsed(mailbox: string): Promise<MyRightsInfo[]>;
  /** Every LISTRIGHTS response, in order (normally one). */
  listrightsParsed(mailbox: string, identifier: string): Promise<ListRightsInfo[]>;
  getmetadataParsed(mailbox: string, entries: string | string[], options?: string | null): Promise<MetadataInfo>;
  capabilityParsed(): Promise<string[]>;
  /** The selected mailbox's summary (call right after select()); ILLEGAL_STATE if none. */
  mailbox(): Promise<MailboxInfo>;
  /** 'utf7' (default) or 'raw': how mailbox names are sent. */
  setMailboxEncoding(mode: MailboxEncoding): Promise<void>;

  // CONDSTORE and QRESYNC (RFC 7162)
  /** SELECT (EXAMINE when readonly) with (CONDSTORE): mailbox() then has highestModseq or noModseq. UNSUPPORTED without CONDSTORE. */
  selectCondstore(mailbox: string, readonly?: boolean): Promise<ImapResponse>;
  /**
   * SELECT (EXAMINE when readonly) with (QRESYNC (uidValidity modseq knownUids)): the known messages
   * changed since come as FETCH responses (response('FETCH')), the expunged ones as VANISHED
   * (vanished()). Needs enable('QRESYNC') first (ILLEGAL_STATE otherwise); resync() does it all.
   */
  selectQresync(mailbox: string, readonly: boolean, uidValidity: number, modseq: bigint | number, knownUids?: UidSet | null): Promise<ImapResponse>;
  /** STORE (UNCHANGEDSINCE n): `modified` holds the messages that failed the condition ([MODIFIED]; [] when none). */
  storeUnchangedSince(messageSet: string, unchangedSince: bigint | number, command: string, flags: string[]): Promise<ConditionalStore>;
  /** storeUnchangedSince as UID STORE. */
  uidStoreUnchangedSince(uidSet: string, unchangedSince: bigint | number, command: string, flags: string[]): Promise<ConditionalStore>;
  /** FETCH (CHANGEDSINCE n): only the messages whose mod-sequence is above n. */
  fetchChangedSince(messageSet: string, parts: string, changedSince: bigint | number): Promise<ImapResponse>;
  fetchChangedSinceParsed(messageSet: string, parts: string, changedSince: bigint | number): Promise<FetchMessage[]>;
  /** UID FETCH (CHANGEDSINCE n [VANISHED]): with `vanished` (QRESYNC enabled) the expunged UIDs come too, for vanished(). */
  uidFetchChangedSince(uidSet: string, parts: string, changedSince: bigint | number, vanished?: boolean): Promise<ImapResponse>;
  uidFetchChangedSinceParsed(uidSet: string, parts: string, changedSince: bigint | number, vanished?: boolean): Promise<FetchMessage[]>;
  /** Takes the VANISHED responses kept, parsed. */
  vanished(): Promise<VanishedInfo[]>;
  /** Whether the server confirmed ENABLE `capability` on this connection (QRESYNC counts as CONDSTORE). */
  isEnabled(capability: string): boolean;
  /**
   * Resumes the sync of `mailbox` from a saved state (imap_resync): QRESYNC when offered (enabled
   * here), else CONDSTORE with a UID SEARCH of the known UIDs. NO for a missing mailbox.
   * `{ uidValidity: 0, highestModseq: 0 }` is a first sync (nothing saved): every message is
   * in `added`, and `mailbox` holds the state to save.
   */
  resync(mailbox: string, state: ResyncState): Promise<MailboxChanges>;
}
