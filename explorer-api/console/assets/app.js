// PDLedger console. Plain ES module, no framework and no build step: the explorer embeds
// this file as it is, and an isolated government network needs nothing else. Every page
// reads /api/v1 — the same answers the CLI and the tests read. Data are put into the
// page as text nodes only (the script never parses HTML), so a record's text cannot become markup.

import { draw, disposeAll, pricesOption, deadlinesOption, anchoringOption, marketOption, comparisonOption } from './charts.js';

// channel: the jurisdiction ledger the page reads ('' = the default); me is the caller as
// bound on that ledger (meFor says which), channels the list of jurisdictions.
const S = { lang: 'zh', labels: null, me: null, channel: '', meFor: null, channels: null };

// ---------------------------------------------------------------- words

const UI = {
  zh: {
    brandSub: '公共数据授权运营存证', skip: '跳到正文', switchTo: 'English', loading: '加载中…',
    navHome: '首页', navAuth: '授权公示', navProducts: '产品目录', navFees: '收费标准', navCatalogue: '开放目录',
    navMine: '我的数据资源', navCheck: '产品核验', navCompliance: '合规看板', navTrail: '审计轨迹', navVerify: '链校验',
    navOperator: '我的授权', navLogs: '日志证明', navObligations: '我的待办',
    public: '公众（未登录）', loginHint: '以公众身份浏览。要查看本单位的数据，请在浏览器中导入本单位证书（pdl identity export --p12）后刷新。',
    who: '当前身份', participant: '参与方', role: '角色', org: '组织', subject: '证书主题', unbound: '证书未绑定参与方',
    id: '编号', name: '名称', operator: '运营机构', scope: '授权范围', term: '授权期限', status: '状态', proof: '链上证明',
    mode: '授权方式', resources: '数据资源', sourceUnit: '数源单位', openness: '开放属性', frequency: '更新频率', domain: '领域',
    form: '产品形态', class: '类别', regNo: '登记编号', product: '产品', price: '价格', cap: '上限', unit: '计价单位', reason: '依据',
    block: '区块', tx: '交易', blockHash: '区块哈希', endorsers: '背书组织', time: '时间', version: '版本', action: '操作', actor: '操作方',
    record: '记录', history: '版本历史', fields: '内容', none: '无', more: '加载更多', end: '已全部加载',
    provenance: '数据流向', provenanceOf: '数据资源 {0} 的流向', legendOk: '有效/通过', legendWait: '审核中/公示中', legendBad: '终止/拒绝/逾期', legendNone: '其他',
    clickNode: '点击图中节点查看记录、版本历史和链上证明。', nodes: '节点', myRes: '我的数据资源', usedBy: '使用情况',
    catalogueStatus: '编目状态', openProvenance: '查看流向',
    check: '产品核验', checkIntro: '逐个核验数据产品：是否已登记、已审核通过、在有效期内、运营机构授权有效、备案价格不超过上限。',
    ids: '产品编号（每行一个，或以逗号分隔）', csv: '或上传 CSV 文件（第一列为产品编号）', run: '核验', exportCsv: '导出 CSV', print: '打印',
    registered: '已登记', approved: '已审核通过', inForce: '有效', authActive: '授权有效', withinCap: '价格不超上限', verdict: '结论',
    pass: '通过', fail: '不通过', reasons: '原因', yes: '是', no: '否', tooMany: '一次最多核验 100 个产品',
    compliance: '合规看板', complianceAt: '统计时间', category: '类别', count: '数量', detail: '说明', party: '责任方', due: '期限', rule: '规则',
    trail: '审计轨迹', kinds: '记录类型（逗号分隔）', from: '起', to: '止', search: '查询', trailHint: '按参与方，或按记录（类型和编号）查询。',
    kind: '类型',
    verify: '链校验', verifyIntro: '逐块比对索引与账本：区块哈希链、签名和每笔交易。', verifyRun: '校验', verifyNext: '每次最多校验一页区块；下一页从区块 {0} 开始，再点“校验”继续。', fromBlock: '起始区块', toBlock: '结束区块',
    verified: '已校验', failures: '失败',
    logs: '日志证明', logsIntro: '粘贴一行日志和 pdl logs prove 输出的证明 JSON，对照账本上锚定的默克尔根核验。', line: '日志行', proofJson: '证明 JSON',
    verifyLine: '核验', lineOk: '核验通过：该行日志包含在链上锚定的日志树中。', lineBad: '核验未通过', steps: '核验步骤',
    stepLeaf: '叶子哈希（SM3）', stepSibling: '第 {0} 步：与兄弟节点合并', stepRoot: '计算所得根与账本锚定根比较', sideLeft: '兄弟节点在左', sideRight: '兄弟节点在右', anchor: '锚定记录', root: '锚定根',
    operatorPage: '我的授权', deadlines: '期限与义务', obligations: '待办期限', streams: '我的日志流',
    anchoringChart: '日志存证覆盖：各日志流已存证的日志行数（最近存证的 {0} 个日志流）', anchoredLines: '已存证行数', windowEnd: '最近存证窗口截止',
    obligationsIntro: '本单位须在期限前完成的事项（用数申请的审核与确认、限期整改、数据删除确认、调整收费、答复投诉；实施机构还有协议备案和产品审核），按到期时间排列；期限按工作日和节假日日历计算。',
    what: '事项', overdue: '已逾期', open: '未到期', calendarWeekendsOnly: '仅按周末计算（该年无节假日数据）', incomplete: '记录过多，只列出了部分', publicityEnds: '公示截止', termEnd: '期满',
    marketChart: '成交与备案价格', marketIntro: '每笔交易的成交单价、备案价格及其上限，以及每日成交笔数。交易数量、金额和买方属于商业秘密，只保存在运营机构和实施机构的私有数据中，不在此显示。',
    tradeUnitPrice: '成交单价', tradesPerDay: '每日成交笔数', tradesWord: '笔', marketHidden: '另有 {0} 条无权查看的交易或备案', exchangeCol: '交易场所',
    marketPartial: '交易过多，只显示最近的部分',
    pricesChart: '各产品备案价格与上限', deadlinesChart: '期限日历（按到期日）', yuan: '元', items: '项',
    notFound: '页面不存在', back: '返回首页', error: '出错了', loginNeeded: '此页面需要用本单位证书登录。',
    navJurisdictions: '各辖区', navOversight: '全省监管', jurisdiction: '辖区', channelSel: '辖区账本', defaultChannel: '默认',
    jurisdictionsIntro: '每个辖区是一条独立的通道（账本），按本辖区的政策文件配置规则。点击辖区查看其公示信息。',
    level: '层级', policyDoc: '政策文件', profileVersion: '配置版本', indexedBlocks: '已索引区块', channel: '通道',
    district: '区', city: '市', province: '省', notSet: '尚未设置',
    oversight: '全省监管', oversightIntro: '在本证书担任实施机构或监管方的各辖区账本上，分别计算合规报告并汇总；每条问题注明所属辖区。',
    comparison: '各辖区对比', authorizationsCol: '授权（有效/全部）', productsCol: '产品', overdueCol: '逾期义务', priceDevCol: '价格偏离', findingsCol: '问题合计',
    actsFor: '本证书在该账本上的身份', authorizationsBar: '授权', actsAs: '本证书在该账本上代表 {0}（{1}），不是有效的实施机构或监管方',
    why_unbound: '本证书在该账本上未绑定参与方', why_unauthenticated: '该通道不接受本证书', notCovered: '未纳入的辖区（本证书在其账本上无监管身份）', comparisonChart: '各辖区对比图',
  },
  en: {
    brandSub: 'Public data authorized operation ledger', skip: 'Skip to content', switchTo: '中文', loading: 'Loading…',
    navHome: 'Home', navAuth: 'Authorizations', navProducts: 'Products', navFees: 'Fees', navCatalogue: 'Catalogue',
    navMine: 'My resources', navCheck: 'Product check', navCompliance: 'Compliance', navTrail: 'Audit trail', navVerify: 'Chain check',
    navOperator: 'My authorizations', navLogs: 'Log proof', navObligations: 'My obligations',
    public: 'Public (not logged in)', loginHint: 'Browsing as the public. To see your organization\'s data, import your certificate into the browser (pdl identity export --p12) and reload.',
    who: 'Identity', participant: 'Participant', role: 'Role', org: 'Organization', subject: 'Certificate subject', unbound: 'certificate bound to no participant',
    id: 'ID', name: 'Name', operator: 'Operator', scope: 'Scope', term: 'Term', status: 'Status', proof: 'On-chain proof',
    mode: 'Mode', resources: 'Resources', sourceUnit: 'Source unit', openness: 'Openness', frequency: 'Update frequency', domain: 'Domain',
    form: 'Form', class: 'Class', regNo: 'Registration no.', product: 'Product', price: 'Price', cap: 'Cap', unit: 'Unit', reason: 'Basis',
    block: 'Block', tx: 'Transaction', blockHash: 'Block hash', endorsers: 'Endorsing orgs', time: 'Time', version: 'Version', action: 'Action', actor: 'By',
    record: 'Record', history: 'Version history', fields: 'Content', none: 'none', more: 'Load more', end: 'All loaded',
    provenance: 'Provenance', provenanceOf: 'Where resource {0} went', legendOk: 'active / approved', legendWait: 'pending / in publicity', legendBad: 'terminated / refused / overdue', legendNone: 'other',
    clickNode: 'Click a node for its record, version history and proof.', nodes: 'Nodes', myRes: 'My data resources', usedBy: 'Uses',
    catalogueStatus: 'Catalogue status', openProvenance: 'Provenance',
    check: 'Product check', checkIntro: 'Check data products: registered, approved, in force, the operator\'s authorization active, filed prices within their caps.',
    ids: 'Product ids (one per line, or comma-separated)', csv: 'or upload a CSV file (product id in the first column)', run: 'Check', exportCsv: 'Export CSV', print: 'Print',
    registered: 'Registered', approved: 'Approved', inForce: 'In force', authActive: 'Authorization active', withinCap: 'Price within cap', verdict: 'Verdict',
    pass: 'pass', fail: 'fail', reasons: 'Reasons', yes: 'yes', no: 'no', tooMany: 'at most 100 products per check',
    compliance: 'Compliance', complianceAt: 'As of', category: 'Category', count: 'Count', detail: 'Detail', party: 'Party', due: 'Due', rule: 'Rule',
    trail: 'Audit trail', kinds: 'Record kinds (comma-separated)', from: 'From', to: 'To', search: 'Search', trailHint: 'Search by participant, or by record (kind and id).',
    kind: 'Kind',
    verify: 'Chain check', verifyIntro: 'Compares the index with the ledger block by block: hash chain, signatures, every transaction.', verifyRun: 'Verify', verifyNext: 'One page of blocks is checked at a time; the next page starts at block {0} — press Verify to go on.', fromBlock: 'From block', toBlock: 'To block',
    verified: 'Verified', failures: 'Failures',
    logs: 'Log proof', logsIntro: 'Paste a log line and the proof JSON from pdl logs prove; it is checked against the Merkle root anchored on the ledger.', line: 'Log line', proofJson: 'Proof JSON',
    verifyLine: 'Verify', lineOk: 'Verified: the line is in the log tree anchored on the ledger.', lineBad: 'Not verified', steps: 'Steps',
    stepLeaf: 'Leaf hash (SM3)', stepSibling: 'Step {0}: combine with sibling', stepRoot: 'Computed root compared with the anchored root', sideLeft: 'sibling on the left', sideRight: 'sibling on the right', anchor: 'Anchor', root: 'Anchored root',
    operatorPage: 'My authorizations', deadlines: 'Deadlines and obligations', obligations: 'Obligations due', streams: 'My log streams',
    anchoringChart: 'Log anchoring coverage: lines anchored per stream (the {0} most recently anchored streams)', anchoredLines: 'Lines anchored', windowEnd: 'Last anchored window ends',
    obligationsIntro: 'What your organization must do by a deadline (reviews and confirmations of use applications, rectifications, deletion confirmations, price adjustments, answers to complaints; for the bureau also agreement filings and product reviews), the earliest first; working days follow the holiday calendar.',
    what: 'What', overdue: 'Overdue', open: 'Open', calendarWeekendsOnly: 'weekends only (no holiday data for that year)', incomplete: 'too many records: the list is partial', publicityEnds: 'Publicity ends', termEnd: 'Term ends',
    marketChart: 'Trades and filed prices', marketIntro: 'The unit price of each trade, the filed price and its cap, and the number of trades per day. Quantities, amounts and buyers are commercial secrets kept in the private data of operators and the bureau, and are not shown here.',
    tradeUnitPrice: 'Unit price of a trade', tradesPerDay: 'Trades per day', tradesWord: 'trades', marketHidden: '{0} more trades or filings you may not read', exchangeCol: 'Exchange',
    marketPartial: 'Too many trades: only the latest are shown',
    pricesChart: 'Filed prices against their caps, per product', deadlinesChart: 'Deadlines by due date', yuan: 'yuan', items: 'items',
    notFound: 'Page not found', back: 'Back to home', error: 'Something went wrong', loginNeeded: 'This page needs your organization\'s certificate.',
    navJurisdictions: 'Jurisdictions', navOversight: 'Provincial oversight', jurisdiction: 'Jurisdiction', channelSel: 'Jurisdiction ledger', defaultChannel: 'default',
    jurisdictionsIntro: 'Each jurisdiction is a channel (ledger) of its own, with rules set from its own policy text. Pick one to see what it discloses.',
    level: 'Level', policyDoc: 'Policy text', profileVersion: 'Profile version', indexedBlocks: 'Blocks indexed', channel: 'Channel',
    district: 'district', city: 'city', province: 'province', notSet: 'not set yet',
    oversight: 'Provincial oversight', oversightIntro: 'A compliance report computed on each jurisdiction\'s ledger where this certificate acts for the bureau or a regulator, put together; every finding names its jurisdiction.',
    comparison: 'Jurisdictions compared', authorizationsCol: 'Authorizations (in force / all)', productsCol: 'Products', overdueCol: 'Overdue obligations', priceDevCol: 'Price deviations', findingsCol: 'Findings',
    actsFor: 'This certificate acts for', authorizationsBar: 'Authorizations', actsAs: 'on this ledger the certificate acts for {0} ({1}), not an active bureau or regulator',
    why_unbound: 'the certificate is bound to no participant on this ledger', why_unauthenticated: 'the channel does not accept this certificate', notCovered: 'Jurisdictions left out (this certificate oversees nothing on their ledgers)', comparisonChart: 'Jurisdictions compared (chart)',
  },
};

