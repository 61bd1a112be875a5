"""Packages for setuptools; everything else about the distribution is in pyproject.toml.

pyproject.toml cannot both *find* the code packages and *add* the two data packages that
``package-dir`` maps onto the top-level ``openapi/`` and ``fixtures/`` folders, so this file
lists them together. See ``invoice_contracts/registry.py`` for how they are found at run time.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["mock_server*", "conformance*", "invoice_contracts*"]),
        "invoice_contracts.openapi",
        "invoice_contracts.fixtures",
    ]
)
