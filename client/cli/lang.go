package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/pdledger/pdledger/chaincode/model"
)

// pdl speaks Chinese where the locale is Chinese and English elsewhere; --lang zh|en (or
// $PDL_LANG) forces one. Help texts are built with the tree, before flags are parsed, so
// the language is read from the command line first (DetectLang).

// DetectLang chooses the language from --lang in args, then $PDL_LANG, then the locale
// ($LC_ALL, $LC_MESSAGES, $LANG, in POSIX order of precedence).
func DetectLang(args []string, getenv func(string) string) model.Lang {
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return model.ParseLang(v)
		}
		if a == "--lang" && i+1 < len(args) {
			return model.ParseLang(args[i+1])
		}
	}
	for _, env := range []string{"PDL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(env); v != "" {
			return model.ParseLang(v)
		}
	}
	return model.EN
}

// tr picks the Chinese or English text (with fmt arguments) in the App's language.
func (a *App) tr(zh, en string, args ...any) string { return tr(a.Lang, zh, en, args...) }

func tr(lang model.Lang, zh, en string, args ...any) string {
	s := en
	if lang == model.ZH {
		s = zh
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// resolveLang fixes the App's language once, from the real command line.
func (a *App) resolveLang() {
	if a.Lang == "" {
		a.Lang = DetectLang(os.Args[1:], os.Getenv)
	}
}

// usageTemplateZH is cobra's usage template with its headings in Chinese.
const usageTemplateZH = `用法：{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [命令]{{end}}{{if gt (len .Aliases) 0}}

别名：
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

示例：
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

可用命令：{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

参数：
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

全局参数：
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

其他帮助主题：{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

用 "{{.CommandPath}} [命令] --help" 查看命令的详细说明。{{end}}
`
