package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// BenchmarkExplorer loads PDL_BENCH_EVENTS generated record changes (default 100000;
// scripts/bench-explorer runs 100k and 1M; PDL_BENCH_ENGINES=postgres runs one engine) shaped like the domain — per resource an
// application, a grant, a product, a price filing and five trades — into each store,
// then measures indexing and query latency:
//
//   - blocks/s and events/s of ApplyBlock (100 events a block), with the ratio to a
//     baseline of the same blocks carrying no records (transactions only);
//   - p50/p99 of a resource's provenance tree and of a product check, each with the
//     ratio to a primary-key record read measured in the same run.
func BenchmarkExplorer(b *testing.B) {
	events := 100000
	if v := os.Getenv("PDL_BENCH_EVENTS"); v != "" {
		events, _ = strconv.Atoi(v)
	}
	engines := []string{"sqlite", "postgres"}
	// a 10M-event run is for PostgreSQL; SQLite would add hours to it
	if v := os.Getenv("PDL_BENCH_ENGINES"); v != "" {
		engines = strings.Split(v, ",")
	}
	for _, eng := range engines {
		if eng != "sqlite" && eng != "postgres" {
			b.Fatalf("PDL_BENCH_ENGINES: %q is not sqlite or postgres", eng)
		}
		b.Run(fmt.Sprintf("%s/events=%d", eng, events), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchOnce(b, eng, events)
			}
		})
	}
}

func openBench(b *testing.B, eng, name string) *store.Store {
	if eng == "sqlite" {
		s, err := store.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), name+".db"))
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	base := os.Getenv("PDL_TEST_POSTGRES")
	if base == "" {
		b.Fatal("PDL_TEST_POSTGRES not set: run scripts/bench-explorer, which starts PostgreSQL")
	}
	s, err := store.Open(context.Background(), base)
	if err != nil {
		b.Fatal(err)
	}
	db := s.DB()
	dbname := fmt.Sprintf("pdl_bench_%s_%d", name, time.Now().UnixNano())
	if _, err := db.Exec(`CREATE DATABASE ` + dbname); err != nil {
		b.Fatal(err)
	}
	s.Close()
	dsn := base[:len(base)-len("/postgres?sslmode=disable")] + "/" + dbname + "?sslmode=disable"
	if s, err = store.Open(context.Background(), dsn); err != nil {
		b.Fatal(err)
	}
	return s
}

