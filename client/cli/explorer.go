package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// The role verbs (roles.go) are the CLI twins of the explorer's traceability endpoints:
// they call the explorer over HTTPS, authenticating with the profile's certificate
// (mutual TLS), as explorer-api documents. The explorer's CA is the run directory's
// explorer/tls/ca.pem (the profiles directory's sibling), or $PDL_EXPLORER_CA.

// ExplorerError is a problem the explorer answered (RFC 9457, with PDLedger's code).
type ExplorerError struct {
	Status int
	Code   model.Code
	Title  string
	Detail string
	Param  string
}

func (e *ExplorerError) Error() string {
	s := fmt.Sprintf("explorer %d %s: %s", e.Status, e.Code, e.Detail)
	if e.Param != "" {
		s += " (param " + e.Param + ")"
	}
	return s
}

// exit: a bad parameter is the command's fault (2), an access or lookup refusal the
// ledger's answer (1), the rest (rate limit, server trouble) worth a retry (3).
func (e *ExplorerError) exit() int {
	switch {
	case e.Status == http.StatusBadRequest || e.Status == http.StatusRequestEntityTooLarge:
		return ExitUsage
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Status == http.StatusNotFound:
		return ExitRefused
	}
	return ExitNetwork
}

type explorerClient struct {
	base string
	hc   *http.Client
	lang model.Lang
	// channel is the jurisdiction ledger asked (-C; "" the explorer's default): every
	// request but the cross-channel ones carries it as ?channel=.
	channel string
}

// acrossChannels are the explorer's answers that are no one channel's.
var acrossChannels = []string{"/api/v1/oversight/", "/api/v1/public/channels", "/api/v1/public/labels"}

// explorerCA finds the explorer's CA certificate for a profile.
func explorerCA(profilePath string) []string {
	if env := os.Getenv("PDL_EXPLORER_CA"); env != "" {
		return []string{env}
	}
	var out []string
	if run := os.Getenv("PDL_RUN"); run != "" {
		out = append(out, filepath.Join(run, "explorer", "tls", "ca.pem"))
	}
	dir, _ := filepath.Abs(filepath.Dir(profilePath))
	return append(out, filepath.Join(filepath.Dir(dir), "explorer", "tls", "ca.pem"), filepath.Join(client.ProfileDir(), "..", "explorer", "tls", "ca.pem"))
}

// explorer connects (lazily, per call) to the profile's explorer.
func (a *App) explorer() (*explorerClient, error) {
	p, err := a.chosenProfile()
	if err != nil {
		return nil, err
	}
	base := os.Getenv("PDL_EXPLORER")
	if base == "" {
		base = p.Explorer
	}
	if base == "" {
		return nil, usagef("%s", a.tr("身份配置 %s 没有浏览器服务地址（explorer）；用 $PDL_EXPLORER 指定，如 https://127.0.0.1:7080", "profile %s names no explorer URL; set $PDL_EXPLORER (e.g. https://127.0.0.1:7080)", p.Name))
	}
	pool := x509.NewCertPool()
	var tried []string
	found := false
	for _, path := range explorerCA(client.ProfilePath(a.profileName())) {
		raw, err := os.ReadFile(path)
		tried = append(tried, path)
		if err == nil && pool.AppendCertsFromPEM(raw) {
			found = true
			break
		}
	}
	if !found {
		return nil, localf(nil, "%s", a.tr("找不到浏览器服务的 CA 证书（查找过：%s）；用 $PDL_EXPLORER_CA 指定", "the explorer's CA certificate was not found (looked in: %s); set $PDL_EXPLORER_CA", strings.Join(tried, ", ")))
	}
	pair, err := tls.LoadX509KeyPair(p.Cert, p.Key)
	if err != nil {
		return nil, localf(err, "%s", a.tr("读取身份证书 %s：%v", "reading the profile's certificate %s: %v", p.Cert, err))
	}
	hc := &http.Client{Timeout: a.Timeout, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}}}
	// the profile's channel (-C replaced it): what pdl writes to is what the explorer reads
	return &explorerClient{base: strings.TrimRight(base, "/"), hc: hc, lang: a.Lang, channel: p.Channel}, nil
}

// get calls GET path?query and returns the body of a 200 answer.
func (e *explorerClient) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	u := e.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return e.do(req)
}

// post calls POST path with a JSON body.
func (e *explorerClient) post(ctx context.Context, path string, body any) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.base+path, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return e.do(req)
}

func (e *explorerClient) do(req *http.Request) ([]byte, error) {
	if e.channel != "" && !slices.ContainsFunc(acrossChannels, func(p string) bool { return strings.HasPrefix(req.URL.Path, p) }) {
		q := req.URL.Query()
		q.Set("channel", e.channel)
		req.URL.RawQuery = q.Encode()
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Language", map[model.Lang]string{model.ZH: "zh-CN", model.EN: "en"}[e.lang])
	start := time.Now()
	resp, err := e.hc.Do(req)
	if err != nil {
		return nil, &client.NetworkError{Op: "explorer " + req.Method + " " + req.URL.Path, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, &client.NetworkError{Op: "explorer " + req.Method + " " + req.URL.Path, Err: err}
	}
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Code   string `json:"code"`
		Param  string `json:"param"`
	}
	if json.Unmarshal(body, &p) != nil || p.Code == "" {
		p.Code, p.Detail = string(model.CodeNetwork), fmt.Sprintf("%s after %s: %s", resp.Status, time.Since(start).Round(time.Millisecond), strings.TrimSpace(string(body)))
	}
	return nil, &ExplorerError{Status: resp.StatusCode, Code: model.Code(p.Code), Title: p.Title, Detail: p.Detail, Param: p.Param}
}
