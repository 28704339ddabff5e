"""The conformed fact as an SDMX dataflow: its structure (concepts, the code lists INDICATOR,
REF_AREA, UNIT_MEASURE, OBS_STATUS and FREQ, the data structure definition and the dataflow)
as an SDMX-ML 2.1 structure message, and the observations as SDMX-CSV 2.0, both written by
sdmx1 from one information model. SDMX-CSV 2.0 (STRUCTURE, STRUCTURE_ID, ACTION) rather
than 1.0 because that is what SDMX readers, sdmx1's included, read back against a structure.
The code lists come from the tier's own snapshot, so the open tier lists open indicators only;
so every artefact's id carries its tier (CL_INDICATOR_OPEN, SYNERGY_INDICATORS_SHARED): the two
tiers' structures differ, and a registry holding both must not find two versions of one id."""

from pathlib import Path

import sdmx
from sdmx.format.csv import v2
from sdmx.message import StructureMessage
from sdmx.model import common
from sdmx.model import v21 as model

from .exports import indicator_labels, rounded_select
from .files import temp_path
from .metadata import TableDoc
from .snapshot import open_snapshot

FACT = "fct_indicator_observation"
AGENCY = "CN_BAZHONG"
DATAFLOW = "SYNERGY_INDICATORS"
SDMX_VERSION = "1.0"
STRUCTURE_FILE = "structure.xml"
# fact column → SDMX concept, with the concept's names
SDMX_DIMENSIONS = {"indicator_code": "INDICATOR", "ref_area": "REF_AREA", "freq": "FREQ",
                   "time_period": "TIME_PERIOD"}
SDMX_ATTRIBUTES = {"unit_code": "UNIT_MEASURE", "obs_status": "OBS_STATUS", "provenance": "PROVENANCE",
                   "source_id": "SOURCE_ID"}
CONCEPTS = {
    "INDICATOR": ("指标", "Indicator"), "REF_AREA": ("行政区划", "Reference area"),
    "FREQ": ("频率", "Frequency"), "TIME_PERIOD": ("统计期", "Time period"),
    "OBS_VALUE": ("观测值", "Observation value"), "UNIT_MEASURE": ("计量单位", "Unit of measure"),
    "OBS_STATUS": ("观测值状态", "Observation status"),
    "PROVENANCE": ("数据性质", "Provenance: published, sample or derived"),
    "SOURCE_ID": ("来源数据集", "Source dataset (ingestion/sources.yml id)"),
}
# Fixed code lists (the fact's accepted values, dbt tests in marts/core)
OBS_STATUS = {"A": ("正常值", "Normal value"),
              "R": ("修订值", "Revised: a later vintage of the source changed the value")}
FREQ = {"A": ("年", "Annual")}


def tier_id(id_: str, tier: str) -> str:
    """An artefact's id in `tier`'s structure."""
    return f"{id_}_{tier.upper()}"


def _codelist(concept_id: str, codes: dict[str, tuple[str, str]], agency,
              tier: str) -> common.Codelist:
    concept = CONCEPTS.get(concept_id, ("", ""))
    cl = common.Codelist(id=tier_id(f"CL_{concept_id}", tier), maintainer=agency, version=SDMX_VERSION,
                         name={"zh": concept[0], "en": concept[1]})
    for code, (zh, en) in sorted(codes.items()):
        cl.append(common.Code(id=code, name={"zh": zh, "en": en}))
    return cl