// own is obj[key] only when obj itself holds key: keys come from ledger data, and a
// status named "constructor" must not find Object.prototype's.
function own(obj, key) {
  return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function t(key, ...args) {
  let s = own(UI[S.lang], key) || own(UI.zh, key) || key;
  args.forEach((a, i) => { s = s.replace('{' + i + '}', () => String(a)); });
  return s;
}

// label of an enumerated value from the explorer's catalogue (the CLI's words).
function label(value, type) {
  if (value === undefined || value === null || value === '') return '';
  const v = String(value);
  if (S.lang !== 'zh') return v.replaceAll('_', ' ');
  const L = (S.labels && S.labels.values) || {};
  return (type && own(L, type + '.' + v)) || own(L, v) || v;
}
function kindLabel(kind) {
  const k = own(S.labels && S.labels.kinds, kind);
  return own(k, S.lang) || kind;
}
function codeTitle(code) {
  const c = own(own(S.labels && S.labels.codes, code), S.lang);
  return (c && c.title) || code;
}

// ---------------------------------------------------------------- formatting

const TZ = 'Asia/Shanghai';
const dateFmt = () => new Intl.DateTimeFormat(S.lang === 'zh' ? 'zh-CN' : 'en-CA', { timeZone: TZ, year: 'numeric', month: S.lang === 'zh' ? 'long' : '2-digit', day: S.lang === 'zh' ? 'numeric' : '2-digit' });
const timeFmt = () => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

// A calendar date ("2031-09-20") is a date, not an instant: shown as it is written.
function fmtDate(s) {
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return S.lang === 'zh' ? `${+m[1]}年${+m[2]}月${+m[3]}日` : s;
  const d = new Date(s);
  if (isNaN(d)) return s;
  if (d.getUTCFullYear() < 1000) return ''; // Go's zero time: no date
  return dateFmt().format(d);
}
// An instant in Beijing time: 2026年3月1日 09:30.
function fmtTime(s) {
  if (!s) return '';
  const d = new Date(s);
  if (isNaN(d)) return s;
  if (d.getUTCFullYear() < 1000) return ''; // Go's zero time: no time
  return `${dateFmt().format(d)} ${timeFmt().format(d)}${S.lang === 'zh' ? '' : ' CST'}`;
}
// Money from integer fen: ¥1,234.56.
function fmtFen(fen) {
  if (fen === undefined || fen === null || fen === '') return '';
  const n = BigInt(fen);
  const neg = n < 0n;
  const a = neg ? -n : n;
  const yuan = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (a % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}¥${yuan}.${cents}`;
}
const short = (h) => (h && h.length > 16 ? h.slice(0, 8) + '…' + h.slice(-6) : h || '');

// ---------------------------------------------------------------- DOM

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat(Infinity)) {
    if (k === undefined || k === null || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}
const svg = (tag, attrs, ...kids) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const k of kids.flat()) if (k !== undefined && k !== null) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
};
// A page of a channel other than the default has the channel in its path,
// /console/c/luohu/…, so it can be bookmarked and shared; the API is asked with ?channel=.
const CHANNEL_PATH = /^\/console\/c\/([a-z][a-z0-9-]{0,48})(\/.*)?$/;
function splitChannel(pathname) {
  const m = CHANNEL_PATH.exec(pathname);
  return m ? [m[1], '/console' + (m[2] || '/')] : ['', pathname];
}
// inChannel puts a console href in channel ch (the page's by default); an href that names
// its channel already, or is not the console's, is left as it is.
function inChannel(href, ch = S.channel) {
  if (!href.startsWith('/console') || CHANNEL_PATH.test(href.split('?')[0]) || href.startsWith('/console/assets/')) return href;
  return ch ? '/console/c/' + ch + href.slice('/console'.length) : href;
}
const pagePath = () => splitChannel(location.pathname)[1];
const link = (href, ...kids) => el('a', { href: inChannel(href), 'data-link': true }, ...kids);
const recordHref = (kind, id) => `/console/records/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
const yesNo = (b) => el('span', { class: b ? 'yes' : 'no' }, b ? '✓ ' + t('yes') : '✗ ' + t('no'));

function table(headers, rows, attrs) {
  return el('table', attrs || {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', r.attrs || {}, (r.cells || r).map((c) => (c instanceof Node && c.tagName === 'TD' ? c : el('td', {}, c)))))));
}

function proofView(p) {
  if (!p) return el('span', { class: 'muted' }, t('none'));
  return el('details', { class: 'proof' },
    el('summary', {}, `${t('block')} #${p.blockNumber} · ${short(p.blockHash)}`),
    el('dl', { class: 'kv' },
      el('dt', {}, t('tx')), el('dd', { class: 'mono', 'data-tx': p.txId }, p.txId),
      el('dt', {}, t('block')), el('dd', { 'data-block': p.blockNumber }, String(p.blockNumber)),
      el('dt', {}, t('blockHash')), el('dd', { class: 'mono', 'data-block-hash': p.blockHash }, p.blockHash),
      el('dt', {}, t('endorsers')), el('dd', {}, (p.endorsingOrgs || []).join(', ')),
      el('dt', {}, t('time')), el('dd', {}, fmtTime(p.time))));
}

function problemView(err) {
  if (err && err.code) {
    return el('div', { class: 'problem', role: 'alert', 'data-code': err.code },
      el('strong', {}, codeTitle(err.code) || err.title), ' ', el('code', {}, err.code), el('div', {}, err.detail || ''));
  }
  return el('div', { class: 'problem', role: 'alert' }, el('strong', {}, t('error')), el('div', {}, String(err && err.message || err)));
}

// ---------------------------------------------------------------- API

class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || String(status));
    Object.assign(this, body, { status });
  }
}

// channelFree are the answers that are not one channel's: labels, the channel list and the
// cross-channel oversight report.
const channelFree = /^\/api\/v1\/(public\/labels|public\/channels|oversight\/)/;

async function api(path, opts = {}) {
  if (S.channel && path.startsWith('/api/v1/') && !channelFree.test(path)) {
    path += (path.includes('?') ? '&' : '?') + 'channel=' + encodeURIComponent(S.channel);
  }
  const res = await fetch(path, {
    method: opts.method || 'GET',
    headers: Object.assign({ 'Accept-Language': S.lang === 'zh' ? 'zh-CN' : 'en', Accept: 'application/json' }, opts.body ? { 'Content-Type': 'application/json' } : {}),
    body: opts.body ? JSON.stringify(opts.body) : undefined,
    credentials: 'same-origin',
    signal: S.abort ? S.abort.signal : undefined, // a page left behind stops asking
  });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { detail: text }; }
  if (!res.ok) throw new Problem(res.status, body || {});
  return body;
}

