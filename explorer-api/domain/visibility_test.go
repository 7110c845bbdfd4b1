package domain_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/explorer-api/domain"
	"github.com/pdledger/pdledger/explorer-api/query"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// fillStrings sets every string (and []string) field of v, at any depth, to a value
// derived from its path, so that whatever fields Parties() reads hold distinct ids.
func fillStrings(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() && v.CanSet() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if !v.IsNil() {
			fillStrings(v.Elem(), path)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.String:
		if v.CanSet() && v.Type() == reflect.TypeOf("") {
			v.SetString("p" + fmt.Sprint(len(path)%7) + path)
		}
	case reflect.Slice:
		if v.CanSet() && v.Len() == 0 && v.Type().Elem().Kind() != reflect.Uint8 {
			e := reflect.New(v.Type().Elem()).Elem()
			fillStrings(e, path+"[0]")
			v.Set(reflect.Append(v, e))
		}
	}
}

// TestVisibility_ChaincodeAndExplorerAgree runs every record kind, private and public,
// past every kind of reader — the public, an inactive party, each role as a party and as
// an outsider — through the chaincode's rule (model.CanRead on the record, which Tx.CanRead
// applies) and through the explorer's (the record as an event, decoded and indexed, then
// query.CanRead on the stored version) and finds no difference.
func TestVisibility_ChaincodeAndExplorerAgree(t *testing.T) {
	roles := []model.Role{model.RoleBureau, model.RoleRegulator, model.RoleOperator, model.RoleSourceUnit, model.RolePartner, model.RoleExchange}
	checked := 0
	for _, kind := range model.Kinds() {
		for _, public := range []bool{false, true} {
			rec := model.NewRecord(kind)
			fillStrings(reflect.ValueOf(rec), string(kind))
			m := rec.GetMeta()
			m.ID, m.Kind, m.Version, m.Public = "x1", kind, 1, public
			raw, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			ev, _ := json.Marshal(model.Event{Schema: model.EventSchema, Type: string(kind) + ".x", TxID: "tx1",
				Records: []model.EventRecord{{Kind: kind, ID: "x1", Version: 1, Action: "x", Public: public, Data: raw}}})
			tx := domain.Decode(client.TxInfo{ID: "tx1", Valid: true, Chaincode: "pdl", EventPayload: ev}, "pdl")
			if len(tx.Changes) != 1 {
				t.Fatalf("%s: %d changes decoded", kind, len(tx.Changes))
			}
			c := tx.Changes[0]
			indexed := &store.Record{Kind: c.Kind, ID: c.ID, Public: c.Public, Parties: c.Parties}
			readers := []model.Reader{{}}
			for _, role := range roles {
				readers = append(readers, model.Reader{Participant: "outsider", Role: role, Active: true})
				for _, p := range rec.Parties() {
					readers = append(readers, model.Reader{Participant: p, Role: role, Active: true}, model.Reader{Participant: p, Role: role})
				}
			}
			for _, who := range readers {
				if cc, ex := model.CanRead(rec, who), query.CanRead(who, indexed); cc != ex {
					t.Errorf("%s (public %v) for %+v: chaincode %v, explorer %v", kind, public, who, cc, ex)
				}
				checked++
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d decisions compared", checked)
	}
	t.Logf("%d decisions compared over %d kinds", checked, len(model.Kinds()))
}
