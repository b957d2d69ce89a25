"""Configuration of the real-browser tests.

The ``browser`` marker selects them (``-m browser``) or leaves them out
(``-m "not browser"``). It is registered here so that this folder works on its
own; registering it in pyproject.toml as well is harmless.
"""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives JupyterLab in headless chromium; skipped without chromium and "
        "Playwright, except under CI=true where they are required",
    )
