package demo

// The demo ledger is built from the Longhua seed (002_6d2b700af3253213.txt): its source
// units and the ten first-batch resources of table 1 (第一批公共数据授权运营资源目录), one
// authorization to an operator, and the eleven first-batch products of table 2 (第一批拟
// 开发的数据产品及应用场景清单). Codes (统一社会信用代码) are made up but valid (GB 32100
// check character); names of real bodies are taken from the seed.

// Unit is a source unit (数源单位) of table 1.
type Unit struct {
	ID   string
	Name string
	Body string // the 17-character code body; the check character is computed
}

// Units are the source units of table 1, each bound to its own SourceUnit identity
// (sourceunit-user1, -user2, ...) — departments share one MSP but act only for themselves.
var Units = []Unit{
	{"su-fgj", "深圳市龙华区发展和改革局", "11440309MB2C10001"},
	{"su-gxj", "深圳市龙华区工业和信息化局", "11440309MB2C10002"},
	{"su-kcj", "深圳市龙华区科技创新局", "11440309MB2C10003"},
	{"su-rlj", "深圳市龙华区人力资源局", "11440309MB2C10004"},
	{"su-zjj", "深圳市龙华区住房和建设局", "11440309MB2C10005"},
	{"su-czj", "深圳市龙华区财政局", "11440309MB2C10006"},
	{"su-scj", "深圳市市场监督管理局龙华监管局", "11440300MB2C10007"},
	{"su-tzcj", "深圳市龙华区投资推广服务中心", "12440309MB2C10008"},
	{"su-zdqy", "深圳市龙华区重点区域建设推进中心", "12440309MB2C10009"},
	{"su-glhg", "中华人民共和国观澜海关", "11100000MB2C10010"},
	{"su-wjj", "深圳市龙华区卫生健康局", "11440309MB2C10011"},
	{"su-dljd", "深圳市龙华区大浪街道办事处", "11440309MB2C10012"},
	{"su-pajs", "深圳市龙华区平安建设中心", "12440309MB2C10013"},
	{"su-fzyjy", "深圳市龙华区发展研究院", "12440309MB2C10014"},
}

// Org is a non-source-unit participant of the demo.
type Org struct {
	ID      string
	Role    string
	Name    string
	Body    string
	Profile string // client profile bound to it
}

// Orgs are the operator, partner, exchange and regulators.
var Orgs = []Org{
	{"op-lhdata", "operator", "深圳市龙华数据运营有限公司", "91440300MA5G2XQ81", "operator"},
	{"pt-zhixie", "partner", "深圳市数智协同科技有限公司", "91440300MA5H3YR22", "partner"},
	{"ex-szde", "exchange", "深圳数据交易所有限公司", "91440300MA5G9JEK3", "exchange"},
	{"rg-wxb", "regulator", "中共深圳市龙华区委网络安全和信息化委员会办公室", "11440309MB2C20001", "regulator"},
}

// Res is one row of table 1.
type Res struct {
	ID           string
	Domain       string
	Units        []string // first = registering source unit
	Name         string
	Summary      string
	Items        []string
	Coverage     string
	Frequency    string
	Grade        int
	PersonalInfo bool
	DataType     string
}

