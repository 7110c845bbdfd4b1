// Charts for the console, drawn with Apache ECharts 6.1.0 (vendor/echarts-6.1.0, pinned and
// embedded: the de facto charting library of Chinese government dashboards, and one an
// isolated network can serve itself). The library is loaded only by pages that chart.

const ECHARTS = '/console/assets/vendor/echarts-6.1.0/echarts.min.js';
let loading = null;

function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = ECHARTS;
      s.onload = () => resolve(window.echarts);
      s.onerror = () => reject(new Error('ECharts did not load'));
      document.head.append(s);
    });
  }
  return loading;
}

const live = new Set();
const resizeAll = () => live.forEach((c) => c.resize());
window.addEventListener('resize', resizeAll);

// draw renders option into el once it is in the page; the chart follows the window's size
// until disposeAll (every page change) releases it.
export async function draw(el, option) {
  const echarts = await loadECharts();
  const chart = echarts.init(el, null, { renderer: 'canvas', locale: document.documentElement.lang === 'en' ? 'EN' : 'ZH' });
  chart.setOption(option);
  live.add(chart);
  return chart;
}

export function disposeAll() {
  live.forEach((c) => c.dispose());
  live.clear();
}

// timeAxis: a time axis labelled in Beijing time whatever the browser's own zone (the
// console's dates are CST throughout): 10月28日, or 2026年 on a year's first label.
const CST = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric' });
const CST_EN = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', month: 'short', day: 'numeric' });
function timeAxis() {
  const en = document.documentElement.lang === 'en';
  return { type: 'time', axisLabel: { hideOverlap: true, formatter: (v) => (en ? CST_EN : CST).format(new Date(v)) } };
}

const PALETTE = ['#0b57d0', '#1e7b34', '#b3261e', '#8a5a00', '#6a1b9a', '#00796b', '#c2185b', '#455a64'];

// pricesOption: each product's filed prices over time (a step line, yuan) against the cap
// each filing was made under (dashed). filings are pricefiling records.
export function pricesOption(filings, words) {
  const byProduct = new Map();
  for (const f of filings) {
    if (!byProduct.has(f.product)) byProduct.set(f.product, []);
    byProduct.get(f.product).push(f);
  }
  const series = [];
  const now = new Date().toISOString();
  // a filing holds until the next one: each line is drawn on to today (the point at today
  // carries no filing id, so it is not a filing)
  const toToday = (pts) => (pts.length ? pts.concat([[now, pts[pts.length - 1][1], '']]) : pts);
  [...byProduct.keys()].sort().forEach((product, i) => {
    const fs = byProduct.get(product).slice().sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
    const color = PALETTE[i % PALETTE.length];
    series.push({ name: `${product} ${words.price}`, id: `price:${product}`, type: 'line', step: 'end', color, symbolSize: 7,
      data: toToday(fs.map((f) => [f.createdAt, f.priceFen / 100, f.id])) });
    // a public-interest product may have no cap
    const capped = fs.filter((f) => typeof f.capFen === 'number');
    if (capped.length) {
      series.push({ name: `${product} ${words.cap}`, id: `cap:${product}`, type: 'line', step: 'end', color, symbol: 'none',
        lineStyle: { type: 'dashed', width: 1.5 }, data: toToday(capped.map((f) => [f.createdAt, f.capFen / 100, f.cap])) });
    }
  });
  return {
    aria: { enabled: true },
    animation: false,
    // rich-text tooltips: the HTML ones need inline styles, which the console's CSP forbids
    tooltip: { trigger: 'item', renderMode: 'richText', valueFormatter: (v) => `¥${Number(v).toFixed(2)}` },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 56, right: 24, top: 48, bottom: 40 },
    xAxis: timeAxis(),
    yAxis: { type: 'value', name: words.yuan, axisLabel: { formatter: (v) => `¥${v}` } },
    series,
  };
}

// deadlinesOption: findings with a due date on a calendar, one cell per Beijing day,
// coloured by how many fall due that day (the last twelve months up to the latest).
export function deadlinesOption(findings, words) {
  const day = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
  const count = new Map();
  for (const f of findings) {
    if (!f.due || new Date(f.due).getUTCFullYear() < 1000) continue; // no due date (Go's zero time)
    const d = day(f.due);
    count.set(d, (count.get(d) || 0) + 1);
  }
  const days = [...count.keys()].sort();
  const last = days.length ? days[days.length - 1] : day(new Date().toISOString());
  const from = new Date(last + 'T00:00:00+08:00');
  from.setUTCFullYear(from.getUTCFullYear() - 1);
  const first = days.find((d) => d >= day(from.toISOString())) || last;
  const max = Math.max(1, ...count.values());
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { renderMode: 'richText', formatter: (p) => `${p.value[0]}：${p.value[1]} ${words.items}` },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#fff3cd', '#b3261e'] } },
    calendar: { range: [first, last], cellSize: ['auto', 16], top: 28, left: 48, right: 24, bottom: 48,
      dayLabel: { nameMap: words.lang === 'zh' ? 'ZH' : 'EN', firstDay: 1 }, monthLabel: { nameMap: words.lang === 'zh' ? 'ZH' : 'EN' }, yearLabel: { show: false } },
    series: [{ id: 'deadlines', type: 'heatmap', coordinateSystem: 'calendar', data: days.filter((d) => d >= first).map((d) => [d, count.get(d)]) }],
  };
}

