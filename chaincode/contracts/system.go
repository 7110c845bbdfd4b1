package contracts

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
)

// SystemContract holds what operating the network needs: a heartbeat (the network
// scripts push blocks with it until every orderer has a Raft snapshot), the bare PutState
// baseline for benchmarks, record history, and replay sessions for dated history.
type SystemContract struct {
	base
}

func init() { register("System", &SystemContract{}) }

// guard runs an entry point that does not go through Write or Read with the same panic
// recovery.
func guard(fn string, f func() (string, error)) (out string, err error) {
	defer recoverInternal(fn, &out, &err)
	return f()
}

// Heartbeat writes the last heartbeat. Only org admins may call it (the network scripts
// and the readiness probe of `make up`): it touches no domain record, but it is a write
// any member could otherwise flood the ledger with.
func (c *SystemContract) Heartbeat(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	const fn = "System:Heartbeat"
	return guard(fn, func() (string, error) {
		tx, err := newTx(ctx, fn)
		if err != nil {
			return "", err
		}
		var req model.HeartbeatRequest
		if err := model.Decode([]byte(request), &req); err != nil {
			return "", err
		}
		caller, err := tx.Caller()
		if err != nil {
			return "", err
		}
		if !caller.IsAdmin {
			return "", model.Errf(model.CodeAccessDenied, "%s is for org admins (network operations); %s is not an admin", fn, caller.Subject)
		}
		out, _ := json.Marshal(map[string]any{"txId": tx.TxID, "time": tx.Now, "bytes": len(req.Note)})
		return string(out), tx.putRaw(tx.Key(model.KindHealth, "heartbeat"), out)
	})
}

// BenchPut is the benchmark baseline: one bare PutState, no validation, no event. It
// exists only on chaincode servers started with the benchmark setting (Settings.Bench).
func (c *SystemContract) BenchPut(ctx contractapi.TransactionContextInterface, key, value string) error {
	_, err := guard("System:BenchPut", func() (string, error) {
		if !settings.Bench {
			return "", model.Errf(model.CodeDisabled, "System:BenchPut is off on this chaincode server (start it with PDL_BENCH=on for benchmarks)")
		}
		stub := ctx.GetStub()
		k, err := stub.CreateCompositeKey(string(model.KindBench), []string{key})
		if err != nil {
			return "", model.Errf(model.CodeBadFormat, "bench key: %v", err)
		}
		return "", stub.PutState(k, []byte(value))
	})
	return err
}

// History returns every committed version of a record, oldest first. Each version is
// shown under its own visibility (model.CanRead of that version): a version the caller
// may not read keeps its transaction, time and number but not its content. A caller who
// may read no version is refused.
func (c *SystemContract) History(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "System:History", request, func(tx *Tx, req *model.HistoryRequest) (any, error) {
		if model.NewRecord(req.Kind) == nil {
			return nil, model.FieldErr(model.CodeBadEnum, "kind", "", "unknown record kind %q", req.Kind)
		}
		if ok, err := tx.Exists(req.Kind, req.ID); err != nil {
			return nil, err
		} else if !ok {
			return nil, model.Errf(model.CodeNotFound, "%s %q does not exist", req.Kind, req.ID)
		}
		key := tx.Key(req.Kind, req.ID)
		if key == "" {
			return nil, tx.badKey()
		}
		it, err := tx.stub.GetHistoryForKey(key)
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "history: %v", err)
		}
		defer it.Close()
		out := []model.HistoryEntry{}
		readable := 0
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
				version := model.NewRecord(req.Kind)
				if err := json.Unmarshal(m.Value, version); err != nil {
					return nil, model.Errf(model.CodeInternal, "history of %s %q: %v", req.Kind, req.ID, err)
				}
				e.Version = version.GetMeta().Version
				if tx.CanRead(version) {
					e.Value = json.RawMessage(m.Value)
					if model.CommercialFields(req.Kind) != nil {
						// each version's commercial fields from its own entry, or withheld
						if err := tx.fillCommercial(version); err != nil {
							return nil, err
						}
						if e.Value, err = json.Marshal(version); err != nil {
							return nil, model.Errf(model.CodeInternal, "history of %s %q: %v", req.Kind, req.ID, err)
						}
					}
					readable++
				} else {
					e.Hidden = true
				}
			}
			out = append(out, e)
		}
		if readable == 0 {
			return nil, model.Errf(model.CodeAccessDenied, "no version of %s %q is public, and the caller is not a party to it", req.Kind, req.ID)
		}
		// Fabric returns history newest first; an audit trail reads oldest first.
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out, nil
	})
}

