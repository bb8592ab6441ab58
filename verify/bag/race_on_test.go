//go:build race

package bag

// raceDetector is true when the tests run under the race detector, which
// multiplies memory use: memory bounds are not measured then.
const raceDetector = true
