//go:build race

package imap_test

// raceEnabled: the race detector's shadow memory adds to the RSS as the run touches new
// memory, so RSS bounds are looser under it.
const raceEnabled = true
