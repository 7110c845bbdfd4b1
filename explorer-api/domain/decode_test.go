package domain

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

func event(t *testing.T, recs ...model.Record) []byte {
	t.Helper()
	ev := model.Event{Schema: model.EventSchema, Type: "application.approved", TxID: "tx1", Time: time.Unix(0, 0)}
	for _, r := range recs {
		raw, _ := json.Marshal(r)
		m := r.GetMeta()
		ev.Records = append(ev.Records, model.EventRecord{Kind: m.Kind, ID: m.ID, Version: m.Version, Action: "x", Public: m.Public, Data: raw})
	}
	raw, _ := json.Marshal(ev)
	return raw
}

func TestDecode_RecordsPartiesAndEdges(t *testing.T) {
	app := &model.Application{Meta: model.Meta{ID: "a1", Kind: model.KindApplication, Version: 3}, Operator: "op", Partner: "pt", Authorization: "auth1",
		DataList: []model.DataRequest{{Resource: "r1"}, {Resource: "r2"}}, Grant: "G-a1",
		Steps: []model.ReviewStep{{Kind: model.StepBureau, Party: "bureau"}, {Kind: model.StepSourceUnit, Party: "su2"}, {Kind: model.StepSourceUnit, Party: "su1"}}}
	g := &model.Grant{Meta: model.Meta{ID: "G-a1", Kind: model.KindGrant, Version: 1}, Application: "a1", Authorization: "auth1", Operator: "op", ResourceIDs: []string{"r1", "r2"}, SourceUnits: []string{"su1"}}
	tx := Decode(client.TxInfo{ID: "tx1", Valid: true, Chaincode: "pdl", EventName: "application.approved", EventPayload: event(t, app, g)}, "pdl")
	if len(tx.Changes) != 2 || tx.EventType != "application.approved" {
		t.Fatalf("changes %d type %s", len(tx.Changes), tx.EventType)
	}
	if got, want := tx.Changes[0].Parties, []string{"op", "pt", "su1", "su2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("parties %v, want %v", got, want)
	}
	kApp, kGrant, kAuth, kRes := model.KindApplication, model.KindGrant, model.KindAuthorization, model.KindResource
	edge := func(from model.Kind, fromID string, to model.Kind, toID, rel string) Edge {
		return Edge{string(from), fromID, string(to), toID, rel}
	}
	want := map[Edge]bool{
		edge(kApp, "a1", kAuth, "auth1", "under"): true, edge(kApp, "a1", kGrant, "G-a1", "became"): true,
		edge(kApp, "a1", kRes, "r1", "requests"): true, edge(kApp, "a1", kRes, "r2", "requests"): true,
		edge(kGrant, "G-a1", kApp, "a1", "from"): true, edge(kGrant, "G-a1", kAuth, "auth1", "under"): true,
		edge(kGrant, "G-a1", kRes, "r1", "uses"): true, edge(kGrant, "G-a1", kRes, "r2", "uses"): true,
	}
	if len(tx.Edges) != len(want) {
		t.Fatalf("edges %v", tx.Edges)
	}
	for _, e := range tx.Edges {
		if !want[e] {
			t.Fatalf("unexpected edge %+v", e)
		}
	}
}

func TestDecode_InvalidTxChangesNothing(t *testing.T) {
	g := &model.Grant{Meta: model.Meta{ID: "G-a1", Kind: model.KindGrant}}
	tx := Decode(client.TxInfo{Valid: false, Chaincode: "pdl", EventPayload: event(t, g)}, "pdl")
	if len(tx.Changes) != 0 || len(tx.Edges) != 0 {
		t.Fatal("an invalid transaction changed records")
	}
	tx = Decode(client.TxInfo{Valid: true, Chaincode: "pdl", EventPayload: []byte(`{"schema":"pdl.event/v9"}`)}, "pdl")
	if tx.EventError == "" || len(tx.Changes) != 0 {
		t.Fatal("an unknown event schema was not reported")
	}
}
