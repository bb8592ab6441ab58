//go:build !race

package bag

const raceDetector = false
