package demo

// partySteps register every participant with its SM2 key, bind each to its identity, and
// set the policy profile: the Longhua preset, then the Guangdong provincial deadlines
// that bind a district of Guangdong (004 Art. 20, 23, 24, 26).
func (l *Loader) partySteps() ([]Step, error) {
	var steps []Step
	// A participant's org is its identity's: the topology decides which org each
	// profile's certificate comes from (the exchange has its own since it runs a peer).
	identityOf := l.identityOf
	bind := func(at int, participant, profile string) error {
		s, err := l.bindStep(Day("2026-09-01", at), participant, profile)
		steps = append(steps, s)
		return err
	}
	// The bureau's own officer identity (the admin identity was bound at bootstrap).
	if err := bind(1, "bureau", "bureau"); err != nil {
		return nil, err
	}
	for i, o := range Orgs {
		key, err := l.Key(o.ID, o.Profile)
		if err != nil {
			return nil, err
		}
		ident, err := identityOf(o.Profile)
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{At: Day("2026-09-01", 10+i), Profile: "bureau-admin", Fn: "Participant:Register",
			Note: "register " + o.Name,
			Req: map[string]any{"id": o.ID, "role": o.Role, "name": o.Name, "uscc": USCC(o.Body),
				"mspId": ident.MSPID, "sm2PublicKey": key.Public().EncodeHex()}})
		if err := bind(20+i, o.ID, o.Profile); err != nil {
			return nil, err
		}
	}
	for i, u := range Units {
		key, err := l.Key(u.ID, UnitProfile(i))
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{At: Day("2026-09-01", 30+i), Profile: "bureau-admin", Fn: "Participant:Register",
			Note: "register 数源单位 " + u.Name,
			Req: map[string]any{"id": u.ID, "role": "source_unit", "name": u.Name, "uscc": USCC(u.Body),
				"mspId": "SourceUnitMSP", "sm2PublicKey": key.Public().EncodeHex()}})
		if err := bind(60+i, u.ID, UnitProfile(i)); err != nil {
			return nil, err
		}
	}
	steps = append(steps,
		Step{At: Day("2026-09-01", -20), Profile: "bureau-admin", Fn: "Profile:Set", Note: "policy profile: 龙华区实施方案",
			Req: map[string]any{"id": "demo-profile-set", "preset": "longhua", "reason": "龙华区公共数据资源授权运营实施方案(试行)适用于本区授权运营"}},
		Step{At: Day("2026-09-01", -15), Profile: "bureau-admin", Fn: "Profile:Amend", Note: "profile amended with Guangdong provincial deadlines",
			Req: map[string]any{"id": "demo-profile-gd", "reason": "广东省公共数据资源授权运营管理办法对省内县级实施机构适用: 公示、备案、用数申请与产品审核时限",
				"patch": provincialPatch}},
	)
	return steps, nil
}

const gd = "广东省公共数据资源授权运营管理办法（征求意见稿）"

func src(article, quote string) map[string]any {
	return map[string]any{"doc": gd, "article": article, "quote": quote,
		"note": "Guangdong provincial rule applied to Longhua, a district of Guangdong (amendment by the bureau)"}
}

// provincialPatch sets the Guangdong deadlines Longhua's own plan leaves open.
var provincialPatch = map[string]any{
	"authorization": map[string]any{
		"candidate_publicity_required":  map[string]any{"value": true, "source": src("第二十条(四)", "实施机构应当向社会公示运营机构候选人,公示期不少于 5 日")},
		"candidate_publicity_min_days":  map[string]any{"value": 5, "source": src("第二十条(四)", "公示期不少于 5 日")},
		"agreement_filing_required":     map[string]any{"value": true, "source": src("第二十三条", "授权运营协议签署后 10 个工作日内,实施机构应当将授权运营协议报同级数据主管部门备案")},
		"agreement_filing_working_days": map[string]any{"value": 10, "source": src("第二十三条", "授权运营协议签署后 10 个工作日内")},
	},
	"use_application": map[string]any{
		"bureau_review_working_days": map[string]any{"value": 10, "source": src("第二十四条", "在 10 个工作日内对运营机构提交的材料进行审核")},
	},
	"product": map[string]any{
		"review_working_days": map[string]any{"value": 10, "source": src("第二十六条", "评估审核结果应当在 10 个工作日内出具")},
	},
}
