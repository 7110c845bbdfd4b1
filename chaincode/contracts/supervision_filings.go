package contracts

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// ---------------------------------------------------------------------------------
// Security incidents

// ReportIncident records a security incident. Operators report their own; partners,
// source units, the bureau and regulators name the operator concerned. Where the
// profile sets security.incident_report_hours the report carries that deadline and is
// marked late when it missed it; it is never refused for lateness. A major incident is
// flagged for the bureau's decision.
func (c *SupervisionContract) ReportIncident(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:ReportIncident", request, func(tx *Tx, req *model.ReportIncidentRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		subject := req.Subject
		if caller.Is(model.RoleOperator) {
			if subject == "" {
				subject = caller.PID()
			}
			if subject != caller.PID() {
				return nil, model.RuleIncidentReporter.ViolationField("subject", caller.PID(), "an operator reports incidents of its own operation; %s named %s", caller.PID(), subject)
			}
		} else if subject == "" {
			return nil, model.RuleIncidentReporter.ViolationField("subject", "an operator", "name the operator concerned by the incident")
		}
		var op model.Participant
		if err := tx.GetField(model.KindParticipant, subject, "subject", &op); err != nil {
			return nil, err
		}
		if op.Role != model.RoleOperator {
			return nil, model.RuleIncidentReporter.ViolationField("subject", "an operator", "%s is a %s, not an operator", op.ID, op.Role)
		}
		var plan string
		if req.Authorization != "" {
			a, err := loadAuthorization(tx, req.Authorization, "authorizationId")
			if err != nil {
				return nil, err
			}
			if a.Operator != subject {
				return nil, model.RuleIncidentReporter.ViolationField("authorizationId", "an authorization of "+subject, "authorization %s is %s's, not %s's", a.ID, a.Operator, subject)
			}
			plan = a.EmergencyPlan
		}
		occurred, detected := req.OccurredAt.UTC(), req.DetectedAt.UTC()
		switch {
		case detected.Before(occurred):
			return nil, model.RuleIncidentTimes.ViolationField("detectedAt", ">= occurredAt", "detected %s, before it occurred %s", detected.Format(time.RFC3339), occurred.Format(time.RFC3339))
		case detected.After(tx.Now):
			return nil, model.RuleIncidentTimes.ViolationField("detectedAt", "<= transaction time", "detected %s, after the report %s", detected.Format(time.RFC3339), tx.Now.Format(time.RFC3339))
		}
		in := &model.Incident{
			Meta:  model.Meta{ID: req.ID, Kind: model.KindIncident},
			Filer: caller.PID(), FilerRole: caller.Participant.Role, Subject: subject, Authorization: req.Authorization,
			Severity: req.Severity, Category: req.Category, OccurredAt: occurred, DetectedAt: detected,
			ReportLagMinutes: int64(tx.Now.Sub(detected) / time.Minute),
			SelfReported:     caller.PID() == subject, PersonalInfo: req.PersonalInfo, Description: req.Description,
			Measures: req.Measures, EmergencyPlan: plan, EvidenceDigest: req.EvidenceDigest,
			TerminationGround: req.Severity == model.IncidentMajor && prof.P.Security.MajorIncidentTerminable.True(),
			Status:            model.IncidentReported, Signature: req.Signature, Profile: prof.Ref(),
		}
		if h, ok := prof.P.Security.IncidentReportHours.Get(); ok {
			met := tx.Now
			in.ReportDeadline = &model.Deadline{What: "incident report", Party: subject, Due: detected.Add(time.Duration(h) * time.Hour),
				Rule: fmt.Sprintf("security.incident_report_hours=%d (%s)", h, prof.Ref()), Covered: true, Met: &met, MetTx: tx.TxID}
			in.Late = tx.Now.After(in.ReportDeadline.Due)
		}
		action := "reported"
		if in.Severity == model.IncidentMajor {
			action = "major-reported"
			reason := "major incident reported; the bureau decides (close, rectify"
			if in.TerminationGround {
				reason += " or terminate: security.major_incident_terminable, " + prof.Ref()
			}
			if err := raiseFlag(tx, model.Flag{Kind: model.KindIncident, ID: in.ID, Authorization: in.Authorization, Operator: subject,
				Reason: reason + ")", Rule: model.RuleIncidentTermination.Code, Since: tx.Now}); err != nil {
				return nil, err
			}
		}
		return in, tx.Create(in, action)
	}, withRoleRule(model.RuleIncidentReporter, model.RoleOperator, model.RolePartner, model.RoleSourceUnit, model.RoleBureau, model.RoleRegulator),
		withProfile(), withSignature(sigProfile))
}

