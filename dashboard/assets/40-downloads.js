/* POH-Connect downloads (dashboard/downloads.py registers these as clientside callbacks).

   chartDownload: a chart as PNG or SVG, made here in the browser by plotly.js (Plotly.toImage)
   from a copy of the figure with the chart's title on top and a source line under it
   ("Bron: POH-Connect, <what was chosen>, gedownload <datum>"). Nothing is sent anywhere.

   tableRequest: the table as shown — its displayed columns (header texts) and its rows after
   filter and sort, numbers as numbers — for the dashboard's server, which has the API make the
   CSV/XLSX file (one audit event per export) and hands it over with dcc.Download. */
(function () {
  "use strict";

  function pageName() {
    return (document.title || "").split("·")[0].trim();
  }

  /* What the page's pickers show ("Regio West, Wachttijd tot intake, K3 2025"). */
  function chosen() {
    var parts = [];
    document.querySelectorAll(".page-controls .page-control").forEach(function (col) {
      var box = col.querySelector("[id]");
      var text = box ? (box.innerText || "").replace(/\s+/g, " ").trim() : "";
      if (text && text !== "×") { parts.push(text); }
    });
    return parts.join(", ");
  }

  function slug(text) {
    return (text || "")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
      .slice(0, 60);
  }

  function query() {
    var out = {};
    new URLSearchParams(window.location.search).forEach(function (v, k) { out[k] = v; });
    return out;
  }

  function triggered() {
    var ctx = window.dash_clientside && window.dash_clientside.callback_context;
    return ctx && ctx.triggered_id;
  }

  function save(url, filename) {
    var a = document.createElement("a");
    a.href = url;
    a.download = filename;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function chartDownload(clicks, meta) {
    var no = window.dash_clientside.no_update;
    var id = triggered();
    if (!id || !meta || !(clicks || []).some(function (n) { return n; })) { return no; }
    var holder = document.getElementById(id.graph);
    var gd = holder && (holder.classList.contains("js-plotly-plot")
      ? holder : holder.querySelector(".js-plotly-plot"));
    if (!gd || !gd.data || !window.Plotly) { return no; }
    var full = gd._fullLayout || {};
    /* the margins as drawn (automargin may have widened them for long tick labels) */
    var size = full._size || {};
    var margin = Object.assign({l: 60, r: 20, t: 34, b: 50}, gd.layout.margin || {});
    ["l", "r", "t", "b"].forEach(function (k) {
      if (typeof size[k] === "number") { margin[k] = Math.max(margin[k], Math.ceil(size[k])); }
    });
    var width = Math.max(full.width || 900, 720);
    var height = (full.height || 400) + 90;
    var locale = meta.lang === "en" ? "en-GB" : "nl-NL";
    var today = new Date().toLocaleDateString(locale, {day: "numeric", month: "long", year: "numeric"});
    var what = [chosen()].filter(Boolean).join(", ");
    var source = meta.source + ": POH-Connect" + (what ? ", " + what : "") + ", " +
      meta.downloaded + " " + today;
    var layout = Object.assign({}, gd.layout, {
      width: width,
      height: height,
      title: {text: meta.title, x: 0.01, xanchor: "left", yref: "container", y: 1,
              yanchor: "top", pad: {t: 14}, font: {size: 16}},
      margin: Object.assign({}, margin, {t: margin.t + 44, b: margin.b + 46, autoexpand: false}),
      annotations: (gd.layout.annotations || []).concat([{
        text: source, showarrow: false, xref: "paper", yref: "paper", x: 0, y: 0,
        xanchor: "left", yanchor: "top", yshift: -(margin.b + 12),
        font: {size: 11, color: "#6c757d"}, align: "left"
      }])
    });
    var data = gd.data.map(function (trace) { return Object.assign({}, trace); });
    var format = id.format === "svg" ? "svg" : "png";
    var period = query().period;
    var filename = [slug(meta.title) || slug(pageName()) || "grafiek", period]
      .filter(Boolean).join("-") + "." + format;
    window.Plotly.toImage({data: data, layout: layout, config: {}}, {
      format: format, width: width, height: height, scale: format === "png" ? 2 : 1
    }).then(function (url) {
      save(url, filename);
      window.pohconnectLastDownload = {filename: filename, title: meta.title, source: source};
    });
    return Date.now();
  }

  function cellValue(api, node, col) {
    var value;
    if (api.getCellValue) {
      value = api.getCellValue({rowNode: node, colKey: col});
    } else {
      value = node.data ? node.data[col.getColDef().field] : null;
    }
    if (value === undefined || value === null) { return null; }
    if (typeof value === "number" || typeof value === "boolean") { return value; }
    if (typeof value === "object") { return String(value.label || value.text || ""); }
    /* a markdown link "[name](url)": its text */
    var link = String(value).match(/^\[([^\]]*)\]\([^)]*\)$/);
    return link ? link[1] : String(value);
  }

  function tableRequest(clicks) {
    var no = window.dash_clientside.no_update;
    var id = triggered();
    if (!id || !(clicks || []).some(function (n) { return n; })) { return no; }
    var request = {
      table: id.table, format: id.format, query: query(), page: pageName(),
      context: chosen(), at: Date.now(), columns: null, rows: null, title: null
    };
    var card = document.getElementById(id.table);
    card = card && card.closest(".card");
    var header = card && card.querySelector(".card-header h3");
    request.title = header ? header.innerText.trim() : pageName();
    var api = null;
    try {
      api = window.dash_ag_grid && window.dash_ag_grid.getApi
        ? window.dash_ag_grid.getApi(id.table) : null;
    } catch (e) { api = null; }
    if (api) {
      var cols = api.getAllDisplayedColumns().filter(function (col) {
        return col.getColDef().field || col.getColDef().valueGetter;
      });
      request.columns = cols.map(function (col) {
        return (api.getDisplayNameForColumn(col, null) || col.getColDef().field || "").trim();
      });
      var rows = [];
      api.forEachNodeAfterFilterAndSort(function (node) {
        if (node.group) { return; }
        rows.push(cols.map(function (col) { return cellValue(api, node, col); }));
      });
      request.rows = rows;
    }
    return request;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.pohconnect = Object.assign({}, window.dash_clientside.pohconnect, {
    chartDownload: chartDownload,
    tableRequest: tableRequest
  });
})();
