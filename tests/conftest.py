"""Hypothesis profiles: random exploration by default, a fixed sequence of examples in CI.

scripts/test.sh (the README's test command, which CI runs) selects the
"deterministic" profile, so a CI run is reproducible; run pytest directly to
explore new random examples each time.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
