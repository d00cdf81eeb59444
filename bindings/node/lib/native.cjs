'use strict';
// The koffi declarations of libimap's C ABI (include/imap.h), one line per function.
// Internal module: the public API is in ../index.cjs.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const PACKAGE_ROOT = path.join(__dirname, '..');

/**
 * Where libimap.so is looked for: $LIBIMAP_PATH, else the repository's
 * ../../target/release/libimap.so (relative to the package root), else the system name
 * libimap.so.1 (resolved by the dynamic loader: ld.so.cache, LD_LIBRARY_PATH...).
 */
function findLibrary() {
  if (process.env.LIBIMAP_PATH) return process.env.LIBIMAP_PATH;
  const inRepo = path.resolve(PACKAGE_ROOT, '..', '..', 'target', 'release', 'libimap.so');
  if (fs.existsSync(inRepo)) return inRepo;
  return 'libimap.so.1';
}

// koffi runs a native call on a stack of its own; for async calls (worker threads) that stack
// is 128 KiB by default, too little headroom for Rust + OpenSSL (a TLS handshake, a large
// response). Give async calls a 2 MiB stack, like a Rust thread's default. koffi accepts a new
// configuration only before its first library load; if another module loaded one first, the
// defaults stay (and we say so once).
try {
  const cfg = koffi.config();
  if (cfg.async_stack_size < 2 << 20) koffi.config({ ...cfg, async_stack_size: 2 << 20 });
} catch (e) {
  process.emitWarning(
    `libimap: could not raise koffi's async stack size (${e.message}); keeping ${koffi.config().async_stack_size} bytes`,
    'LibimapWarning',
  );
}

const libraryPath = findLibrary();
let lib;
try {
  lib = koffi.load(libraryPath);
} catch (e) {
  const err = new Error(
    `libimap: cannot load ${libraryPath} (${e.message}). Build it with \`cargo build --release\` ` +
      'at the repository root, or set LIBIMAP_PATH to the path of libimap.so.',
  );
  err.code = 'ERR_LIBIMAP_LOAD';
  err.cause = e;
  throw err;
}

