"""Default settings of a drift check (a module light enough for the command line to import eagerly)."""

TOP_FEATURES = 50
DRIFT_SHARE = 0.3
REFERENCE_ROWS = 50_000
MIN_ROWS = 100
SEED = 42
AUC_DROP = 0.03