// ---------------------------------------------------------------- pages

const main = () => document.getElementById('main');
function page(title, ...kids) {
  document.title = `${title} · PDLedger`;
  const m = main();
  m.replaceChildren(el('h1', {}, title), ...kids);
  m.setAttribute('data-page', location.pathname);
}
const role = () => (S.me && S.me.active ? S.me.role : '');
const overseer = () => role() === 'bureau' || role() === 'regulator';

async function home() {
  const tiles = [];
  const add = (href, key, text) => tiles.push(link(href, el('strong', {}, t(key)), text || ''));
  if (role() === 'source_unit') add('/console/mine', 'navMine', t('provenance'));
  if (role() === 'exchange') add('/console/check', 'navCheck', t('checkIntro'));
  if (overseer()) { add('/console/compliance', 'navCompliance'); add('/console/trail', 'navTrail'); add('/console/verify', 'navVerify', t('verifyIntro')); }
  if (role() === 'operator') add('/console/operator', 'navOperator', t('deadlines'));
  add('/console/public/authorizations', 'navAuth'); add('/console/public/products', 'navProducts');
  add('/console/public/fees', 'navFees'); add('/console/public/catalogue', 'navCatalogue');
  if (S.me && S.me.active && S.me.participant) add('/console/obligations', 'navObligations', t('obligationsIntro'));
  if (S.me) add('/console/logs', 'navLogs', t('logsIntro'));
  add('/console/jurisdictions', 'navJurisdictions', t('jurisdictionsIntro'));
  if (overseer()) add('/console/oversight', 'navOversight', t('oversightIntro'));
  const here = currentChannel();
  const jur = here && here.jurisdiction
    ? el('section', { class: 'card', id: 'jurisdiction', 'data-channel': here.channel },
      el('h2', {}, t('jurisdiction')),
      el('dl', { class: 'kv' },
        el('dt', {}, t('jurisdiction')), el('dd', {}, jurName(here.jurisdiction)),
        el('dt', {}, t('policyDoc')), el('dd', {}, here.jurisdiction.document || ''),
        el('dt', {}, t('channel')), el('dd', { class: 'mono' }, here.channel)))
    : null;
  const who = S.me
    ? el('dl', { class: 'kv', id: 'whoami' },
      el('dt', {}, t('participant')), el('dd', { 'data-participant': S.me.participant || '' }, S.me.participant || t('unbound')),
      el('dt', {}, t('role')), el('dd', {}, label(S.me.role)),
      el('dt', {}, t('org')), el('dd', {}, S.me.mspId),
      el('dt', {}, t('subject')), el('dd', { class: 'mono' }, S.me.subject))
    : el('p', { id: 'whoami' }, t('loginHint'));
  page('PDLedger · ' + t('brandSub'), jur, el('section', { class: 'card' }, el('h2', {}, t('who')), who), el('div', { class: 'tiles' }, tiles));
}

// ---------------------------------------------------------------- jurisdictions

const jurName = (j) => (j ? (S.lang === 'zh' ? j.zh : j.en) || j.profile : t('notSet'));
// currentChannel is the page's channel as /api/v1/public/channels lists it.
function currentChannel() {
  const list = S.channels || [];
  return list.find((c) => (S.channel ? c.channel === S.channel : c.default)) || null;
}

