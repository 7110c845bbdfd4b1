package ca

// pdl-ca's exit codes, the same as pdl's.
const (
	ExitOK      = 0
	ExitRefused = 1 // the CA refused: authentication, authorization, unknown identity, revoked
	ExitUsage   = 2 // bad flags or input; nothing was sent
	ExitNetwork = 3 // the CA could not be reached
)

// Error is a pdl-ca failure: an exit code, a stable key and a message in Chinese and
// English.
type Error struct {
	Code int
	Key  string
	Msg  string
}

func (e *Error) Error() string { return e.Key + ": " + e.Msg }
