"""Response models of the outcomes analysis by vintage and of the calibration watch (Operations page)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class VintageRowOut(BaseModel):
    """One vintage (month of the score) and risk grade."""

    vintage: str = Field(description="Month of the score the decision rested on (UTC), YYYY-MM")
    grade: str = Field(description="The offer's risk grade of the calibrated PD (pricing.json)")
    n: int = Field(description="Labelled clients")
    defaults: int
    default_rate: float = Field(description="Realised default rate")
    ci_low: float = Field(description="Lower bound of its Wilson interval")
    ci_high: float = Field(description="Upper bound of its Wilson interval")
    mean_probability: float = Field(description="Mean probability of default given at the decision")


class VintagesOut(BaseModel):
    method: str
    confidence: float = Field(description="Level of the intervals (0.95)")
    labelled: int = Field(description="Labelled clients counted")
    grades: list[str] = Field(description="Grades present, best first")
    vintages: list[str] = Field(description="Vintages present, oldest first")
    rows: list[VintageRowOut]


class CalibrationCellOut(BaseModel):
    """Realised default rate against the mean PD of a group of labelled clients."""

    n: int
    defaults: int
    default_rate: float | None
    mean_probability: float | None
    ci_low: float | None = Field(description="Wilson interval of the realised rate (Bonferroni-corrected)")
    ci_high: float | None
    ece: float | None = Field(description="Expected calibration error (judged cells only)")
    judged: bool = Field(description="At least min_clients clients")
    flagged: bool = Field(description="Mean PD outside the interval of the realised rate")
    direction: str | None = Field(description="under: the model understates the risk; over: overstates it")


class CalibrationPeriodOut(CalibrationCellOut):
    period: str = Field(description="Month of the score (UTC), YYYY-MM")


class CalibrationSegmentOut(CalibrationCellOut):
    segment: str
    value: str
    name: str = Field(description="SEGMENT=value, e.g. RISK_GRADE=C")


class CalibrationWindowOut(CalibrationCellOut):
    start: str
    end: str


class RecalibrationOut(BaseModel):
    """The suggested prior shift of the calibrator (applied only as a challenger)."""

    method: str
    logit_shift: float
    odds_ratio: float
    mean_probability_before: float
    mean_probability_after: float
    realised_rate: float
    apply: str


class CalibrationOut(BaseModel):
    """Calibration watched per month and, over the recent window, per segment."""

    alpha: float
    min_clients: int
    window_days: int
    labelled: int
    tested: int = Field(description="Judged months and segment values (Bonferroni divisor)")
    periods: list[CalibrationPeriodOut]
    window: CalibrationWindowOut | None = Field(description="The recent window (one test at alpha)")
    segments: list[CalibrationSegmentOut]
    unavailable: list[str] = Field(description="Segments whose field the prediction log does not hold")
    flagged: bool = Field(description="The recent window's realised rate moved beyond its interval")
    flags: list[str]
    recalibration: RecalibrationOut | None