async function jurisdictionsPage() {
  const r = await api('/api/v1/public/channels');
  S.channels = r.items;
  const rows = r.items.map((c) => ({ attrs: { 'data-channel': c.channel },
    cells: [link(inChannel('/console/', c.channel), jurName(c.jurisdiction)), c.jurisdiction ? t(c.jurisdiction.level) : '',
      c.jurisdiction ? c.jurisdiction.document : '', c.jurisdiction ? 'v' + c.jurisdiction.version : '',
      el('span', { class: 'mono' }, c.channel + (c.default ? ` (${t('defaultChannel')})` : '')), String(c.indexed),
      el('span', {}, ['authorizations', 'products', 'catalogue'].map((k) =>
        link(inChannel('/console/public/' + k, c.channel), t({ authorizations: 'navAuth', products: 'navProducts', catalogue: 'navCatalogue' }[k]))).flatMap((a, i) => (i ? [' · ', a] : [a])))] }));
  page(t('navJurisdictions'), el('p', {}, t('jurisdictionsIntro')),
    table([t('jurisdiction'), t('level'), t('policyDoc'), t('profileVersion'), t('channel'), t('indexedBlocks'), t('navCatalogue')], rows, { id: 'jurisdictions' }));
}

async function oversightPage() {
  const r = await api('/api/v1/oversight/compliance');
  const rows = r.jurisdictions.map((j) => ({ attrs: { 'data-channel': j.channel, 'data-findings': j.findings },
    cells: [link(inChannel('/console/compliance', j.channel), jurName(j.jurisdiction)), j.jurisdiction ? t(j.jurisdiction.level) : '',
      `${j.participant} · ${label(j.role)}`, `${j.activeAuthorizations} / ${j.authorizations}`, String(j.products),
      el('span', { class: j.overdue ? 'no' : '' }, String(j.overdue)), el('span', { class: j.priceDeviations ? 'no' : '' }, String(j.priceDeviations)), String(j.findings)] }));
  const findings = r.findings.map((f) => ({ attrs: { 'data-channel': f.channel, 'data-category': f.category },
    cells: [f.jurisdiction || f.channel, label(f.category, 'FindingCategory'), f.kind ? link(inChannel(recordHref(f.kind, f.id), f.channel), `${kindLabel(f.kind)} ${f.id}`) : f.id || '',
      f.detail || '', f.party || '', el('span', { title: f.provisional ? t('calendarWeekendsOnly') : '' }, fmtTime(f.due), f.provisional ? ' *' : '')] }));
  const chart = el('div', { id: 'comparison-chart', class: 'chart', role: 'img', 'aria-label': t('comparisonChart') });
  page(t('oversight'), el('p', {}, t('oversightIntro')), el('p', { class: 'muted' }, `${t('complianceAt')} ${fmtTime(r.at)}`),
    el('h2', {}, t('comparison')),
    table([t('jurisdiction'), t('level'), t('actsFor'), t('authorizationsCol'), t('productsCol'), t('overdueCol'), t('priceDevCol'), t('findingsCol')], rows, { id: 'comparison' }),
    chart,
    r.notCovered.length ? el('section', { id: 'not-covered' }, el('h2', {}, t('notCovered')),
      el('ul', {}, r.notCovered.map((n) => el('li', { 'data-channel': n.channel, 'data-why': n.why },
        `${n.jurisdiction || n.channel}（${n.channel}）：`, n.why === 'not_overseer' ? t('actsAs', n.participant, label(n.role)) : t('why_' + n.why), n.why === 'unauthenticated' ? ` (${n.reason})` : ''))))
      : null,
    el('h2', {}, t('detail')),
    table([t('jurisdiction'), t('category'), t('record'), t('detail'), t('party'), t('due')], findings, { id: 'oversight-findings' }));
  await draw(chart, comparisonOption(r.jurisdictions.map((j) => ({ name: jurName(j.jurisdiction), authorizations: j.authorizations, products: j.products,
    overdue: j.overdue, priceDeviations: j.priceDeviations })), { authorizations: t('authorizationsBar'), products: t('productsCol'), overdue: t('overdueCol'), priceDeviations: t('priceDevCol') }));
}

// public lists: every item with its proof
const PUBLIC = {
  authorizations: {
    title: 'navAuth', path: '/api/v1/public/authorizations',
    cols: ['id', 'operator', 'mode', 'resources', 'term', 'status'],
    row: (d) => [d.id, d.operator, label(d.mode), (d.resourceIds || []).join('、'), `${fmtDate(d.termStart)} – ${fmtDate(d.termEnd)}`, label(d.status, 'AuthStatus')],
  },
  products: {
    title: 'navProducts', path: '/api/v1/public/products',
    cols: ['id', 'name', 'operator', 'form', 'class', 'regNo', 'status'],
    row: (d) => [d.id, d.name, d.operator, label(d.form), label(d.class), d.registrationNo || '', label(d.status, 'ProductStatus')],
  },
  catalogue: {
    title: 'navCatalogue', path: '/api/v1/public/catalogue',
    cols: ['id', 'name', 'sourceUnit', 'openness', 'frequency', 'domain', 'catalogueStatus'],
    row: (d) => [d.id, d.name, d.sourceUnit, label(d.openness, 'Openness'), label(d.updateFrequency), d.domain, label(d.catalogue, 'CatalogueStatus')],
  },
};

