// Package stamp carries a replay timestamp from package replay to the client's submit
// path. It is internal so that nothing outside the client's own packages can set one: the
// production path has no way to choose a transaction's time.
package stamp

import (
	"context"
	"time"
)

type key struct{}

// With returns ctx carrying t.
func With(ctx context.Context, t time.Time) context.Context { return context.WithValue(ctx, key{}, t) }

// From returns the timestamp ctx carries, if any.
func From(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(key{}).(time.Time)
	return t, ok
}