// DecideIncident records the bureau's decision on an incident: close it, order a
// rectification, or terminate the authorization (a major incident, where the profile
// makes that a ground).
func (c *SupervisionContract) DecideIncident(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:DecideIncident", request, func(tx *Tx, req *model.DecideIncidentRequest) (model.Record, error) {
		prof := tx.Policy()
		var in model.Incident
		if err := tx.GetField(model.KindIncident, req.Incident, "incident", &in); err != nil {
			return nil, err
		}
		if in.Status != model.IncidentReported {
			return nil, model.FieldErr(model.CodeBadState, "incident", "reported", "incident %s was decided already (%s)", in.ID, in.Status)
		}
		d := &model.IncidentDecision{Decision: req.Decision, Reason: req.Reason, At: tx.Now, TxID: tx.TxID, Signature: req.Signature}
		var a *model.Authorization
		if req.Decision != model.DecideClose {
			if in.Authorization == "" {
				return nil, model.FieldErr(model.CodeBadState, "incident", "an incident under an authorization",
					"incident %s names no authorization: it can be closed, or followed up with Supervision:OrderRectification", in.ID)
			}
			var err error
			if a, err = loadAuthorization(tx, in.Authorization, "incident"); err != nil {
				return nil, err
			}
		}
		switch req.Decision {
		case model.DecideClose:
			in.Status = model.IncidentClosed
		case model.DecideRectify:
			o := req.Rectification
			r, err := orderRectification(tx, prof, a, o.ID, "incident "+in.ID+": "+req.Reason, o.Requirements, o.RectificationDue,
				func(r *model.Rectification) { r.Incident = in.ID })
			if err != nil {
				return nil, err
			}
			in.Status, d.Rectification = model.IncidentRectification, r.ID
		case model.DecideTerminate:
			if in.Severity != model.IncidentMajor || !prof.P.Security.MajorIncidentTerminable.True() {
				why := "it is not major"
				if in.Severity == model.IncidentMajor {
					why = "the profile " + prof.Ref() + " does not make a major incident a termination ground (security.major_incident_terminable)"
				}
				return nil, model.RuleIncidentTermination.ViolationField("decision", "close | rectify", "incident %s is no termination ground: %s", in.ID, why)
			}
			if err := requireInForce(a, "incident"); err != nil {
				return nil, err
			}
			if err := terminateAuthorization(tx, a, model.GroundMajorIncident, "incident "+in.ID+": "+req.Reason, in.EvidenceDigest); err != nil {
				return nil, err
			}
			in.Status = model.IncidentTerminated
		}
		in.Decision = d
		if err := clearFlag(tx, in.Authorization, model.KindIncident, in.ID); err != nil {
			return nil, err
		}
		if err := tx.Update(&in, "decided"); err != nil {
			return nil, err
		}
		tx.SetEventType(model.KindIncident, "decided")
		return &in, nil
	}, withRoleRule(model.RuleSupervisionBureauOnly, model.RoleBureau), withSignature(sigOptional), withProfile())
}

// ---------------------------------------------------------------------------------
// Periodic reports

// reportSpec is what the profile says of one report kind.
type reportSpec struct {
	interval  int // months, cadence reports
	dueMonth  int // annual report: due by the end of this month of the next year
	filerRole model.Role
	rule      string
}