// genBlocks yields the dataset block by block.
func genBlocks(events int, withRecords bool, f func(*store.Block) error) error {
	raw := func(v any) json.RawMessage { r, _ := json.Marshal(v); return r }
	var n uint64
	prev := []byte(nil)
	cur := &store.Block{}
	flush := func() error {
		if len(cur.Txs) == 0 {
			return nil
		}
		cur.Number, cur.PrevHash, cur.TxCount, cur.Time, cur.Raw = n, prev, len(cur.Txs), time.Unix(1700000000+int64(n), 0), []byte{1}
		cur.Hash = []byte(fmt.Sprintf("hash-%020d", n))
		if err := f(cur); err != nil {
			return err
		}
		prev, n, cur = cur.Hash, n+1, &store.Block{}
		return nil
	}
	add := func(kind model.Kind, id string, public bool, data any, edges ...store.Edge) error {
		tx := store.Tx{ID: fmt.Sprintf("tx-%s-%s", kind, id), Block: n, Index: len(cur.Txs), Valid: true, ValidationCode: "VALID", CreatorMSP: "OperatorMSP",
			Endorsers: []string{"BureauMSP", "OperatorMSP"}, Time: time.Unix(1700000000+int64(n), 0), Chaincode: "pdl", Function: string(kind), EventType: string(kind) + ".x"}
		if withRecords {
			tx.Records = []store.RecordChange{{Kind: string(kind), ID: id, Version: 1, Action: "x", Actor: "op", Public: public, Parties: []string{"op", "su"}, Data: raw(data)}}
			for _, e := range edges {
				cur.Edges = append(cur.Edges, store.EdgeAt{Edge: e, TxID: tx.ID})
			}
		}
		tx.Block = n
		cur.Txs = append(cur.Txs, tx)
		if len(cur.Txs) == 100 {
			return flush()
		}
		return nil
	}
	for i := 0; i*10 < events; i++ {
		r, a, g, p := fmt.Sprint("r", i), fmt.Sprint("a", i), fmt.Sprint("g", i), fmt.Sprint("p", i)
		steps := []func() error{
			func() error {
				return add(model.KindResource, r, true, map[string]any{"id": r, "catalogue": "catalogued"})
			},
			func() error {
				return add(model.KindApplication, a, false, map[string]any{"id": a, "status": "approved"}, edge(model.KindApplication, a, model.KindResource, r, "requests"))
			},
			func() error {
				return add(model.KindGrant, g, false, map[string]any{"id": g, "status": "active"}, edge(model.KindGrant, g, model.KindResource, r, "uses"), edge(model.KindGrant, g, model.KindApplication, a, "from"))
			},
			func() error {
				return add(model.KindProduct, p, true, map[string]any{"id": p, "status": "listed", "registrationNo": "DP-" + p, "authorizationIds": []string{}},
					edge(model.KindProduct, p, model.KindGrant, g, "made_under"), edge(model.KindProduct, p, model.KindResource, r, "uses"))
			},
			func() error {
				return add(model.KindPriceFiling, "f"+p, true, map[string]any{"id": "f" + p, "product": p, "priceFen": 100, "capFen": 200}, edge(model.KindPriceFiling, "f"+p, model.KindProduct, p, "of"))
			},
		}
		for k := 0; k < 5; k++ {
			k := k
			steps = append(steps, func() error {
				return add(model.KindTrade, fmt.Sprintf("t%d-%d", i, k), false, map[string]any{"product": p}, edge("trade", fmt.Sprintf("t%d-%d", i, k), "product", p, "of"))
			})
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func edge(fk model.Kind, fi string, tk model.Kind, ti, rel string) store.Edge {
	return store.Edge{FromKind: string(fk), FromID: fi, ToKind: string(tk), ToID: ti, Rel: rel}
}

func percentile(xs []time.Duration, q float64) time.Duration {
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	return xs[int(q*float64(len(xs)-1))]
}

func benchOnce(b *testing.B, eng string, events int) {
	ctx := context.Background()
	index := func(s *store.Store, withRecords bool) (blocks int, d time.Duration) {
		start := time.Now()
		if err := genBlocks(events, withRecords, func(bl *store.Block) error { blocks++; return s.ApplyBlock(ctx, bl) }); err != nil {
			b.Fatal(err)
		}
		return blocks, time.Since(start)
	}
	base := openBench(b, eng, "base")
	nb, baseD := index(base, false)
	base.Close()
	s := openBench(b, eng, "full")
	defer s.Close()
	_, fullD := index(s, true)

	srv := &Server{Store: s, Chaincode: "pdl"}
	overseer := &Caller{Participant: "reg", Role: "regulator", Active: true}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	as := func(h func(*gin.Context)) gin.HandlerFunc {
		return func(c *gin.Context) { c.Set(callerKey, overseer); h(c) }
	}
	r.GET("/prov/:id", as(srv.provenance))
	r.GET("/check/:id", as(srv.productCheck))
	r.GET("/rec/:kind/:id", as(srv.record))
	units := events / 10
	measure := func(path func(i int) string) []time.Duration {
		var out []time.Duration
		for i := 0; i < 300; i++ {
			w := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, path((i*7919)%units), nil)
			start := time.Now()
			r.ServeHTTP(w, req)
			out = append(out, time.Since(start))
			if w.Code != 200 {
				b.Fatalf("%s: %d %s", req.URL, w.Code, w.Body.String())
			}
		}
		return out
	}
	pk := measure(func(i int) string { return fmt.Sprintf("/rec/product/p%d", i) })
	prov := measure(func(i int) string { return fmt.Sprintf("/prov/r%d", i) })
	chk := measure(func(i int) string { return fmt.Sprintf("/check/p%d", i) })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(nb)/fullD.Seconds(), "blocks/s")
	b.ReportMetric(float64(events)/fullD.Seconds(), "events/s")
	b.ReportMetric(baseD.Seconds()/fullD.Seconds(), "index/baseline")
	b.ReportMetric(ms(percentile(prov, 0.5)), "prov-p50-ms")
	b.ReportMetric(ms(percentile(prov, 0.99)), "prov-p99-ms")
	b.ReportMetric(ms(percentile(chk, 0.5)), "check-p50-ms")
	b.ReportMetric(ms(percentile(chk, 0.99)), "check-p99-ms")
	b.ReportMetric(float64(percentile(prov, 0.5))/float64(percentile(pk, 0.5)), "prov/pk-read")
	b.ReportMetric(float64(percentile(chk, 0.5))/float64(percentile(pk, 0.5)), "check/pk-read")
	b.Logf("%s %d events in %d blocks: index %.0f blocks/s (%.0f events/s; baseline without records %.0f blocks/s); pk read p50 %.2f ms; provenance p50 %.2f p99 %.2f ms; product check p50 %.2f p99 %.2f ms",
		eng, events, nb, float64(nb)/fullD.Seconds(), float64(events)/fullD.Seconds(), float64(nb)/baseD.Seconds(), ms(percentile(pk, 0.5)),
		ms(percentile(prov, 0.5)), ms(percentile(prov, 0.99)), ms(percentile(chk, 0.5)), ms(percentile(chk, 0.99)))
}