async function publicList(name) {
  const P = PUBLIC[name];
  const body = el('tbody');
  const tbl = el('table', { 'data-list': name }, el('thead', {}, el('tr', {}, [...P.cols, 'proof'].map((c) => el('th', { scope: 'col' }, t(c))))), body);
  const more = el('button', { type: 'button', class: 'secondary noprint' }, t('more'));
  let cursor = '';
  const load = async () => {
    const r = await api(`${P.path}?limit=100${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    for (const it of r.items) body.append(el('tr', { 'data-id': it.id }, P.row(it.data).map((c) => el('td', {}, c)), el('td', {}, proofView(it.proof))));
    cursor = r.next || '';
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load().catch((e) => main().append(problemView(e))));
  await load();
  page(t(P.title), tbl, more);
}

async function publicFees() {
  const r = await api('/api/v1/public/fees?proofs=1');
  const proofs = r.proofs || {};
  const caps = table([t('id'), t('class'), t('unit'), t('cap'), t('reason'), t('status'), t('proof')],
    (r.pricecaps || []).map((d) => ({ attrs: { 'data-id': d.id }, cells: [d.id, label(d.class), label(d.unit), el('td', { class: 'num' }, fmtFen(d.capFen)), d.reason || '', label(d.status, 'PriceStatus'), proofView(proofs[d.updatedTx])] })));
  const filings = table([t('id'), t('product'), t('operator'), t('unit'), t('price'), t('cap'), t('status'), t('proof')],
    (r.pricefilings || []).map((d) => ({ attrs: { 'data-id': d.id }, cells: [d.id, d.product, d.operator, label(d.unit), el('td', { class: 'num' }, fmtFen(d.priceFen)), el('td', { class: 'num' }, fmtFen(d.capFen)), label(d.status, 'PriceStatus'), proofView(proofs[d.updatedTx])] })));
  const chart = el('div', { id: 'prices-chart', class: 'chart', role: 'img', 'aria-label': t('pricesChart') });
  page(t('navFees'), el('h2', {}, t('pricesChart')), chart, el('h2', {}, kindLabel('pricecap')), caps, el('h2', {}, kindLabel('pricefiling')), filings);
  await draw(chart, pricesOption(r.pricefilings || [], { price: t('price'), cap: t('cap'), yuan: t('yuan') }));
}

// a record's fields, its proof and every version; nested objects as nested lists
function valueView(k, v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object')) return v.map((x) => label(x)).join('、');
    return el('ol', { class: 'nested' }, v.map((x) => el('li', {}, valueView(k, x))));
  }
  if (typeof v === 'object') {
    const dl = el('dl', { class: 'kv nested' });
    for (const [kk, vv] of Object.entries(v)) dl.append(fieldTerm(kk), el('dd', {}, valueView(kk, vv)));
    return dl;
  }
  if (/Fen$/.test(k) && typeof v === 'number') return fmtFen(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return fmtDate(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return fmtTime(v);
  if (typeof v === 'string' && /^[0-9a-f]{64,}$/.test(v)) return el('span', { class: 'mono' }, v);
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  return label(v);
}

function fieldsView(data) {
  const skip = new Set(['kind', 'id', 'version', 'createdTx', 'updatedTx']);
  const dl = el('dl', { class: 'kv' });
  for (const [k, v] of Object.entries(data || {})) {
    if (skip.has(k)) continue;
    dl.append(fieldTerm(k), el('dd', {}, valueView(k, v)));
  }
  return dl;
}

// a field's name as people read it (the catalogue's label), the JSON name in its title
function fieldTerm(k) {
  const l = S.lang === 'zh' ? own(S.labels && S.labels.fields, k) : '';
  return el('dt', { 'data-field': k, title: k }, l || k);
}

async function recordPanel(kind, id) {
  const [rec, hist] = await Promise.all([api(`/api/v1/records/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`),
    api(`/api/v1/records/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/history`)]);
  const versions = hist.versions || [];
  return el('div', { class: 'record', 'data-kind': kind, 'data-id': id },
    el('h2', {}, `${kindLabel(kind)} ${id}`),
    el('section', { class: 'card' }, el('h3', {}, t('proof')), proofView(rec.proof)),
    el('section', { class: 'card' }, el('h3', {}, t('fields')), fieldsView(rec.data)),
    el('section', { class: 'card' }, el('h3', {}, t('history')),
      table([t('version'), t('time'), t('action'), t('actor'), t('tx'), t('block')], versions.map((v) => ({ attrs: { 'data-version': v.version, 'data-tx': v.txId },
        cells: [String(v.version), fmtTime(v.time), label(v.action), (v.data && v.data.updatedBy && v.data.updatedBy.participant) || '',
          el('span', { class: 'mono', title: v.txId }, short(v.txId)), String(v.blockNumber)] }))),
    ));
}

async function recordPage(kind, id) {
  const panel = await recordPanel(kind, id);
  if (kind !== 'product') {
    page(`${kindLabel(kind)} ${id}`, panel);
    return;
  }
  // a product: its trades against its filed prices, each trade listed with its transaction
  const m = await api(`/api/v1/products/${encodeURIComponent(id)}/market`);
  const chart = el('div', { id: 'market-chart', class: 'chart', role: 'img', 'aria-label': t('marketChart') });
  const trades = table([t('id'), t('time'), t('unit'), t('tradeUnitPrice'), t('exchangeCol'), t('tx'), t('block')],
    (m.trades || []).map((tr) => ({ attrs: { 'data-id': tr.id }, cells: [tr.id, fmtTime(tr.at), label(tr.unit), el('td', { class: 'num' }, fmtFen(tr.priceFen)),
      tr.exchange || '', el('span', { class: 'mono', title: tr.txId }, short(tr.txId)), String(tr.blockNumber)] })), { 'data-list': 'trades' });
  const notes = [];
  if (m.hidden) notes.push(el('p', { class: 'muted' }, t('marketHidden', m.hidden)));
  if (!m.complete) notes.push(el('p', { class: 'muted' }, t('marketPartial')));
  page(`${kindLabel(kind)} ${id}`, panel, el('section', { class: 'card', id: 'market' }, el('h3', {}, t('marketChart')),
    el('p', { class: 'muted' }, t('marketIntro')), chart, ...notes, trades));
  await draw(chart, marketOption(m, { price: t('price'), cap: t('cap'), trade: t('tradeUnitPrice'), perDay: t('tradesPerDay'), trades: t('tradesWord'), yuan: t('yuan') }));
}

// provenance graph: the resource at the left, each generation one column to the right
const STATUS_CLASS = {
  active: 'ok', approved: 'ok', catalogued: 'ok', listed: 'ok', registered: 'ok', accepted: 'ok', bound: 'ok',
  pending: 'wait', publicized: 'wait', submitted: 'wait', proposed: 'wait', open: 'wait', reported: 'wait',
  terminated: 'bad', refused: 'bad', rejected: 'bad', revoked: 'bad', overdue: 'bad', failed: 'bad', expired: 'bad', suspended: 'bad', withdrawn: 'bad',
};

function layout(root) {
  const nodes = []; const edges = []; const cols = [];
  const walk = (n, depth, parent) => {
    const key = `${n.kind}/${n.id}`;
    cols[depth] = (cols[depth] || 0) + 1;
    nodes.push({ n, key, depth, row: cols[depth] - 1 });
    if (parent) edges.push([parent, key]);
    for (const c of n.children || []) walk(c, depth + 1, key);
  };
  walk(root, 0, null);
  return { nodes, edges, rows: Math.max(...cols) };
}

async function provenancePage(id) {
  const tree = await api(`/api/v1/resources/${encodeURIComponent(id)}/provenance`);
  const { nodes, edges, rows } = layout(tree);
  const W = 180, H = 46, GX = 44, GY = 14;
  const pos = {};
  const depthCount = {};
  nodes.forEach((x) => { depthCount[x.depth] = (depthCount[x.depth] || 0) + 1; });
  const height = rows * (H + GY) + GY;
  nodes.forEach((x) => {
    const offset = (height - depthCount[x.depth] * (H + GY)) / 2;
    pos[x.key] = { x: GX / 2 + x.depth * (W + GX), y: offset + x.row * (H + GY) + GY / 2 };
  });
  const width = (Math.max(...nodes.map((x) => x.depth)) + 1) * (W + GX);
  const side = el('div', { class: 'side', id: 'node-panel', 'aria-live': 'polite' }, el('p', { class: 'muted' }, t('clickNode')));
  const g = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': t('provenanceOf', id) });
  for (const [a, b] of edges) {
    const p = pos[a], q = pos[b];
    g.append(svg('path', { class: 'edge', 'data-from': a, 'data-to': b, d: `M${p.x + W},${p.y + H / 2} C${p.x + W + GX / 2},${p.y + H / 2} ${q.x - GX / 2},${q.y + H / 2} ${q.x},${q.y + H / 2}` }));
  }
  let selected = null;
  const open = async (x, gnode) => {
    if (selected) selected.classList.remove('selected');
    selected = gnode; gnode.classList.add('selected');
    side.replaceChildren(el('p', {}, t('loading')));
    try { side.replaceChildren(await recordPanel(x.n.kind, x.n.id)); } catch (e) { side.replaceChildren(problemView(e)); }
  };
  for (const x of nodes) {
    const p = pos[x.key];
    const cls = own(STATUS_CLASS, x.n.status) || 'none';
    const title = `${kindLabel(x.n.kind)} ${x.n.id}${x.n.status ? ' · ' + label(x.n.status) : ''}`;
    const gnode = svg('g', { class: `node st-${cls}`, tabindex: 0, role: 'button', 'aria-label': title, 'data-kind': x.n.kind, 'data-id': x.n.id, 'data-status': x.n.status || '', transform: `translate(${p.x},${p.y})` },
      svg('title', {}, title),
      svg('rect', { width: W, height: H }),
      svg('text', { x: 8, y: 18 }, kindLabel(x.n.kind) + (x.n.status ? ' · ' + label(x.n.status) : '')),
      svg('text', { x: 8, y: 36, class: 'mono' }, x.n.id.length > 22 ? x.n.id.slice(0, 21) + '…' : x.n.id));
    gnode.addEventListener('click', () => open(x, gnode));
    gnode.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(x, gnode); } });
    g.append(gnode);
  }
  const legend = el('div', { class: 'legend' }, [['ok', 'legendOk'], ['wait', 'legendWait'], ['bad', 'legendBad'], ['none', 'legendNone']].map(([c, k]) => el('span', {}, el('i', { class: 'lg-' + c }), t(k))));
  // the graph over the page's width (a resource's descendants are five generations deep),
  // the clicked record below it
  page(t('provenanceOf', id), legend, el('div', { class: 'stack' }, el('div', { class: 'graph', id: 'graph' }, g), side));
}

async function minePage() {
  if (!S.me) throw new Problem(401, { code: 'UNAUTHENTICATED', detail: t('loginNeeded') });
  const r = await api('/api/v1/me/uses');
  const rows = (r.resources || []).map((res) => {
    const uses = [];
    const walk = (n) => { for (const c of n.children || []) { uses.push(c); walk(c); } };
    walk(res);
    const count = Object.create(null); // keyed by record kinds from the ledger
    uses.forEach((u) => { count[u.kind] = (count[u.kind] || 0) + 1; });
    return { attrs: { 'data-id': res.id }, cells: [res.id, (res.data && res.data.name) || '', label(res.status, 'CatalogueStatus'),
      Object.keys(count).sort().map((k) => `${kindLabel(k)} ${count[k]}`).join('，') || t('none'), link(`/console/resources/${encodeURIComponent(res.id)}/provenance`, t('openProvenance'))] };
  });
  page(t('myRes'), table([t('id'), t('name'), t('catalogueStatus'), t('usedBy'), t('provenance')], rows, { 'data-list': 'mine' }));
}

// product check: ids typed or from a CSV file; verdicts exportable and printable
// why a check fails: the API's model.CheckReason values, read by their catalogue labels
function reasonsText(c) {
  return (c.reasons || []).map((r) => label(r, 'CheckReason')).join(S.lang === 'zh' ? '；' : '; ');
}
const HEADER = /^(product|products|id|product ?id|产品|产品编号|编号)$/i;
const uniq = (list) => [...new Set(list.filter((x) => x && !HEADER.test(x)))];
// typed: one per line or separated by commas, Chinese commas, 、 or semicolons
const parseTyped = (text) => uniq(text.split(/[\s,，、;；]+/).map((x) => x.trim()));
// a CSV file: the first column of every row (quoted or not), a header row skipped
const parseCsv = (text) => uniq(text.replace(/^\ufeff/, '').split(/\r?\n/).map((line) => {
  const m = /^\s*"((?:[^"]|"")*)"/.exec(line);
  return (m ? m[1].replaceAll('""', '"') : line.split(/[,\t;]/)[0]).trim();
}));

async function checkPage() {
  const ids = el('textarea', { id: 'check-ids', rows: 5, 'aria-describedby': 'check-intro' });
  const file = el('input', { type: 'file', id: 'check-csv', accept: '.csv,text/csv,text/plain' });
  const out = el('div', { id: 'check-result', 'aria-live': 'polite' });
  let last = [];
  const exportBtn = el('button', { type: 'button', class: 'secondary noprint', id: 'check-export', hidden: true }, t('exportCsv'));
  const printBtn = el('button', { type: 'button', class: 'secondary noprint', id: 'check-print', hidden: true, onclick: () => window.print() }, t('print'));
  const run = async (list) => {
    out.replaceChildren(el('p', {}, t('loading')));
    if (list.length > 100) { out.replaceChildren(problemView(new Error(t('tooMany')))); return; }
    try {
      const r = await api('/api/v1/products/check', { method: 'POST', body: { ids: list } });
      last = r.checks || [];
      out.replaceChildren(table([t('product'), t('registered'), t('approved'), t('inForce'), t('authActive'), t('withinCap'), t('verdict'), t('reasons'), t('proof')],
        last.map((c) => ({ attrs: { 'data-product': c.product, 'data-ok': String(!!c.ok), 'data-found': String(!!c.found) },
          cells: [c.product, yesNo(c.registered), yesNo(c.approved), yesNo(c.inForce), yesNo(c.authorizationActive), yesNo(c.pricesWithinCap),
            el('span', { class: c.ok ? 'yes' : 'no' }, c.ok ? t('pass') : t('fail')),
            el('span', { 'data-reasons': (c.reasons || []).join(' ') }, reasonsText(c)), proofView(c.proof)] }))));
      exportBtn.hidden = printBtn.hidden = false;
    } catch (e) { out.replaceChildren(problemView(e)); }
  };
  exportBtn.addEventListener('click', () => {
    // a cell that starts like a formula is kept text: a typed id such as =HYPERLINK(...) must
    // not run when a desk opens the export in a spreadsheet
    const q = (s) => { let v = String(s ?? ''); if (/^[=+\-@\t\r]/.test(v)) v = "'" + v; return `"${v.replaceAll('"', '""')}"`; };
    const head = [t('product'), t('registered'), t('approved'), t('inForce'), t('authActive'), t('withinCap'), t('verdict'), t('reasons'), t('tx'), t('block'), t('blockHash')];
    const lines = [head.map(q).join(',')].concat(last.map((c) => [c.product, c.registered, c.approved, c.inForce, c.authorizationActive, c.pricesWithinCap, c.ok ? t('pass') : t('fail'),
      reasonsText(c), c.proof && c.proof.txId, c.proof && c.proof.blockNumber, c.proof && c.proof.blockHash].map(q).join(',')));
    const blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }); // BOM: Excel opens UTF-8 Chinese correctly
    const a = el('a', { href: URL.createObjectURL(blob), download: 'product-check.csv' });
    document.body.append(a); a.click(); a.remove();
  });
  const form = el('form', { class: 'noprint', onsubmit: (e) => { e.preventDefault(); run(parseTyped(ids.value)); } },
    el('label', { for: 'check-ids' }, t('ids'), ids),
    el('label', { for: 'check-csv' }, t('csv'), file),
    el('p', {}, el('button', { type: 'submit', class: 'primary', id: 'check-run' }, t('run')), ' ', exportBtn, ' ', printBtn));
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    const text = await f.text();
    const list = parseCsv(text);
    ids.value = list.join('\n');
    run(list);
  });
  page(t('check'), el('p', { id: 'check-intro' }, t('checkIntro')), form, out);
}