func reportSpecOf(prof *profileView, kind model.ReportKind) (reportSpec, bool) {
	p := prof.P
	switch kind {
	case model.ReportSecurity:
		n, ok := p.Security.OperatorReportIntervalMonths.Get()
		return reportSpec{interval: n, filerRole: model.RoleOperator,
			rule: fmt.Sprintf("security.operator_report_interval_months=%d (%s)", n, prof.Ref())}, ok
	case model.ReportPartnerSupervision:
		n, ok := p.Supervision.PartnerReportIntervalMonths.Get()
		return reportSpec{interval: n, filerRole: model.RoleOperator,
			rule: fmt.Sprintf("supervision.partner_report_interval_months=%d (%s)", n, prof.Ref())}, ok
	case model.ReportAnnualOperation:
		m, ok := p.Supervision.AnnualReportDueMonth.Get()
		filer, _ := p.Supervision.AnnualReportFiler.Get()
		role := model.RoleOperator
		if filer == policy.FilerBureau {
			role = model.RoleBureau
		}
		return reportSpec{dueMonth: m, filerRole: role,
			rule: fmt.Sprintf("supervision.annual_report_due_month=%d, annual_report_filer=%s (%s)", m, filer, prof.Ref())}, ok
	}
	return reportSpec{}, false
}

// reportFiler is the participant who files a report kind for an authorization.
func reportFiler(tx *Tx, spec reportSpec, a *model.Authorization) (string, error) {
	if spec.filerRole == model.RoleBureau {
		return bureauID(tx)
	}
	return a.Operator, nil
}

// reportWindow is cadence window k (1-based) of n months from the term start: [start, end).
func reportWindow(termStart time.Time, n, k int) (time.Time, time.Time) {
	return policy.AddMonths(termStart, (k-1)*n), policy.AddMonths(termStart, k*n)
}

const maxReportWindows = 10000

func reportLabel(period int, year string) string {
	if year != "" {
		return year
	}
	return fmt.Sprintf("%05d", period)
}

func reportFiled(tx *Tx, authorization string, kind model.ReportKind, label string) (bool, error) {
	ids, err := tx.ScanIDs(ixReport, authorization, string(kind), label)
	return len(ids) > 0, err
}

