package client

//go:generate go run ./internal/gen functions_gen.go
