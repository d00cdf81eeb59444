// Type declarations of the libimap Node.js binding (CommonJS entry: index.cjs; the ESM entry
// index.mjs has the same exports, declared in index.d.mts).

/// <reference types="node" />

/**
 * One element of a result's `data`, as imaplib's:
 *  - a `Buffer`: one response line (without CRLF);
 *  - a `[header, literal]` pair: the line that announced a literal, and the literal's bytes;
 *  - `null`: imaplib's `None` (e.g. `response('X')` when there was no X).
 */
export type ImapItem = Buffer | [header: Buffer, literal: Buffer] | null;

/**
 * The result of a command: imaplib's `(typ, data)` plus the tagged reply.
 * Bytes from the server are copied out of libimap's result (which is then freed).
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
}

/** imaplib's states. */
export type ImapState = 'LOGOUT' | 'NONAUTH' | 'AUTH' | 'SELECTED';

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
  | 'INTERNAL';

/** Status codes of the C ABI, by short name (Code.NO === 1). Numbers are stable. */
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
}>;

/** `imap_code_name`: 'IMAP_CODE_NO', or 'IMAP_CODE_UNKNOWN'. */
export declare function codeName(code: number): string;
/** `imap_code_str`: a short English description of a code. */
export declare function codeDescription(code: number): string;
/** The libimap.so the binding loaded ($LIBIMAP_PATH, ../../target/release/libimap.so, or libimap.so.0). */
export declare const libraryPath: string;

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
  /** The command's result when libimap delivered one (NO, BAD, READONLY), else null. */
  result: ImapResponse | null;
}

/** Options of `Client.connect` / `new Client`. */
export interface ConnectOptions {
  /** Host name or address; default: localhost. */
  host?: string;
  /** Port; default 0 = 143, or 993 with tls 'implicit'. */
  port?: number;
  /** How the connection is secured; default 'implicit' (TLS from the first byte). */
  tls?: 'implicit' | 'starttls' | 'none';
  /** A PEM file of CA certificates trusted besides the system's. */
  ca?: string;
  /** A client certificate (PEM) to present, with `key`. */
  cert?: string;
  /** The client certificate's PKCS#8 private key (PEM), with `cert`. */
  key?: string;
  /** Turns certificate and host name verification off. For tests only. */
  insecure?: boolean;
  /** Timeout of every read and write, in ms (default 60000). */
  timeout?: number;
  /** Connect timeout in ms (default 30000). */
  connectTimeout?: number;
  /** Memory limits, in bytes (unset: libimap's defaults). */
  limits?: { maxLine?: number | bigint; maxLiteral?: number | bigint; maxResponse?: number | bigint; maxUntagged?: number | bigint };
  /**
   * imaplib's debug level, written by libimap to stderr: 0 silent, 1 connection events and
   * NO/BAD/BYE, 3 capabilities, 4 every line sent and received, 5 more. LOGIN payloads are
   * always redacted. `true` is 1.
   */
  debug?: number | boolean;
  /**
   * `true`: trace every line sent and received to stderr (debug level 4). A JS trace callback
   * is not supported (libimap calls it on the worker thread running the call); passing a
   * function throws a TypeError.
   */
  trace?: boolean;
}

export interface CloseOptions {
  /** Interrupt the running call (imap_interrupt) and refuse the queued ones. Default false. */
  interrupt?: boolean;
}

/**
 * An IMAP4rev1 client over libimap. Every command returns a Promise of an `ImapResponse`
 * and rejects with an `ImapError` unless the server answered OK. Calls on one client are
 * queued and run one at a time, in order, off the event loop.
 */
export declare class Client {
  /** Creates and configures the handle (no I/O); `open()` connects. Prefer `Client.connect`. */
  constructor(options?: ConnectOptions);
  /** Creates a client and connects it (greeting, capabilities, STARTTLS when asked). */
  static connect(options?: ConnectOptions): Promise<Client>;
  /** The options given to the constructor. */
  readonly options: ConnectOptions;
  /** imap_open with the constructor's options. */
  open(): Promise<void>;

  /**
   * Frees the handle (closing the connection without LOGOUT if still open). Idempotent.
   * Calls already queued finish first, unless `{ interrupt: true }`. New calls reject with
   * IMAP_CODE_CLOSED.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Interrupts the call in progress (it rejects with IMAP_CODE_INTERRUPTED; the connection closes). */
  interrupt(): boolean;
  /** True once `close()` has been called. */
  readonly closed: boolean;
  [Symbol.asyncDispose](): Promise<void>;

  // accessors: a snapshot taken after the last completed call (they never block)
  readonly state: ImapState;
  readonly capabilities: string[];
  hasCapability(name: string): boolean;
  readonly protocolVersion: 'IMAP4REV1' | 'IMAP4' | null;
  readonly welcome: string | null;
  readonly isReadOnly: boolean;
  readonly isTls: boolean;

  capability(): Promise<ImapResponse>;
  noop(): Promise<ImapResponse>;
  login(user: string, password: string): Promise<ImapResponse>;
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
}
