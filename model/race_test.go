//go:build race

package model_test

// raceEnabled skips work that the race detector cannot check, such as
// running the goose CLI.
const raceEnabled = true
