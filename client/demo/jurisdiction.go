package demo

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Jurisdiction is the demo of one more jurisdiction's channel (the default topology's
// luohu, futian, qinhuangdao and guangdong): its operator, a source unit and a regulator
// registered and bound, and the source unit's resources registered and catalogued — so
// the explorer shows every jurisdiction with something in it, and the provincial
// regulator's report covers the Guangdong ledgers and not Hebei's. The bureau is the
// channel's own, bootstrapped by make up (the topology's channels[].bureau).
//
// Which profile acts for whom: the network has one set of identities, so the same
// "operator", "sourceunit-user1" and "regulator" certificates are bound on each ledger
// to that jurisdiction's participants (a binding on one ledger grants nothing on
// another's). The resources are illustrative, in the fields each text names (Qinhuangdao
// 实施方案: 医疗康养、交通运输、文化旅游、城市治理 …).
type Jurisdiction struct {
	Channel   string
	Operator  Org
	Unit      Unit
	Regulator Org // bound to the "regulator" profile when Profile is set
	Resources []Res
}

// provincialRegulator is Guangdong's provincial department acting as regulator on the
// ledgers of the province (广东省公共数据资源授权运营管理办法: 省政务服务和数据管理局
// 负责全省公共数据资源授权运营的统筹管理和监督).
var provincialRegulator = Org{"rg-gd", "regulator", "广东省政务服务和数据管理局（全省授权运营监督）", "11440000MB2C20002", "regulator"}

// Jurisdictions are the demo data of the default topology's jurisdiction channels.
var Jurisdictions = []Jurisdiction{
	{Channel: "luohu",
		Operator:  Org{"op-lhu", "operator", "深圳市罗湖区公共数据运营有限公司", "91440303MA5H4LH31", "operator"},
		Unit:      Unit{"su-lhu-scj", "深圳市市场监督管理局罗湖监管局", "11440303MB2C30001"},
		Regulator: provincialRegulator,
		Resources: []Res{
			{"lhu-res-01", "商贸流通", []string{"su-lhu-scj"}, "罗湖区商事主体登记数据", "辖区商事主体的设立、变更和注销登记",
				[]string{"统一社会信用代码", "企业名称", "登记状态", "成立日期", "行业门类", "注册地址"}, "罗湖区", "daily", 1, false, "结构化"},
			{"lhu-res-02", "金融服务", []string{"su-lhu-scj"}, "罗湖区企业信用监管数据", "经营异常、行政处罚与信用修复记录",
				[]string{"统一社会信用代码", "列入经营异常原因", "处罚决定书文号", "信用修复日期"}, "罗湖区", "weekly", 2, false, "结构化"},
		}},
	{Channel: "futian",
		Operator:  Org{"op-ft", "operator", "深圳市福田区数据运营有限公司", "91440304MA5H4FT42", "operator"},
		Unit:      Unit{"su-ft-wjj", "深圳市福田区卫生健康局", "11440304MB2C30002"},
		Regulator: provincialRegulator,
		Resources: []Res{
			{"ft-res-01", "卫生健康", []string{"su-ft-wjj"}, "福田区医疗机构执业信息", "辖区医疗机构的执业登记和诊疗科目",
				[]string{"机构名称", "执业许可证号", "诊疗科目", "床位数", "机构地址"}, "福田区", "monthly", 1, false, "结构化"},
			{"ft-res-02", "卫生健康", []string{"su-ft-wjj"}, "福田区社区健康服务统计数据", "社康中心门诊量和签约服务统计（不含个人信息）",
				[]string{"社康中心", "统计月份", "门诊人次", "家庭医生签约数"}, "福田区", "monthly", 2, false, "结构化"},
		}},
	{Channel: "qinhuangdao",
		Operator: Org{"op-qhd", "operator", "秦皇岛市数据运营有限公司", "91130300MA0H5QH53", "operator"},
		Unit:     Unit{"su-qhd-wlj", "秦皇岛市文化广电和旅游局", "11130300MB2C30003"},
		// Hebei's provincial department oversees Qinhuangdao; Guangdong's does not.
		Regulator: Org{"rg-hb", "regulator", "河北省数据和政务服务局（全省授权运营监督）", "11130000MB2C20003", ""},
		Resources: []Res{
			{"qhd-res-01", "文化旅游", []string{"su-qhd-wlj"}, "秦皇岛市A级旅游景区客流数据", "景区分时段入园人次",
				[]string{"景区名称", "景区等级", "统计时段", "入园人次"}, "秦皇岛市", "daily", 1, false, "结构化"},
			{"qhd-res-02", "交通运输", []string{"su-qhd-wlj"}, "秦皇岛市旅游交通接驳数据", "旅游专线和接驳车辆的班次与客运量",
				[]string{"线路名称", "班次", "运营日期", "客运量"}, "秦皇岛市", "daily", 1, false, "结构化"},
		}},
	{Channel: "guangdong",
		Operator:  Org{"op-gd", "operator", "广东省公共数据运营有限公司", "91440000MA5H4GD64", "operator"},
		Unit:      Unit{"su-gd-zrzy", "广东省自然资源厅", "11440000MB2C30004"},
		Regulator: provincialRegulator,
		Resources: []Res{
			{"gd-res-01", "城市治理", []string{"su-gd-zrzy"}, "广东省国土空间规划分区数据", "省级国土空间规划分区与用途管制",
				[]string{"分区编码", "分区类型", "行政区划", "面积", "空间范围"}, "广东省", "yearly", 2, false, "空间"},
		}},
}

