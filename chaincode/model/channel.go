package model

import "regexp"

// ChannelName is the rule for a jurisdiction channel's name (pdlnet channel add, pdl -C):
// a lower-case letter, then lower-case letters, digits or '-', at most 49 characters —
// Fabric's own rule narrowed so that a name is also a safe path and URL segment.
var ChannelName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,48}$`)
