"""Calibration targets of the demo region and where they come from.

Trimbos = the Trimbos study of the POH-GGZ (79 POHs), as quoted in domain.md §7; the funding
norm is domain.md §2 (normpraktijk). The generator is built so that reading its files back with
the definitions of domain.md §4/§5 gives these figures (tests/demo, docs/demo.md).
"""

from __future__ import annotations

#: Trimbos (domain.md §7): face-to-face consults per 8-hour day, mean and SD over POHs.
TARGET_FTF_PER_DAY = 9.2
FTF_SD = 1.9
#: The spread the Trimbos study reports (4–15); the demo's extreme POHs sit just inside it.
FTF_LOWEST, FTF_HIGHEST = 4.6, 14.2
#: Trimbos: intake 49.9 and follow-up 36.6 minutes.
INTAKE_MINUTES = 50.0
FOLLOWUP_MINUTES = 37.0
#: Trimbos: 83% of patient-related time is direct.
DIRECT_SHARE = 0.83
#: Trimbos: 24.6 h/week per POH (SD 8.3); the demo keeps every POH within 8–36 h.
MEAN_CONTRACT_HOURS = 24.6
#: Trimbos wait to intake: < 7 days, 7–14, 15–21, ≥ 22 days.
WAIT_BUCKETS: tuple[float, float, float, float] = (0.09, 0.53, 0.24, 0.14)
WAIT_BUCKET_DAYS: tuple[tuple[int, int], ...] = ((1, 6), (7, 14), (15, 21), (22, 85))
#: The long-wait practice (median > 21 days).
LONG_WAIT_BUCKETS: tuple[float, float, float, float] = (0.02, 0.10, 0.20, 0.68)
#: Funding norm from 2024: 16 h/week per normpraktijk of 2,350 listed patients.
NORM_HOURS_PER_WEEK = 16.0
NORM_LISTED = 2350
#: Share of POH episodes with a GGZ referral (gb-ggz / s-ggz); the outlier practice refers more.
GGZ_REFERRAL_SHARE = 0.21
GGZ_REFERRAL_SHARE_OUTLIER = 0.45
#: Days simulated before ``start`` so the caseload is in steady state at the export's start.
WARMUP_DAYS = 150

FTF_FORMS = frozenset({"consult", "visite", "groep"})
FOLLOW_UP_FORMS: tuple[tuple[str, float], ...] = (
    ("consult", 74.0),
    ("telefonisch", 9.0),
    ("video", 6.0),
    ("e-consult", 3.0),
    ("groep", 4.0),
    ("visite", 4.0),
)
