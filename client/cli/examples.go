package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Examples in --help are commands that run: against the demo ledger that make up loads
// (client/demo: the Longhua pilot), as the identity that would type them. An
// integration test (client/integration/help_examples_test.go) runs every one of them —
// writes with --dry-run, so the test leaves the ledger as it found it — and holds each to
// its mark:
//
//	(no mark)        exits 0 on the demo ledger
//	# needs: STATE   needs STATE the demo ledger may not have; refused (exit 1) without it
//	# refused: CODE  demonstrates a refusal: exits 1 with CODE
//
// A unit test checks every example's flags and request shape offline.

// example is one example command line (after "pdl ").
type example struct {
	cmd     string
	needsZH string
	needsEN string
	refused model.Code
}

func ok(cmd string) example { return example{cmd: cmd} }
func needs(cmd, zh, en string) example {
	return example{cmd: cmd, needsZH: zh, needsEN: en}
}
func refuses(cmd string, code model.Code) example { return example{cmd: cmd, refused: code} }

// Digests used by the examples (SM3 of short example texts).
const (
	exAgreement = "68113e88202dafb60f52daf20ab1c3c04532a4d79cd7b9ac56c7fe96400128df"
	exPlan      = "c86ae152c13ebe8d19fc1c29b398ff2f0346e70104b74ce66e74304a52be7d32"
	exBasis     = "f8b172092fda78eb9ede7275cab4da8838be1daefe55ad47b8dae8b8e51d1852"
	exContract  = "a5fe67b9917a34ad495301fb0635becf48609831959d0d60e0922203a99b84e5"
	exReport    = "5551322be7af60b65a06645b932b73a6c075b9f956e9f79bc6dc4a6ca3846a58"
	exDeletion  = "b88056f513c35349a0de086fcf6b4d4d7169d1f262a1433fc7ab648b84ae74d0"
	exEvidence  = "d92b805b3f4ee4056ddcc2277e00524915f157ac36fbbc636fd2d3478dc480f8"
	exExitPlan  = "8a34a61a90241cd00799824193f65e9e52ad33a34f1f64cbac16f433a8beec73"
	exSM2Key    = "04e73622ad260f1daa743e9593c73a8e708fe24088c1240ffa7323ddcc0ea2273fb360f98ba1adf92929420bb578e7f4db2cd400b7ca8c8caa4b9dc62d673fa945"
)

