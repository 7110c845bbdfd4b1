package contracts

import (
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

func authRef(id, auth string) model.AuthorizationRef {
	return model.AuthorizationRef{Request: model.Request{ID: id}, Authorization: auth}
}

func TestAuthorization_OnlyBureauAuthorizes(t *testing.T) {
	h := newParties(t, "longhua")
	h.catalogued("su1", "r1", 2)
	// an operator cannot authorize anyone (no sub-authorization), nor can a source unit
	h.refused(h.as("op"), "Authorization:Create", h.createReq("a1", "op2", 12, "r1"), model.RuleAuthBureauOnly.Code)
	h.refused(h.as("su1"), "Authorization:Create", h.createReq("a1", "op", 12, "r1"), model.RuleAuthBureauOnly.Code)
	h.authorize("a1", "op", "r1")
	h.refused(h.as("op"), "Authorization:Suspend", &model.SuspendAuthorizationRequest{AuthorizationRef: authRef("s", "a1"), Reason: "other", Detail: "x"}, model.RuleAuthBureauOnly.Code)
	h.refused(h.as("op"), "Authorization:Terminate", &model.TerminateAuthorizationRequest{AuthorizationRef: authRef("t", "a1"), Ground: model.GroundBreach, Detail: "x"}, model.RuleAuthBureauOnly.Code)
	// no entry point takes a parent authorization: nothing can be authorized onwards
	for _, f := range model.Functions() {
		for i := 0; i < f.Request.NumField(); i++ {
			if n := f.Request.Field(i).Name; n == "ParentAuthorization" || n == "SubAuthorization" {
				t.Fatalf("%s has field %s", f.Name, n)
			}
		}
	}
}

func TestAuthorization_TermAboveMaxRejected(t *testing.T) {
	h := newParties(t, "longhua") // max 60 months
	h.catalogued("su1", "r1", 2)
	e := h.refused(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 61, "r1"), model.RuleAuthTermMax.Code)
	if e.Field != "termMonths" || e.Limit != "60" {
		t.Fatalf("error names %s limit %s", e.Field, e.Limit)
	}
	var a model.Authorization
	h.okInto(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 60, "r1"), &a)
	h.signAuth("bureau", "a1")
	a = *h.signAuth("op", "a1")
	if a.TermStart != "2025-09-01" || a.TermEnd != "2030-08-31" {
		t.Fatalf("term %s..%s", a.TermStart, a.TermEnd)
	}
}

func TestAuthorization_ScopeOnlyCatalogued(t *testing.T) {
	h := newParties(t, "longhua")
	h.register("su1", "r1", content("未入目录", 2))
	e := h.refused(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 12, "r1"), model.RuleAuthScopeCatalogued.Code)
	if e.Field != "resourceIds[0]" {
		t.Fatalf("field %s", e.Field)
	}
	h.propose("r1")
	h.answer("su1", "r1", true, "")
	h.ok(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 12, "r1"))
}

func TestAuthorization_ModeFromProfile(t *testing.T) {
	h := newParties(t, "guangdong") // per_scenario
	h.catalogued("su1", "r1", 2)
	req := h.createReq("a1", "op", 12, "r1")
	req.Mode = model.ModeWhole
	h.refused(h.Bureau, "Authorization:Create", req, model.RuleAuthMode.Code)
	req = h.createReq("a1", "op", 12, "r1")
	req.Scenarios = nil
	h.refused(h.Bureau, "Authorization:Create", req, model.RuleAuthMode.Code)
	h.ok(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 12, "r1"))
}

func TestAuthorization_SignedBeforePublicityEndRejected(t *testing.T) {
	h := newParties(t, "guangdong") // publicity 5 days
	h.catalogued("su1", "r1", 2)
	var a model.Authorization
	h.okInto(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 12, "r1"), &a)
	if want := time.Date(2025, 9, 7, 0, 0, 0, 0, model.CST); !a.PublicityEnds.Equal(want) || !a.Public {
		t.Fatalf("publicity ends %s, want %s (public %v)", a.PublicityEnds, want, a.Public)
	}
	sign := &model.SignAuthorizationRequest{AuthorizationRef: authRef("s1", "a1")}
	h.at("2025-09-06 18:00")
	h.refused(h.Bureau, "Authorization:Sign", sign, model.RuleAuthPublicity.Code)
	h.at("2025-09-07 09:00")
	h.ok(h.Bureau, "Authorization:Sign", sign)
}

