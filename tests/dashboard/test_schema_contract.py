"""The dashboard keeps its own copy of the API's response shapes (it talks HTTP only); this
test keeps the copy honest: every field the dashboard reads exists in the API's schema with a
compatible type, so the two cannot drift apart unnoticed."""

from __future__ import annotations

import inspect

import pytest
from pydantic import BaseModel

import api.imports.schemas as api_imports
import api.kpi.caseload as api_caseload
import api.kpi.quality as api_quality
import api.kpi.schemas as api_kpi
import api.org.schemas as api_org
import api.schemas as api_base
import dashboard.schemas as dash

PAIRS: dict[str, type[BaseModel]] = {
    "Health": api_base.Health,
    "Practice": api_org.PracticeRead,
    "Provider": api_org.ProviderRead,
    "DataPeriods": api_kpi.DataPeriodsRead,
    "Period": api_kpi.PeriodRead,
    "KpiDefinition": api_kpi.KpiDefinitionRead,
    "BreakdownItem": api_kpi.BreakdownItem,
    "Funnel": api_kpi.FunnelRead,
    "BenchmarkPosition": api_kpi.BenchmarkPosition,
    "KpiValue": api_kpi.KpiValueRead,
    "KpiPoint": api_kpi.KpiPointRead,
    "KpiSeries": api_kpi.KpiSeriesRead,
    "Distribution": api_kpi.DistributionRead,
    "BenchmarkPracticeRow": api_kpi.BenchmarkPracticeRow,
    "Benchmark": api_kpi.BenchmarkRead,
    "ScorecardItem": api_kpi.ScorecardItem,
    "Scorecard": api_kpi.ScorecardRead,
    "FlowNode": api_kpi.FlowNode,
    "FlowLink": api_kpi.FlowLink,
    "ReferralFlows": api_kpi.ReferralFlowsRead,
    "Team": api_org.TeamRead,
    "TeamColumn": api_kpi.TeamColumn,
    "TeamCell": api_kpi.TeamCell,
    "TeamMemberRow": api_kpi.TeamMemberRow,
    "TeamOverview": api_kpi.TeamOverviewRead,
    "CaseloadPatient": api_caseload.CaseloadPatient,
    "Caseload": api_caseload.CaseloadRead,
    "Region": api_org.RegionRead,
    "ImportReject": api_imports.ImportRejectRead,
    "ImportSummary": api_imports.ImportSummary,
    "ImportReport": api_imports.ImportRead,
    "ImportList": api_imports.ImportList,
    "OutlierRule": api_quality.OutlierRuleRead,
    "QualityCell": api_quality.QualityCellRead,
    "LastImport": api_quality.LastImportRead,
    "PracticeQuality": api_quality.PracticeQualityRead,
    "Quality": api_quality.QualityRead,
}


def _dashboard_models() -> dict[str, type[BaseModel]]:
    return {
        name: cls
        for name, cls in inspect.getmembers(dash, inspect.isclass)
        if issubclass(cls, BaseModel) and cls.__module__ == dash.__name__ and name != "_Model"
    }


def test_every_dashboard_model_has_its_api_counterpart() -> None:
    assert set(_dashboard_models()) == set(PAIRS)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_dashboard_fields_exist_in_the_api(name: str) -> None:
    mine = _dashboard_models()[name].model_fields
    theirs = PAIRS[name].model_fields
    missing = set(mine) - set(theirs)
    assert not missing, f"dashboard.schemas.{name} reads fields the API does not send: {missing}"
    for field, info in mine.items():
        if info.is_required():
            assert theirs[field].is_required() or theirs[field].default is not None, (
                f"{name}.{field} is required by the dashboard but optional in the API"
            )
