"""Sample-page builders, one module per platform, collected by make_sample_pages.py.

Each platform module defines ``build(out: Writer) -> list[Expect]``: it writes its
responses through ``out`` and returns the profiles it adds to the demo audit, each with
the outcome and flags it is meant to get.
"""
