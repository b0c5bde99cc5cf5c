/**
 * The operations service's live page (GET /): one self-contained HTML document whose script reads
 * GET /status every two seconds and redraws the tables. Every value is put in with textContent,
 * never as markup: channel names, chaincode names and txids come from clients.
 */
export const LIVE_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Weft peer</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2330; background: #f7f8fa; }
  h1 { font-size: 1.3rem; margin: 0 0 .2rem; }
  h2 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
  #peer { color: #4a5365; }
  table { border-collapse: collapse; background: #fff; min-width: 32rem; }
  th, td { text-align: left; padding: .3rem .7rem; border-bottom: 1px solid #e1e4ea; }
  th { background: #eceff4; font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .VALID { color: #127a3a; }
  .invalid { color: #b42318; }
  .empty { color: #7a8294; font-style: italic; }
  #updated { color: #7a8294; font-size: .85rem; }
  code { font-size: .9em; }
</style>
</head>
<body>
<h1>Weft peer</h1>
<div id="peer"></div>
<div id="updated"></div>
<h2>Channels</h2>
<table id="channels"><thead><tr><th>Channel</th><th>Height</th></tr></thead><tbody></tbody></table>
<h2>Running chaincodes</h2>
<table id="chaincodes"><thead><tr><th>Chaincode</th><th>Container</th><th>State</th><th>Sent</th><th>Received</th><th>Trace</th></tr></thead><tbody></tbody></table>
<h2>Recent transactions</h2>
<table id="transactions"><thead><tr><th>Channel</th><th>Block</th><th>Transaction</th><th>Validation</th><th>Trace</th></tr></thead><tbody></tbody></table>
<script>
"use strict";
function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}
function traceLink(row, enabled, query) {
  const td = document.createElement("td");
  if (enabled) {
    const a = document.createElement("a");
    a.href = "trace?format=html&" + query;
    a.textContent = "diagram";
    td.appendChild(a);
  } else {
    td.textContent = "off";
    td.className = "empty";
  }
  row.appendChild(td);
}
function fill(id, items, columns, draw) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren();
  if (items.length === 0) {
    const row = body.insertRow();
    const td = cell(row, "none yet", "empty");
    td.colSpan = columns;
    return;
  }
  for (const item of items) draw(body.insertRow(), item);
}
async function refresh() {
  try {
    const response = await fetch("status", { cache: "no-store" });
    if (!response.ok) throw new Error("GET /status answered " + response.status);
    const s = await response.json();
    document.getElementById("peer").textContent = s.peer.id + " (" + s.peer.mspId + "), version " + s.peer.version;
    fill("channels", s.channels, 2, (row, c) => { cell(row, c.id); cell(row, c.height, "num"); });
    fill("chaincodes", s.chaincodes, 6, (row, c) => {
      cell(row, c.name); cell(row, c.containerType); cell(row, c.state);
      cell(row, c.sent, "num"); cell(row, c.received, "num");
      traceLink(row, s.tracing, "chaincode=" + encodeURIComponent(c.name));
    });
    fill("transactions", s.transactions, 5, (row, t) => {
      cell(row, t.channel); cell(row, t.block, "num");
      const id = cell(row, t.txid.slice(0, 16) + (t.txid.length > 16 ? "…" : ""));
      id.title = t.txid;
      cell(row, t.code, t.code === "VALID" ? "VALID" : "invalid");
      traceLink(row, s.tracing, "txid=" + encodeURIComponent(t.txid));
    });
    document.getElementById("updated").textContent = "Updated " + new Date().toLocaleTimeString();
  } catch (err) {
    document.getElementById("updated").textContent = "Cannot reach the peer: " + err.message;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;