// FileReport files a periodic report for the window (cadence reports) or year (annual
// report) it covers. Filed after its due time it is accepted and marked late.
func (c *SupervisionContract) FileReport(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:FileReport", request, func(tx *Tx, req *model.FileReportRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		spec, ok := reportSpecOf(prof, req.ReportKind)
		if !ok {
			return nil, model.RuleReportPeriod.ViolationField("reportKind", "a report the profile requires",
				"the profile %s requires no %s report", prof.Ref(), req.ReportKind)
		}
		a, err := loadAuthorization(tx, req.Authorization, "authorizationId")
		if err != nil {
			return nil, err
		}
		filer, err := reportFiler(tx, spec, a)
		if err != nil {
			return nil, err
		}
		if caller.PID() != filer {
			return nil, model.RuleReportFiler.ViolationField("authorizationId", filer,
				"the %s report of authorization %s is filed by %s (%s); %s may not file it", req.ReportKind, a.ID, filer, spec.rule, caller.PID())
		}
		if err := tx.VerifySignature(req, sigProfile, filer); err != nil {
			return nil, err
		}
		termStart, err := model.ParseDate(a.TermStart)
		if err != nil {
			return nil, model.RuleReportPeriod.ViolationField("authorizationId", "a signed authorization", "authorization %s has no term yet (%s)", a.ID, a.Status)
		}
		authEnd := authEnd(a)
		rep := &model.PeriodicReport{
			Meta:       model.Meta{ID: req.ID, Kind: model.KindReport},
			ReportKind: req.ReportKind, Authorization: a.ID, Operator: a.Operator, Filer: filer,
			ReportDigest: req.ReportDigest, Summary: req.Summary, Signature: req.Signature, Rule: spec.rule, Profile: prof.Ref(),
		}
		var start, end time.Time
		if req.ReportKind == model.ReportAnnualOperation {
			y, _ := strconv.Atoi(req.Year)
			start, end = time.Date(y, 1, 1, 0, 0, 0, 0, model.CST), time.Date(y+1, 1, 1, 0, 0, 0, 0, model.CST)
			if end.After(tx.Now) {
				return nil, model.RuleReportPeriod.ViolationField("year", "an ended year", "the annual report covers a past year (上一年度); %d has not ended", y)
			}
			if !end.After(termStart) || (!authEnd.IsZero() && !start.Before(authEnd)) {
				return nil, model.RuleReportPeriod.ViolationField("year", "a year of the term", "authorization %s was not in force in %d", a.ID, y)
			}
			rep.Year, rep.Due = req.Year, policy.EndOfMonth(y+1, time.Month(spec.dueMonth)).UTC()
		} else {
			k := req.Period
			if k == 0 {
				for k = 1; k < maxReportWindows; k++ {
					if _, e := reportWindow(termStart, spec.interval, k); e.After(tx.Now) {
						break
					}
				}
			}
			start, end = reportWindow(termStart, spec.interval, k)
			if start.After(tx.Now) {
				return nil, model.RuleReportPeriod.ViolationField("period", "a begun window",
					"window %d (%s to %s) of %s has not begun", k, model.DateOf(start), model.DateOf(end.AddDate(0, 0, -1)), spec.rule)
			}
			if !authEnd.IsZero() && !start.Before(authEnd) {
				return nil, model.RuleReportPeriod.ViolationField("period", "a window of the term", "window %d begins %s, after authorization %s ended", k, model.DateOf(start), a.ID)
			}
			rep.Period, rep.Due = k, end.Add(-time.Nanosecond).UTC()
		}
		rep.PeriodStart, rep.PeriodEnd = model.DateOf(start), model.DateOf(end.AddDate(0, 0, -1))
		rep.Late = tx.Now.After(rep.Due)
		label := reportLabel(rep.Period, rep.Year)
		if filed, err := reportFiled(tx, a.ID, req.ReportKind, label); err != nil {
			return nil, err
		} else if filed {
			return nil, model.FieldErr(model.CodeAlreadyExists, "period", "", "the %s report of authorization %s for %s to %s is filed already", req.ReportKind, a.ID, rep.PeriodStart, rep.PeriodEnd)
		}
		if err := tx.Create(rep, "filed"); err != nil {
			return nil, err
		}
		return rep, tx.Index(ixReport, a.ID, string(req.ReportKind), label, rep.ID)
	}, withRoles(), withProfile())
}

