"""Variants of suite tests listed in skiplist.txt for a documented difference: the same
checks against a server that behaves as the RFCs say, so that what the skipped test was
about is still tested. Built on the suite's own servers and mixin (test.test_imaplib), run
by run_test_imaplib.py."""

import unittest


def variant_cases(suite):
    """TestCase classes over `suite`, the imported test.test_imaplib."""

    class UTF8ConfirmingHandler(suite.SimpleIMAPHandler):
        """The suite's UTF8Server, but ENABLE answers with the untagged ENABLED that RFC 5161
        requires, and APPEND records its arguments and literal."""

        capabilities = "AUTH ENABLE UTF8=ACCEPT"

        def cmd_ENABLE(self, tag, args):
            enabled = [a for a in args if a.upper() == "UTF8=ACCEPT"]
            self._send_textline("* ENABLED" + "".join(" " + a for a in enabled))
            self._send_tagged(tag, "OK", "ENABLE successful")

        def cmd_AUTHENTICATE(self, tag, args):
            self._send_textline("+")
            self.server.response = yield
            self._send_tagged(tag, "OK", "FAKEAUTH successful")

        def cmd_APPEND(self, tag, args):
            self.server.append_args = args
            self._send_textline("+")
            self.server.response = yield
            self._send_tagged(tag, "OK", "okay")

    class UTF8Confirmed(suite.NewIMAPTestsMixin, unittest.TestCase):
        imap_class = suite.imaplib.IMAP4
        server_class = suite.socketserver.TCPServer

        def test_search_disallows_charset_in_utf8_mode(self):
            client, _ = self._setup(UTF8ConfirmingHandler)
            typ, _ = client.authenticate("MYAUTH", lambda x: b"fake")
            self.assertEqual(typ, "OK")
            self.assertFalse(client.utf8_enabled)
            typ, _ = client.enable("UTF8=ACCEPT")
            self.assertEqual(typ, "OK")
            self.assertTrue(client.utf8_enabled)
            with self.assertRaisesRegex(suite.imaplib.IMAP4.error, "charset.*UTF8"):
                client.search("foo", "bar")

        def test_enable_UTF8_True_append(self):
            client, server = self._setup(UTF8ConfirmingHandler)
            code, _ = client.authenticate("MYAUTH", lambda x: b"fake")
            self.assertEqual(code, "OK")
            self.assertEqual(server.response, b"ZmFrZQ==\r\n")  # b64 encoded 'fake'
            code, _ = client.enable("UTF8=ACCEPT")
            self.assertEqual(code, "OK")
            self.assertTrue(client.utf8_enabled)
            msg_string = "Subject: üñí©öðé"
            msg = msg_string.encode("utf-8")
            typ, data = client.append(None, None, None, msg)
            self.assertEqual(typ, "OK")
            # RFC 6855: APPEND INBOX UTF8 (~{N}, the message, then the closing parenthesis
            self.assertEqual(server.append_args, ["INBOX", "UTF8", "(~{%d}" % len(msg)])
            self.assertEqual(server.response, msg + b")\r\n")

    # the mixin's own tests run in the suite's classes already: only the variants here
    return [UTF8Confirmed("test_search_disallows_charset_in_utf8_mode"),
            UTF8Confirmed("test_enable_UTF8_True_append")]
