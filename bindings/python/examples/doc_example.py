# The example of imaplib's documentation, unchanged but for the import and where it connects
# (host, port, user and password from the environment instead of getpass).
import os

import libimap as imaplib

M = imaplib.IMAP4(os.environ.get("IMAP_HOST", ""), int(os.environ.get("IMAP_PORT", "143")))
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
M.select()
typ, data = M.search(None, 'ALL')
for num in data[0].split():
    typ, data = M.fetch(num, '(RFC822)')
    print('Message %s\n%s\n' % (num, data[0][1]))
M.close()
M.logout()
