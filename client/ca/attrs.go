package ca

import (
	"fmt"
	"regexp"
)

// Attributes a person's enrollment certificate carries (Fabric CA attribute extension).
// The chaincode reads AttrParticipant: a certificate that names a participant acts for
// that participant only, whatever binding the bureau writes (rule
// IDENTITY_ATTRIBUTE_MISMATCH).
const (
	AttrParticipant = "pdl.participant" // the on-chain participant id the person acts for
	AttrRole        = "pdl.role"        // the person's duty within that party (filer, reviewer, ...)
)

var attrValue = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// CheckAttr validates an attribute a registrar asks for: only the attributes above, with
// an id-like value, so a typo cannot issue a certificate that names nothing.
func CheckAttr(name, value string) error {
	switch name {
	case AttrParticipant, AttrRole:
	default:
		return &Error{Code: ExitUsage, Key: "UNKNOWN_ATTRIBUTE",
			Msg: fmt.Sprintf("未知属性 %q，只能使用 %s 与 %s / unknown attribute %q: only %s and %s are issued", name, AttrParticipant, AttrRole, name, AttrParticipant, AttrRole)}
	}
	if !attrValue.MatchString(value) {
		return &Error{Code: ExitUsage, Key: "BAD_ATTRIBUTE_VALUE",
			Msg: fmt.Sprintf("属性 %s 的值 %q 无效 / attribute %s: value %q must be 1-64 of a-z 0-9 . _ - starting with a letter or digit", name, value, name, value)}
	}
	return nil
}