// overdueReports lists the reports of a that were due before now and are not filed.
func overdueReports(tx *Tx, prof *profileView, a *model.Authorization) ([]model.OverdueReport, error) {
	termStart, err := model.ParseDate(a.TermStart)
	if err != nil {
		return nil, nil
	}
	authEnd := authEnd(a)
	out := []model.OverdueReport{}
	for _, kind := range []model.ReportKind{model.ReportSecurity, model.ReportPartnerSupervision, model.ReportAnnualOperation} {
		spec, ok := reportSpecOf(prof, kind)
		if !ok {
			continue
		}
		filer, err := reportFiler(tx, spec, a)
		if err != nil {
			return nil, err
		}
		add := func(period int, year string, start, end, due time.Time) error {
			filed, err := reportFiled(tx, a.ID, kind, reportLabel(period, year))
			if err != nil || filed {
				return err
			}
			out = append(out, model.OverdueReport{ReportKind: kind, Authorization: a.ID, Operator: a.Operator, Filer: filer,
				Period: period, Year: year, PeriodStart: model.DateOf(start), PeriodEnd: model.DateOf(end.AddDate(0, 0, -1)), Due: due.UTC(), Rule: spec.rule})
			return nil
		}
		if kind == model.ReportAnnualOperation {
			for y := termStart.In(model.CST).Year(); ; y++ {
				start, end := time.Date(y, 1, 1, 0, 0, 0, 0, model.CST), time.Date(y+1, 1, 1, 0, 0, 0, 0, model.CST)
				due := policy.EndOfMonth(y+1, time.Month(spec.dueMonth))
				if (!authEnd.IsZero() && !start.Before(authEnd)) || !due.Before(tx.Now) {
					break
				}
				if err := add(0, strconv.Itoa(y), start, end, due); err != nil {
					return nil, err
				}
			}
			continue
		}
		for k := 1; k < maxReportWindows; k++ {
			start, end := reportWindow(termStart, spec.interval, k)
			due := end.Add(-time.Nanosecond)
			// a window is owed once it ended within the term
			if (!authEnd.IsZero() && end.After(authEnd)) || !due.Before(tx.Now) {
				break
			}
			if err := add(k, "", start, end, due); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// OverdueReports lists periodic reports the profile's cadence expected since each
// authorization's TermStart that were not filed by their due time. The bureau and
// regulators see every authorization; an operator its own.
func (c *SupervisionContract) OverdueReports(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:OverdueReports", request, func(tx *Tx, req *model.OverdueReportsRequest) (any, error) {
		caller, err := tx.Caller()
		if err != nil {
			return nil, err
		}
		prof, err := tx.Profile()
		if err != nil {
			return nil, err
		}
		var auths []*model.Authorization
		if req.Authorization != "" {
			a, err := loadAuthorization(tx, req.Authorization, "authorizationId")
			if err != nil {
				return nil, err
			}
			auths = append(auths, a)
		} else {
			it, err := tx.stub.GetStateByPartialCompositeKey(string(model.KindAuthorization), nil)
			if err != nil {
				return nil, model.Errf(model.CodeInternal, "authorizations: %v", err)
			}
			defer it.Close()
			for it.HasNext() {
				kv, err := it.Next()
				if err != nil {
					return nil, model.Errf(model.CodeInternal, "authorizations: %v", err)
				}
				_, attrs, err := tx.stub.SplitCompositeKey(kv.Key)
				if err != nil || len(attrs) != 1 {
					continue
				}
				a, err := loadAuthorization(tx, attrs[0], "authorizationId")
				if err != nil {
					return nil, err
				}
				auths = append(auths, a)
			}
		}
		out := []model.OverdueReport{}
		for _, a := range auths {
			if !caller.Is(model.RoleBureau, model.RoleRegulator) && !(caller.Active() && caller.PID() == a.Operator) {
				if req.Authorization != "" {
					return nil, model.Errf(model.CodeAccessDenied, "the reports of authorization %s are visible to its operator, the bureau and regulators", a.ID)
				}
				continue
			}
			rows, err := overdueReports(tx, prof, a)
			if err != nil {
				return nil, err
			}
			out = append(out, rows...)
		}
		return out, nil
	})
}

// ---------------------------------------------------------------------------------
// Complaints, objections, disputes, data-quality feedback

// FileCase files a case. Complaints and objections may come from any active
// participant (the public's reach the ledger through a party that answers for them): a
// case is someone's, and an identity bound to no active participant could file without
// end with nobody to answer for it. The filer's certificate subject is recorded. The
// addressee is derived where the kind fixes it.
func (c *SupervisionContract) FileCase(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:FileCase", request, func(tx *Tx, req *model.FileCaseRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		bureau, err := bureauID(tx)
		if err != nil {
			return nil, err
		}
		participant := func(field, id string) (*model.Participant, error) {
			var p model.Participant
			if err := tx.GetField(model.KindParticipant, id, field, &p); err != nil {
				return nil, err
			}
			return &p, nil
		}
		needRole := func(roles ...model.Role) error {
			if caller.Is(roles...) {
				return nil
			}
			who := "an identity bound to no participant"
			if caller.Participant != nil {
				who = caller.Participant.ID + " (" + string(caller.Participant.Role) + ", " + string(caller.Participant.Status) + ")"
			}
			return model.RuleCaseFiler.ViolationField("caseKind", fmt.Sprint(roles), "a %s is filed by an active %v; the caller is %s", req.CaseKind, roles, who)
		}
		addressee := req.Addressee
		switch req.CaseKind {
		case model.CaseComplaint, model.CaseDispute:
			if req.CaseKind == model.CaseDispute {
				if err := needRole(model.RoleSourceUnit, model.RoleOperator, model.RolePartner); err != nil {
					return nil, err
				}
			}
			if addressee != "" && addressee != bureau {
				return nil, model.RuleCaseFiler.ViolationField("addressee", bureau, "a %s is addressed to the bureau (%s), not %s", req.CaseKind, bureau, addressee)
			}
			addressee = bureau
		case model.CaseObjection:
			if addressee == "" {
				return nil, model.RuleCaseFiler.ViolationField("addressee", "a source unit or the bureau", "an objection names its addressee: the source unit holding the data, or the bureau")
			}
			p, err := participant("addressee", addressee)
			if err != nil {
				return nil, err
			}
			if p.Role != model.RoleSourceUnit && p.Role != model.RoleBureau {
				return nil, model.RuleCaseFiler.ViolationField("addressee", "a source unit or the bureau", "%s is a %s; objections go to a source unit or the bureau", p.ID, p.Role)
			}
		case model.CaseDataQuality:
			if err := needRole(model.RoleOperator, model.RolePartner, model.RoleBureau); err != nil {
				return nil, err
			}
			if req.Resource == "" {
				return nil, model.RuleCaseFiler.ViolationField("resource", "a resource", "data-quality feedback names the resource; it goes to the resource's source unit")
			}
			var res model.Resource
			if err := tx.GetField(model.KindResource, req.Resource, "resource", &res); err != nil {
				return nil, err
			}
			if addressee != "" && addressee != res.SourceUnit {
				return nil, model.RuleCaseFiler.ViolationField("addressee", res.SourceUnit, "feedback on %s goes to its source unit %s, not %s", res.ID, res.SourceUnit, addressee)
			}
			addressee = res.SourceUnit
		}
		if req.Respondent != "" {
			if _, err := participant("respondent", req.Respondent); err != nil {
				return nil, err
			}
		}
		if req.Resource != "" && req.CaseKind != model.CaseDataQuality {
			if ok, err := tx.Exists(model.KindResource, req.Resource); err != nil {
				return nil, err
			} else if !ok {
				return nil, model.FieldErr(model.CodeNotFound, "resource", "", "resource %q does not exist", req.Resource)
			}
		}
		if req.Authorization != "" {
			if ok, err := tx.Exists(model.KindAuthorization, req.Authorization); err != nil {
				return nil, err
			} else if !ok {
				return nil, model.FieldErr(model.CodeNotFound, "authorizationId", "", "authorization %q does not exist", req.Authorization)
			}
		}
		if err := tx.VerifySignature(req, sigOptional, caller.PID()); err != nil {
			return nil, err
		}
		// the same case filed again by the same party (another request id, same content)
		// is refused while the first is open
		dup := gm.SumHex([]byte(strings.Join([]string{caller.PID(), string(req.CaseKind), addressee, req.Respondent, req.Resource,
			req.Authorization, req.Title, req.Description, req.EvidenceDigest}, "\x00")))
		if ids, err := tx.ScanIDs(ixCaseDigest, dup); err != nil {
			return nil, err
		} else {
			for _, id := range ids {
				var prev model.Case
				if ok, err := tx.GetIf(model.KindCase, id, &prev); err != nil {
					return nil, err
				} else if ok && prev.Status == model.CaseOpen {
					return nil, model.FieldErr(model.CodeAlreadyExists, "description", id, "%s filed the same %s already as %s (open); add to that case instead", caller.PID(), req.CaseKind, id)
				}
			}
		}
		cs := &model.Case{
			Meta:     model.Meta{ID: req.ID, Kind: model.KindCase},
			CaseKind: req.CaseKind, Filer: tx.Actor(), FilerKey: caller.IdentityKey,
			Addressee: addressee, Respondent: req.Respondent, Resource: req.Resource, Authorization: req.Authorization,
			Title: req.Title, Description: req.Description, EvidenceDigest: req.EvidenceDigest,
			AnswerDeadline: prof.WorkingDeadline("answer to a "+string(req.CaseKind), addressee, "supervision.case_answer_working_days",
				prof.P.Supervision.CaseAnswerWorkingDays, tx.Now),
			Status: model.CaseOpen, Signature: req.Signature, Profile: prof.Ref(),
		}
		if err := tx.Create(cs, "filed"); err != nil {
			return nil, err
		}
		if err := tx.Index(ixCaseDigest, dup, cs.ID); err != nil {
			return nil, err
		}
		return cs, tx.Index(ixCaseOpen, addressee, cs.ID)
	}, withRoles(), withProfile())
}

