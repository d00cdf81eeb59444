module libimap/imap

go 1.21
