package model

// DefaultVerifyBlocks bounds one chain verification of the explorer: every block is
// re-read from the peer and compared row by row, so a whole ledger of tens of thousands
// of blocks would hold one request (and a regulator's browser) for minutes. A longer
// range is verified a page at a time, following VerifyReport.Next.
const DefaultVerifyBlocks = 1000

// VerifyMismatch is one difference the explorer's chain verification found between its
// index and the ledger; Code is one of the CodeIndex… codes.
type VerifyMismatch struct {
	Block  uint64 `json:"block"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// VerifyReport is the explorer's chain verification report over blocks [From, To)
// (GET /api/v1/verify, pdl verify).
type VerifyReport struct {
	From          uint64 `json:"from"`
	To            uint64 `json:"to"`
	BlocksChecked uint64 `json:"blocksChecked"`
	// Next is the first block of the requested range left for the next page (absent when
	// the range was verified to its end).
	Next *uint64 `json:"next,omitempty"`
	OK   bool    `json:"ok"`
	// ComparedWith says what the index was held to: the peer's blocks and world state,
	// or (without a ledger) the raw blocks the index stored.
	ComparedWith string           `json:"comparedWith"`
	Mismatches   []VerifyMismatch `json:"mismatches"`
	// StateChecked counts the records compared with world state.
	StateChecked int     `json:"recordsComparedWithState"`
	Seconds      float64 `json:"seconds"`
}