// functionExamples are the examples of the function verbs, by function.
var functionExamples = map[string][]example{
	// participants
	"Participant:Register":  {ok("-p bureau participant register --id ex-op-01 --role 运营机构 --name 深圳市示例数据运营有限公司 --uscc 91440300MA5K7EX01L --msp-id OperatorMSP")},
	"Participant:Bootstrap": {refuses("-p bureau-admin participant bootstrap --id bureau --name 深圳市龙华区政务服务数据管理局 --uscc 11440309MB2C90412W --orgs BureauMSP,OperatorMSP,SourceUnitMSP,ExchangeMSP", model.CodeIDReused)},
	"Participant:BindIdentity": {needs("-p bureau participant bind-identity -f docs/examples/participant-bind-identity.yaml",
		"证书的主体、签发者和公钥摘要（pdl -p <身份> participant who-am-i 可见）", "the certificate's subject, issuer and key digest (pdl -p <profile> participant who-am-i shows them)")},
	"Participant:SetOrgs": {refuses("-p bureau-admin participant set-orgs --orgs BureauMSP,OperatorMSP,SourceUnitMSP,ExchangeMSP --reason 核对通道组织", model.CodeAlreadyExists)},
	"Participant:UnbindIdentity": {needs("-p bureau participant unbind-identity --identity-key "+exEvidence+" --reason 离岗",
		"一个已绑定身份的身份键（participant who-am-i 的 identityKey）", "the identity key of a bound identity (identityKey in participant who-am-i)")},
	"Participant:SetKey":    {needs("-p bureau participant set-key --participant pt-zhixie --sm2-public-key "+exSM2Key, "由参与方自己或实施机构登记密钥，视政策配置而定", "who may register a key depends on the profile (the participant itself or the bureau)")},
	"Participant:SetStatus": {ok("-p bureau participant set-status --participant pt-zhixie --status 已暂停 --reason 核查协作协议")},
	"Participant:Config":    {ok("-p regulator participant config")},
	"Participant:Get":       {ok("-p exchange participant get --id op-lhdata")},
	"Participant:List":      {ok("-p regulator participant list --role 数源单位"), ok("-p regulator participant list --role operator -o yaml")},
	"Participant:WhoAmI":    {ok("-p sourceunit-user1 participant who-am-i")},
	// policy profile
	"Profile:Get":     {ok("-p regulator profile get"), ok("-p regulator profile get --version 1 -o json")},
	"Profile:Presets": {ok("-p regulator profile presets")},
	"Profile:Set":     {refuses("-p bureau profile set --preset longhua --reason 适用龙华区实施方案", model.RuleProfileSetOnce.Code)},
	"Profile:Amend": {needs("-p bureau profile amend --patch @docs/examples/profile-amend.patch.json --reason 调整公示期",
		"补丁中的参数须为政策配置已有的参数", "the patch names parameters the profile has")},
	// working-day calendar
	"Calendar:Get":      {ok("-p regulator calendar get")},
	"Calendar:Deadline": {ok("-p regulator calendar deadline --from 2026-12-02T10:00:00+08:00 --days 30"), ok("-p operator calendar deadline --from 2026-12-18T09:00:00+08:00 --working-days 10")},
	"Calendar:FileYear": {refuses("-p bureau calendar file-year --year @docs/examples/calendar-file-year.year.json", model.RuleCalendarCorrectionReason.Code)},
	// resources
	"Resource:Register": {ok("-p sourceunit-user1 resource register -f docs/examples/resource-register.yaml"),
		refuses("-p operator resource register -f docs/examples/resource-register.yaml", model.RuleResourceOwnUnit.Code)},
	"Resource:Update": {needs("-p sourceunit-user1 resource update --resource lh-res-01 -f docs/examples/resource-update.yaml",
		"资源处于允许修改的编目状态", "a resource in a catalogue state that allows a new version")},
	"Resource:ProposeCatalogue": {needs("-p bureau resource propose-catalogue --resource ex-res-01",
		"一个已登记、尚未编目的资源（上面的 resource register 不加 --dry-run）", "a registered resource not yet catalogued (resource register above, without --dry-run)")},
	"Resource:AnswerCatalogue": {needs("-p sourceunit-user1 resource answer-catalogue --resource ex-res-01 --agreed",
		"一个处于编目提议中的资源", "a resource proposed for the catalogue")},
	"Resource:Get":      {ok("-p operator resource get --id lh-res-01")},
	"Resource:List":     {ok("-p sourceunit-user5 resource list --source-unit su-zjj"), ok("-p operator resource list --catalogue 已编目")},
	"Resource:Revision": {needs("-p sourceunit-user1 resource revision --id lh-res-01:v1", "资源至少修改过一次", "a resource updated at least once")},
	// authorizations
	"Authorization:Create": {ok("-p bureau authorization create --operator op-lhdata --mode 整体授权 --resource-ids lh-res-03、lh-res-07 --term-months 36 --agreement-digest " + exAgreement)},
	"Authorization:Sign": {needs("-p operator authorization sign --authorization lh-auth-2026 --sign",
		"一个公示期已满、尚未签署的授权（演示账本中的已生效）", "an authorization past its publicity and not yet signed (the demo's is active)")},
	"Authorization:File": {needs("-p bureau authorization file --authorization lh-auth-2026 --filing-ref 深数备〔2026〕17号",
		"一个已签署、尚未备案的授权", "a signed authorization not yet filed")},
	"Authorization:FileEmergencyPlan": {ok("-p operator authorization file-emergency-plan --plan lh-plan-2026 --authorization lh-auth-2026 --plan-digest " + exPlan + " --summary 修订：增加隐私计算节点失陷处置")},
	"Authorization:Suspend":           {ok("-p bureau authorization suspend --authorization lh-auth-2026 --reason 调查核实 --detail '核查投诉 lh-case-cp-01'")},
	"Authorization:Resume":            {needs("-p bureau authorization resume --authorization lh-auth-2026 --detail 核查完毕", "一个已暂停的授权", "a suspended authorization")},
	"Authorization:Renew":             {needs("-p operator authorization renew --authorization lh-auth-2026 --months 24", "授权期满前的续期窗口期内", "inside the renewal window before the term ends")},
	"Authorization:DecideRenewal":     {needs("-p bureau authorization decide-renewal --authorization lh-auth-2026 --decision approved", "一个待决定的续期申请", "a pending renewal")},
	"Authorization:ExitNotice":        {ok("-p operator authorization exit-notice --authorization lh-auth-2026 --effective-on 2027-06-30 --plan-digest " + exExitPlan)},
	"Authorization:DecideExit":        {needs("-p bureau authorization decide-exit --authorization lh-auth-2026 --decision approved", "政策配置要求批准、且已提交退出通知", "a profile that needs approval, and an exit notice given")},
	"Authorization:Terminate":         {ok("-p bureau authorization terminate --authorization lh-auth-2026 --ground 法律政策变化 --detail 上位政策调整")},
	"Authorization:ConfirmDeletion": {needs("-p operator authorization confirm-deletion --authorization lh-auth-2026 --certificate-digest "+exDeletion,
		"一个已结束的授权（演示账本中的仍生效）", "an authorization that has ended (the demo's is active)")},
	"Authorization:EmergencyPlan": {ok("-p operator authorization emergency-plan --id lh-plan-2026")},
	"Authorization:Get":           {ok("-p operator authorization get --id lh-auth-2026")},
	"Authorization:List":          {ok("-p regulator authorization list --status 生效")},
	"Authorization:ByResource":    {ok("-p sourceunit-user1 authorization by-resource --resource lh-res-01")},
	"Authorization:Overdue":       {ok("-p regulator authorization overdue")},
	// partners
	"Partner:Onboard": {needs("-p operator partner onboard --authorization lh-auth-2026 --partner pt-zhixie --scope 模型开发与测试 --agreement-digest "+exAgreement+" --agreement-end 2027-06-30",
		"pt-zhixie 尚未加入该授权", "pt-zhixie not yet a partner under the authorization")},
	"Partner:Exit": {needs("-p operator partner exit --partnership ex-ps-01 --reason 合作结束", "一个有效的协作关系（partner onboard 不加 --dry-run，--id ex-ps-01）", "an active partnership (partner onboard without --dry-run, --id ex-ps-01)")},
	"Partner:Get":  {needs("-p partner partner get --id ex-ps-01", "协作关系 ex-ps-01", "the partnership ex-ps-01")},
	"Partner:List": {ok("-p operator partner list --authorization lh-auth-2026")},
	// applications and grants
	"Application:Submit": {ok("-p operator application submit --authorization lh-auth-2026 --scenario 企业精准服务 --service-objects 区内企业 --service-scope 龙华区 " +
		"--expected-outcome 企业服务画像 --method 统计分析 --usage-from 2026-12-15 --usage-to 2027-06-30 --data-list @docs/examples/application-submit.data-list.json")},
	"Application:Review":     {ok("-p bureau application review --application lh-app-11 --decision approved")},
	"Application:Get":        {ok("-p operator application get --id lh-app-01")},
	"Application:List":       {ok("-p regulator application list --operator op-lhdata --status 审核中")},
	"Application:ByResource": {ok("-p sourceunit-user1 application by-resource --resource lh-res-01")},
	"Application:Overdue":    {ok("-p regulator application overdue")},
	"Grant:Get":              {ok("-p operator application grant-get --id G-lh-app-01")},
	"Grant:ByResource":       {ok("-p sourceunit-user1 application grant-by-resource --resource lh-res-01")},
	"Grant:Revoke":           {ok("-p bureau application grant-revoke --grant G-lh-app-06 --reason 场景调整")},
	// products
	"Product:Submit": {ok("-p operator product submit --name 区域装修热力图（月度） --form 应用 --class 产业类 --scenarios 区域装修热力图 --grant-ids G-lh-app-06 --resource-ids lh-res-07")},
	"Product:Review": {ok("-p bureau product review --product lh-prd-04 --decision approved --checks @docs/examples/product-review.checks.json --report-digest " + exReport)},
	"Product:Register": {needs("-p operator product register --product lh-prd-04 --sign",
		"一个审核通过、尚未登记的产品（product review 不加 --dry-run）", "an approved product not yet registered (product review without --dry-run)")},
	"Product:ListOnExchange": {ok("-p exchange product list-on-exchange --product lh-prd-02 --listing-ref SZDE-2026-LH-0009")},
	"Product:Suspend":        {ok("-p bureau product suspend --product lh-prd-03 --reason 核查投诉")},
	"Product:Resume":         {needs("-p bureau product resume --product lh-prd-03 --reason 核查完毕", "一个已暂停的产品", "a suspended product")},
	"Product:Revoke":         {ok("-p bureau product revoke --product lh-prd-06 --reason 场景终止")},
	"Product:Get":            {ok("-p exchange product get --id lh-prd-01")},
	"Product:ByGrant":        {ok("-p operator product by-grant --grant G-lh-app-01")},
	"Product:ByResource":     {ok("-p sourceunit-user1 product by-resource --resource lh-res-01")},
	"Product:Provenance":     {ok("-p regulator product provenance --id lh-prd-01")},
	"Product:Overdue":        {ok("-p regulator product overdue")},
	// prices and trades
	"Price:SetCap": {ok("-p bureau price set-cap --class 产业类 --unit 按次 --product lh-prd-02 --cap 4.50 --reason 个人信贷类接口单列上限")},
	"Price:File": {ok("-p operator price file --product lh-prd-02 --unit per_call --unit-label 次 --price 2.50 --scenario 个人商业金融贷款 " +
		"--scope 持牌金融机构个人授信 --method 隐私计算接口 --basis-digest " + exBasis + " --sign")},
	"Price:Get":       {ok("-p exchange price get --id price-lh-prd-01-call")},
	"Price:GetCap":    {ok("-p exchange price get-cap --id cap-industry-call")},
	"Price:Flagged":   {ok("-p regulator price flagged")},
	"Trade:File":      {ok("-p exchange trade file --product lh-prd-01 --buyer @docs/examples/trade-file.buyer.json --scenario 企业商业金融贷款 --quantity 10 --unit 按次 --amount 30.00 --contract-digest " + exContract + " --sign")},
	"Trade:Get":       {ok("-p exchange trade get --id trade-lh-prd-01-a")},
	"Trade:ByProduct": {ok("-p regulator trade by-product --product lh-prd-01")},
	// revenue
	"Revenue:Report": {needs("-p operator revenue report --year 2025 --revenue 1200000.00 --cost 900000.00 --tax 60000.00 --treasury-yield-bp 210 --allowed-profit-rate-bp 810 --basis-digest "+exBasis+" --sign",
		"一个已结束且尚未报告的年度", "a year that has ended and has no report yet")},
	"Revenue:Correct": {needs("-p operator revenue correct --report ex-rev-2025 --revenue 1250000.00 --cost 900000.00 --tax 60000.00 --treasury-yield-bp 210 --allowed-profit-rate-bp 810 --basis-digest "+exBasis+" --reason 更正收入口径 --sign",
		"收益报告 ex-rev-2025（revenue report 不加 --dry-run，--id ex-rev-2025）", "the revenue report ex-rev-2025 (revenue report without --dry-run, --id ex-rev-2025)")},
	"Revenue:Fulfil":      {needs("-p operator revenue fulfil --report ex-rev-2025 --evidence price-lh-prd-01-call --sign", "一项未履行的调整义务和其后的价格备案", "an open obligation and a price filing made after it")},
	"Revenue:Get":         {needs("-p regulator revenue get --id ex-rev-2025", "收益报告 ex-rev-2025", "the revenue report ex-rev-2025")},
	"Revenue:Obligations": {ok("-p regulator revenue obligations")},
	// logs (the function verbs; pdl logs anchor/prove/verify are hand-written)
	"Logs:Open": {ok("-p operator logs open --id ex-access --log-kind 访问日志 --authorization-id lh-auth-2026 --description 示例访问日志")},
	"Logs:Append": {needs("-p operator logs append -f docs/examples/logs-append.json",
		"一个空的日志流 ex-access-raw；实际存证请用 pdl logs anchor，它会计算根和一致性证明", "an empty stream ex-access-raw; to anchor for real use pdl logs anchor, which computes roots and proofs")},
	"Logs:Stream":   {ok("-p operator logs stream --id lh-platform-access")},
	"Logs:Streams":  {ok("-p regulator logs streams")},
	"Logs:Anchor":   {needs("-p operator logs get-anchor --id lh-platform-access-2000", "演示日志已存证（make up 会存证）", "the demo's access log anchored (make up anchors it)")},
	"Logs:Anchors":  {ok("-p operator logs anchors --stream lh-platform-access")},
	"Logs:AnchorAt": {needs("-p operator logs anchor-at --stream lh-platform-access --size 2000", "演示日志已存证（make up 会存证）", "the demo's access log anchored (make up anchors it)")},
	// supervision
	"Supervision:Inspect":            {ok("-p regulator supervision inspect --subject op-lhdata --authorization-id lh-auth-2026 --type 专项检查 --scope 个人信息保护 --period 2026-Q4 --findings @docs/examples/supervision-inspect.findings.json")},
	"Supervision:AddFinding":         {ok("-p bureau supervision add-finding --inspection lh-insp-2026q3 --severity 一般 --description 访问日志留存不足六个月")},
	"Supervision:OrderRectification": {ok("-p bureau supervision order-rectification --authorization-id lh-auth-2026 --grounds 例行检查发现问题 --requirements 补全访问日志 --inspection lh-insp-2026q3 --working-days 10")},
	"Supervision:ReportRectification": {needs("-p operator supervision report-rectification --rectification ex-rect-01 --report-digest "+exReport+" --sign",
		"整改 ex-rect-01（supervision order-rectification 不加 --dry-run，--id ex-rect-01）", "the rectification ex-rect-01 (order-rectification without --dry-run, --id ex-rect-01)")},
	"Supervision:ReviewRectification": {needs("-p bureau supervision review-rectification --rectification ex-rect-01 --decision approved", "一份已提交的整改报告", "a rectification report filed")},
	"Supervision:Evaluate": {needs("-p bureau supervision evaluate --authorization-id lh-auth-2026 --period 2026-H2 --grade 合格 --dimensions @docs/examples/supervision-evaluate.dimensions.json --report-digest "+exReport,
		"一个已开始、尚未评价且在授权期限内的期间", "a period that has begun, within the term, not yet evaluated")},
	"Supervision:ReportIncident": {ok("-p operator supervision report-incident --authorization-id lh-auth-2026 --severity 一般 --category 非法访问 --occurred-at '2026-11-30 09:00' --detected-at '2026-11-30 09:20' --description 接口被异常高频调用 --sign")},
	"Supervision:DecideIncident": {needs("-p bureau supervision decide-incident --incident ex-inc-01 --decision rectify --reason 限期整改 --rectification @docs/examples/supervision-decide-incident.rectification.json",
		"安全事件 ex-inc-01（report-incident 不加 --dry-run，--id ex-inc-01）", "the incident ex-inc-01 (report-incident without --dry-run, --id ex-inc-01)")},
	"Supervision:FileReport": {refuses("-p operator supervision file-report --report-kind 安全报告 --authorization-id lh-auth-2026 --period 1 --report-digest "+exReport+" --sign", model.RuleReportPeriod.Code)},
	"Supervision:FileCase":   {ok("-p sourceunit-user1 supervision file-case --case-kind 投诉 --respondent op-lhdata --authorization-id lh-auth-2026 --title 数据超范围使用 --description 发现惠企补贴数据被用于申请范围外的营销")},
	"Supervision:AnswerCase": {ok("-p bureau supervision answer-case --case lh-case-cp-01 --answer 已责成运营机构扩容接口并于12月5日前反馈")},
	"Supervision:Blacklist": {needs("-p bureau supervision blacklist --participant ex-op-01 --reason 严重违规 --evidence-digest "+exEvidence,
		"运营机构 ex-op-01（participant register 不加 --dry-run）", "the operator ex-op-01 (participant register without --dry-run)")},
	"Supervision:Sweep":          {ok("-p partner supervision sweep --authorization-id lh-auth-2026")},
	"Supervision:Inspection":     {ok("-p regulator supervision inspection --id lh-insp-2026q3")},
	"Supervision:Rectification":  {needs("-p operator supervision rectification --id ex-rect-01", "整改 ex-rect-01", "the rectification ex-rect-01")},
	"Supervision:Evaluation":     {needs("-p operator supervision evaluation --id ex-eval-01", "评价 ex-eval-01", "the evaluation ex-eval-01")},
	"Supervision:Incident":       {needs("-p regulator supervision incident --id ex-inc-01", "安全事件 ex-inc-01", "the incident ex-inc-01")},
	"Supervision:Report":         {needs("-p regulator supervision report --id ex-rpt-01", "定期报告 ex-rpt-01", "the report ex-rpt-01")},
	"Supervision:Case":           {ok("-p exchange supervision case --id lh-case-cp-01")},
	"Supervision:OpenCases":      {ok("-p regulator supervision open-cases")},
	"Supervision:OverdueReports": {ok("-p regulator supervision overdue-reports")},
	"Supervision:Flags":          {ok("-p regulator supervision flags")},
	// system and disclosures
	"System:History":     {ok("-p regulator query history --kind product --id lh-prd-01"), ok("-p sourceunit-user1 query history --kind resource --id lh-res-01")},
	"System:Digests":     {ok("-p regulator query digests --items @docs/examples/system-digests.items.json")},
	"System:Heartbeat":   {ok("-p operator-admin query heartbeat --note 巡检")},
	"System:ReplayState": {ok("-p regulator query replay-state")},
	"System:OpenReplay": {needs("-p bureau query open-replay --reason 补录历史记录 --minutes 10",
		"为演示启动的网络（chaincode.replay: allowed），且没有进行中的回放会话", "a network started for a demo (chaincode.replay: allowed) with no replay session open")},
	"System:CloseReplay":        {needs("-p bureau query close-replay --replay ex-replay-01", "进行中的回放会话 ex-replay-01", "the open replay session ex-replay-01")},
	"Disclosure:Authorizations": {ok("-p partner query authorizations")},
	"Disclosure:Products":       {ok("-p exchange query products --include-inactive")},
	"Disclosure:Fees":           {ok("-p exchange query fees"), ok("-p exchange query fees --product lh-prd-01")},
}

