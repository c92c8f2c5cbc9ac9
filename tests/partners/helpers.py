from __future__ import annotations

import re


def assert_clean_markup(html: str) -> None:
    """No inline scripts and no inline styles (a strict CSP is ahead); every input has a label."""
    assert "style=" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    for match in re.finditer(r'<(input|select|textarea)\b[^>]*\bid="([^"]+)"', html):
        if 'type="hidden"' in match.group(0):
            continue
        assert f'for="{match.group(2)}"' in html, f"no label for #{match.group(2)}"