// OpenReplay opens a replay session: the bureau, at real time, on a network whose
// chaincode servers allow replay (Settings.ReplayAllowed), before loading dated history.
// One session at a time; the session is public and every transaction under it is marked.
func (c *SystemContract) OpenReplay(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "System:OpenReplay", request, func(tx *Tx, req *model.OpenReplayRequest) (model.Record, error) {
		caller := tx.Who()
		if !settings.ReplayAllowed {
			return nil, model.Errf(model.CodeDisabled, "replay is off on this chaincode server: dated history can be replayed only on a network started for a demo")
		}
		if tx.replay != "" {
			return nil, model.Errf(model.CodeAlreadyExists, "replay session %s is open; close it first", tx.replay)
		}
		minutes := req.Minutes
		if minutes == 0 {
			minutes = 60
		}
		r := &model.Replay{Meta: model.Meta{ID: req.ID, Kind: model.KindReplay, Public: true}, Reason: req.Reason, Status: model.ReplayOpen,
			OpenedBy: caller.PID(), ExpiresAt: tx.Now.Add(time.Duration(minutes) * time.Minute)}
		if err := tx.Create(r, "opened"); err != nil {
			return nil, err
		}
		tx.replay = r.ID
		if tx.event != nil {
			tx.event.Replay = r.ID
		}
		raw, _ := json.Marshal(map[string]string{"open": r.ID})
		key := tx.Key(model.KindConfig, replayKey)
		if err := tx.putRaw(key, raw); err != nil {
			return nil, err
		}
		// the pointer is the bureau's like the session it names
		return r, tx.own(model.KindConfig, replayKey, key)
	}, withBootstrapped(), withRoleRule(model.RuleBureauOnlyRegisters, model.RoleBureau))
}

// CloseReplay closes the open replay session; from the next transaction on, every
// proposal is held to the endorsers' clocks again.
func (c *SystemContract) CloseReplay(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "System:CloseReplay", request, func(tx *Tx, req *model.CloseReplayRequest) (model.Record, error) {
		if tx.replay != req.Replay {
			return nil, model.FieldErr(model.CodeBadState, "replay", tx.replay, "replay session %q is not the open one (open: %q)", req.Replay, tx.replay)
		}
		var r model.Replay
		if err := tx.Get(model.KindReplay, req.Replay, &r); err != nil {
			return nil, err
		}
		r.Status, r.ClosedAt, r.ClosedTx = model.ReplayClosed, tx.Now, tx.TxID
		if err := tx.Update(&r, "closed"); err != nil {
			return nil, err
		}
		return &r, tx.delRaw(tx.Key(model.KindConfig, replayKey))
	}, withBootstrapped(), withRoleRule(model.RuleBureauOnlyRegisters, model.RoleBureau))
}

// ReplayState tells whether a replay session is open (public).
func (c *SystemContract) ReplayState(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "System:ReplayState", request, func(tx *Tx, _ *model.Empty) (any, error) {
		st := model.ReplayState{}
		if tx.replay != "" {
			var r model.Replay
			if err := tx.Get(model.KindReplay, tx.replay, &r); err != nil {
				return nil, err
			}
			st.Open = &r
		}
		return st, nil
	})
}

// Digests answers, for each named record, its current version and the SM3 digest of the
// bytes stored for it — what an index of the ledger's events must hold if nothing was
// written without an event.
func (c *SystemContract) Digests(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "System:Digests", request, func(tx *Tx, req *model.DigestsRequest) (any, error) {
		// A digest of a private record lets a caller test guesses of its content: for
		// those who may see every record anyway (the bureau, regulators, org admins, the
		// explorer's indexer named in the server's settings).
		c, err := tx.Caller()
		if err != nil {
			return nil, err
		}
		if !c.IsAdmin && !c.Is(model.RoleBureau, model.RoleRegulator) && !slices.Contains(settings.Auditors, c.CertSHA256) {
			return nil, model.Errf(model.CodeAccessDenied, "System:Digests is for auditors (org admins, the bureau, regulators, the explorer's indexer); %s is none", c.Subject)
		}
		out := make([]model.StateDigest, 0, len(req.Items))
		for i, it := range req.Items {
			if model.NewRecord(it.Kind) == nil {
				return nil, model.FieldErr(model.CodeBadEnum, fmt.Sprintf("items[%d].kind", i), "", "unknown record kind %q", it.Kind)
			}
			raw, err := tx.getRaw(tx.Key(it.Kind, it.ID))
			if err != nil {
				return nil, err
			}
			d := model.StateDigest{Kind: it.Kind, ID: it.ID}
			if raw == nil {
				d.Missing = true
			} else {
				var meta struct {
					Version int `json:"version"`
				}
				_ = json.Unmarshal(raw, &meta)
				d.Version, d.Digest = meta.Version, gm.SumHex(raw)
			}
			out = append(out, d)
		}
		return out, nil
	})
}