// anchoringOption: how far each log stream is anchored over time — a step line per stream
// of the anchored tree size (log lines) at the end of each anchored window, one point per
// anchor; a flat stretch is a time no anchor covered. streams: [{id, points: [[windowEnd,
// size, seq]]}].
export function anchoringOption(streams, words) {
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'item', renderMode: 'richText', formatter: (p) => `${p.seriesName}\n#${p.value[2]}：${Number(p.value[1]).toLocaleString()} ${words.lines}` },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 72, right: 24, top: 48, bottom: 40 },
    xAxis: timeAxis(),
    yAxis: { type: 'value', name: words.lines, minInterval: 1 },
    series: streams.map((s, i) => ({ name: s.id, id: `anchors:${s.id}`, type: 'line', step: 'end', color: PALETTE[i % PALETTE.length], symbolSize: 6, data: s.points })),
  };
}

// marketOption: one product's trades over time against its filed prices — each trade a
// point at its unit price (yuan), the filed price a step line and the cap each filing was
// made under dashed (a cap cut that left a price above it is drawn where it happened),
// and the number of trades per Beijing day as bars on the right axis. m is the answer of
// /api/v1/products/:id/market.
export function marketOption(m, words) {
  const now = new Date().toISOString();
  const filings = m.filings || [];
  const trades = m.trades || [];
  const toToday = (pts) => (pts.length ? pts.concat([[now, pts[pts.length - 1][1], '']]) : pts);
  const price = toToday(filings.map((f) => [f.at, f.priceFen / 100, f.id]));
  const capPts = [];
  for (const f of filings) {
    if (typeof f.capFen === 'number') capPts.push([f.at, f.capFen / 100, f.id]);
    if (f.flag) capPts.push([f.flag.at, f.flag.capFen / 100, f.flag.cap || f.id]);
  }
  capPts.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const day = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
  const perDay = new Map();
  for (const tr of trades) perDay.set(day(tr.at), (perDay.get(day(tr.at)) || 0) + 1);
  const series = [
    { name: words.price, id: 'price', type: 'line', step: 'end', color: PALETTE[0], symbolSize: 7, data: price },
    { name: words.trade, id: 'trades', type: 'scatter', color: PALETTE[1], symbolSize: 9, data: trades.map((tr) => [tr.at, tr.priceFen / 100, tr.id]) },
    { name: words.perDay, id: 'perDay', type: 'bar', yAxisIndex: 1, color: '#9fb7d9', barMaxWidth: 18,
      data: [...perDay.keys()].sort().map((d) => [d + 'T12:00:00+08:00', perDay.get(d)]) },
  ];
  if (capPts.length) {
    series.push({ name: words.cap, id: 'cap', type: 'line', step: 'end', color: PALETTE[2], symbol: 'none', lineStyle: { type: 'dashed', width: 1.5 }, data: toToday(capPts) });
  }
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'item', renderMode: 'richText',
      formatter: (p) => (p.seriesId === 'perDay' ? `${p.value[0].slice(0, 10)}：${p.value[1]} ${words.trades}` : `${p.seriesName} ${p.value[2] || ''}\n¥${Number(p.value[1]).toFixed(2)}`) },
    legend: { top: 0 },
    grid: { left: 56, right: 56, top: 48, bottom: 40 },
    xAxis: timeAxis(),
    yAxis: [{ type: 'value', name: words.yuan, axisLabel: { formatter: (v) => `¥${v}` } }, { type: 'value', name: words.trades, minInterval: 1, splitLine: { show: false } }],
    series,
  };
}

// comparisonOption: one group of bars per jurisdiction — authorizations, products, overdue
// obligations and price deviations side by side (the provincial comparison table, drawn).
export function comparisonOption(rows, words) {
  const keys = ['authorizations', 'products', 'overdue', 'priceDeviations'];
  return {
    color: [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 48 },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 4 ? 20 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: keys.map((k) => ({ name: words[k], type: 'bar', data: rows.map((r) => r[k]) })),
  };
}
