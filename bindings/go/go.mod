module github.com/libimap/libimap/bindings/go

go 1.24
