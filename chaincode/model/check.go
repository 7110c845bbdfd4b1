package model

// CheckReason is why a product check fails — the check a data exchange makes before it
// lists or trades a product (is it registered, approved, in force, its operator's
// authorization active, its filed prices within their caps). The explorer answers these
// values; the console and pdl show their labels.
type CheckReason string

const (
	// CheckNotFound: no product of that id is indexed, or the caller may not read it (the
	// two are not told apart, so a check reveals nothing about private products).
	CheckNotFound      CheckReason = "not_found"
	CheckNotRegistered CheckReason = "not_registered"
	CheckNotApproved   CheckReason = "not_approved"
	CheckNotInForce    CheckReason = "not_in_force" // neither registered nor listed (suspended, delisted...)
	CheckAuthInactive  CheckReason = "authorization_inactive"
	CheckPriceAboveCap CheckReason = "price_above_cap"
)

// Values lists the reasons in the order a check reports them.
func (CheckReason) Values() []string {
	return []string{string(CheckNotFound), string(CheckNotRegistered), string(CheckNotApproved),
		string(CheckNotInForce), string(CheckAuthInactive), string(CheckPriceAboveCap)}
}