async function compliancePage() {
  const r = await api('/api/v1/compliance');
  const findings = r.findings || [];
  const counts = r.counts || {};
  const list = el('div', { id: 'findings' });
  const show = (cat) => {
    const rows = findings.filter((f) => !cat || f.category === cat).map((f) => ({ attrs: { 'data-category': f.category },
      cells: [label(f.category, 'FindingCategory'), f.kind ? link(recordHref(f.kind, f.id), `${kindLabel(f.kind)} ${f.id}`) : f.id || '', f.detail || '', f.party || '',
        el('span', { title: f.provisional ? t('calendarWeekendsOnly') : '' }, fmtTime(f.due), f.provisional ? ' *' : ''), f.rule || ''] }));
    list.replaceChildren(table([t('category'), t('record'), t('detail'), t('party'), t('due'), t('rule')], rows));
  };
  const tiles = el('div', { class: 'tiles', id: 'counts' }, Object.keys(counts).sort().map((k) =>
    el('a', { href: '#findings', 'data-category': k, 'data-count': counts[k], onclick: (e) => { e.preventDefault(); show(k); list.scrollIntoView(); } },
      el('strong', {}, label(k, 'FindingCategory')), el('span', { class: 'count' }, String(counts[k])))));
  show('');
  const calendar = el('div', { id: 'deadlines-chart', class: 'chart calendar', role: 'img', 'aria-label': t('deadlinesChart') });
  page(t('compliance'), el('p', { class: 'muted' }, `${t('complianceAt')} ${fmtTime(r.at)}`), tiles,
    el('h2', {}, t('deadlinesChart')), calendar, el('h2', {}, t('detail')), list);
  await draw(calendar, deadlinesOption(findings, { items: t('items'), lang: S.lang }));
}