func TestAuthorization_BothPartiesSign(t *testing.T) {
	h := newParties(t, "longhua") // SM2 required
	h.catalogued("su1", "r1", 2)
	h.ok(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 12, "r1"))
	unsigned := &model.SignAuthorizationRequest{AuthorizationRef: authRef("s1", "a1")}
	h.refused(h.as("op"), "Authorization:Sign", unsigned, model.CodeSignature)
	h.refused(h.as("op2"), "Authorization:Sign", h.signed("Authorization:Sign", "op2", &model.SignAuthorizationRequest{AuthorizationRef: authRef("s2", "a1")}), model.RuleAuthSigning.Code)
	a := h.signAuth("op", "a1")
	if a.Status != model.AuthPublicized || a.OperatorSigning == nil || a.OperatorSigning.Signature == nil {
		t.Fatalf("after one signature: %s %+v", a.Status, a.OperatorSigning)
	}
	h.refused(h.as("op"), "Authorization:Sign", h.signed("Authorization:Sign", "op", &model.SignAuthorizationRequest{AuthorizationRef: authRef("s3", "a1")}), model.RuleAuthSigning.Code)
	a = h.signAuth("bureau", "a1")
	if a.Status != model.AuthActive || a.TermStart == "" {
		t.Fatalf("after both: %s", a.Status)
	}
	if ev := h.lastEvent(); ev.Type != "authorization.signed+activated" {
		t.Fatalf("event %s", ev.Type)
	}
}

func TestAuthorization_FilingTrackedAgainstDeadline(t *testing.T) {
	h := newParties(t, "guangdong") // filing within 10 working days
	h.catalogued("su1", "r1", 2)
	h.authorize("a1", "op", "r1") // signed 2025-09-07 (Sunday) 01:00
	a := h.auth("a1")
	if a.Filing == nil || a.Filing.Party != "bureau" {
		t.Fatalf("filing deadline %+v", a.Filing)
	}
	h.at("2025-10-30 09:00") // past 10 working days even across 国庆
	var over model.PageResult[model.OverdueItem]
	h.okInto(h.as("reg"), "Authorization:Overdue", map[string]any{}, &over)
	if len(over.Records) != 1 || over.Records[0].ID != "a1" || over.Records[0].Deadline.What != "agreement filing" {
		t.Fatalf("overdue %+v", over.Records)
	}
	h.refused(h.as("op"), "Authorization:File", &model.FileAuthorizationRequest{AuthorizationRef: authRef("f", "a1"), FilingRef: "粤数备〔2025〕1号"}, model.RuleAuthBureauOnly.Code)
	h.ok(h.Bureau, "Authorization:File", &model.FileAuthorizationRequest{AuthorizationRef: authRef("f", "a1"), FilingRef: "粤数备〔2025〕1号"})
	h.refused(h.Bureau, "Authorization:File", &model.FileAuthorizationRequest{AuthorizationRef: authRef("f2", "a1"), FilingRef: "again"}, model.RuleAuthFiling.Code)
	h.okInto(h.as("reg"), "Authorization:Overdue", map[string]any{}, &over)
	if len(over.Records) != 0 {
		t.Fatalf("filed but overdue: %+v", over.Records)
	}
}

func TestAuthorization_TerminationNeedsGround(t *testing.T) {
	h := newAuthorized(t, "longhua")
	for _, g := range []model.TerminationGround{model.GroundExpired, model.GroundVoluntaryExit, model.GroundRectificationFailed} {
		h.refused(h.Bureau, "Authorization:Terminate", &model.TerminateAuthorizationRequest{AuthorizationRef: authRef(h.id("t"), "auth1"), Ground: g, Detail: "x"}, model.RuleAuthGround.Code)
	}
	h.refused(h.Bureau, "Authorization:Terminate", map[string]any{"id": "t", "authorization": "auth1", "ground": "dislike", "detail": "x"}, model.CodeBadEnum)
	var a model.Authorization
	h.okInto(h.Bureau, "Authorization:Terminate", &model.TerminateAuthorizationRequest{AuthorizationRef: authRef("t", "auth1"), Ground: model.GroundMisuse, Detail: "违规使用", EvidenceDigest: digest("evidence")}, &a)
	if a.Status != model.AuthTerminated || a.Termination.Ground != model.GroundMisuse || a.Termination.By != "bureau" {
		t.Fatalf("terminated %+v", a.Termination)
	}
	// 30 days end on 国庆 2025-10-01: the deadline moves to the next working day
	if a.Deletion == nil || model.DateOf(a.Deletion.Due) != "2025-10-09" {
		t.Fatalf("deletion %+v", a.Deletion)
	}
}