koffi.opaque('imap_client');
koffi.opaque('imap_result');
const imap_item = koffi.struct('imap_item', {
  kind: 'int32_t',
  data: 'const uint8_t *',
  len: 'size_t',
  literal: 'const uint8_t *',
  literal_len: 'size_t',
});
const imap_tm = koffi.struct('imap_tm', {
  year: 'int32_t',
  month: 'int32_t',
  day: 'int32_t',
  hour: 'int32_t',
  minute: 'int32_t',
  second: 'int32_t',
  offset_seconds: 'int32_t',
});
// Parsed results (imap_parse_*, imap_client_mailbox): the C structs field for field, in the
// header's order. Every pointer to an array (or to a nested struct) is declared 'void *' here:
// koffi gives it as a BigInt address, decoded with koffi.decode(ptr, type, count) by
// index.cjs (one declaration style for self-referencing trees such as imap_body_part).
// The header promises fields are only ever appended: these definitions read the first N
// fields, which stay where they are; but arrays of these structs are indexed with
// koffi.sizeof(type), which is only right for the library version these mirror (see
// README, "C ABI notes").
const imap_bytes = koffi.struct('imap_bytes', { data: 'void *', len: 'size_t' });
const imap_seq_range = koffi.struct('imap_seq_range', { start: 'uint32_t', end: 'uint32_t' });
const imap_response_code = koffi.struct('imap_response_code', {
  kind: 'int32_t',
  name: 'imap_bytes',
  data: 'imap_bytes',
  number: 'uint64_t',
  atoms: 'void *',
  atom_count: 'size_t',
  uids: 'void *',
  uid_count: 'size_t',
  source_uids: 'void *',
  source_uid_count: 'size_t',
});
const imap_mailbox_info = koffi.struct('imap_mailbox_info', {
  has_exists: 'int32_t',
  exists: 'uint32_t',
  has_recent: 'int32_t',
  recent: 'uint32_t',
  has_unseen: 'int32_t',
  unseen: 'uint32_t',
  has_uidvalidity: 'int32_t',
  uidvalidity: 'uint32_t',
  has_uidnext: 'int32_t',
  uidnext: 'uint32_t',
  has_flags: 'int32_t',
  flags: 'void *',
  flag_count: 'size_t',
  has_permanent_flags: 'int32_t',
  permanent_flags: 'void *',
  permanent_flag_count: 'size_t',
  has_highest_modseq: 'int32_t',
  highest_modseq: 'uint64_t',
  no_modseq: 'int32_t',
  read_only: 'int32_t',
  invalid: 'void *',
  invalid_count: 'size_t',
});
const imap_address = koffi.struct('imap_address', {
  kind: 'int32_t',
  name: 'imap_bytes',
  name_decoded: 'imap_bytes',
  adl: 'imap_bytes',
  mailbox: 'imap_bytes',
  host: 'imap_bytes',
});
const imap_envelope = koffi.struct('imap_envelope', {
  date: 'imap_bytes',
  subject: 'imap_bytes',
  subject_decoded: 'imap_bytes',
  from: 'void *',
  from_count: 'size_t',
  sender: 'void *',
  sender_count: 'size_t',
  reply_to: 'void *',
  reply_to_count: 'size_t',
  to: 'void *',
  to_count: 'size_t',
  cc: 'void *',
  cc_count: 'size_t',
  bcc: 'void *',
  bcc_count: 'size_t',
  in_reply_to: 'imap_bytes',
  message_id: 'imap_bytes',
});
const imap_param = koffi.struct('imap_param', { name: 'imap_bytes', value: 'imap_bytes' });
const imap_body_part = koffi.struct('imap_body_part', {
  multipart: 'int32_t',
  media_type: 'imap_bytes',
  subtype: 'imap_bytes',
  params: 'void *',
  param_count: 'size_t',
  id: 'imap_bytes',
  description: 'imap_bytes',
  encoding: 'imap_bytes',
  size: 'uint64_t',
  has_lines: 'int32_t',
  lines: 'uint64_t',
  md5: 'imap_bytes',
  disposition: 'imap_bytes',
  disposition_params: 'void *',
  disposition_param_count: 'size_t',
  language: 'void *',
  language_count: 'size_t',
  location: 'imap_bytes',
  extension: 'void *',
  extension_count: 'size_t',
  children: 'void *',
  child_count: 'size_t',
  message_envelope: 'void *',
  message_body: 'void *',
});
const imap_section = koffi.struct('imap_section', {
  kind: 'int32_t',
  spec: 'imap_bytes',
  part: 'void *',
  part_count: 'size_t',
  text: 'int32_t',
  fields: 'void *',
  field_count: 'size_t',
  has_origin: 'int32_t',
  origin: 'uint32_t',
  data: 'imap_bytes',
  streamed: 'int32_t',
  streamed_size: 'uint64_t',
});
const imap_binary_size = koffi.struct('imap_binary_size', { part: 'void *', part_count: 'size_t', size: 'uint64_t' });
const imap_raw_item = koffi.struct('imap_raw_item', { name: 'imap_bytes', raw: 'imap_bytes' });
const imap_fetch_message = koffi.struct('imap_fetch_message', {
  seq: 'uint32_t',
  has_uid: 'int32_t',
  uid: 'uint32_t',
  has_flags: 'int32_t',
  flags: 'void *',
  flag_count: 'size_t',
  has_internaldate: 'int32_t',
  internaldate_seconds: 'int64_t',
  internaldate_offset: 'int32_t',
  has_rfc822_size: 'int32_t',
  rfc822_size: 'uint64_t',
  has_modseq: 'int32_t',
  modseq: 'uint64_t',
  envelope: 'void *',
  body_structure: 'void *',
  body: 'void *',
  sections: 'void *',
  section_count: 'size_t',
  binary_sizes: 'void *',
  binary_size_count: 'size_t',
  other: 'void *',
  other_count: 'size_t',
  valid: 'int32_t',
  error_kind: 'int32_t',
  error: 'void *',
  raw: 'imap_bytes',
  quirks: 'uint32_t',
});
const imap_fetch_list = koffi.struct('imap_fetch_list', { messages: 'void *', count: 'size_t' });
const imap_mailbox_name = koffi.struct('imap_mailbox_name', { raw: 'imap_bytes', name: 'imap_bytes' });
const imap_list_entry = koffi.struct('imap_list_entry', {
  attributes: 'void *',
  attribute_count: 'size_t',
  delimiter: 'uint8_t',
  mailbox: 'imap_mailbox_name',
  extended: 'void *',
  extended_count: 'size_t',
});
const imap_invalid = koffi.struct('imap_invalid', { kind: 'int32_t', message: 'void *', raw: 'imap_bytes' });
// the tail shared by every list of the parse contract
const invalidTail = { invalid: 'void *', invalid_count: 'size_t' };
const listOf = (name, extra = {}) => koffi.struct(name, { entries: 'void *', count: 'size_t', ...extra, ...invalidTail });
const imap_list_entries = listOf('imap_list_entries');
const imap_status_item = koffi.struct('imap_status_item', { name: 'imap_bytes', value: 'uint64_t' });
const imap_status_info = koffi.struct('imap_status_info', {
  mailbox: 'imap_mailbox_name',
  has_messages: 'int32_t',
  messages: 'uint32_t',
  has_recent: 'int32_t',
  recent: 'uint32_t',
  has_uidnext: 'int32_t',
  uidnext: 'uint32_t',
  has_uidvalidity: 'int32_t',
  uidvalidity: 'uint32_t',
  has_unseen: 'int32_t',
  unseen: 'uint32_t',
  has_deleted: 'int32_t',
  deleted: 'uint32_t',
  has_highest_modseq: 'int32_t',
  highest_modseq: 'uint64_t',
  has_size: 'int32_t',
  size: 'uint64_t',
  other: 'void *',
  other_count: 'size_t',
});
const imap_status_list = listOf('imap_status_list');
const imap_search_result = koffi.struct('imap_search_result', {
  ids: 'void *',
  count: 'size_t',
  has_modseq: 'int32_t',
  modseq: 'uint64_t',
  ...invalidTail,
});
const imap_esearch_item = koffi.struct('imap_esearch_item', { name: 'imap_bytes', value: 'imap_bytes' });
const imap_esearch_info = koffi.struct('imap_esearch_info', {
  tag: 'imap_bytes',
  uid: 'int32_t',
  has_min: 'int32_t',
  min: 'uint32_t',
  has_max: 'int32_t',
  max: 'uint32_t',
  has_count: 'int32_t',
  count: 'uint32_t',
  has_all: 'int32_t',
  all: 'void *',
  all_count: 'size_t',
  has_modseq: 'int32_t',
  modseq: 'uint64_t',
  other: 'void *',
  other_count: 'size_t',
});
const imap_esearch_list = listOf('imap_esearch_list');
const imap_thread_node = koffi.struct('imap_thread_node', {
  has_id: 'int32_t',
  id: 'uint32_t',
  has_parent: 'int32_t',
  parent: 'size_t',
  children: 'void *',
  child_count: 'size_t',
});
const imap_thread_list = koffi.struct('imap_thread_list', {
  nodes: 'void *',
  node_count: 'size_t',
  roots: 'void *',
  root_count: 'size_t',
  ...invalidTail,
});
const imap_namespace_entry = koffi.struct('imap_namespace_entry', {
  prefix: 'imap_bytes',
  delimiter: 'uint8_t',
  extensions: 'void *',
  extension_count: 'size_t',
});
const imap_namespace_info = koffi.struct('imap_namespace_info', {
  personal: 'void *',
  personal_count: 'size_t',
  other: 'void *',
  other_count: 'size_t',
  shared: 'void *',
  shared_count: 'size_t',
});
const imap_namespace_list = listOf('imap_namespace_list');
const imap_quota_resource = koffi.struct('imap_quota_resource', { name: 'imap_bytes', usage: 'uint64_t', limit: 'uint64_t' });
const imap_quota_info = koffi.struct('imap_quota_info', { root: 'imap_bytes', resources: 'void *', resource_count: 'size_t' });
const imap_quota_list = listOf('imap_quota_list');
const imap_quotaroot_info = koffi.struct('imap_quotaroot_info', { mailbox: 'imap_mailbox_name', roots: 'void *', root_count: 'size_t' });
const imap_quotaroot_list = listOf('imap_quotaroot_list');
const imap_acl_entry = koffi.struct('imap_acl_entry', { identifier: 'imap_bytes', rights: 'imap_bytes' });
const imap_acl_info = koffi.struct('imap_acl_info', { mailbox: 'imap_mailbox_name', entries: 'void *', entry_count: 'size_t' });
const imap_acl_list = listOf('imap_acl_list');
const imap_myrights_info = koffi.struct('imap_myrights_info', { mailbox: 'imap_mailbox_name', rights: 'imap_bytes' });
const imap_myrights_list = listOf('imap_myrights_list');
const imap_listrights_info = koffi.struct('imap_listrights_info', {
  mailbox: 'imap_mailbox_name',
  identifier: 'imap_bytes',
  required: 'imap_bytes',
  optional: 'void *',
  optional_count: 'size_t',
});
const imap_listrights_list = listOf('imap_listrights_list');
const imap_metadata_entry = koffi.struct('imap_metadata_entry', { name: 'imap_bytes', value: 'imap_bytes' });
const imap_metadata_info = koffi.struct('imap_metadata_info', { mailbox: 'imap_mailbox_name', entries: 'void *', entry_count: 'size_t' });
const imap_metadata_list = listOf('imap_metadata_list');
const imap_capability_list = koffi.struct('imap_capability_list', { capabilities: 'void *', count: 'size_t' });

