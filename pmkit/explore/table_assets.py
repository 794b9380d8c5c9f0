"""The incident table's CSS and JavaScript (an ES module for ``anywidget``), inlined so the
explorer needs no network and no build step. The script sets every cell with ``textContent``
and only draws the rows in view."""

from __future__ import annotations

MIN_WIDTH = 1262
"""The table's smallest width in px (its fixed columns and a 240 px title): below it, the table
scrolls sideways inside its box. ``tests/test_explore.py`` checks it against the columns."""

TABLE_CSS = f"""
.pmkit-xt {{ font-size: 12px; font-family: var(--jp-ui-font-family, sans-serif); }}
.pmkit-xt-bar {{ display: flex; gap: 12px; align-items: center; margin: 4px 0; }}
.pmkit-xt-bar input {{ width: 260px; padding: 3px 6px; font-size: 12px; }}
.pmkit-xt-caption {{ color: #333; }}
.pmkit-xt-box {{ max-height: 420px; overflow: auto; border: 1px solid #ccc; }}
.pmkit-xt table {{ border-collapse: collapse; table-layout: fixed; width: 100%;
  min-width: {MIN_WIDTH}px; }}
.pmkit-xt th {{ position: sticky; top: 0; z-index: 1; background: #f3f3f3; text-align: left;
  padding: 4px 6px; border-bottom: 1px solid #bbb; cursor: pointer; user-select: none;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.pmkit-xt th.pmkit-xt-num, .pmkit-xt td.pmkit-xt-num {{ text-align: right; }}
.pmkit-xt td {{ height: 24px; padding: 0 6px; border-bottom: 1px solid #e6e6e6;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.pmkit-xt tbody tr.pmkit-xt-row {{ cursor: pointer; }}
.pmkit-xt tbody tr.pmkit-xt-row:hover {{ background: #eef4fb; }}
.pmkit-xt tbody tr.pmkit-xt-selected {{ background: #d7e7f8; }}
.pmkit-xt .pmkit-xt-missing {{ color: #999; }}
.pmkit-xt-empty {{ padding: 8px; color: #555; }}
"""

TABLE_JS = r"""
const ROW_H = 25;   // px: .pmkit-xt td height + border
const EXTRA = 15;   // rows drawn above and below the visible ones

function pageInfo() {
  const el = document.getElementById("jupyter-config-data");
  if (!el) return {};
  try {
    const c = JSON.parse(el.textContent);
    return { serverRoot: String(c.serverRoot || ""), baseUrl: String(c.baseUrl || "") };
  } catch (e) {
    return {};
  }
}

function render({ model, el }) {
  const page = pageInfo();
  if (JSON.stringify(model.get("page")) !== JSON.stringify(page)) {
    model.set("page", page);
    model.save_changes();
  }
  const root = document.createElement("div");
  root.className = "pmkit-xt";
  const bar = document.createElement("div");
  bar.className = "pmkit-xt-bar";
  const search = document.createElement("input");
  search.type = "search";
  search.placeholder = "Search the table (id, title, team, service, file...)";
  search.className = "pmkit-xt-search";
  search.value = model.get("query");
  const caption = document.createElement("span");
  caption.className = "pmkit-xt-caption";
  bar.append(search, caption);
  const box = document.createElement("div");
  box.className = "pmkit-xt-box";
  const table = document.createElement("table");
  const colgroup = document.createElement("colgroup");
  const thead = document.createElement("thead");
  const headRow = document.createElement("tr");
  const tbody = document.createElement("tbody");
  thead.append(headRow);
  table.append(colgroup, thead, tbody);
  box.append(table);
  const empty = document.createElement("div");
  empty.className = "pmkit-xt-empty";
  root.append(bar, box, empty);
  el.append(root);

  const columns = () => model.get("columns");
  const fileColumn = () => columns().findIndex((c) => c.key === "file");

  function drawHead() {
    colgroup.replaceChildren();
    headRow.replaceChildren();
    const [key, dir] = model.get("sort");
    for (const c of columns()) {
      const col = document.createElement("col");
      if (c.width) col.style.width = c.width + "px";
      colgroup.append(col);
      const th = document.createElement("th");
      th.dataset.key = c.key;
      if (c.numeric) th.className = "pmkit-xt-num";
      th.textContent = c.label + (c.key === key ? (dir === "desc" ? " \u25BC" : " \u25B2") : "");
      th.title = (c.help ? c.help + ". " : "") + "Click to sort by " + c.label.toLowerCase() + ".";
      th.addEventListener("click", () => {
        const [k, d] = model.get("sort");
        const next = k === c.key ? (d === "asc" ? "desc" : "asc") : (c.numeric || c.key === "day" ? "desc" : "asc");
        model.set("sort", [c.key, next]);
        model.save_changes();
      });
      headRow.append(th);
    }
  }

  function spacer(height) {
    const tr = document.createElement("tr");
    tr.style.height = height + "px";
    const td = document.createElement("td");
    td.colSpan = columns().length;
    td.style.padding = "0";
    td.style.border = "0";
    tr.append(td);
    return tr;
  }

  function drawRows() {
    const rows = model.get("rows");
    const selected = model.get("selected");
    const fileAt = fileColumn();
    const cols = columns();
    const first = Math.max(0, Math.floor(box.scrollTop / ROW_H) - EXTRA);
    const visible = Math.ceil((box.clientHeight || 420) / ROW_H);
    const last = Math.min(rows.length, first + visible + 2 * EXTRA);
    const parts = [];
    if (first > 0) parts.push(spacer(first * ROW_H));
    for (let i = first; i < last; i++) {
      const row = rows[i];
      const tr = document.createElement("tr");
      tr.className = "pmkit-xt-row" + (row.id === selected ? " pmkit-xt-selected" : "");
      tr.tabIndex = 0;
      tr.dataset.index = String(i);
      row.cells.forEach((text, j) => {
        const td = document.createElement("td");
        if (cols[j].numeric) td.className = "pmkit-xt-num";
        if (row.missing.includes(j)) {
          td.classList.add("pmkit-xt-missing");
          td.title = "not in the postmortem";
          td.textContent = text;
        } else if (j === fileAt && row.href) {
          const a = document.createElement("a");
          a.href = row.href;
          a.target = "_blank";
          a.rel = "noopener";
          a.className = "pmkit-xt-file";
          a.textContent = text;
          a.title = "Open " + row.source + " in JupyterLab";
          td.append(a);
        } else {
          td.textContent = text;
          td.title = j === fileAt ? row.source : text;
        }
        tr.append(td);
      });
      const pick = () => {
        model.set("selected", row.id);
        model.save_changes();
      };
      tr.addEventListener("click", pick);
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(); });
      parts.push(tr);
    }
    if (last < rows.length) parts.push(spacer((rows.length - last) * ROW_H));
    tbody.replaceChildren(...parts);
    empty.textContent = rows.length ? "" : "No incident matches the filters, selections and search.";
    empty.style.display = rows.length ? "none" : "block";
  }

  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      model.set("query", search.value);
      model.save_changes();
    }, 250);
  });
  let scheduled = false;
  box.addEventListener("scroll", () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; drawRows(); });
  });

  caption.textContent = model.get("caption");
  drawHead();
  drawRows();
  model.on("change:caption", () => { caption.textContent = model.get("caption"); });
  model.on("change:sort", () => { drawHead(); box.scrollTop = 0; });
  model.on("change:rows", () => { box.scrollTop = 0; drawRows(); });
  model.on("change:selected", drawRows);
  model.on("change:query", () => {
    if (search.value !== model.get("query")) search.value = model.get("query");
  });
}

export default { render };
"""