// AnswerCase answers a case (its addressee, once).
func (c *SupervisionContract) AnswerCase(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:AnswerCase", request, func(tx *Tx, req *model.AnswerCaseRequest) (model.Record, error) {
		caller := tx.Who()
		var cs model.Case
		if err := tx.GetField(model.KindCase, req.Case, "case", &cs); err != nil {
			return nil, err
		}
		if caller.PID() != cs.Addressee {
			return nil, model.RuleCaseAnswer.ViolationField("case", cs.Addressee, "case %s is addressed to %s; %s may not answer it", cs.ID, cs.Addressee, caller.PID())
		}
		if cs.Status != model.CaseOpen {
			return nil, model.RuleCaseAnswer.ViolationField("case", "open", "case %s was answered already on %s", cs.ID, model.DateOf(cs.Answer.At))
		}
		if err := tx.VerifySignature(req, sigOptional, caller.PID()); err != nil {
			return nil, err
		}
		ans := &model.CaseAnswer{Text: req.Answer, Digest: req.AnswerDigest, By: caller.PID(), At: tx.Now, TxID: tx.TxID, Signature: req.Signature}
		if d := cs.AnswerDeadline; d != nil {
			ans.Late = tx.Now.After(d.Due)
			met := tx.Now
			d.Met, d.MetTx = &met, tx.TxID
		}
		cs.Answer, cs.Status = ans, model.CaseAnswered
		if err := tx.Update(&cs, "answered"); err != nil {
			return nil, err
		}
		return &cs, tx.Unindex(ixCaseOpen, cs.Addressee, cs.ID)
	}, withRoles())
}

