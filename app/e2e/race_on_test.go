//go:build race

package e2e_test

// raceOn is true when the tests run under the race detector: the fault
// suites then run once per case, since every child is as slow.
const raceOn = true
