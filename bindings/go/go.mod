module libimap/imap

go 1.24