async function trailPage() {
  const params = new URLSearchParams(location.search);
  const f = (name, attrs) => el('input', Object.assign({ id: 'trail-' + name, name, value: params.get(name) || '' }, attrs || {}));
  const kindSel = el('select', { id: 'trail-kind', name: 'kind' }, el('option', { value: '' }, '—'),
    Object.keys((S.labels && S.labels.kinds) || {}).map((k) => el('option', { value: k, selected: params.get('kind') === k }, kindLabel(k))));
  const form = el('form', { class: 'filters', method: 'get', action: '/console/trail' },
    el('label', {}, t('party'), f('party')), el('label', {}, t('kind'), kindSel), el('label', {}, t('id'), f('id')),
    el('label', {}, t('kinds'), f('kinds')), el('label', {}, t('from'), f('from', { type: 'date' })), el('label', {}, t('to'), f('to', { type: 'date' })),
    el('button', { type: 'submit', class: 'primary' }, t('search')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
    navigate('/console/trail?' + q.toString());
  });
  const body = el('tbody');
  const tbl = el('table', { id: 'trail' }, el('thead', {}, el('tr', {}, [t('time'), t('record'), t('action'), t('actor'), t('tx'), t('block')].map((h) => el('th', { scope: 'col' }, h)))), body);
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, t('more'));
  page(t('trail'), el('p', { class: 'muted' }, t('trailHint')), form);
  if (!params.get('party') && !params.get('id')) return;
  const q = new URLSearchParams({ limit: '100' });
  for (const k of ['party', 'kind', 'id', 'kinds']) if (params.get(k)) q.set(k, params.get(k));
  // calendar dates are Beijing days
  if (params.get('from')) q.set('from', params.get('from') + 'T00:00:00+08:00');
  if (params.get('to')) { // the whole Beijing day: up to the next day's midnight (the store's end is exclusive)
    const end = new Date(params.get('to') + 'T00:00:00+08:00');
    end.setUTCDate(end.getUTCDate() + 1);
    q.set('to', end.toISOString());
  }
  let cursor = '';
  const load = async () => {
    if (cursor) q.set('cursor', cursor);
    const r = await api('/api/v1/trail?' + q.toString());
    for (const it of r.items) {
      body.append(el('tr', { 'data-tx': it.txId, 'data-kind': it.kind, 'data-id': it.id },
        el('td', {}, fmtTime(it.time)), el('td', {}, link(recordHref(it.kind, it.id), `${kindLabel(it.kind)} ${it.id}`)),
        el('td', {}, label(it.action)), el('td', {}, it.actor || ''), el('td', { class: 'mono' }, short(it.txId)), el('td', {}, String(it.blockNumber))));
    }
    cursor = r.next || '';
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load().catch((e) => main().append(problemView(e))));
  main().append(tbl, more);
  await load();
}

async function verifyPage() {
  const from = el('input', { id: 'verify-from', type: 'number', min: 0, value: 0 });
  const to = el('input', { id: 'verify-to', type: 'number', min: 0 });
  const out = el('div', { id: 'verify-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'filters', onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren(el('p', {}, t('loading')));
    try {
      const q = new URLSearchParams({ from: from.value || '0' });
      if (to.value) q.set('to', to.value);
      const r = await api('/api/v1/verify?' + q.toString());
      const bad = r.mismatches || [];
      out.replaceChildren(el('section', { class: r.ok ? 'verdict-ok' : 'verdict-bad', 'data-ok': String(!!r.ok) },
        el('strong', {}, r.ok ? `${t('verified')}: ${t('block')} ${r.from}–${Math.max(r.from, r.to - 1)}` : `${t('failures')}: ${bad.length}`),
        el('dl', { class: 'kv' }, Object.entries(r).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))])),
        bad.length ? el('pre', { class: 'mono' }, JSON.stringify(bad, null, 2)) : null,
        r.next != null ? el('p', { id: 'verify-next' }, t('verifyNext', r.next)) : null));
      // the range goes on: the form is ready for its next page
      if (r.next != null) from.value = String(r.next);
    } catch (err) { out.replaceChildren(problemView(err)); }
  } }, el('label', {}, t('fromBlock'), from), el('label', {}, t('toBlock'), to), el('button', { type: 'submit', class: 'primary' }, t('verifyRun')));
  page(t('verify'), el('p', {}, t('verifyIntro')), form, out);
}

async function logsPage() {
  const line = el('textarea', { id: 'log-line', rows: 2 });
  const proof = el('textarea', { id: 'log-proof', rows: 8, class: 'mono' });
  const out = el('div', { id: 'log-result', 'aria-live': 'polite' });
  const form = el('form', { onsubmit: async (e) => {
    e.preventDefault();
    let body;
    try { body = JSON.parse(proof.value); } catch (err) { out.replaceChildren(problemView(new Error(`${t('proofJson')}: ${err.message}`))); return; }
    // the pasted line is what is proved: its leaf hash is computed from it, not taken from the file
    if (line.value !== '') { body.line = line.value.replace(/\r?\n$/, ''); delete body.leafHash; }
    out.replaceChildren(el('p', {}, t('loading')));
    try {
      const r = await api('/api/v1/logs/inclusion', { method: 'POST', body });
      const walk = r.steps || [];
      const computed = walk.length ? walk[walk.length - 1].hash : r.leafHash;
      const steps = el('ol', { class: 'steps', id: 'log-steps' },
        el('li', {}, `${t('stepLeaf')}: `, el('span', { class: 'mono' }, r.leafHash || '')),
        walk.map((st, i) => el('li', { 'data-step': i + 1 }, `${t('stepSibling', i + 1)} (${st.side === 'left' ? t('sideLeft') : t('sideRight')}) `,
          el('span', { class: 'mono' }, st.sibling), ' → ', el('span', { class: 'mono' }, st.hash))),
        el('li', {}, `${t('stepRoot')}: `, el('span', { class: 'mono' }, computed || ''), computed === r.root ? ' = ' : ' ≠ ', el('span', { class: 'mono' }, r.root)));
      out.replaceChildren(el('section', { class: r.verified ? 'verdict-ok' : 'verdict-bad', 'data-verified': String(!!r.verified) },
        el('strong', {}, r.verified ? t('lineOk') : t('lineBad')), r.reason ? el('p', {}, r.reason) : null,
        el('dl', { class: 'kv' }, el('dt', {}, t('anchor')), el('dd', {}, r.anchor || ''), el('dt', {}, t('root')), el('dd', { class: 'mono' }, r.root || '')),
        el('h3', {}, t('steps')), steps, el('h3', {}, t('proof')), proofView(r.proof)));
    } catch (err) { out.replaceChildren(problemView(err)); }
  } }, el('label', { for: 'log-line' }, t('line'), line), el('label', { for: 'log-proof' }, t('proofJson'), proof),
  el('p', {}, el('button', { type: 'submit', class: 'primary', id: 'log-verify' }, t('verifyLine'))));
  page(t('logs'), el('p', {}, t('logsIntro')), form, out);
}

// deadlineLabel is what a deadline asks, as model.DeadlineLabel words it: the catalogue's
// label, else (in Chinese) the Chinese words the text carries in its first parentheses.
function deadlineLabel(what) {
  const l = label(what, 'Deadline');
  if (S.lang !== 'zh' || l !== String(what || '')) return l;
  const m = /\(([^)]*\p{Script=Han}[^)]*)\)/u.exec(l);
  return m ? m[1] : l;
}

// obligationsView is the table of open deadlines the caller must meet (GET /api/v1/me/obligations).
function obligationsView(r) {
  const rows = (r.obligations || []).map((o) => ({ attrs: { 'data-id': `${o.kind}/${o.id}/${o.path}`, 'data-overdue': String(!!o.overdue) },
    cells: [link(recordHref(o.kind, o.id), `${kindLabel(o.kind)} ${o.id}`), deadlineLabel(o.what),
      el('span', { class: 'badge ' + (o.overdue ? 'no' : 'lg-wait') }, o.overdue ? t('overdue') : t('open')),
      el('span', { title: o.calendarCovered ? '' : t('calendarWeekendsOnly') }, fmtTime(o.due), o.calendarCovered ? '' : ' *'), o.rule || ''] }));
  return el('section', { id: 'obligations' },
    el('h2', {}, t('obligations')), el('p', {}, t('obligationsIntro')),
    r.complete === false ? el('p', { class: 'verdict-bad' }, t('incomplete')) : null,
    rows.length ? table([t('record'), t('what'), t('status'), t('due'), t('rule')], rows) : el('p', { class: 'muted', id: 'obligations-none' }, t('none')));
}

async function obligationsPage() {
  if (!S.me) throw new Problem(401, { code: 'UNAUTHENTICATED', detail: t('loginNeeded') });
  page(t('navObligations'), obligationsView(await api('/api/v1/me/obligations')));
}