func TestAuthorization_TransitionsInOrder(t *testing.T) {
	h := newAuthorized(t, "longhua")
	susp := &model.SuspendAuthorizationRequest{AuthorizationRef: authRef("s1", "auth1"), Reason: "investigation", Detail: "核查投诉"}
	h.refused(h.Bureau, "Authorization:Resume", &model.ResumeAuthorizationRequest{AuthorizationRef: authRef("r0", "auth1"), Detail: "x"}, model.RuleAuthState.Code)
	h.ok(h.Bureau, "Authorization:Suspend", susp)
	h.refused(h.Bureau, "Authorization:Suspend", &model.SuspendAuthorizationRequest{AuthorizationRef: authRef("s2", "auth1"), Reason: "other", Detail: "x"}, model.RuleAuthState.Code)
	// while suspended nothing new may be applied for
	h.refused(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), model.RuleAuthActive.Code)
	h.ok(h.Bureau, "Authorization:Resume", &model.ResumeAuthorizationRequest{AuthorizationRef: authRef("r1", "auth1"), Detail: "核查完毕"})
	// the term ends by itself: the next touch records the expiry
	h.at("2027-09-01 09:00")
	a := h.auth("auth1")
	if a.Status != model.AuthExpired || a.Termination == nil || a.Termination.Ground != model.GroundExpired {
		t.Fatalf("after the term: %s", a.Status)
	}
	h.refused(h.Bureau, "Authorization:Suspend", &model.SuspendAuthorizationRequest{AuthorizationRef: authRef("s3", "auth1"), Reason: "other", Detail: "x"}, model.RuleAuthState.Code)
	h.refused(h.Bureau, "Authorization:Terminate", &model.TerminateAuthorizationRequest{AuthorizationRef: authRef("t", "auth1"), Ground: model.GroundBreach, Detail: "x"}, model.RuleAuthState.Code)
}

func TestAuthorization_InactiveRefusesUse(t *testing.T) {
	h := newAuthorized(t, "longhua")
	h.ok(h.Bureau, "Authorization:Terminate", &model.TerminateAuthorizationRequest{AuthorizationRef: authRef("t", "auth1"), Ground: model.GroundBreach, Detail: "违约"})
	e := h.refused(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), model.RuleAuthActive.Code)
	if e.Field != "authorization" {
		t.Fatalf("field %s", e.Field)
	}
}

func TestAuthorization_ExitNeedsNoticePeriod(t *testing.T) {
	h := newAuthorized(t, "longhua") // 3 months' notice
	exit := func(id, on string) *model.ExitNoticeRequest {
		return &model.ExitNoticeRequest{AuthorizationRef: authRef(id, "auth1"), EffectiveOn: on, PlanDigest: digest("exit plan")}
	}
	e := h.refused(h.as("op"), "Authorization:ExitNotice", exit("e1", "2025-11-30"), model.RuleAuthExitNotice.Code)
	if e.Limit != "2025-12-01" {
		t.Fatalf("limit %s", e.Limit)
	}
	h.refused(h.as("op2"), "Authorization:ExitNotice", exit("e2", "2025-12-01"), model.CodeAccessDenied)
	h.ok(h.as("op"), "Authorization:ExitNotice", exit("e3", "2025-12-01"))
	h.at("2025-11-30 23:00")
	if a := h.auth("auth1"); a.Status != model.AuthActive {
		t.Fatalf("before the exit day: %s", a.Status)
	}
	h.at("2025-12-01 00:00")
	if a := h.auth("auth1"); a.Status != model.AuthTerminated || a.Termination.Ground != model.GroundVoluntaryExit {
		t.Fatalf("on the exit day: %s", a.Status)
	}
}

