package contracts

import (
	"encoding/json"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// SystemContract holds what operating the network needs: a heartbeat (the network
// scripts push blocks with it until every orderer has a Raft snapshot), the bare PutState
// baseline for benchmarks, and record history.
type SystemContract struct {
	base
}

func init() { register("System", &SystemContract{}) }

// Heartbeat writes the last heartbeat (any identity of the channel may call it; it
// touches no domain record).
func (c *SystemContract) Heartbeat(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	tx, err := newTx(ctx, "System:Heartbeat")
	if err != nil {
		return "", err
	}
	var req model.HeartbeatRequest
	if err := model.Decode([]byte(request), &req); err != nil {
		return "", err
	}
	out, _ := json.Marshal(map[string]any{"txId": tx.TxID, "time": tx.Now, "bytes": len(req.Note)})
	return string(out), tx.putRaw(tx.Key(model.KindHealth, "heartbeat"), out)
}

// BenchPut is the benchmark baseline: one bare PutState, no validation, no event.
func (c *SystemContract) BenchPut(ctx contractapi.TransactionContextInterface, key, value string) error {
	stub := ctx.GetStub()
	k, err := stub.CreateCompositeKey(string(model.KindBench), []string{key})
	if err != nil {
		return err
	}
	return stub.PutState(k, []byte(value))
}

// History returns every committed version of a record, oldest first, if the caller may
// read the record as it stands now.
func (c *SystemContract) History(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "System:History", request, func(tx *Tx, req *model.HistoryRequest) (any, error) {
		cur := model.NewRecord(req.Kind)
		if cur == nil {
			return nil, model.FieldErr(model.CodeBadEnum, "kind", "", "unknown record kind %q", req.Kind)
		}
		if err := tx.Get(req.Kind, req.ID, cur); err != nil {
			return nil, err
		}
		if !tx.CanRead(cur) {
			return nil, model.Errf(model.CodeAccessDenied, "%s %q is not public and the caller is not a party to it", req.Kind, req.ID)
		}
		it, err := tx.stub.GetHistoryForKey(tx.Key(req.Kind, req.ID))
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "history: %v", err)
		}
		defer it.Close()
		out := []model.HistoryEntry{}
		for it.HasNext() {
			m, err := it.Next()
			if err != nil {
				return nil, model.Errf(model.CodeInternal, "history: %v", err)
			}
			e := model.HistoryEntry{TxID: m.TxId, IsDelete: m.IsDelete}
			if m.Timestamp != nil {
				e.Time = m.Timestamp.AsTime().UTC().Format(time.RFC3339Nano)
			}
			if !m.IsDelete {
				e.Value = json.RawMessage(m.Value)
				var meta struct {
					Version int `json:"version"`
				}
				_ = json.Unmarshal(m.Value, &meta)
				e.Version = meta.Version
			}
			out = append(out, e)
		}
		// Fabric returns history newest first; an audit trail reads oldest first.
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out, nil
	})
}
