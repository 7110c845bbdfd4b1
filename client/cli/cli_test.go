package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{"BindIdentity": "bind-identity", "mspId": "msp-id", "sm2PublicKey": "sm2-public-key", "WhoAmI": "who-am-i", "id": "id", "USCC": "uscc"} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

func parse(t *testing.T, args []string) (*pflag.FlagSet, []field) {
	t.Helper()
	fl := fields(typeOfRegister)
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	addFlags(fs, fl)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs, fl
}

var typeOfRegister = func() model.Func { f, _ := model.Function("Participant:Register"); return f }().Request

func TestBuildRequest_FileAndFlagsMerge(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("id: op1\nrole: operator\nname: 旧名字\nuscc: 91440300MA5FPLD21Q\nmspId: OperatorMSP\n"), 0o600)
	fs, fl := parse(t, []string{"--name", "新名字"})
	obj, gen, err := BuildRequest(fs, fl, typeOfRegister, file, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gen || obj["id"] != "op1" || obj["name"] != "新名字" || obj["role"] != "operator" {
		t.Fatalf("merged = %v (generated id %v)", obj, gen)
	}
}

func TestBuildRequest_UnknownFieldIsUsageError(t *testing.T) {
	fs, fl := parse(t, nil)
	_, _, err := BuildRequest(fs, fl, typeOfRegister, "-", strings.NewReader(`{"id":"x","colour":"red"}`))
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("err = %v", err)
	}
	if ExitCode(err) != ExitUsage {
		t.Fatalf("exit code %d", ExitCode(err))
	}
}

func TestBuildRequest_BadEnumAndGeneratedID(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	addFlags(fs, fields(typeOfRegister))
	err := fs.Parse([]string{"--role", "king"})
	var ue *UsageError
	if !errors.As(err, &ue) || ue.Code != model.CodeBadEnum || !strings.Contains(err.Error(), "allowed: bureau, operator") {
		t.Fatalf("bad enum: %v", err)
	}
	fs, fl := parse(t, []string{"--role", "operator"})
	obj, gen, err := BuildRequest(fs, fl, typeOfRegister, "", nil)
	if err != nil || !gen || !strings.HasPrefix(obj["id"].(string), "r") {
		t.Fatalf("generated id: %v %v %v", obj, gen, err)
	}
}

func TestRender_Formats(t *testing.T) {
	raw := []byte(`[{"id":"a","name":"甲","status":"active","version":1},{"id":"b","name":"乙","status":"suspended","version":2}]`)
	var b bytes.Buffer
	if err := Render(&b, raw, Table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "ID") || !strings.Contains(b.String(), "suspended") {
		t.Fatalf("table:\n%s", b.String())
	}
	b.Reset()
	Render(&b, raw, YAML)
	if !strings.Contains(b.String(), "- id: a") || !strings.Contains(b.String(), "version: 2") {
		t.Fatalf("yaml:\n%s", b.String())
	}
	b.Reset()
	Render(&b, raw, JSON)
	if !strings.Contains(b.String(), `"name": "乙"`) {
		t.Fatalf("json:\n%s", b.String())
	}
	if _, err := ParseFormat("xml"); ExitCode(err) != ExitUsage {
		t.Fatal("-o xml accepted")
	}
}

func TestExitCodes(t *testing.T) {
	if ExitCode(&client.RefusedError{Err: &model.Error{Code: "X"}}) != ExitRefused {
		t.Fatal("refusal")
	}
	if ExitCode(&client.NetworkError{Op: "x", Err: errors.New("down")}) != ExitNetwork {
		t.Fatal("network")
	}
	if ExitCode(nil) != ExitOK {
		t.Fatal("ok")
	}
}

func TestRoot_EveryFunctionHasACommand(t *testing.T) {
	root := Root(&App{})
	names := FunctionNames(root)
	if len(names) < len(model.Functions()) {
		t.Fatalf("%d commands for %d functions: %v", len(names), len(model.Functions()), names)
	}
}

// TestCLI_RequestFieldsDoNotShadowGlobalFlags: Profile:Set has a request field
// "profile"; -p must still choose the identity on that command.
func TestCLI_RequestFieldsDoNotShadowGlobalFlags(t *testing.T) {
	root := Root(&App{})
	cmd, _, err := root.Find([]string{"profile", "set"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags([]string{"-p", "bureau", "--req-profile", "{}"}); err != nil {
		t.Fatalf("-p on profile set: %v", err)
	}
	if got, _ := cmd.Flags().GetString("profile"); got != "bureau" {
		t.Fatalf("--profile is %q", got)
	}
}