func TestAuthorization_ExitNeedsApprovalWhereProfileSays(t *testing.T) {
	h := newAuthorized(t, "qinhuangdao") // approval needed, 3 months
	h.ok(h.as("op"), "Authorization:ExitNotice", &model.ExitNoticeRequest{AuthorizationRef: authRef("e", "auth1"), EffectiveOn: "2025-12-10", PlanDigest: digest("p")})
	h.at("2025-12-11 09:00")
	if a := h.auth("auth1"); a.Status != model.AuthActive {
		t.Fatalf("unapproved exit took effect: %s", a.Status)
	}
	h.ok(h.Bureau, "Authorization:DecideExit", &model.DecideExitRequest{AuthorizationRef: authRef("d", "auth1"), Decision: model.Approved})
	if a := h.auth("auth1"); a.Status != model.AuthTerminated {
		t.Fatalf("approved exit past its day: %s", a.Status)
	}
}

func TestAuthorization_RenewalOnlyInsideWindow(t *testing.T) {
	h := newAuthorized(t, "qinhuangdao") // window 3 months; signed after 1 day's publicity: term 2025-09-03..2027-09-02
	renew := &model.RenewAuthorizationRequest{AuthorizationRef: authRef("n1", "auth1"), Months: 12}
	e := h.refused(h.as("op"), "Authorization:Renew", renew, model.RuleAuthRenewalWindow.Code)
	if e.Limit != "2027-06-03" {
		t.Fatalf("window opens %s", e.Limit)
	}
	h.at("2027-06-02 23:00")
	h.refused(h.as("op"), "Authorization:Renew", renew, model.RuleAuthRenewalWindow.Code)
	h.at("2027-06-03 09:00")
	h.refused(h.as("op"), "Authorization:Renew", &model.RenewAuthorizationRequest{AuthorizationRef: authRef("n2", "auth1"), Months: 37}, model.RuleAuthTermMax.Code)
	h.ok(h.as("op"), "Authorization:Renew", renew)
	var a model.Authorization
	h.okInto(h.Bureau, "Authorization:DecideRenewal", &model.DecideRenewalRequest{AuthorizationRef: authRef("d", "auth1"), Decision: model.Approved}, &a)
	if a.TermEnd != "2028-09-02" {
		t.Fatalf("renewed to %s", a.TermEnd)
	}
	// Luohu: no renewal at all, the operator is selected anew
	l := newAuthorized(t, "luohu")
	l.refused(l.as("op"), "Authorization:Renew", &model.RenewAuthorizationRequest{AuthorizationRef: authRef("n", "auth1"), Months: 12}, model.RuleAuthRenewalWindow.Code)
}

func TestAuthorization_DeletionConfirmedAfterEnd(t *testing.T) {
	h := newAuthorized(t, "longhua") // 30 days
	conf := &model.ConfirmDeletionRequest{AuthorizationRef: authRef("c", "auth1"), CertificateDigest: digest("deletion certificate")}
	h.refused(h.as("op"), "Authorization:ConfirmDeletion", conf, model.RuleAuthDeletion.Code)
	h.ok(h.Bureau, "Authorization:Terminate", &model.TerminateAuthorizationRequest{AuthorizationRef: authRef("t", "auth1"), Ground: model.GroundLawChange, Detail: "政策调整"})
	h.at("2025-10-15 09:00")
	var over model.PageResult[model.OverdueItem]
	h.okInto(h.Bureau, "Authorization:Overdue", map[string]any{}, &over)
	if len(over.Records) != 1 || over.Records[0].Deadline.What != "data deletion confirmation" {
		t.Fatalf("overdue: %+v", over.Records)
	}
	var a model.Authorization
	h.okInto(h.as("op"), "Authorization:ConfirmDeletion", conf, &a)
	if a.Deletion.Met == nil {
		t.Fatal("deletion not met")
	}
	h.refused(h.as("op"), "Authorization:ConfirmDeletion", &model.ConfirmDeletionRequest{AuthorizationRef: authRef("c2", "auth1"), CertificateDigest: digest("again")}, model.RuleAuthDeletion.Code)
}

