//go:build !unix

package gm

// processCPUTime is not measured here; the cpu metrics read 0.
func processCPUTime() int64 { return 0 }
