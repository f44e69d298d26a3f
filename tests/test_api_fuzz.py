"""API fuzzing: schemathesis over the app's own OpenAPI (HashEmbedder store holding the shipped
corpus), checking only that nothing answers 5xx. Bounded: max_examples per operation."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from index.settings import Settings  # noqa: E402
from service.app import create_app, ingest_corpus  # noqa: E402
from service.state import State  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MAX_EXAMPLES = 30


def build_app():
    import tempfile
    root = Path(tempfile.mkdtemp(prefix="qa-fuzz-"))
    s = Settings(store=root / "store", corpus=ROOT / "corpus", embed_backend="hash", query_backend="hash",
                 admin_token="fuzz-token", max_upload_mb=1)
    state = State(s)
    ingest_corpus(state)
    # schemathesis' ASGI transport runs the app's lifespan around every call, and the lifespan
    # closes the store on exit: keep the connection open for the whole session instead
    state.store.close = lambda: None
    app = create_app(s, state=state)
    app.state.qa = state          # the ASGI transport may not run the lifespan
    return app


APP = build_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
