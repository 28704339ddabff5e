"""JSON sources: a paged API's records, the NBS easyquery answer and an enterprise's annual
disclosure report, each as a header and text rows."""

from __future__ import annotations

import json

from .parsed import LoadError, ParsedTable, cell_text, decode

# A document nested deeper than this is no report or API answer (they are 5 levels deep).
MAX_JSON_DEPTH = 32
# Figures (outlet × pollutant) one disclosure report may hold: a large plant has a few
# dozen outlets and a dozen pollutants each.
MAX_REPORT_FIGURES = 5_000


def _json(data: bytes, encoding: str, *, dataset_id: str, uri: str):
    """The document, its numbers kept as the text the file writes (1e308 stays '1e308', so
    the number grammar reads JSON numbers exactly as it reads a CSV cell), its depth bounded."""
    try:
        doc = json.loads(decode(data, encoding, dataset_id=dataset_id, uri=uri),
                         parse_float=str, parse_int=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise LoadError(f"{dataset_id}: {uri}: invalid JSON at line {exc.lineno} "
                        f"column {exc.colno}: {exc.msg}") from exc
    except RecursionError:  # the parser recurses per level: thousands deep exhausts the stack
        raise LoadError(f"{dataset_id}: {uri}: JSON nested too deep to read (over "
                        f"{MAX_JSON_DEPTH} levels allowed)") from None
    depth, level = 0, [doc]
    while level:
        depth += 1
        if depth > MAX_JSON_DEPTH:
            raise LoadError(f"{dataset_id}: {uri}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
        level = [v for node in level if isinstance(node, dict | list)
                 for v in (node.values() if isinstance(node, dict) else node)
                 if isinstance(v, dict | list)]
    return doc


def _records_table(records: list[dict]) -> ParsedTable:
    headers: list[str] = []
    for record in records:
        headers += [k for k in record if k not in headers]
    rows = [(i, [cell_text(r.get(h)) for h in headers]) for i, r in enumerate(records, 1)]
    return ParsedTable(headers=headers, rows=rows, position="record")


def parse_json_pages(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    """A paged REST API as the HTTP connector stores it: {"pages": [page, …]}, each page
    {"data": {"items": [record, …], …}}. Records become rows numbered across pages."""
    doc = _json(data, encoding, dataset_id=dataset_id, uri=uri)
    try:
        records = [item for page in doc["pages"] for item in page["data"]["items"]]
    except (KeyError, TypeError) as exc:
        raise LoadError(f"{dataset_id}: {uri}: not a paged API response "
                        f"(missing {exc}); expected pages[].data.items[]") from exc
    return _records_table(records)


NBS_HEADERS = ["指标代码", "指标名称", "单位", "地区代码", "地区", "时间", "数值", "说明"]


def parse_nbs_easyquery(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    """The NBS easyquery shape: returndata.datanodes[] (one cell each, dimension codes in
    wds[]) and returndata.wdnodes[] (code → name, unit, memo). A cell with hasdata=false is
    missing: its `data` is 0 and must never be read as a value. 说明 is the cell's memo if it
    has one, else the indicator's (where a source says a figure is sample or published)."""
    doc = _json(data, encoding, dataset_id=dataset_id, uri=uri)
    try:
        returndata = doc["returndata"]
        names = {(w["wdcode"], n["code"]): n for w in returndata["wdnodes"] for n in w["nodes"]}
        rows = []
        for i, node in enumerate(returndata["datanodes"], 1):
            dims = {w["wdcode"]: w["valuecode"] for w in node["wds"]}
            zb = names.get(("zb", dims.get("zb")), {})
            reg = names.get(("reg", dims.get("reg")), {})
            cell = node["data"]
            value = (cell.get("strdata") or cell_text(cell.get("data"))) if cell.get("hasdata") else ""
            rows.append((i, [dims.get("zb", ""), zb.get("cname", ""), zb.get("unit", ""),
                             dims.get("reg", ""), reg.get("cname", ""), dims.get("sj", ""), value,
                             node.get("memo") or zb.get("memo", "")]))
    except (KeyError, TypeError) as exc:
        raise LoadError(f"{dataset_id}: {uri}: not an NBS easyquery response "
                        f"(missing {exc}); expected returndata.wdnodes/datanodes") from exc
    return ParsedTable(headers=NBS_HEADERS, rows=rows, position="record")


# 《企业环境信息依法披露格式准则》's annual report as the disclosure system exports it: one JSON
# document per enterprise and year. Its sections are read by these names; every emission
# figure becomes a row: one per outlet and pollutant, and one for the enterprise's CO2.
DISCLOSURE_BASIC = "一、企业基本信息"
DISCLOSURE_EMISSIONS = "三、污染物产生、治理与排放信息"
DISCLOSURE_CARBON = "四、碳排放信息"
DISCLOSURE_REPORT_FIELDS = ["报告年度", "披露日期", "报告类型"]
DISCLOSURE_BASIC_FIELDS = ["统一社会信用代码", "企业名称", "所在区县", "行业类别", "排污许可证编号"]
DISCLOSURE_ITEM_FIELDS = ["排放口编号", "排放口名称", "排放类别", "污染物名称"]
# the emission's heading carries its unit, 年排放量(吨): the contract checks it like a column's
EMISSION_KEY = "年排放量"
CO2_KEY = "二氧化碳排放量"
CO2_OUTLET = "全厂"  # CO2 is reported for the whole enterprise, not per outlet


def parse_disclosure_report(data: bytes, encoding: str, *, dataset_id: str, uri: str) -> ParsedTable:
    """One annual disclosure report (JSON) → rows (outlet, pollutant, emission) under the
    report's year, enterprise and date; the CO2 figure as outlet 全厂, pollutant 二氧化碳."""
    doc = _json(data, encoding, dataset_id=dataset_id, uri=uri)
    where = f"{dataset_id}: {uri}"
    try:
        basic, outlets = doc[DISCLOSURE_BASIC], doc[DISCLOSURE_EMISSIONS]["排放口"]
        report = [cell_text(doc.get(k)) for k in DISCLOSURE_REPORT_FIELDS]
        enterprise = [cell_text(basic.get(k)) for k in DISCLOSURE_BASIC_FIELDS]
        items = [(outlet, item) for outlet in outlets for item in outlet["污染物"]]
    except (KeyError, TypeError) as exc:
        raise LoadError(f"{where}: not a disclosure report (missing {exc}); expected "
                        f"{DISCLOSURE_BASIC}, {DISCLOSURE_EMISSIONS}.排放口[].污染物[]") from exc
    if len(items) > MAX_REPORT_FIGURES:
        raise LoadError(f"{where}: {DISCLOSURE_EMISSIONS}: {len(items)} figures in {len(outlets)} "
                        f"outlets, over the {MAX_REPORT_FIGURES} one report may hold; nothing was landed")
    keys = {k for _, item in items for k in item if k.startswith(EMISSION_KEY)}
    if len(keys) != 1:
        raise LoadError(f"{where}: {DISCLOSURE_EMISSIONS}: expected one emission heading "
                        f"{EMISSION_KEY}(unit) in every pollutant item, found {sorted(keys) or 'none'}")
    key = keys.pop()
    note = cell_text(doc.get("备注"))
    rows = [[*report, *enterprise, *(cell_text(outlet.get(k)) for k in DISCLOSURE_ITEM_FIELDS[:3]),
             cell_text(item.get("污染物名称")), cell_text(item.get(key)), note] for outlet, item in items]
    carbon = doc.get(DISCLOSURE_CARBON) or {}
    co2 = {k: v for k, v in carbon.items() if k.startswith(CO2_KEY)}
    if len(co2) > 1:
        raise LoadError(f"{where}: {DISCLOSURE_CARBON}: more than one CO2 figure {sorted(co2)}")
    if co2:
        (co2_key, value), = co2.items()
        if co2_key.removeprefix(CO2_KEY) != key.removeprefix(EMISSION_KEY):
            raise LoadError(f"{where}: {DISCLOSURE_CARBON}: {co2_key} is not in the pollutants' unit "
                            f"({key}); the contract reads one unit per report")
        rows.append([*report, *enterprise, CO2_OUTLET, "", "碳排放", "二氧化碳", cell_text(value), note])
    headers = DISCLOSURE_REPORT_FIELDS + DISCLOSURE_BASIC_FIELDS + DISCLOSURE_ITEM_FIELDS + [key, "备注"]
    return ParsedTable(headers=headers, rows=list(enumerate(rows, 1)), position="figure")