// mine lists every record of a kind the caller is a party to (GET /api/v1/me/records).
async function mine(kind) {
  const items = [];
  let cursor = '';
  do {
    const r = await api(`/api/v1/me/records?kind=${kind}&limit=500${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items.push(...r.items);
    cursor = r.next || '';
  } while (cursor);
  return items;
}

// ANCHORING_STREAMS bounds the streams charted (one history request each).
const ANCHORING_STREAMS = 8;

async function operatorPage() {
  if (!S.me) throw new Problem(401, { code: 'UNAUTHENTICATED', detail: t('loginNeeded') });
  // its own authorizations and log streams, disclosed or not
  const [items, streams, obligations] = await Promise.all([mine('authorization'), mine('logstream'), api('/api/v1/me/obligations')]);
  const rows = items.map((it) => ({ attrs: { 'data-id': it.id }, cells: [link(recordHref('authorization', it.id), it.id), label(it.data.status, 'AuthStatus'),
    `${fmtDate(it.data.termStart)} – ${fmtDate(it.data.termEnd)}`, fmtTime(it.data.publicityEnds), proofView(it.proof)] }));
  const streamRows = streams.map((it) => ({ attrs: { 'data-id': it.id }, cells: [link(recordHref('logstream', it.id), it.id), label(it.data.logKind),
    el('td', { class: 'num' }, Number(it.data.size || 0).toLocaleString()), el('td', { class: 'num' }, String(it.data.anchors || 0)), fmtTime(it.data.windowEnd), proofView(it.proof)] }));
  // the most recently anchored streams: one point per anchor, from each stream's versions
  const charted = streams.filter((it) => it.data.anchors > 0)
    .sort((a, b) => (Date.parse(b.data.windowEnd) - Date.parse(a.data.windowEnd)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, ANCHORING_STREAMS);
  const histories = await Promise.all(charted.map((it) => api(`/api/v1/records/logstream/${encodeURIComponent(it.id)}/history`)));
  const series = charted.map((it, i) => {
    const points = [];
    let seen = 0;
    for (const v of histories[i].versions || []) {
      if (v.data && v.data.anchors > seen) { seen = v.data.anchors; points.push([v.data.windowEnd, v.data.size, v.data.anchors]); }
    }
    return { id: it.id, points };
  });
  const chart = el('div', { id: 'anchoring-chart', class: 'chart', role: 'img', 'aria-label': t('anchoringChart', charted.length) });
  page(t('operatorPage'), table([t('id'), t('status'), t('term'), t('publicityEnds'), t('proof')], rows, { id: 'my-authorizations' }),
    obligationsView(obligations),
    el('section', { id: 'streams' }, el('h2', {}, t('streams')),
      charted.length ? [el('p', {}, t('anchoringChart', charted.length)), chart] : null,
      table([t('id'), t('kind'), t('anchoredLines'), kindLabel('anchor'), t('windowEnd'), t('proof')], streamRows, { id: 'my-streams' })));
  if (charted.length) await draw(chart, anchoringOption(series, { lines: t('anchoredLines') }));
}

// ---------------------------------------------------------------- routing

const ROUTES = [
  [/^\/console\/?$/, home],
  [/^\/console\/public\/(authorizations|products|catalogue)$/, (m) => publicList(m[1])],
  [/^\/console\/public\/fees$/, publicFees],
  [/^\/console\/records\/([^/]+)\/([^/]+)$/, (m) => recordPage(decodeURIComponent(m[1]), decodeURIComponent(m[2]))],
  [/^\/console\/resources\/([^/]+)\/provenance$/, (m) => provenancePage(decodeURIComponent(m[1]))],
  [/^\/console\/mine$/, minePage],
  [/^\/console\/check$/, checkPage],
  [/^\/console\/compliance$/, compliancePage],
  [/^\/console\/trail$/, trailPage],
  [/^\/console\/verify$/, verifyPage],
  [/^\/console\/logs$/, logsPage],
  [/^\/console\/operator$/, operatorPage],
  [/^\/console\/obligations$/, obligationsPage],
  [/^\/console\/jurisdictions$/, jurisdictionsPage],
  [/^\/console\/oversight$/, oversightPage],
];

function nav() {
  const items = [['/console/', 'navHome'], ['/console/public/authorizations', 'navAuth'], ['/console/public/products', 'navProducts'],
    ['/console/public/fees', 'navFees'], ['/console/public/catalogue', 'navCatalogue']];
  if (role() === 'source_unit') items.push(['/console/mine', 'navMine']);
  if (role() === 'exchange') items.push(['/console/check', 'navCheck']);
  if (role() === 'operator') items.push(['/console/operator', 'navOperator']);
  if (overseer()) items.push(['/console/compliance', 'navCompliance'], ['/console/trail', 'navTrail'], ['/console/verify', 'navVerify']);
  if (S.me && S.me.active && S.me.participant) items.push(['/console/obligations', 'navObligations']);
  if (S.me) items.push(['/console/logs', 'navLogs']); // the proof check is for the channel's members
  const n = document.getElementById('nav');
  n.setAttribute('aria-label', S.lang === 'zh' ? '主导航' : 'Main');
  n.replaceChildren(...items.map(([href, key]) => {
    const a = link(href, t(key));
    if (pagePath() === href || (href !== '/console/' && pagePath().startsWith(href))) a.setAttribute('aria-current', 'page');
    return a;
  }));
  channelSelect();
  document.getElementById('who').textContent = S.me ? `${S.me.participant || t('unbound')} · ${label(S.me.role)}` : t('public');
  document.getElementById('lang').textContent = S.lang === 'zh' ? 'EN' : '中文';
  document.getElementById('lang').setAttribute('aria-label', t('switchTo'));
  document.getElementById('brand-sub').textContent = t('brandSub');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('foot').textContent = `PDLedger · ${S.lang === 'zh' ? '时间均为北京时间' : 'times are Beijing time (CST)'}`;
  document.documentElement.lang = S.lang === 'zh' ? 'zh-CN' : 'en';
}

// channelSelect offers every jurisdiction's ledger; picking one shows the same page there.
function channelSelect() {
  const sel = document.getElementById('channel');
  if (!sel) return;
  document.getElementById('channel-label').textContent = t('channelSel');
  const list = S.channels || [];
  sel.hidden = list.length < 2;
  sel.replaceChildren(...list.map((c) => el('option', { value: c.channel, selected: S.channel ? c.channel === S.channel : c.default },
    `${jurName(c.jurisdiction)}（${c.channel}）`)));
  sel.onchange = () => {
    const [, rest] = splitChannel(location.pathname);
    // a record of one ledger is not on another: switch to that jurisdiction's home
    const same = /^\/console\/(records|resources)\//.test(rest) ? '/console/' : rest + location.search;
    navigate(inChannel(same, sel.value));
  };
}

let renderGen = 0;

async function render() {
  // a newer render wins: the previous page's requests are aborted and its results dropped
  const my = ++renderGen;
  if (S.abort) S.abort.abort();
  S.abort = new AbortController();
  S.shown = location.pathname + location.search;
  main().removeAttribute('data-ready'); // set again when this page has rendered (the tests wait for it)
  disposeAll();
  const [channel, path] = splitChannel(location.pathname);
  S.channel = channel;
  if (S.meFor !== channel) {
    // who the certificate acts for is a question for each ledger
    const me = await whoami();
    if (my !== renderGen) return;
    S.me = me; S.meFor = channel;
  }
  nav();
  for (const [re, fn] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    main().replaceChildren(el('p', { class: 'loading' }, t('loading')));
    try {
      await fn(m);
    } catch (e) {
      if (my !== renderGen || e.name === 'AbortError') return;
      page(t('error'), problemView(e), el('p', {}, link('/console/', t('back'))));
    }
    if (my !== renderGen) return;
    main().setAttribute('data-ready', location.pathname + location.search);
    return;
  }
  page(t('notFound'), el('p', {}, link('/console/', t('back'))));
  main().setAttribute('data-ready', location.pathname);
}

function navigate(href) {
  history.pushState(null, '', inChannel(href));
  render();
  main().focus();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[data-link]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => {
  if (location.pathname + location.search !== S.shown) render(); // a change of #hash only (the skip link) is not a new page
});

async function start() {
  const saved = localStorage.getItem('pdl.lang');
  S.lang = saved || ((navigator.languages || [navigator.language]).find((l) => /^(zh|en)/i.test(l)) || 'zh').slice(0, 2).toLowerCase();
  document.getElementById('lang').addEventListener('click', () => {
    S.lang = S.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('pdl.lang', S.lang);
    render();
  });
  const [labels, channels] = await Promise.all([api('/api/v1/public/labels').catch(() => null), api('/api/v1/public/channels').catch(() => null)]);
  S.labels = labels; S.channels = channels ? channels.items : null;
  await render();
}

// the caller as the explorer maps its certificate; null for a visitor without one
async function whoami() {
  // the page works for the public even when this answer does not come (rate limit, network)
  const r = await api('/api/v1/public/session').catch(() => null);
  return r && r.authenticated ? r.caller : null;
}

start();
