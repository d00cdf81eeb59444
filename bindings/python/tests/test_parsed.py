"""fetch_parsed: dataclasses from libimap's FETCH parser."""

import datetime

import libimap


def test_envelope_bodystructure_flags(M):
    M.select("INBOX", readonly=True)
    msgs = M.fetch_parsed("1:3", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
    assert [m.seq for m in msgs] == [1, 2, 3]
    m = msgs[0]
    assert isinstance(m, libimap.FetchMessage) and m.valid
    assert m.uid == 1 and isinstance(m.flags, tuple)
    assert isinstance(m.internaldate, datetime.datetime) and m.internaldate.tzinfo is not None
    raw = M.fetch("1", "(RFC822.SIZE)")[1][0]
    assert m.rfc822_size == int(raw.split()[2].rstrip(b")"))
    env = m.envelope
    assert isinstance(env, libimap.Envelope)
    assert env.subject == M.fetch_parsed("1", "(ENVELOPE)")[0].envelope.subject
    assert env.message_id.startswith(b"<") and env.from_[0].kind == "mailbox"
    assert "@" in env.from_[0].email and env.to[0].email == "user1@example.org"
    body = m.body_structure
    assert isinstance(body, libimap.BodyPart)
    assert body.content_type.startswith(("text/", "multipart/"))
    assert all(isinstance(p.part, str) for p in body.walk())


def test_sections_and_uid_fetch(M):
    M.select("INBOX", readonly=True)
    whole = M.fetch("2", "(BODY.PEEK[])")[1][0][1]
    [m] = M.fetch_parsed("2", "(BODY.PEEK[HEADER] BODY.PEEK[])")
    assert m.section("") == whole
    assert whole.startswith(m.section("HEADER"))
    [u] = M.fetch_parsed(str(m.seq), "(FLAGS)", uid=True)
    assert u.uid == 2 and u.flags is not None


def test_fetch_parsed_no_raises(M):
    M.select("INBOX", readonly=True)
    # a bad set is the server's BAD
    import pytest
    with pytest.raises(M.error):
        M.fetch_parsed("0:x", "(FLAGS)")