def structure(con, tier: str) -> StructureMessage:
    """`tier`'s dataflow structure, its code lists filled from the snapshot `con` holds."""
    agency = common.Agency(id=AGENCY)
    codelists = {
        "INDICATOR": _codelist("INDICATOR", {c: (zh, en) for c, zh, en in con.execute(
            "SELECT indicator_code, name_zh, name_en FROM dim_indicator").fetchall()}, agency, tier),
        "REF_AREA": _codelist("REF_AREA", {c: (zh, en) for c, zh, en in con.execute(
            "SELECT region_code, name_zh, name_en FROM dim_region").fetchall()}, agency, tier),
        "UNIT_MEASURE": _codelist("UNIT_MEASURE", {c: (zh, en) for c, zh, en in con.execute(
            "SELECT unit_code, name_zh, name_en FROM dim_unit").fetchall()}, agency, tier),
        "OBS_STATUS": _codelist("OBS_STATUS", OBS_STATUS, agency, tier),
        "FREQ": _codelist("FREQ", FREQ, agency, tier),
    }
    concepts = common.ConceptScheme(
        id=tier_id(f"CS_{DATAFLOW}", tier), maintainer=agency, version=SDMX_VERSION,
        name={"zh": "减污降碳协同增效指标概念", "en": "Synergy indicator concepts"})
    for id_, (zh, en) in CONCEPTS.items():
        concepts.append(common.Concept(id=id_, name={"zh": zh, "en": en}))

    def represented(id_: str) -> dict:
        enumerated = codelists.get(id_)
        return {"concept_identity": concepts[id_],
                **({"local_representation": common.Representation(enumerated=enumerated)}
                   if enumerated else {})}

    dsd = model.DataStructureDefinition(
        id=tier_id(f"DSD_{DATAFLOW}", tier), maintainer=agency, version=SDMX_VERSION,
        name={"zh": "巴中市减污降碳协同增效指标", "en": "Bazhong pollution-carbon synergy indicators"})
    for id_ in ("INDICATOR", "REF_AREA", "FREQ"):
        dsd.dimensions.getdefault(id_, **represented(id_))
    dsd.dimensions.getdefault("TIME_PERIOD", cls=common.TimeDimension, **represented("TIME_PERIOD"))
    dsd.measures.getdefault("OBS_VALUE", **represented("OBS_VALUE"))
    for id_ in SDMX_ATTRIBUTES.values():
        dsd.attributes.getdefault(id_, **represented(id_))
    flow = model.DataflowDefinition(id=tier_id(DATAFLOW, tier), maintainer=agency, version=SDMX_VERSION,
                                    structure=dsd, name=dsd.name)
    message = StructureMessage()
    for artefact in [*codelists.values(), concepts, dsd, flow]:
        message.add(artefact)
    return message


def write_sdmx(tier_dir: Path, tier: str) -> int:
    """tier_dir/sdmx/structure.xml (SDMX-ML 2.1 structure message) and
    tier_dir/sdmx/fct_indicator_observation.csv (SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID,
    ACTION, INDICATOR, REF_AREA, FREQ, TIME_PERIOD, OBS_VALUE, UNIT_MEASURE, OBS_STATUS,
    PROVENANCE, SOURCE_ID). Returns observations."""
    columns = [*SDMX_DIMENSIONS, "obs_value", *SDMX_ATTRIBUTES]
    with open_snapshot(tier_dir) as con:
        message = structure(con, tier)
        indicators = indicator_labels(con, [r[0] for r in con.execute("SHOW TABLES").fetchall()])
        fact = rounded_select(FACT, ["indicator_code", "obs_value"], TableDoc(FACT, ""),
                              indicators)  # each value at its indicator's decimals, as in the CSV
        rows = con.execute(f"SELECT {', '.join(columns)} FROM ({fact}) JOIN dim_unit USING (unit) "
                           "ORDER BY indicator_code, ref_area, time_period").fetchall()
    flow = message.dataflow[tier_id(DATAFLOW, tier)]
    dsd = flow.structure
    dataset = model.DataSet(described_by=flow, structured_by=dsd)
    observations = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        key = model.Key(described_by=dsd.dimensions,
                        **{concept: values[col] for col, concept in SDMX_DIMENSIONS.items()})
        attributes = {concept: model.AttributeValue(value=str(values[col]),
                                                    value_for=dsd.attributes.get(concept))
                      for col, concept in SDMX_ATTRIBUTES.items() if values[col] is not None}
        observations.append(model.Observation(dimension=key, value=values["obs_value"],
                                              attached_attribute=attributes))
    dataset.add_obs(observations)
    folder = tier_dir / "sdmx"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / STRUCTURE_FILE
    tmp = temp_path(target)
    tmp.write_bytes(sdmx.to_xml(message, pretty_print=True))
    tmp.replace(target)
    target = folder / f"{FACT}.csv"
    tmp = temp_path(target)
    sdmx.to_csv(dataset, path=tmp, format_options=v2.FormatOptions(), attributes="o")
    tmp.replace(target)
    return len(observations)