const parsedTypes = {
  imap_bytes,
  imap_seq_range,
  imap_response_code,
  imap_mailbox_info,
  imap_address,
  imap_envelope,
  imap_param,
  imap_body_part,
  imap_section,
  imap_binary_size,
  imap_raw_item,
  imap_fetch_message,
  imap_fetch_list,
  imap_mailbox_name,
  imap_list_entry,
  imap_invalid,
  imap_list_entries,
  imap_status_item,
  imap_status_info,
  imap_status_list,
  imap_search_result,
  imap_esearch_item,
  imap_esearch_info,
  imap_esearch_list,
  imap_thread_node,
  imap_thread_list,
  imap_namespace_entry,
  imap_namespace_info,
  imap_namespace_list,
  imap_quota_resource,
  imap_quota_info,
  imap_quota_list,
  imap_quotaroot_info,
  imap_quotaroot_list,
  imap_acl_entry,
  imap_acl_info,
  imap_acl_list,
  imap_myrights_info,
  imap_myrights_list,
  imap_listrights_info,
  imap_listrights_list,
  imap_metadata_entry,
  imap_metadata_info,
  imap_metadata_list,
  imap_capability_list,
};

// SASL callback of imap_authenticate. The pointer arguments arrive as BigInt addresses; the
// response is written through them with koffi.encode (see index.cjs).
const imap_sasl_fn = koffi.proto(
  'int32_t imap_sasl_fn(void *user_data, const uint8_t *challenge, size_t challenge_len, void *response, void *response_len)',
);

