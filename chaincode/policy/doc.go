// Package policy holds the jurisdiction policy profiles of PDLedger and the
// working-day calendar its deadlines are counted in.
//
// Everything here is used inside Fabric chaincode, so it is deterministic:
// no clock reads (time is always passed in, normally the transaction
// timestamp), no randomness, no network, no dependence on map iteration
// order, and no tzdata (China Standard Time is the fixed zone returned by
// CST; China has no DST, so it agrees with Asia/Shanghai for every date the
// ledger handles).
//
// # Profiles
//
// A Profile collects every rule parameter that differs between the five
// policy documents (Docs, by official title: 《罗湖区公共数据资源授权运营实施方案
// （试行）》, 《福田区公共数据授权运营暂行管理办法》, 《龙华区公共数据资源授权运营
// 实施方案（试行）（征求意见稿）》, 《秦皇岛市公共数据资源授权运营实施方案（试行）
// （征求意见稿）》, 《广东省公共数据资源授权运营管理办法（征求意见稿）》; the
// "seed" of a profile is its document): authorization mode and term, publicity and filing
// deadlines, use-application and product review deadlines in working days,
// exit notice, renewal window, deletion and log-retention periods,
// evaluation failures, blacklist, pricing thresholds, security and
// supervision cadences, and the calendar to count working days with.
//
// Each parameter is an *IntParam, *BoolParam, *TextParam, *ListParam or
// *DateParam carrying its value and a Source (document, article, verbatim
// Chinese quote, optional interpretation note). Validate refuses a set value
// without a complete Source, so every rule the ledger enforces can be traced
// to the sentence that demands it.
//
// A nil parameter means "not set": the seed is silent and the rule is NOT
// enforced. Rule code must treat it that way and never substitute a default
// from another jurisdiction; the nil-safe accessors (Get, True, False,
// Contains) make that the easy path. An explicit false is different from
// nil: Luohu's renewal_allowed=false is a traced prohibition. The one
// required parameter is calendar, because deadlines the bureau sets itself
// (限期整改) need working days even where a seed counts none.
//
// The five presets are embedded JSON (profiles/*.json); Presets lists them
// and Preset returns a fresh copy. Parse decodes a bureau-supplied profile
// strictly, with the decoder requests go through too (unknown, duplicate or
// case-variant keys, wrong JSON types, non-integer numbers and trailing
// data are refused) and validates ranges, traces and cross-field
// consistency, naming the JSON path and the allowed range in every error.
// CanonicalJSON gives the stable encoding to digest and store on the
// ledger: declaration order, compact, every parameter present (null when
// not set).
//
// README.md in this directory has the full parameter × jurisdiction table,
// generated from the presets and kept current by
// TestREADME_ParameterTableUpToDate, plus every interpretation and every
// reading of a text that a summary of it might not share.
//
// # Working days
//
// A Calendar knows the official holidays (放假) and make-up working days
// (调休上班) of the years it covers; cn-national ships the State Council
// notices for 2025 (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号).
//
// AddWorkingDays and Deadline implement "自收到之日起N个工作日内": the day of
// receipt is not counted (whatever the hour, and whether or not it is itself
// a working day), only working days after it count, and the deadline is the
// END of the Nth one, 23:59:59.999999999 CST. So a request received Friday
// 2025-09-26 with 5 working days is due at the end of Friday 2025-10-10
// (Sunday 9-28 is a make-up working day; 10-1..10-8 are holidays).
// WorkingDaysBetween is its inverse. DaysDeadline counts calendar days
// ("30日内") the same way and, per 民法典 第二百零三条, moves a last day that
// falls on a rest day to the next working day. AddMonths, AddYears and
// TermEnd clamp to month end (AddMonths(2025-01-31, 1) = 2025-02-28) for
// terms, notice periods, renewal windows and retention.
//
// Outside the covered years a calendar knows no holidays and falls back to
// weekends only. A deadline must always be computable inside a transaction,
// so this is not an error, but it is never silent: Calendar.Covered and
// Deadline.Covered report it, and the chaincode should store that flag with
// the deadline so a regulator can see it was computed without holiday data.
// Adding next year's notice to calendars/cn-national.json is a data change
// only.
package policy
