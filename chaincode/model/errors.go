package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Code is a stable error code. Clients switch on codes, never on messages.
type Code string

// Input, identity and lifecycle codes shared by every entry point. Rule violations use
// the rule's own code (see rules.go).
const (
	CodeMalformed     Code = "INPUT_MALFORMED"      // not a single JSON object
	CodeUnknownField  Code = "INPUT_UNKNOWN_FIELD"  // a field the request type does not have
	CodeMissingField  Code = "INPUT_MISSING_FIELD"  // a required field is absent or empty
	CodeTooLong       Code = "INPUT_TOO_LONG"       // string over its length limit
	CodeTooMany       Code = "INPUT_TOO_MANY"       // list over its item limit
	CodeBadEnum       Code = "INPUT_BAD_ENUM"       // value not in the field's enumeration
	CodeBadFormat     Code = "INPUT_BAD_FORMAT"     // id, digest, date, code, key... malformed
	CodeOutOfRange    Code = "INPUT_OUT_OF_RANGE"   // number or date outside its allowed range
	CodeTooLarge      Code = "INPUT_TOO_LARGE"      // whole request over the size limit
	CodeDuplicate     Code = "INPUT_DUPLICATE_ITEM" // the same item twice in a list
	CodeDuplicateKey  Code = "INPUT_DUPLICATE_KEY"  // the same key twice in one JSON object
	CodeIDReused      Code = "ID_REUSED"            // a different request under a used id
	CodeNotFound      Code = "NOT_FOUND"            // referenced record does not exist
	CodeAccessDenied  Code = "ACCESS_DENIED"        // caller's role or party may not do this
	CodeUnbound       Code = "IDENTITY_UNBOUND"     // caller's certificate is bound to no participant
	CodeSuspended     Code = "IDENTITY_SUSPENDED"   // caller's participant or binding is not active
	CodeBadState      Code = "STATE_TRANSITION"     // transition not allowed from the record's state
	CodeSignature     Code = "SIGNATURE_INVALID"    // SM2 signature missing where required, or wrong
	CodeNotBootstrap  Code = "NOT_BOOTSTRAPPED"     // the ledger has no bureau yet
	CodeAlreadyExists Code = "ALREADY_EXISTS"       // a unique record of that kind exists already
	CodeProfileUnset  Code = "PROFILE_NOT_SET"      // the bureau has not set a policy profile
	CodeInternal      Code = "INTERNAL"             // a stored record could not be read, or a bug was caught
	CodeTxTimeSkew    Code = "TX_TIME_SKEW"         // the proposal's timestamp is outside the endorser's window
	CodeDisabled      Code = "FUNCTION_DISABLED"    // the function is off on this chaincode server
	CodeUnguarded     Code = "RECORD_UNGUARDED"     // a record created without its owner's endorsement
	// CodeCommercialInArgs: a commercial field (or the signature over one) sent in the
	// arguments, which every peer keeps in the block, instead of the transient map.
	CodeCommercialInArgs Code = "COMMERCIAL_IN_ARGUMENTS"
	// CodeCommercialNotMember: a commercial request sent to a peer of an org outside the
	// commercial collection, which must not see it.
	CodeCommercialNotMember Code = "COMMERCIAL_NOT_MEMBER"
)

// Error is every refusal the chaincode returns. It travels to clients as the JSON object
// Error() produces, so the code, the field and the limit survive the trip through the
// peer and the gateway.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Limit   string `json:"limit,omitempty"`
	Rule    string `json:"rule,omitempty"` // the articles behind a rule violation (Rule.Basis)
}

func (e *Error) Error() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// Is matches errors by code, so errors.Is(err, &model.Error{Code: X}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Describe is the message catalogue's text for the error's code in lang (messages.go):
// its title, what was wrong, what is allowed and what to do.
func (e *Error) Describe(lang Lang) (Message, bool) { return Describe(e.Code, lang) }

// Errf builds an Error with a formatted message.
func Errf(code Code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// FieldErr builds an input error naming the field and its limit.
func FieldErr(code Code, field, limit, format string, a ...any) *Error {
	return &Error{Code: code, Field: field, Limit: limit, Message: fmt.Sprintf(format, a...)}
}

// CodeOf returns the code of err if it is (or wraps) an *Error, else "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ParseError recovers an *Error from the text a client receives. The text may carry a
// prefix added by the peer or the gateway ("chaincode response 500, ..."). It returns
// nil when the text holds no PDLedger error.
func ParseError(text string) *Error {
	for i := strings.IndexByte(text, '{'); i >= 0; {
		dec := json.NewDecoder(strings.NewReader(text[i:]))
		var e Error
		if err := dec.Decode(&e); err == nil && e.Code != "" {
			return &e
		}
		j := strings.IndexByte(text[i+1:], '{')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return nil
}