// canReadCase: the visibility rule, plus the filer's own certificate (the public
// reads the cases it filed).
func canReadCase(tx *Tx, cs *model.Case) bool {
	if tx.CanRead(cs) {
		return true
	}
	c, err := tx.Caller()
	return err == nil && c.IdentityKey == cs.FilerKey
}

// Case returns a case: to its addressee, its parties, its filer, the bureau, regulators.
func (c *SupervisionContract) Case(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:Case", request, func(tx *Tx, req *model.Ref) (any, error) {
		var cs model.Case
		if err := tx.Get(model.KindCase, req.ID, &cs); err != nil {
			return nil, err
		}
		if !canReadCase(tx, &cs) {
			return nil, model.Errf(model.CodeAccessDenied, "case %q is visible to its filer, addressee and parties, the bureau and regulators", req.ID)
		}
		return &cs, nil
	})
}

// OpenCases lists unanswered cases the caller may read, optionally of one addressee or
// only those past the profile's answer deadline.
func (c *SupervisionContract) OpenCases(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:OpenCases", request, func(tx *Tx, req *model.OpenCasesRequest) (any, error) {
		var prefix []string
		if req.Addressee != "" {
			prefix = []string{req.Addressee}
		}
		ids, err := tx.ScanIDs(ixCaseOpen, prefix...)
		if err != nil {
			return nil, err
		}
		out := []*model.Case{}
		for _, id := range ids {
			var cs model.Case
			if err := tx.Get(model.KindCase, id, &cs); err != nil {
				return nil, err
			}
			if !canReadCase(tx, &cs) || (req.OverdueOnly && !cs.AnswerDeadline.Overdue(tx.Now)) {
				continue
			}
			out = append(out, &cs)
		}
		return out, nil
	})
}
