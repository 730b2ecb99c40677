"""Response models of the API, one module per resource family (the posted application models are in
`api.applications`). Models built from the library's results (dataclasses of `scoring.serving`) read them by
attribute (`base.FromResult`)."""
