"""Plotly figures of the dashboard, pure functions of the API's JSON payloads, one module per page family.

Every figure has a text summary in `dashboard.text`; the shared palette and layout are in `style`.
"""
