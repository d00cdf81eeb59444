"""Writes the benchmark's mailboxes straight into a Maildir folder (no APPEND), for benches/run.sh.

    python3 seed.py bench10k DIR UID GID     10,000 multipart messages of about 7.7 KB
    python3 seed.py bench100m DIR UID GID    one message whose size as sent is exactly 100 MiB

Prints "<messages> <total bytes as sent>" (the sizes with CRLF line ends, which is what a
FETCH of BODY.PEEK[] returns). Deterministic: the same files every time.

bench10k, message i (1-based), chosen so that every workload's check has one answer:
  - From: one address, two when i % 3 == 0;
  - multipart/mixed of 2 text/plain parts, 3 when i % 4 == 0;
  - flags \\Seen when i is even, \\Flagged when i % 5 == 0 (so w3, FETCH n (FLAGS) for
    n = 1..1000, sees 500 + 200 = 700 flags);
  - about 7.7 KB as sent (headers, then parts filled with base64-like text lines).
"""
import base64
import os
import random
import sys

VERSION = "v1"  # bump when the generated content changes: run.sh then writes it again


def pool():
    rnd = random.Random(13)
    raw = bytes(rnd.getrandbits(8) for _ in range(48 * 1024))
    return base64.b64encode(raw)  # 64 KiB of [A-Za-z0-9+/]


def make_dirs(d, uid, gid):
    for sub in ("", "/cur", "/new", "/tmp"):
        os.makedirs(d + sub, exist_ok=True)
        os.chown(d + sub, uid, gid)


def write(d, uid, gid, i, body, flags=""):
    size = len(body)
    vsize = size + body.count(b"\n")
    base = 1700000000
    # time-ordered unique names so Dovecot assigns UIDs in i order; S=/W= spare it a stat
    name = f"{d}/cur/{base + i}.M{i}P1.bench,S={size},W={vsize}:2,{flags}"
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    view = memoryview(body)
    while view:
        view = view[os.write(fd, view):]
    os.fchown(fd, uid, gid)
    os.close(fd)
    os.utime(name, (base + i, base + i))
    return vsize


def bench10k(d, uid, gid, n=10000):
    text = pool()
    total = 0
    for i in range(1, n + 1):
        froms = f'"Sender {i}" <sender{i}@example.com>'
        if i % 3 == 0:
            froms += f', "Second {i}" <second{i}@example.org>'
        nparts = 3 if i % 4 == 0 else 2
        boundary = f"=_bench_{i}_boundary"
        head = (
            f"From: {froms}\n"
            f"To: user1@example.com\n"
            f"Subject: Bench message {i}\n"
            f"Message-ID: <bench-{i}@imapsrv.test>\n"
            f"Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
            f"MIME-Version: 1.0\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\n'
            f"\n"
            f"This is a multi-part message in MIME format.\n"
        ).encode()
        # about 7.7 KB as sent: lines of 76 characters (78 bytes with CRLF), 7700 +- 300
        budget = 7700 + (i * 37) % 601 - 300 - len(head) - nparts * 80
        lines_total = max(nparts, budget // 78)
        parts = []
        off = (i * 613) % (len(text) - 76 * 200)
        for p in range(nparts):
            k = lines_total // nparts + (1 if p < lines_total % nparts else 0)
            body = b"\n".join(text[off + j * 76: off + (j + 1) * 76] for j in range(k))
            off += k * 76
            parts.append(
                f"--{boundary}\nContent-Type: text/plain; charset=us-ascii\n\n".encode()
                + body + b"\n"
            )
        msg = head + b"".join(parts) + f"--{boundary}--\n".encode()
        flags = ("F" if i % 5 == 0 else "") + ("S" if i % 2 == 0 else "")
        total += write(d, uid, gid, i, msg, flags)
    return n, total


def bench100m(d, uid, gid):
    target = 100 * 1024 * 1024
    head = (
        "From: big@example.com\n"
        "To: user1@example.com\n"
        "Subject: Bench 100 MiB\n"
        "Message-ID: <bench-100m@imapsrv.test>\n"
        "Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
        "\n"
    ).encode()
    rest = target - (len(head) + head.count(b"\n"))
    full, rem = divmod(rest, 80)  # 78 characters + CRLF per line as sent
    text = pool()
    chunk = b"".join(text[j * 78:(j + 1) * 78] + b"\n" for j in range(512))  # 512 lines
    reps, left = divmod(full, 512)
    body = chunk * reps + chunk[: left * 79]
    if rem == 1:  # one line one character longer
        body = body[:-1] + b"x\n"
    elif rem >= 2:
        body += b"y" * (rem - 2) + b"\n"
    msg = head + body
    vsize = write(d, uid, gid, 1, msg, "S")
    assert vsize == target, vsize
    return 1, vsize


def main():
    kind, d, uid, gid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    make_dirs(d, uid, gid)
    n, total = {"bench10k": bench10k, "bench100m": bench100m}[kind](d, uid, gid)
    print(n, total)


if __name__ == "__main__":
    main()
