package imap

// #include "imap.h"
import "C"

// IsCompressed reports whether COMPRESS=DEFLATE is active on the connection (Compress, or
// Options.Compress after login).
func (c *Client) IsCompressed() bool {
	return c.flag(func(h *C.imap_client) C.int32_t { return C.imap_client_is_compressed(h) })
}