// Resources are the ten first-batch resources of Longhua table 1.
var Resources = []Res{
	{"lh-res-01", "金融服务", []string{"su-fgj", "su-gxj", "su-kcj", "su-rlj", "su-zjj", "su-czj", "su-scj", "su-tzcj", "su-zdqy"},
		"龙华区惠企补贴数据", "区产业部门发放的惠企政策补贴数据",
		[]string{"发放单位", "政策依据", "项目类别", "企业名称", "统一社会信用代码", "补贴金额", "补贴发放时间"}, "龙华区", "quarterly", 2, false, "结构化"},
	{"lh-res-02", "金融服务", []string{"su-rlj"},
		"龙华区人才补贴数据", "区人才补贴发放数据",
		[]string{"人才名字", "身份证号码", "手机号码", "人才企业名称", "人才类别", "补贴金额"}, "龙华区", "quarterly", 3, true, "结构化"},
	{"lh-res-03", "商贸流通", []string{"su-glhg"},
		"龙华区进出口贸易结构数据", "观澜海关统计的进出口贸易结构",
		[]string{"国家/地区代码", "产终国", "商品名称", "商品编码", "进出口方向", "时间段", "金额", "同比增长率"}, "龙华区", "quarterly", 1, false, "结构化"},
	{"lh-res-04", "卫生健康", []string{"su-wjj"},
		"放射影像数据", "肩周炎、网球肘、膝关节炎等患者的放射影像",
		[]string{"肩关节影像", "肘关节影像", "腕关节影像", "膝关节影像", "颈椎影像", "胸椎影像", "腰椎影像", "骨盆正位影像"}, "龙华区", "monthly", 3, true, "影像"},
	{"lh-res-05", "卫生健康", []string{"su-wjj"},
		"全民健康信息平台业务数据(二级数据)", "全民健康信息平台汇聚的部分业务数据表",
		[]string{"病案首页诊断明细表", "病案统计表", "基础表", "检查报告表", "检验报告主表", "门诊处方明细表"}, "龙华区", "yearly", 2, true, "结构化"},
	{"lh-res-06", "卫生健康", []string{"su-wjj"},
		"医疗证明及费用证明数据", "公立医疗卫生机构就医产生的与商业保险理赔相关的数据",
		[]string{"居民诊疗记录", "检验记录", "手术记录", "用药记录", "费用账单"}, "龙华区", "daily", 3, true, "结构化"},
	{"lh-res-07", "城市治理", []string{"su-dljd"},
		"龙华区小散工程备案信息", "小散工程装修备案",
		[]string{"街道名称", "社区名称", "备案编号", "工程名称", "工程地址", "工程类型", "工程面积", "装修类型"}, "龙华区", "quarterly", 1, false, "结构化"},
	{"lh-res-08", "城市治理", []string{"su-pajs"},
		"龙华区楼栋数据量信息统计", "各街道楼栋数量统计",
		[]string{"街道名称", "楼栋数", "数据更新时间"}, "龙华区", "quarterly", 1, false, "结构化"},
	{"lh-res-09", "城市治理", []string{"su-fzyjy", "su-pajs"},
		"龙华区城中村数据", "城中村空间边界与建筑规模",
		[]string{"城中村名称", "所属街道", "所属社区", "概况描述", "关联股份合作公司", "空间坐标", "建筑栋数", "房屋套数", "是否纳入城市更新整备项目范围", "数据更新时间", "调整说明"}, "龙华区", "yearly", 2, false, "空间"},
	{"lh-res-10", "城市治理", []string{"su-fzyjy", "su-pajs", "su-scj"},
		"龙华区企业空间化数据", "企业注册信息与空间坐标",
		[]string{"统一社会信用代码", "组织机构代码", "企业名称", "注册地址", "专精特新类型", "是否国家高新技术企业", "国高企业编码", "空间坐标"}, "龙华区", "yearly", 2, false, "空间"},
}

// Prod is one row of table 2.
type Prod struct {
	ID        string
	Domain    string
	Scenario  string
	Summary   string
	Resources []string
	Form      string
	Class     string
}

// Products are the eleven first-batch products and scenarios of Longhua table 2.
var Products = []Prod{
	{"lh-prd-01", "金融服务", "企业商业金融贷款", "复用惠企补贴数据与金融机构风控模型融合, 为科技中小微企业增信 (龙数贷)", []string{"lh-res-01"}, "model", "industry"},
	{"lh-prd-02", "金融服务", "个人商业金融贷款", "以人才补贴数据评估人才信用状况与还款能力", []string{"lh-res-02"}, "api", "industry"},
	{"lh-prd-03", "商贸流通", "企业出海拓客", "以贸易数据支撑企业出海市场选择", []string{"lh-res-03"}, "report", "industry"},
	{"lh-prd-04", "卫生健康", "AI中医大模型训练", "以脱敏放射影像数据训练优化AI医疗大模型", []string{"lh-res-04"}, "model", "industry"},
	{"lh-prd-05", "卫生健康", "商业保险理赔", "投保人授权后安全调取理赔相关医疗证明数据", []string{"lh-res-06"}, "api", "industry"},
	{"lh-prd-06", "城市治理", "区域装修热力图", "以小散工程装修数据生成区域装修热力图", []string{"lh-res-07"}, "application", "industry"},
	{"lh-prd-07", "城市治理", "企业优化资源配置", "以楼栋数量分析提高城市治理效率", []string{"lh-res-08"}, "indicator", "public_interest"},
	{"lh-prd-08", "城市治理", "城中村改造规划与评估", "测算城中村改造范围、工程量、拆迁成本与安置需求", []string{"lh-res-09"}, "report", "public_interest"},
	{"lh-prd-09", "城市治理", "精细化城市治理与服务", "支撑物业企业服务资源配置与费效测算", []string{"lh-res-09"}, "dataset", "industry"},
	{"lh-prd-10", "城市治理", "产业空间分析与规划", "企业分布热力图、产业集群识别与空间规划", []string{"lh-res-10"}, "application", "public_interest"},
	{"lh-prd-11", "城市治理", "企业精准服务", "产业空间匹配、区域经济研究与企业动态监测", []string{"lh-res-10"}, "api", "industry"},
}
