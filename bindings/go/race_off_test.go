//go:build !race

package imap_test

const raceEnabled = false
