# Type-checked by test.sh with mypy against the installed package (its py.typed): a program
# using the package's annotations. Never run.
import io
from typing import List, Optional, Tuple

import libimap


def subjects(M: libimap.IMAP4) -> List[Optional[str]]:
    typ, data = M.select("INBOX", readonly=True)
    assert typ == "OK"
    out: List[Optional[str]] = []
    for m in M.fetch_parsed("1:*", "(ENVELOPE)"):
        env: Optional[libimap.Envelope] = m.envelope
        out.append(env.subject_decoded if env is not None else None)
    return out


def save(M: libimap.IMAP4, num: str) -> int:
    f = io.BytesIO()
    n: int = M.fetch_to_file(num, f)
    return n


def flags(resp: bytes) -> Tuple[bytes, ...]:
    return libimap.ParseFlags(resp)


def date(s: bytes) -> str:
    t = libimap.Internaldate2tuple(s)
    return libimap.Time2Internaldate(t) if t is not None else ""