// 《罗湖区…实施方案》九（二）一授权一预案: on Luohu's ledger an authorization has one plan of
// its own, revised under its id.
func TestAuthorization_OneEmergencyPlan(t *testing.T) {
	h := newAuthorized(t, "luohu")
	h.authorize("auth2", "op", "r1")
	plan := func(id, auth, d string) *model.FileEmergencyPlanRequest {
		return &model.FileEmergencyPlanRequest{Request: model.Request{ID: h.id("file")}, Plan: id, Authorization: auth, PlanDigest: digest(d)}
	}
	h.ok(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan1", "auth1", "v1"))
	h.refused(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan2", "auth1", "other"), model.RuleAuthEmergencyPlan.Code)
	// nor may another authorization take it
	e := h.refused(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan1", "auth2", "v1"), model.RuleAuthEmergencyPlan.Code)
	if e.Field != "plan" {
		t.Fatalf("field %s", e.Field)
	}
	var p model.EmergencyPlan
	h.okInto(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan1", "auth1", "v2"), &p)
	if p.Version != 2 || p.PlanDigest != digest("v2") {
		t.Fatalf("revision: v%d", p.Version)
	}
	if a := h.auth("auth1"); a.EmergencyPlan != "plan1" {
		t.Fatalf("authorization plan %q", a.EmergencyPlan)
	}
	if a := h.auth("auth2"); a.EmergencyPlan != "" {
		t.Fatalf("auth2's plan %q", a.EmergencyPlan)
	}
}

// Where the profile does not say 一授权一预案 (Longhua), an operator's plan covers several of
// its authorizations, and a new plan replaces the one an authorization had; another
// operator's plan is never linked.
func TestAuthorization_EmergencyPlanSharedWhereTheProfileAllows(t *testing.T) {
	h := newAuthorized(t, "longhua")
	h.authorize("auth2", "op", "r1")
	h.authorize("auth3", "op2", "r2")
	h.authorize("auth4", "op", "r2")
	plan := func(id, auth, d string) *model.FileEmergencyPlanRequest {
		return &model.FileEmergencyPlanRequest{Request: model.Request{ID: h.id("file")}, Plan: id, Authorization: auth, PlanDigest: digest(d)}
	}
	h.ok(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan1", "auth1", "v1"))
	h.ok(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan1", "auth2", "v1"))
	if a := h.auth("auth2"); a.EmergencyPlan != "plan1" {
		t.Fatalf("auth2's plan %q, want the shared plan1", a.EmergencyPlan)
	}
	// linking files the plan as it is: a changed text is a revision under its own authorization
	h.refused(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan1", "auth4", "v2"), model.RuleAuthEmergencyPlan.Code)
	h.ok(h.as("op"), "Authorization:FileEmergencyPlan", plan("plan2", "auth1", "new"))
	if a := h.auth("auth1"); a.EmergencyPlan != "plan2" {
		t.Fatalf("auth1's plan %q, want the new plan2", a.EmergencyPlan)
	}
	e := h.refused(h.as("op2"), "Authorization:FileEmergencyPlan", plan("plan1", "auth3", "v1"), model.RuleAuthEmergencyPlan.Code)
	if !strings.Contains(e.Message, "op's") {
		t.Fatalf("another operator's plan: %s", e.Message)
	}
}

func TestAuthorization_ConcurrentOperatorsCapped(t *testing.T) {
	h := newAuthorized(t, "qinhuangdao") // one operator
	h.refused(h.Bureau, "Authorization:Create", h.createReq("a2", "op2", 12, "r1"), model.RuleAuthConcurrent.Code)
	h.ok(h.Bureau, "Authorization:Create", h.createReq("a3", "op", 12, "r2")) // the same operator may hold more
}

func TestParticipant_BlacklistedOperatorNotAuthorizedByCreate(t *testing.T) {
	h := newParties(t, "longhua")
	h.catalogued("su1", "r1", 2)
	h.ok(h.Bureau, "Supervision:Blacklist", map[string]any{"id": "b", "participant": "op2", "reason": "严重违规", "evidenceDigest": digest("e")})
	e := h.refused(h.Bureau, "Authorization:Create", h.createReq("a1", "op2", 12, "r1"), model.RuleBlacklistedNotAuthorized.Code)
	if e.Field != "operator" {
		t.Fatalf("field %s", e.Field)
	}
}
