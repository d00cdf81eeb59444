#!/usr/bin/env python3
"""An independent IMAP client for the example tests (Python's imaplib, plain IMAP).

usage: imap_tool.py HOST PORT USER PASSWORD COMMAND ARGS...
  create MAILBOX | delete MAILBOX
  append MAILBOX            the message is read from stdin
  fetch MAILBOX N FILE      writes message N's BODY.PEEK[] to FILE, prints its RFC822.SIZE
"""
import imaplib
import sys


def main(host, port, user, password, command, *args):
    m = imaplib.IMAP4(host, int(port), timeout=60)
    m.login(user, password)
    if command in ("create", "delete"):
        typ, data = getattr(m, command)(args[0])
    elif command == "append":
        typ, data = m.append(args[0], None, None, sys.stdin.buffer.read())
    elif command == "fetch":
        mailbox, num, path = args
        m.select(mailbox, readonly=True)
        typ, data = m.fetch(num, "(RFC822.SIZE BODY.PEEK[])")
        with open(path, "wb") as f:
            f.write(data[0][1])
        print(data[0][0].split(b"RFC822.SIZE ")[1].split()[0].decode())
    else:
        raise SystemExit("unknown command " + command)
    if typ != "OK":
        raise SystemExit("%s failed: %r" % (command, data))
    m.logout()


if __name__ == "__main__":
    main(*sys.argv[1:])
