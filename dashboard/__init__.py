"""The credit officer's and analyst's dashboard: a multi-page Dash app fed by the scoring API over HTTP."""
