package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Labels is the message catalogue as the web console reads it: one source for the words
// the console, pdl and the API's problem details use.
type Labels struct {
	// Kinds maps a record kind to its label per language ("zh", "en").
	Kinds map[string]map[string]string `json:"kinds"`
	// Values maps an enumerated value, or "<Type>.<value>" where a value means different
	// things in different types, to its Chinese label; the English label is the value.
	Values map[string]string `json:"values"`
	// Fields maps a JSON field name to its Chinese label; the English label is the name.
	Fields map[string]string `json:"fields"`
	// Codes maps every catalogued code to its message per language.
	Codes map[string]map[string]model.Message `json:"codes"`
}

func labelCatalogue() Labels {
	out := Labels{Kinds: map[string]map[string]string{}, Values: model.ValueLabels(), Fields: model.FieldLabels(), Codes: map[string]map[string]model.Message{}}
	for _, k := range model.Kinds() {
		out.Kinds[string(k)] = map[string]string{}
		for _, l := range model.Langs() {
			out.Kinds[string(k)][string(l)] = model.KindLabel(k, l)
		}
	}
	for _, code := range model.Catalogued() {
		out.Codes[string(code)] = map[string]model.Message{}
		for _, l := range model.Langs() {
			if m, ok := model.Describe(code, l); ok {
				out.Codes[string(code)][string(l)] = m
			}
		}
	}
	return out
}

func (s *Server) labels(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, labelCatalogue())
}
