"""``make scan``: wapiti and sqlmap against the production shape on loopback, and the report they leave.

Only ``scan.py`` starts anything; the other modules turn what the scanners and the server wrote into findings,
judge them against ``judgements.toml`` and write ``report.md`` (tested in ``tests/security/test_scan_*``).
"""
