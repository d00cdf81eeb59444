"""Times the same bulk FETCH through Python's imaplib (the baseline): best of ROUNDS.
Prints "<best seconds> <bytes of literals>"."""
import imaplib
import sys
import time

host, port, user, password, mailbox, items, rounds = sys.argv[1:8]
m = imaplib.IMAP4(host, int(port))
m.login(user, password)
m.select(mailbox, readonly=True)
best, size = float("inf"), 0
for _ in range(int(rounds.split(":")[0])):
    t0 = time.perf_counter()
    typ, data = m.fetch("1:*", items)
    t = time.perf_counter() - t0
    assert typ == "OK", data
    size = sum(len(d[1]) for d in data if isinstance(d, tuple))
    best = min(best, t)
print(f"{best:.6f} {size}")
m.logout()
