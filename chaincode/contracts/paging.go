package contracts

import (
	"encoding/base64"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Paged lists. A list query reads its index page by page with Fabric's paginated scan
// (allowed in a transaction that writes nothing, which every query is), so a list of any
// length pages through completely — no full scan for the peer's totalQueryLimit to cut
// short — and each page loads only the records it returns.

// maxIndexPages bounds how many index pages one answer reads while skipping records the
// caller may not see; the answer then carries fewer records and a bookmark to go on.
const maxIndexPages = 20

// pagedRecords returns up to pg.PageSize (default 100) records of kind that the caller
// may read and keep accepts (nil: any), in index order, from the index entries under
// prefix whose last attribute is the record id, after pg.Bookmark; and the bookmark of
// the rest ("" at the end).
func pagedRecords[T any, PT interface {
	*T
	model.Record
}](tx *Tx, kind model.Kind, index string, prefix []string, pg model.Page, keep func(PT) bool) (*model.PageResult[PT], error) {
	want := pg.PageSize
	if want == 0 {
		want = 100
	}
	bookmark := ""
	if pg.Bookmark != "" {
		raw, err := base64.RawURLEncoding.DecodeString(pg.Bookmark)
		if err != nil {
			return nil, model.FieldErr(model.CodeBadFormat, "bookmark", "a bookmark from a previous answer", "bookmark %q is not one this query gave", pg.Bookmark)
		}
		bookmark = string(raw)
	}
	out := &model.PageResult[PT]{Records: []PT{}}
	obj := "ix~" + index
	if tx.Key(model.Kind(obj), prefix...) == "" {
		return nil, tx.badKey()
	}
	for pages := 0; len(out.Records) < want; pages++ {
		if pages == maxIndexPages {
			break
		}
		it, meta, err := tx.stub.GetStateByPartialCompositeKeyWithPagination(obj, prefix, int32(want-len(out.Records)), bookmark)
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "scan %s: %v", index, err)
		}
		for it.HasNext() {
			kv, err := it.Next()
			if err != nil {
				it.Close()
				return nil, model.Errf(model.CodeInternal, "scan %s: %v", index, err)
			}
			_, attrs, err := tx.stub.SplitCompositeKey(kv.Key)
			if err != nil || len(attrs) == 0 {
				it.Close()
				return nil, model.Errf(model.CodeInternal, "scan %s: bad index key", index)
			}
			rec := PT(new(T))
			ok, err := tx.GetIf(kind, attrs[len(attrs)-1], rec)
			if err != nil {
				it.Close()
				return nil, err
			}
			if ok && tx.CanRead(rec) && (keep == nil || keep(rec)) {
				out.Records = append(out.Records, rec)
			}
		}
		it.Close()
		bookmark = meta.GetBookmark()
		if bookmark == "" {
			break
		}
	}
	if bookmark != "" {
		out.Bookmark = base64.RawURLEncoding.EncodeToString([]byte(bookmark))
	}
	return out, nil
}