// Samples of JSON-valued flags, shipped under docs/examples/.
var samples = map[string]string{
	"Application:Submit.dataList":              "docs/examples/application-submit.data-list.json",
	"Product:Review.checks":                    "docs/examples/product-review.checks.json",
	"Trade:File.buyer":                         "docs/examples/trade-file.buyer.json",
	"Supervision:Evaluate.dimensions":          "docs/examples/supervision-evaluate.dimensions.json",
	"Supervision:Evaluate.rectification":       "docs/examples/supervision-decide-incident.rectification.json",
	"Supervision:DecideIncident.rectification": "docs/examples/supervision-decide-incident.rectification.json",
	"Supervision:Inspect.findings":             "docs/examples/supervision-inspect.findings.json",
	"Supervision:OrderRectification.findings":  "docs/examples/supervision-order-rectification.findings.json",
	"Resource:Register.sharedFrom":             "docs/examples/resource.shared-from.json",
	"Resource:Update.sharedFrom":               "docs/examples/resource.shared-from.json",
	"System:Digests.items":                     "docs/examples/system-digests.items.json",
	"Logs:Append.segment":                      "docs/examples/logs-append.segment.json",
	"Profile:Amend.patch":                      "docs/examples/profile-amend.patch.json",
	"Profile:Set.patch":                        "docs/examples/profile-amend.patch.json",
}

