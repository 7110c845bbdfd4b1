package bench

import (
	"fmt"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestMix_USCCsNeverRepeat: codes are valid and distinct across workers, iterations and
// runs (a repeated code is refused by the registration rule, which the benchmark would
// count as its own failures).
func TestMix_USCCsNeverRepeat(t *testing.T) {
	seen := map[string]string{}
	for _, run := range []string{"run-a", "run-b"} {
		for w := 0; w < 128; w++ {
			for i := 0; i < 200; i++ {
				body := benchUSCCBody(run, w, i)
				c, err := model.USCCCheckChar(body)
				if err != nil {
					t.Fatalf("%s: %v", body, err)
				}
				code := body + string(c)
				if err := model.CheckUSCC(code); err != nil {
					t.Fatalf("%s invalid: %v", code, err)
				}
				at := fmt.Sprintf("%s/%d/%d", run, w, i)
				if prev, dup := seen[code]; dup {
					t.Fatalf("%s generated for %s and %s", code, prev, at)
				}
				seen[code] = at
			}
		}
	}
}
