package policy

import "strings"

// Doc is one of the policy documents the shipped profiles are drawn from and the
// chaincode's rules cite, named by its official title.
type Doc struct {
	// Profile is the id of the shipped preset drawn from the document.
	Profile string
	// Title is the official title, in simplified characters, without 《》. The
	// preset's document.seed and every source.doc of its parameters name the
	// document by it.
	Title string
	// Short is the short title citations use, with 《》.
	Short string
}

// The policy documents, in the order the project lists them.
var (
	DocLuohu       = Doc{"luohu", "罗湖区公共数据资源授权运营实施方案（试行）", "《罗湖区…实施方案》"}
	DocFutian      = Doc{"futian", "福田区公共数据授权运营暂行管理办法", "《福田区…暂行管理办法》"}
	DocLonghua     = Doc{"longhua", "龙华区公共数据资源授权运营实施方案（试行）（征求意见稿）", "《龙华区…实施方案》"}
	DocQinhuangdao = Doc{"qinhuangdao", "秦皇岛市公共数据资源授权运营实施方案（试行）（征求意见稿）", "《秦皇岛市…实施方案》"}
	DocGuangdong   = Doc{"guangdong", "广东省公共数据资源授权运营管理办法（征求意见稿）", "《广东省…管理办法》"}
)

// Docs lists the policy documents: 罗湖 Luohu, 福田 Futian, 龙华 Longhua, 秦皇岛
// Qinhuangdao, 广东 Guangdong.
func Docs() []Doc {
	return []Doc{DocLuohu, DocFutian, DocLonghua, DocQinhuangdao, DocGuangdong}
}

// DocByTitle finds a policy document by its official title.
func DocByTitle(title string) (Doc, bool) {
	for _, d := range Docs() {
		if d.Title == title {
			return d, true
		}
	}
	return Doc{}, false
}

// Cite cites articles of the document by its short title:
// DocGuangdong.Cite("第二十二条（二）") is "《广东省…管理办法》第二十二条（二）". Several
// articles are joined with "、".
func (d Doc) Cite(articles ...string) string {
	return d.Short + strings.Join(articles, "、")
}

// Quoted is the official title in 《》.
func (d Doc) Quoted() string { return "《" + d.Title + "》" }