// sampleFile is the sample of a function's JSON-valued field ("" when none).
func sampleFile(fn, field string) string { return samples[fn+"."+field] }

// exampleText renders a function's examples for --help.
func (a *App) exampleText(f model.Func, g, verb string) string {
	exs := functionExamples[f.Name]
	if len(exs) == 0 {
		return ""
	}
	var b strings.Builder
	for i, e := range exs {
		if i > 0 {
			b.WriteString("\n")
		}
		switch {
		case e.refused != "":
			b.WriteString("  # refused: " + string(e.refused) + a.tr("（演示拒绝）", " (a refusal, on purpose)") + "\n")
		case e.needsEN != "":
			b.WriteString("  # needs: " + a.tr(e.needsZH, e.needsEN) + "\n")
		}
		b.WriteString("  pdl " + e.cmd)
	}
	if f.Write {
		b.WriteString(a.tr("\n  # 加 --dry-run 先试运行：由节点按当前账本计算结果，不写入", "\n  # add --dry-run to try it first: a peer computes the answer on the current ledger, nothing is written"))
	}
	return b.String()
}

// ExampleLine is one command of a --help example with its marks (see examples.go).
type ExampleLine struct {
	Command string   // the command path ("resource register")
	Args    []string // after "pdl", as a shell splits them
	Output  string   // the file a > sends the output to ("" for none)
	Needs   string
	Refused string
	Write   bool
}