// JurisdictionChannels lists the channels with demo data.
func JurisdictionChannels() []string {
	var out []string
	for _, j := range Jurisdictions {
		out = append(out, j.Channel)
	}
	sort.Strings(out)
	return out
}

// jurisdictionSteps are one jurisdiction's steps (env.Channel is its channel).
func (l *Loader) jurisdictionSteps(j Jurisdiction) ([]Step, error) {
	var steps []Step
	reg := func(at int, o Org, role string, profile string) error {
		ident, err := l.identityOf(profile)
		if err != nil {
			return err
		}
		key, err := l.Key(o.ID, profile)
		if err != nil {
			return err
		}
		steps = append(steps, Step{At: Day("2026-11-02", at), Profile: "bureau-admin", Fn: "Participant:Register", Note: "register " + o.Name,
			Req: map[string]any{"id": o.ID, "role": role, "name": o.Name, "uscc": USCC(o.Body), "mspId": ident.MSPID, "sm2PublicKey": key.Public().EncodeHex()}})
		return nil
	}
	bind := func(at int, participant, profile string) error {
		s, err := l.bindStep(Day("2026-11-02", at), participant, profile)
		steps = append(steps, s)
		return err
	}
	unitProfile := UnitProfile(0)
	for i, p := range []struct {
		o       Org
		profile string
	}{{j.Operator, "operator"}, {Org{j.Unit.ID, "source_unit", j.Unit.Name, j.Unit.Body, unitProfile}, unitProfile}, {j.Regulator, "regulator"}} {
		if err := reg(10+i, p.o, p.o.Role, p.profile); err != nil {
			return nil, err
		}
		if p.o.Profile != "" {
			if err := bind(20+i, p.o.ID, p.profile); err != nil {
				return nil, err
			}
		}
	}
	if err := bind(30, "bureau", "bureau"); err != nil { // the bureau's officer
		return nil, err
	}
	for i, r := range j.Resources {
		openness := "conditional"
		if r.Grade == 1 {
			openness = "unconditional"
		}
		steps = append(steps,
			Step{At: Day("2026-11-03", i*10), Profile: unitProfile, Fn: "Resource:Register", Note: "register " + r.Name,
				Req: map[string]any{"id": r.ID, "name": r.Name, "summary": r.Summary, "dataItems": r.Items, "dataType": r.DataType,
					"openness": openness, "grade": r.Grade, "domain": r.Domain, "coverage": r.Coverage, "updateFrequency": r.Frequency,
					"personalInfo": r.PersonalInfo, "schemaDigest": digest(r.ID + " 数据结构说明")}},
			Step{At: Day("2026-11-04", i*10), Profile: "bureau", Fn: "Resource:ProposeCatalogue", Note: "propose " + r.Name + " for the catalogue",
				Req: map[string]any{"id": "demo-propose-" + r.ID, "resource": r.ID}},
			Step{At: Day("2026-11-05", i*10), Profile: unitProfile, Fn: "Resource:AnswerCatalogue", Note: j.Unit.Name + " agrees to catalogue " + r.Name,
				Req: map[string]any{"id": "demo-agree-" + r.ID, "resource": r.ID, "agreed": true}})
	}
	return steps, nil
}

// bindStep is the bureau's admin binding profile's certificate to participant.
func (l *Loader) bindStep(at time.Time, participant, profile string) (Step, error) {
	ident, err := l.identityOf(profile)
	if err != nil {
		return Step{}, err
	}
	return Step{At: at, Profile: "bureau-admin", Fn: "Participant:BindIdentity", Note: fmt.Sprintf("%s acts for %s", profile, participant),
		Req: map[string]any{"id": "demo-bind-" + profile, "participant": participant, "mspId": ident.MSPID, "subject": ident.Subject,
			"issuer": ident.Issuer, "keyDigest": ident.KeyDigest}}, nil
}

// LoadJurisdiction loads the demo data of env.Channel, one of JurisdictionChannels
// (idempotent like Load).
func LoadJurisdiction(ctx context.Context, env Env) error {
	for _, j := range Jurisdictions {
		if j.Channel != env.Channel {
			continue
		}
		l := NewLoader(env)
		defer l.Close()
		l.replayNote = "演示数据：" + j.Channel + " 辖区的参与方与数据资源目录（demo ledger: the parties and catalogue of jurisdiction " + j.Channel + "）"
		steps, err := l.jurisdictionSteps(j)
		if err != nil {
			return err
		}
		return l.Run(ctx, steps)
	}
	return fmt.Errorf("no demo data for channel %q; there is for %v", env.Channel, JurisdictionChannels())
}
