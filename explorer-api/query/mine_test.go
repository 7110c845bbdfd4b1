package query

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestMine_OwnRecordsIncludingPrivate: a participant lists the records it is a party to,
// public or not, and none of another's; an unbound reader is refused.
func TestMine_OwnRecordsIncludingPrivate(t *testing.T) {
	l := newLedger(t)
	l.put(
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-pub", true), Operator: "op"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-priv", false), Operator: "op"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-other", false), Operator: "op2"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-other-pub", true), Operator: "op2"},
	)
	op := model.Reader{Participant: "op", Role: model.RoleOperator, Active: true}
	rs, next, err := l.index().Mine(context.Background(), op, model.KindAuthorization, 100, "")
	if err != nil || next != "" {
		t.Fatal(err, next)
	}
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, " ") != "a-priv a-pub" {
		t.Fatalf("op's authorizations: %v", ids)
	}
	if _, _, err := l.index().Mine(context.Background(), model.Reader{Participant: "op"}, model.KindAuthorization, 100, ""); !errors.Is(err, ErrUnbound) {
		t.Fatalf("an inactive participant: %v", err)
	}
}

// TestObligations_OpenDeadlinesOfTheCallerByDueDate: the open deadlines whose party is
// the caller, earliest first, overdue judged at now; met, waived and others' deadlines
// are left out.
func TestObligations_OpenDeadlinesOfTheCallerByDueDate(t *testing.T) {
	l := newLedger(t)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 15, 59, 59, 0, time.UTC) }
	met := day(3, 1)
	l.put(
		&model.Authorization{Meta: meta(model.KindAuthorization, "a1", false), Operator: "op",
			Filing:   &model.Deadline{What: "agreement filing", Party: "bureau", Due: day(7, 10), Rule: "authorization.agreement_filing_working_days=10 (guangdong v1)", Covered: true},
			Deletion: &model.Deadline{What: "data deletion confirmation", Party: "op", Due: day(5, 20), Rule: "exit.data_deletion_required"}},
		&model.Revenue{Meta: meta(model.KindRevenue, "rv-op", false), Operator: "op",
			Obligation: &model.Deadline{What: "adjust prices within the cap (调整具体收费标准)", Party: "op", Due: day(7, 1), Rule: "pricing.adjust", Covered: true}},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a2", true), Operator: "op",
			Filing: &model.Deadline{What: "agreement filing", Party: "op", Due: day(2, 1), Rule: "r", Met: &met}},
		&model.Application{Meta: meta(model.KindApplication, "app1", false), Operator: "op", Steps: []model.ReviewStep{
			{Kind: model.StepOperator, Party: "op", Deadline: &model.Deadline{What: "operator review", Party: "op", Due: day(6, 3), Rule: "application.review", Covered: true}},
			{Kind: model.StepBureau, Party: "bureau", Deadline: &model.Deadline{What: "bureau review", Party: "bureau", Due: day(6, 1), Rule: "application.review"}},
			{Kind: model.StepSourceUnit, Party: "su1", Deadline: &model.Deadline{What: "source unit review", Party: "su1", Due: day(6, 8), Rule: "application.review", Waived: "refused earlier"}},
		}},
		&model.Revenue{Meta: meta(model.KindRevenue, "rv-other", false), Operator: "op2",
			Obligation: &model.Deadline{What: "price adjustment", Party: "op2", Due: day(4, 1), Rule: "pricing.adjust"}},
	)
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	op := model.Reader{Participant: "op", Role: model.RoleOperator, Active: true}
	obs, complete, err := l.index().Obligations(context.Background(), op, now)
	if err != nil || !complete {
		t.Fatal(err, complete)
	}
	var got []string
	for _, o := range obs {
		got = append(got, o.Kind+"/"+o.ID+" "+o.Path+" "+map[bool]string{true: "overdue", false: "open"}[o.Overdue])
	}
	want := "authorization/a1 deletion overdue | application/app1 steps[0].deadline open | revenue/rv-op obligation open"
	if strings.Join(got, " | ") != want {
		t.Fatalf("op's obligations:\n%s\nwant\n%s", strings.Join(got, " | "), want)
	}
	if o := obs[2]; o.What != "adjust prices within the cap (调整具体收费标准)" || !o.CalendarCovered || !o.Due.Equal(day(7, 1)) || o.TxID == "" {
		t.Fatalf("price adjustment obligation: %+v", o)
	}
	// a source unit's waived review is not its obligation any more; the bureau's is
	su := model.Reader{Participant: "su1", Role: model.RoleSourceUnit, Active: true}
	if obs, _, _ := l.index().Obligations(context.Background(), su, now); len(obs) != 0 {
		t.Fatalf("su1: %+v", obs)
	}
	// the bureau's review (due at the end of 1 June, CST: not yet overdue at 08:00 that
	// day) in an application it is not a party to, and the agreement filing
	bureau := model.Reader{Participant: "bureau", Role: model.RoleBureau, Active: true}
	got = nil
	obs, _, _ = l.index().Obligations(context.Background(), bureau, now)
	for _, o := range obs {
		got = append(got, o.Kind+"/"+o.ID+" "+o.Path+" "+map[bool]string{true: "overdue", false: "open"}[o.Overdue])
	}
	if want := "application/app1 steps[1].deadline open | authorization/a1 filing open"; strings.Join(got, " | ") != want {
		t.Fatalf("the bureau's obligations:\n%s\nwant\n%s", strings.Join(got, " | "), want)
	}
	if _, _, err := l.index().Obligations(context.Background(), model.Reader{}, now); !errors.Is(err, ErrUnbound) {
		t.Fatalf("no participant: %v", err)
	}
}