// ShellWords splits a command line as a shell would for the examples: words, 'single'
// and "double" quotes; a > ends the command (its output is redirected).
func ShellWords(s string) (words []string, redirect string) {
	var cur strings.Builder
	in := rune(0)
	has := false
	flush := func() {
		if has {
			words = append(words, cur.String())
		}
		cur.Reset()
		has = false
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case in != 0 && r == in:
			in = 0
		case in != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			in, has = r, true
		case r == ' ' || r == '\t':
			flush()
		case r == '>':
			flush()
			return words, strings.TrimSpace(string(rs[i+1:]))
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	flush()
	return words, ""
}

// HelpExamples collects every example of the tree with its marks (the help-examples
// integration test runs them).
func HelpExamples(root *cobra.Command) []ExampleLine {
	var out []ExampleLine
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		needs, refused := "", ""
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(line, "# needs:"):
				needs = strings.TrimSpace(strings.TrimPrefix(line, "# needs:"))
			case strings.HasPrefix(line, "# refused:"):
				refused = strings.Fields(strings.TrimPrefix(line, "# refused:"))[0]
			case strings.HasPrefix(line, "pdl "):
				words, output := ShellWords(strings.TrimPrefix(line, "pdl "))
				fn, _ := model.Function(c.Annotations["function"])
				out = append(out, ExampleLine{Command: strings.TrimPrefix(c.CommandPath(), "pdl "), Args: words, Output: output, Needs: needs, Refused: refused, Write: fn.Write})
				needs, refused = "", ""
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}