// Literal callback of imap_set_literal_callback: one chunk of a streamed literal. Called on the
// worker running the call in progress; koffi runs the JS function on the main thread (see
// index.cjs, Client#setLiteralHandler).
const imap_literal_fn = koffi.proto(
  'int32_t imap_literal_fn(void *user_data, const uint8_t *line, size_t line_len, uint64_t size, uint64_t offset, const uint8_t *chunk, size_t chunk_len)',
);

const decls = [
  // handle, settings, accessors
  'int32_t imap_client_new(_Out_ imap_client **out)',
  'void imap_client_free(imap_client *client)',
  'int32_t imap_open(imap_client *client, const char *host, uint16_t port, int32_t tls_mode)',
  'int32_t imap_shutdown(imap_client *client)',
  'int32_t imap_interrupt(imap_client *client)',
  'const char *imap_last_error(const imap_client *client)',
  'int32_t imap_set_timeouts(imap_client *client, uint32_t connect_ms, uint32_t io_ms)',
  'int32_t imap_set_call_timeout(imap_client *client, uint32_t call_ms, uint32_t min_rate)',
  'int32_t imap_set_limits(imap_client *client, uint64_t max_line, uint64_t max_literal, uint64_t max_response, uint64_t max_untagged)',
  'int32_t imap_set_tls_verify(imap_client *client, int32_t verify)',
  'int32_t imap_set_ca_file(imap_client *client, const char *path)',
  'int32_t imap_set_client_cert(imap_client *client, const char *certfile, const char *keyfile)',
  'int32_t imap_set_debug(imap_client *client, int32_t level)',
  // streamed literals (the callback is a registered koffi callback: see index.cjs)
  'int32_t imap_set_literal_callback(imap_client *client, imap_literal_fn *callback, void *user_data, uint64_t min_size)',
  'int32_t imap_client_state(imap_client *client)',
  'void *imap_client_capabilities(imap_client *client)',
  'int32_t imap_client_has_capability(imap_client *client, const char *capability)',
  'const char *imap_client_protocol_version(imap_client *client)',
  'void *imap_client_welcome(imap_client *client)',
  'int32_t imap_client_is_readonly(imap_client *client)',
  'int32_t imap_client_is_tls(imap_client *client)',
  'int32_t imap_client_is_open(imap_client *client)',
  'int32_t imap_client_utf8_enabled(imap_client *client)',
  'int32_t imap_client_fd(imap_client *client)',
  'void imap_string_free(void *s)',
  'const char *imap_code_name(int32_t code)',
  'const char *imap_code_str(int32_t code)',
  'const char *imap_version()',
  'int32_t imap_version_number()',
  // commands
  'int32_t imap_capability(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_noop(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_login(imap_client *client, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_logout(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_starttls(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_select(imap_client *client, const char *mailbox, int32_t readonly, _Out_ imap_result **out)',
  'int32_t imap_status(imap_client *client, const char *mailbox, const char *names, _Out_ imap_result **out)',
  'int32_t imap_list(imap_client *client, const char *directory, const char *pattern, _Out_ imap_result **out)',
  'int32_t imap_lsub(imap_client *client, const char *directory, const char *pattern, _Out_ imap_result **out)',
  'int32_t imap_create(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_delete(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_rename(imap_client *client, const char *oldmailbox, const char *newmailbox, _Out_ imap_result **out)',
  'int32_t imap_subscribe(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_unsubscribe(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  // the message is passed as a raw pointer (native memory we allocate; see index.cjs)
  'int32_t imap_append(imap_client *client, const char *mailbox, const char *flags, const char *date_time, void *message, size_t message_len, _Out_ imap_result **out)',
  'int32_t imap_check(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_close(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_unselect(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_expunge(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_search(imap_client *client, const char *charset, const char **criteria, size_t ncriteria, _Out_ imap_result **out)',
  'int32_t imap_search_args(imap_client *client, const char *charset, const char **values, const int32_t *kinds, size_t count, _Out_ imap_result **out)',
  'int32_t imap_uid_search_args(imap_client *client, const char *charset, const char **values, const int32_t *kinds, size_t count, _Out_ imap_result **out)',
  'int32_t imap_sort_args(imap_client *client, const char **keys, size_t nkeys, const char *charset, const char **values, const int32_t *kinds, size_t count, _Out_ imap_result **out)',
  'int32_t imap_uid_sort_args(imap_client *client, const char **keys, size_t nkeys, const char *charset, const char **values, const int32_t *kinds, size_t count, _Out_ imap_result **out)',
  'int32_t imap_store_flags(imap_client *client, const char *message_set, const char *command, const char **flags, size_t nflags, _Out_ imap_result **out)',
  'int32_t imap_uid_store_flags(imap_client *client, const char *uid_set, const char *command, const char **flags, size_t nflags, _Out_ imap_result **out)',
  // the message and the literal are passed as raw pointers (native memory; see index.cjs)
  'int32_t imap_append_flags(imap_client *client, const char *mailbox, const char **flags, size_t nflags, const char *date_time, void *message, size_t message_len, _Out_ imap_result **out)',
  'int32_t imap_set_literal(imap_client *client, void *literal, size_t len)',
  'int32_t imap_fetch(imap_client *client, const char *message_set, const char *message_parts, _Out_ imap_result **out)',
  'int32_t imap_store(imap_client *client, const char *message_set, const char *command, const char *flags, _Out_ imap_result **out)',
  'int32_t imap_copy(imap_client *client, const char *message_set, const char *new_mailbox, _Out_ imap_result **out)',
  'int32_t imap_move(imap_client *client, const char *message_set, const char *new_mailbox, _Out_ imap_result **out)',
  'int32_t imap_uid(imap_client *client, const char *command, const char **args, size_t nargs, _Out_ imap_result **out)',
  'int32_t imap_namespace(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_response(imap_client *client, const char *code, _Out_ imap_result **out)',
  'int32_t imap_recent(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_xatom(imap_client *client, const char *name, const char **args, size_t nargs, _Out_ imap_result **out)',
  // authentication (the SASL callback is a registered koffi callback: see index.cjs)
  'int32_t imap_authenticate(imap_client *client, const char *mechanism, void *initial, size_t initial_len, imap_sasl_fn *callback, void *user_data, _Out_ imap_result **out)',
  'int32_t imap_login_plain(imap_client *client, const char *authzid, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_login_sasl_login(imap_client *client, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_login_cram_md5(imap_client *client, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_login_xoauth2(imap_client *client, const char *user, const char *token, _Out_ imap_result **out)',
  'int32_t imap_login_oauthbearer(imap_client *client, const char *user, const char *token, _Out_ imap_result **out)',
  // IDLE, stream connections, raw I/O
  'int32_t imap_idle_start(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_idle_wait(imap_client *client, uint32_t timeout_ms, _Out_ imap_result **out)',
  'int32_t imap_idle_done(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_open_stream(imap_client *client, const char *command)',
  // the line is passed as a raw pointer (native memory we allocate, as for imap_append)
  'int32_t imap_send_line(imap_client *client, void *line, size_t len)',
  'int32_t imap_read_response(imap_client *client, uint32_t timeout_ms, _Out_ imap_result **out)',
  // extensions
  'int32_t imap_getacl(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_setacl(imap_client *client, const char *mailbox, const char *who, const char *what, _Out_ imap_result **out)',
  'int32_t imap_deleteacl(imap_client *client, const char *mailbox, const char *who, _Out_ imap_result **out)',
  'int32_t imap_myrights(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_listrights(imap_client *client, const char *mailbox, const char *identifier, _Out_ imap_result **out)',
  'int32_t imap_getquota(imap_client *client, const char *root, _Out_ imap_result **out)',
  'int32_t imap_getquotaroot(imap_client *client, const char *mailbox, _Out_ imap_result **out_quotaroot, _Out_ imap_result **out_quota)',
  'int32_t imap_setquota(imap_client *client, const char *root, const char *limits, _Out_ imap_result **out)',
  'int32_t imap_getannotation(imap_client *client, const char *mailbox, const char *entry, const char *attribute, _Out_ imap_result **out)',
  'int32_t imap_setannotation(imap_client *client, const char **args, size_t nargs, _Out_ imap_result **out)',
  'int32_t imap_getmetadata(imap_client *client, const char *mailbox, const char **entries, size_t nentries, const char *options, _Out_ imap_result **out)',
  'int32_t imap_setmetadata(imap_client *client, const char *mailbox, const char **entries, const char **values, size_t count, _Out_ imap_result **out)',
  'int32_t imap_proxyauth(imap_client *client, const char *user, _Out_ imap_result **out)',
  'int32_t imap_partial(imap_client *client, const char *message_num, const char *message_part, const char *start, const char *length, _Out_ imap_result **out)',
  'int32_t imap_sort(imap_client *client, const char *sort_criteria, const char *charset, const char **search_criteria, size_t ncriteria, _Out_ imap_result **out)',
  'int32_t imap_thread(imap_client *client, const char *threading_algorithm, const char *charset, const char **search_criteria, size_t ncriteria, _Out_ imap_result **out)',
  'int32_t imap_enable(imap_client *client, const char *capability, _Out_ imap_result **out)',
  'int32_t imap_id(imap_client *client, const char **names, const char **values, size_t count, _Out_ imap_result **out)',
  // utilities (no handle; pure computations, called synchronously)
  'int32_t imap_int2ap(int64_t num, _Out_ void **out)',
  'int32_t imap_parse_flags(const uint8_t *resp, size_t len, _Out_ imap_result **out)',
  'int32_t imap_internaldate2tuple(const uint8_t *resp, size_t len, _Out_ int32_t *found, _Out_ int64_t *utc_seconds, _Out_ int32_t *offset_seconds, _Out_ imap_tm *tm)',
  'int32_t imap_time2internaldate(int64_t utc_seconds, int32_t offset_seconds, _Out_ void **out)',
  'int32_t imap_time2internaldate_tm(const imap_tm *tm, _Out_ void **out)',
  // parsed results: each parser reads a live imap_result (never changing it) and gives an
  // object freed by its own _free (the out-parameters are 'void **': the objects are decoded
  // from their addresses with koffi.decode)
  'int32_t imap_parse_code(const imap_result *result, _Out_ void **out)',
  'void imap_response_code_free(void *code)',
  'int32_t imap_client_mailbox(imap_client *client, _Out_ void **out)',
  'void imap_mailbox_info_free(void *info)',
  'int32_t imap_set_mailbox_encoding(imap_client *client, int32_t mode)',
  'int32_t imap_parse_fetch(const imap_result *result, _Out_ void **out)',
  'void imap_fetch_list_free(void *list)',
  'int32_t imap_parse_list(const imap_result *result, _Out_ void **out)',
  'void imap_list_entries_free(void *list)',
  'int32_t imap_parse_status(const imap_result *result, _Out_ void **out)',
  'void imap_status_list_free(void *list)',
  'int32_t imap_parse_search(const imap_result *result, _Out_ void **out)',
  'void imap_search_result_free(void *search)',
  'int32_t imap_parse_esearch(const imap_result *result, _Out_ void **out)',
  'void imap_esearch_list_free(void *list)',
  'int32_t imap_parse_thread(const imap_result *result, _Out_ void **out)',
  'void imap_thread_list_free(void *list)',
  'int32_t imap_parse_namespace(const imap_result *result, _Out_ void **out)',
  'void imap_namespace_list_free(void *list)',
  'int32_t imap_parse_quota(const imap_result *result, _Out_ void **out)',
  'void imap_quota_list_free(void *list)',
  'int32_t imap_parse_quotaroot(const imap_result *result, _Out_ void **out)',
  'void imap_quotaroot_list_free(void *list)',
  'int32_t imap_parse_acl(const imap_result *result, _Out_ void **out)',
  'void imap_acl_list_free(void *list)',
  'int32_t imap_parse_myrights(const imap_result *result, _Out_ void **out)',
  'void imap_myrights_list_free(void *list)',
  'int32_t imap_parse_listrights(const imap_result *result, _Out_ void **out)',
  'void imap_listrights_list_free(void *list)',
  'int32_t imap_parse_metadata(const imap_result *result, _Out_ void **out)',
  'void imap_metadata_list_free(void *list)',
  'int32_t imap_parse_capability(const imap_result *result, _Out_ void **out)',
  'void imap_capability_list_free(void *list)',
  // text utilities (no handle; strings freed with imap_string_free)
  'int32_t imap_utf7_encode(const char *utf8, _Out_ void **out)',
  'int32_t imap_utf7_decode(const uint8_t *raw, size_t len, _Out_ void **out)',
  'int32_t imap_decode_header(const uint8_t *raw, size_t len, _Out_ void **out)',
  // results
  'const char *imap_result_type(const imap_result *result)',
  'size_t imap_result_count(const imap_result *result)',
  'const imap_item *imap_result_item(const imap_result *result, size_t index)',
  'const char *imap_result_status(const imap_result *result)',
  'const uint8_t *imap_result_text(const imap_result *result, _Out_ size_t *len)',
  'const char *imap_result_code(const imap_result *result)',
  'const uint8_t *imap_result_code_data(const imap_result *result, _Out_ size_t *len)',
  'void imap_result_free(imap_result *result)',
];

const fn = {};
for (const d of decls) {
  const f = lib.func(d);
  fn[f.info.name] = f;
}

module.exports = { koffi, lib, fn, imap_item, imap_tm, imap_sasl_fn, imap_literal_fn, parsedTypes, libraryPath };
