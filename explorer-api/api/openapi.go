package api

import (
	"strings"
)

// OpenAPI builds the document.
func OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	routes := []route{}
	for _, hr := range hubRoutes() {
		routes = append(routes, route{method: hr.method, path: hr.path, group: hr.group, summary: hr.summary, access: hr.access, params: hr.params})
	}
	for _, rt := range routeTable() {
		rt.params = with(rt.params, q("channel", "the channel (jurisdiction ledger) to read, one of /api/v1/public/channels (default: the first)"))
		routes = append(routes, rt)
	}
	for _, rt := range routes {
		path := rt.path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		params := []map[string]any{}
		for _, p := range rt.params {
			params = append(params, map[string]any{"name": p.name, "in": p.in, "required": p.required, "description": p.desc, "schema": map[string]any{"type": "string"}})
		}
		op := map[string]any{"summary": rt.summary, "tags": []string{rt.group}, "parameters": params,
			"responses": map[string]any{
				"200":     map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{}}},
				"default": map[string]any{"description": "problem details", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			}}
		switch rt.access {
		case public:
			op["security"] = []any{}
		case overseer:
			op["description"] = "bureau and regulators only"
		}
		if rt.body != "" {
			op["requestBody"] = map[string]any{"required": true, "description": rt.body, "content": map[string]any{"application/json": map[string]any{}}}
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "PDLedger explorer API", "version": "1",
			"description": "Traceability of public data authorized operation with proofs. Protected endpoints need a client certificate of one of the channel's organizations (mutual TLS)."},
		"paths":    paths,
		"security": []any{map[string]any{"mutualTLS": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"mutualTLS": map[string]any{"type": "mutualTLS"}},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "properties": map[string]any{
				"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
				"detail": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"}, "param": map[string]any{"type": "string"}}}},
		},
	}
}
