"""Training, business cost, threshold, model bundle and model card."""

import os

# OpenMP threads of LightGBM wait passively: busy-waiting made 2 threads on 2 shared cores 5-10x slower than
# one. The OpenMP runtime reads this when LightGBM is loaded, so it is set before any submodule imports it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
